"""Scenarios of backup_selection_covers_data_stores (LP-BK-1).

moto lacks backup selections and region settings: the Selections fixture answers those calls.
"""

from __future__ import annotations

import boto3

from compliance_checks.core import Status
from compliance_checks.reader import Reader
from compliance_checks.services.backup import assigns
from tests.compliance_checks.checks.backup.helpers import DATA_STORE_TAGS, Selections, plan, rule
from tests.compliance_checks.checks.dynamodb.helpers import table
from tests.compliance_checks.checks.rds.helpers import cluster, instance
from tests.compliance_checks.conftest import REGION, by_resource, run_check

CHECK = "backup_selection_covers_data_stores"
DATA_STORE = {"leadping:data-store": "true"}
DAILY = rule("daily", "cron(0 5 * * ? *)", 35)


def test_given_a_tagged_table_selected_by_list_of_tags_then_pass(reader):
    arn = table("leads", tags=DATA_STORE)
    table("scratch")  # not a data store: not judged
    Selections(reader).add(plan("leadping", DAILY), ListOfTags=DATA_STORE_TAGS)
    results = by_resource(run_check(CHECK, reader))
    assert list(results) == [arn]
    assert results[arn].status is Status.PASS
    assert results[arn].evidence["selection"] == "leadping/data-stores"


def test_given_a_tagged_table_no_selection_matches_then_fail(reader):
    covered = table("leads", tags=DATA_STORE)
    uncovered = table("messages", tags=DATA_STORE)
    Selections(reader).add(plan("leadping", DAILY), Resources=[covered])
    results = by_resource(run_check(CHECK, reader))
    assert results[covered].status is Status.PASS
    assert results[uncovered].status is Status.FAIL
    assert "neither its Resources nor its ListOfTags match" in results[uncovered].evidence["not_covered_by"][0]


def test_given_a_tagged_table_without_any_backup_selection_then_fail(reader):
    arn = table("leads", tags=DATA_STORE)
    Selections(reader)
    result = by_resource(run_check(CHECK, reader))[arn]
    assert result.status is Status.FAIL
    assert "no backup selection in" in result.message


def test_given_a_tagged_table_excluded_by_not_resources_then_fail(reader):
    arn = table("leads", tags=DATA_STORE)
    Selections(reader).add(plan("leadping", DAILY), Resources=["arn:aws:dynamodb:*:*:table/*"], NotResources=[arn])
    result = by_resource(run_check(CHECK, reader))[arn]
    assert result.status is Status.FAIL
    assert "NotResources" in result.evidence["not_covered_by"][0]


def test_given_a_tagged_database_failing_the_selection_condition_then_fail(reader):
    tagged = instance("leads-db", Tags={**DATA_STORE, "backup": "daily"})
    other = instance("events-db", Tags=DATA_STORE)
    condition = {"StringEquals": [{"ConditionKey": "aws:ResourceTag/backup", "ConditionValue": "daily"}]}
    Selections(reader).add(plan("leadping", DAILY), Resources=["arn:aws:rds:*:*:db:*"], Conditions=condition)
    results = by_resource(run_check(CHECK, reader))
    assert results[tagged].status is Status.PASS
    assert results[other].status is Status.FAIL
    assert "StringEquals" in results[other].evidence["not_covered_by"][0]


def test_given_a_tagged_bucket_selected_by_a_string_like_condition_then_pass(reader):
    s3 = boto3.client("s3", region_name=REGION)
    s3.create_bucket(Bucket="leadping-leads")
    s3.put_bucket_tagging(
        Bucket="leadping-leads", Tagging={"TagSet": [{"Key": "leadping:data-store", "Value": "true"}]}
    )
    condition = {"StringLike": [{"ConditionKey": "aws:ResourceTag/leadping:data-store", "ConditionValue": "t*"}]}
    Selections(reader).add(plan("leadping", DAILY), Resources=["*"], Conditions=condition)
    assert by_resource(run_check(CHECK, reader))["arn:aws:s3:::leadping-leads"].status is Status.PASS


def test_given_a_tagged_aurora_cluster_selected_while_aurora_is_not_opted_in_then_fail(reader):
    arn = cluster("leads-cluster", Tags=DATA_STORE)
    selections = Selections(reader, opt_in={"Aurora": False, "RDS": True, "DynamoDB": True, "S3": True})
    selections.add(plan("leadping", DAILY), Resources=[arn])  # an explicit ARN does not override it for Aurora
    result = by_resource(run_check(CHECK, reader))[arn]
    assert result.status is Status.FAIL
    assert "Aurora is not opted in" in result.evidence["not_covered_by"][0]


def test_given_a_tagged_table_selected_by_its_arn_while_dynamodb_is_not_opted_in_then_pass(reader):
    by_arn = table("leads", tags=DATA_STORE)
    by_tag = table("messages", tags=DATA_STORE)
    selections = Selections(reader, opt_in={"DynamoDB": False})
    plan_id = plan("leadping", DAILY)
    selections.add(plan_id, "by-arn", Resources=[by_arn])
    selections.add(plan_id, "by-tag", ListOfTags=DATA_STORE_TAGS)
    results = by_resource(run_check(CHECK, reader))
    assert results[by_arn].status is Status.PASS
    assert results[by_tag].status is Status.FAIL


