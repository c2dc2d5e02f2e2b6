"""Scenarios of s3_bucket_public_access_blocked (LP-LOG-2)."""

from __future__ import annotations

import boto3

from compliance_checks.core import Status
from tests.compliance_checks.checks.s3.helpers import ALL_BLOCKED, bucket, s3_client
from tests.compliance_checks.conftest import ACCOUNT_ID, REGION, by_resource, run_check

CHECK = "s3_bucket_public_access_blocked"


def _block(name: str, **flags: bool) -> None:
    s3_client().put_public_access_block(Bucket=name, PublicAccessBlockConfiguration={**ALL_BLOCKED, **flags})


def _account_block(**flags: bool) -> None:
    boto3.client("s3control", region_name=REGION).put_public_access_block(
        AccountId=ACCOUNT_ID, PublicAccessBlockConfiguration={**ALL_BLOCKED, **flags}
    )


def test_given_all_four_flags_on_the_bucket_then_pass(reader):
    arn = bucket("leads")
    _block("leads")
    assert by_resource(run_check(CHECK, reader))[arn].status is Status.PASS


def test_given_the_account_blocks_everything_then_pass(reader):
    arn = bucket("leads")
    s3_client().delete_public_access_block(Bucket="leads")
    _account_block()
    assert by_resource(run_check(CHECK, reader))[arn].status is Status.PASS


def test_given_block_public_policy_off_and_no_account_block_then_fail(reader):
    bad = bucket("open-policy")
    _block("open-policy", BlockPublicPolicy=False)
    good = bucket("leads")
    _block("leads")
    results = by_resource(run_check(CHECK, reader))
    assert results[bad].status is Status.FAIL
    assert "BlockPublicPolicy" in results[bad].message
    assert results[good].status is Status.PASS


def test_given_no_configuration_anywhere_then_fail(reader):
    arn = bucket("leads")
    s3_client().delete_public_access_block(Bucket="leads")
    result = by_resource(run_check(CHECK, reader))[arn]
    assert result.status is Status.FAIL
    assert result.evidence["account"] is None


def test_given_bucket_and_account_each_block_half_then_pass(reader):
    arn = bucket("leads")
    _block("leads", BlockPublicPolicy=False, RestrictPublicBuckets=False)
    _account_block(BlockPublicAcls=False, IgnorePublicAcls=False)
    assert by_resource(run_check(CHECK, reader))[arn].status is Status.PASS


def test_given_get_bucket_public_access_block_is_denied_then_error(reader, deny):
    arn = bucket("leads")
    deny("s3", "GetPublicAccessBlock")
    assert by_resource(run_check(CHECK, reader))[arn].status is Status.ERROR


def test_given_the_account_block_is_needed_and_denied_then_error(reader, deny):
    arn = bucket("leads")
    _block("leads", BlockPublicPolicy=False)
    deny("s3control", "GetPublicAccessBlock")
    assert by_resource(run_check(CHECK, reader))[arn].status is Status.ERROR
