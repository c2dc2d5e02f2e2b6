"""Scenarios of iam_tenant_data_access_scoped (LP-AC-3)."""

from __future__ import annotations

import json
from typing import Any

import boto3
import pytest

from compliance_checks.core import Status
from tests.compliance_checks.checks.iam.helpers import allow, role, user
from tests.compliance_checks.conftest import ACCOUNT_ID, REGION, by_resource, run_check

CHECK = "iam_tenant_data_access_scoped"
TENANT = "${aws:PrincipalTag/business_id}"
LEADING_KEYS = {"ForAllValues:StringEquals": {"dynamodb:LeadingKeys": [TENANT]}}


def _table(name: str, *, key: str = "business_id", tags: dict[str, str] | None = None) -> str:
    client = boto3.client("dynamodb", region_name=REGION)
    kwargs: dict[str, Any] = {
        "TableName": name,
        "KeySchema": [{"AttributeName": key, "KeyType": "HASH"}],
        "AttributeDefinitions": [{"AttributeName": key, "AttributeType": "S"}],
        "BillingMode": "PAY_PER_REQUEST",
    }
    if tags:
        kwargs["Tags"] = [{"Key": k, "Value": v} for k, v in tags.items()]
    return client.create_table(**kwargs)["TableDescription"]["TableArn"]


def _bucket(name: str, *, tenant: bool = True, policy: dict | None = None) -> str:
    client = boto3.client("s3", region_name=REGION)
    client.create_bucket(Bucket=name)
    if tenant:
        client.put_bucket_tagging(Bucket=name, Tagging={"TagSet": [{"Key": "leadping:tenant-data", "Value": "true"}]})
    if policy:
        client.put_bucket_policy(Bucket=name, Policy=json.dumps(policy))
    return f"arn:aws:s3:::{name}"


@pytest.fixture
def leads_table():
    return _table("leads")


def test_given_item_access_with_the_leading_keys_condition_then_pass(reader, leads_table):
    arn = role(
        "api",
        workload="api",
        inline=[allow(["dynamodb:GetItem", "dynamodb:Query"], leads_table, Condition=LEADING_KEYS)],
    )
    result = by_resource(run_check(CHECK, reader))[arn]
    assert result.status is Status.PASS


def test_given_query_without_a_leading_keys_condition_then_fail(reader, leads_table):
    bad = role("workers", workload="workers", inline=[allow("dynamodb:Query", leads_table)])
    good = role("api", workload="api", inline=[allow("dynamodb:Query", leads_table, Condition=LEADING_KEYS)])
    results = by_resource(run_check(CHECK, reader))
    assert results[bad].status is Status.FAIL
    assert "no dynamodb:LeadingKeys" in results[bad].message
    assert results[good].status is Status.PASS


def test_given_dynamodb_star_on_star_and_an_untagged_business_id_table_then_fail(reader):
    _table("messages")  # partition key business_id, no tag: still a tenant table
    arn = role("ingestion", workload="ingestion", managed=[allow("dynamodb:*", "*")])
    assert by_resource(run_check(CHECK, reader))[arn].status is Status.FAIL


def test_given_a_tagged_table_with_another_key_then_it_is_a_tenant_table(reader):
    table = _table("calls", key="call_id", tags={"leadping:tenant-data": "true"})
    arn = role("api", workload="api", inline=[allow("dynamodb:GetItem", table)])
    assert by_resource(run_check(CHECK, reader))[arn].status is Status.FAIL


def test_given_a_leading_keys_condition_on_another_value_then_fail(reader, leads_table):
    condition = {"ForAllValues:StringEquals": {"dynamodb:LeadingKeys": ["b-123"]}}
    arn = role("api", workload="api", inline=[allow("dynamodb:GetItem", leads_table, Condition=condition)])
    assert by_resource(run_check(CHECK, reader))[arn].status is Status.FAIL


def test_given_scan_with_for_all_values_and_no_null_guard_then_fail(reader, leads_table):
    arn = role(
        "api", workload="api", inline=[allow(["dynamodb:Query", "dynamodb:Scan"], leads_table, Condition=LEADING_KEYS)]
    )
    result = by_resource(run_check(CHECK, reader))[arn]
    assert result.status is Status.FAIL
    assert "dynamodb:Scan" in result.message


def test_given_scan_with_a_null_guard_then_pass(reader, leads_table):
    condition = {**LEADING_KEYS, "Null": {"dynamodb:LeadingKeys": "false"}}
    arn = role(
        "api", workload="api", inline=[allow(["dynamodb:Query", "dynamodb:Scan"], leads_table, Condition=condition)]
    )
    assert by_resource(run_check(CHECK, reader))[arn].status is Status.PASS


def test_given_a_statement_on_a_non_tenant_table_only_then_no_result(reader, leads_table):
    other = _table("settings", key="setting_id")
    arn = role("api", workload="api", inline=[allow("dynamodb:GetItem", other)])
    assert arn not in by_resource(run_check(CHECK, reader))