def test_a_tagged_aurora_member_makes_its_cluster_the_data_store(reader):
    arn = cluster("leads-cluster")
    member = instance(
        "leads-cluster-1", engine="aurora-postgresql", DBClusterIdentifier="leads-cluster", Tags=DATA_STORE
    )
    Selections(reader).add(plan("leadping", DAILY), ListOfTags=DATA_STORE_TAGS)
    results = by_resource(run_check(CHECK, reader))
    assert list(results) == [arn]
    assert results[arn].status is Status.FAIL  # the selection matches the tag, which the cluster lacks
    assert results[arn].evidence["tagged_member"] == member


def test_given_a_tagged_table_selected_only_by_a_plan_of_another_region_then_fail(session):
    reader = Reader(session, [REGION, "eu-west-1"])
    arn = table("leads", tags=DATA_STORE)
    Selections(reader).add(plan("leadping-eu", DAILY, region="eu-west-1"), Resources=["*"])
    result = by_resource(run_check(CHECK, reader))[arn]
    assert result.status is Status.FAIL
    assert f"no backup selection in {REGION}" in result.message


def test_given_get_backup_selection_is_denied_then_error(reader, deny):
    table("leads", tags=DATA_STORE)
    deny("backup", "GetBackupSelection")  # registered first, so it answers before the Selections stub
    Selections(reader).add(plan("leadping", DAILY), ListOfTags=DATA_STORE_TAGS)
    assert [r.status for r in run_check(CHECK, reader)] == [Status.ERROR]


def _beside_an_unreadable_selection(reader, deny, **readable_selection) -> str:
    """A tagged table, a selection of it that cannot be read, and ``readable_selection``; the table's ARN."""
    arn = table("leads", tags=DATA_STORE)
    unreadable = plan("scratch", DAILY)
    deny("backup", "GetBackupSelection", naming=unreadable)
    selections = Selections(reader)
    selections.add(unreadable, ListOfTags=DATA_STORE_TAGS)
    selections.add(plan("leadping", DAILY), **readable_selection)
    return arn


def test_given_one_selection_that_cannot_be_read_and_another_that_assigns_the_table_then_pass(reader, deny):
    arn = _beside_an_unreadable_selection(reader, deny, ListOfTags=DATA_STORE_TAGS)
    assert by_resource(run_check(CHECK, reader))[arn].status is Status.PASS


def test_given_one_selection_that_cannot_be_read_and_none_that_assigns_the_table_then_error(reader, deny):
    arn = _beside_an_unreadable_selection(reader, deny, Resources=["arn:aws:rds:*:*:db:*"])
    assert by_resource(run_check(CHECK, reader))[arn].status is Status.ERROR


def test_given_list_backup_plans_is_denied_then_error_for_every_data_store_of_the_region(reader, deny):
    leads, messages = table("leads", tags=DATA_STORE), table("messages", tags=DATA_STORE)
    Selections(reader).add(plan("leadping", DAILY), ListOfTags=DATA_STORE_TAGS)
    deny("backup", "ListBackupPlans")
    results = by_resource(run_check(CHECK, reader))
    assert {arn: r.status for arn, r in results.items()} == {leads: Status.ERROR, messages: Status.ERROR}


def test_selection_documents_are_read_as_aws_backup_reads_them():
    arn = "arn:aws:dynamodb:us-east-1:123456789012:table/leads"
    tags = {"leadping:data-store": "true", "stage": "prod"}
    # Resources OR ListOfTags
    assert assigns({"Resources": ["arn:aws:rds:*:*:db:*"], "ListOfTags": DATA_STORE_TAGS}, arn, tags).selected
    assert not assigns({"Resources": ["arn:aws:rds:*:*:db:*"]}, arn, tags).selected
    # Conditions are ANDed; negated operators hold for a missing tag
    both = {
        "StringEquals": [{"ConditionKey": "aws:ResourceTag/stage", "ConditionValue": "prod"}],
        "StringNotEquals": [{"ConditionKey": "aws:ResourceTag/backup", "ConditionValue": "skip"}],
    }
    assert assigns({"Resources": ["*"], "Conditions": both}, arn, tags).selected
    assert not assigns({"Resources": ["*"], "Conditions": both}, arn, {**tags, "backup": "skip"}).selected
    # no Resources and no ListOfTags: every resource is a candidate for the conditions
    assert assigns({"Conditions": both}, arn, tags).selected
    # wildcards are anchored and case-sensitive
    assert not assigns({"Resources": ["arn:aws:dynamodb:*:*:table/Leads"]}, arn, tags).selected
    assert assigns({"Resources": ["arn:aws:dynamodb:*:*:table/lea*"]}, arn, tags).by_resource_pattern


def test_given_bucket_tags_cannot_be_read_then_error_for_that_bucket(reader, deny):
    boto3.client("s3", region_name=REGION).create_bucket(Bucket="leadping-leads")
    covered = table("leads", tags=DATA_STORE)
    deny("s3", "GetBucketTagging")
    Selections(reader).add(plan("leadping", DAILY), ListOfTags=DATA_STORE_TAGS)
    results = by_resource(run_check(CHECK, reader))
    assert results["arn:aws:s3:::leadping-leads"].status is Status.ERROR
    assert results[covered].status is Status.PASS
