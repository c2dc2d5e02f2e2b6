"""Scenarios of iam_workload_role_no_wildcard_data_access (LP-AC-2)."""

from __future__ import annotations

from compliance_checks.core import Status
from tests.compliance_checks.checks.iam.helpers import allow, role
from tests.compliance_checks.conftest import ACCOUNT_ID, by_resource, run_check

CHECK = "iam_workload_role_no_wildcard_data_access"
KEY = f"arn:aws:kms:us-east-1:{ACCOUNT_ID}:key/0b3c5e1d-1111-2222-3333-444455556666"


def test_given_named_actions_on_named_resources_then_pass(reader):
    arn = role(
        "api",
        workload="api",
        managed=[allow(["s3:GetObject", "s3:PutObject"], "arn:aws:s3:::leads/*"), allow("kms:Decrypt", KEY)],
    )
    result = by_resource(run_check(CHECK, reader))[arn]
    assert result.status is Status.PASS


def test_given_s3_star_on_one_bucket_then_fail(reader):
    bad = role("workers", workload="workers", managed=[allow("s3:*", "arn:aws:s3:::leads/*")])
    good = role("api", workload="api", managed=[allow("s3:GetObject", "arn:aws:s3:::leads/*")])
    results = by_resource(run_check(CHECK, reader))
    assert results[bad].status is Status.FAIL
    assert "every s3 action" in results[bad].message
    assert results[good].status is Status.PASS


def test_given_an_inline_get_item_on_every_resource_then_fail(reader):
    arn = role("ingestion", workload="ingestion", inline=[allow("dynamodb:GetItem", "*")])
    result = by_resource(run_check(CHECK, reader))[arn]
    assert result.status is Status.FAIL
    assert "dynamodb:GetItem on *" in result.message


def test_given_decrypt_on_every_key_then_fail(reader):
    arn = role("api", workload="api", inline=[allow("kms:Decrypt", "arn:aws:kms:*:*:key/*")])
    assert by_resource(run_check(CHECK, reader))[arn].status is Status.FAIL


def test_given_get_star_on_every_bucket_then_fail(reader):
    # s3:Get* includes s3:GetObject: a data read, not only metadata.
    arn = role("api", workload="api", inline=[allow("s3:Get*", "arn:aws:s3:::*")])
    assert by_resource(run_check(CHECK, reader))[arn].status is Status.FAIL


def test_given_a_not_action_block_that_leaves_secretsmanager_in_then_fail(reader):
    statement = {"Effect": "Allow", "NotAction": ["iam:*"], "Resource": "arn:aws:secretsmanager:*:*:secret:app-*"}
    arn = role("workers", workload="workers", inline=[statement])
    result = by_resource(run_check(CHECK, reader))[arn]
    assert result.status is Status.FAIL
    assert "NotAction" in result.message


def test_given_a_not_action_block_that_excludes_every_data_service_then_pass(reader):
    excluded = ["s3:*", "dynamodb:*", "kms:*", "secretsmanager:*", "rds-data:*"]
    arn = role("workers", workload="workers", inline=[{"Effect": "Allow", "NotAction": excluded, "Resource": "*"}])
    assert by_resource(run_check(CHECK, reader))[arn].status is Status.PASS


def test_given_metadata_reads_on_every_resource_then_pass(reader):
    arn = role(
        "auditor",
        workload="auditor",
        managed=[allow(["kms:DescribeKey", "s3:GetEncryptionConfiguration", "dynamodb:DescribeTable"], "*")],
    )
    assert by_resource(run_check(CHECK, reader))[arn].status is Status.PASS


def test_given_create_key_on_star_but_key_administration_on_every_key_then_fail_for_the_latter(reader):
    create = allow("kms:CreateKey", "*", Condition={"StringEquals": {"aws:RequestTag/leadping:environment": "prod"}})
    administer = allow(["kms:PutKeyPolicy", "kms:CreateGrant"], f"arn:aws:kms:*:{ACCOUNT_ID}:key/*")
    only_create = role("ci-create", workload="ci-deploy", managed=[create])
    both = role("ci-deploy", workload="ci-deploy", managed=[create, administer])
    results = by_resource(run_check(CHECK, reader))
    assert results[only_create].status is Status.PASS
    assert results[both].status is Status.FAIL
    assert "kms:CreateKey" not in results[both].message
    assert "kms:PutKeyPolicy, kms:CreateGrant on" in results[both].message


def test_given_a_role_outside_the_workload_tagging_then_no_result(reader):
    tagged = role("api", workload="api", inline=[allow("sqs:SendMessage", "*")])
    untagged = role("scratch", inline=[allow("s3:*", "*")])
    results = by_resource(run_check(CHECK, reader))
    assert untagged not in results
    assert results[tagged].status is Status.PASS


def test_given_no_role_is_tagged_then_every_role_is_judged(reader):
    arn = role("legacy", inline=[allow("s3:*", "*")])
    assert by_resource(run_check(CHECK, reader))[arn].status is Status.FAIL


def test_given_get_account_authorization_details_is_denied_then_error(reader, deny):
    role("api", workload="api", inline=[allow("s3:*", "*")])
    deny("iam", "GetAccountAuthorizationDetails")
    assert [r.status for r in run_check(CHECK, reader)] == [Status.ERROR]