def test_given_object_access_under_the_business_prefix_then_pass(reader):
    bucket = _bucket("recordings")
    resource = f"{bucket}/businesses/{TENANT}/*"
    arn = role("api", workload="api", inline=[allow(["s3:GetObject", "s3:PutObject"], resource)])
    assert by_resource(run_check(CHECK, reader))[arn].status is Status.PASS


def test_given_object_access_on_the_whole_bucket_then_fail(reader):
    bucket = _bucket("recordings")
    bad = role("workers", workload="workers", inline=[allow("s3:GetObject", f"{bucket}/*")])
    good = role("api", workload="api", inline=[allow("s3:GetObject", f"{bucket}/businesses/{TENANT}/*")])
    results = by_resource(run_check(CHECK, reader))
    assert results[bad].status is Status.FAIL
    assert "reach beyond businesses/" in results[bad].message
    assert results[good].status is Status.PASS


def test_given_object_access_on_every_business_prefix_then_fail(reader):
    bucket = _bucket("recordings")
    arn = role("api", workload="api", inline=[allow("s3:PutObject", f"{bucket}/businesses/*")])
    assert by_resource(run_check(CHECK, reader))[arn].status is Status.FAIL


def test_given_a_prefix_without_the_trailing_slash_then_fail(reader):
    # businesses/b-1* also matches businesses/b-10/...: another business.
    bucket = _bucket("recordings")
    arn = role("api", workload="api", inline=[allow("s3:GetObject", f"{bucket}/businesses/{TENANT}*")])
    assert by_resource(run_check(CHECK, reader))[arn].status is Status.FAIL


def test_given_s3_star_on_star_then_fail(reader):
    _bucket("recordings")
    arn = role("api", workload="api", inline=[allow("s3:*", "*")])
    assert by_resource(run_check(CHECK, reader))[arn].status is Status.FAIL


def test_given_an_untagged_service_role_in_a_tagged_account_then_no_result(reader, leads_table):
    workload = role("api", workload="api", inline=[allow("dynamodb:Query", leads_table, Condition=LEADING_KEYS)])
    backup = role("backup-service", inline=[allow(["dynamodb:PutItem", "dynamodb:Scan"], leads_table)])
    results = by_resource(run_check(CHECK, reader))
    assert backup not in results
    assert results[workload].status is Status.PASS


def test_given_no_role_is_tagged_then_every_role_is_judged(reader, leads_table):
    arn = role("backup-service", inline=[allow(["dynamodb:PutItem"], leads_table)])
    assert by_resource(run_check(CHECK, reader))[arn].status is Status.FAIL


def test_given_a_user_with_object_access_on_the_whole_bucket_then_fail(reader):
    bucket = _bucket("recordings")
    arn = user("analyst", inline=[allow("s3:GetObject", f"{bucket}/*")])
    result = by_resource(run_check(CHECK, reader))[arn]
    assert result.status is Status.FAIL
    assert result.resource_type == "AWS::IAM::User"


def test_given_object_metadata_reads_and_listing_then_no_result(reader):
    bucket = _bucket("recordings")
    arn = role(
        "auditor", workload="auditor", inline=[allow(["s3:GetObjectAcl", "s3:ListBucket"], [bucket, f"{bucket}/*"])]
    )
    assert arn not in by_resource(run_check(CHECK, reader))


def test_given_a_tenant_bucket_policy_granting_the_whole_bucket_then_fail_for_the_bucket(reader):
    name = "recordings"
    policy = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT_ID}:role/api"},
                "Action": "s3:GetObject",
                "Resource": f"arn:aws:s3:::{name}/*",
            }
        ],
    }
    bucket = _bucket(name, policy=policy)
    result = by_resource(run_check(CHECK, reader))[bucket]
    assert result.status is Status.FAIL
    assert result.resource_type == "AWS::S3::Bucket"


def test_given_object_access_to_a_non_tenant_bucket_then_no_result(reader):
    _bucket("recordings")
    public_assets = _bucket("assets", tenant=False)
    arn = role("api", workload="api", inline=[allow("s3:GetObject", f"{public_assets}/*")])
    assert arn not in by_resource(run_check(CHECK, reader))


def test_given_the_break_glass_role_then_no_result(reader, leads_table):
    arn = role("break-glass", workload="break-glass", inline=[allow("*", "*")])
    assert arn not in by_resource(run_check(CHECK, reader))


def test_given_get_account_authorization_details_is_denied_then_error(reader, deny, leads_table):
    role("api", workload="api", inline=[allow("dynamodb:Query", leads_table)])
    deny("iam", "GetAccountAuthorizationDetails")
    assert [r.status for r in run_check(CHECK, reader)] == [Status.ERROR]


def test_given_get_bucket_tagging_is_denied_then_error_for_that_bucket(reader, deny, leads_table):
    bucket = _bucket("recordings")
    deny("s3", "GetBucketTagging")
    results = by_resource(run_check(CHECK, reader))
    assert results[bucket].status is Status.ERROR
