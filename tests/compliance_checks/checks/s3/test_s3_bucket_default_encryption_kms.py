"""Scenarios of s3_bucket_default_encryption_kms (LP-DR-1)."""

from __future__ import annotations

import boto3

from compliance_checks.core import Status
from tests.compliance_checks.conftest import REGION, by_resource, run_check

CHECK = "s3_bucket_default_encryption_kms"


def _bucket(name: str, rule: dict | None) -> str:
    s3 = boto3.client("s3", region_name=REGION)
    s3.create_bucket(Bucket=name)
    if rule is not None:
        s3.put_bucket_encryption(Bucket=name, ServerSideEncryptionConfiguration={"Rules": [rule]})
    return f"arn:aws:s3:::{name}"


def _customer_key() -> str:
    return boto3.client("kms", region_name=REGION).create_key()["KeyMetadata"]["Arn"]


def test_given_sse_kms_with_a_customer_key_and_bucket_keys_then_pass(reader):
    key = _customer_key()
    arn = _bucket(
        "leads-data",
        {
            "ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "aws:kms", "KMSMasterKeyID": key},
            "BucketKeyEnabled": True,
        },
    )
    result = by_resource(run_check(CHECK, reader))[arn]
    assert result.status is Status.PASS
    assert result.evidence["kms_key"] == key


def test_given_sse_s3_only_then_fail(reader):
    arn = _bucket("sse-s3-only", {"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"}})
    result = by_resource(run_check(CHECK, reader))[arn]
    assert result.status is Status.FAIL
    assert "AES256" in result.message


def test_given_the_aws_managed_key_then_fail(reader):
    arn = _bucket(
        "aws-managed", {"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "aws:kms"}, "BucketKeyEnabled": True}
    )
    result = by_resource(run_check(CHECK, reader))[arn]
    assert result.status is Status.FAIL
    assert "AWS-managed" in result.message


def test_given_bucket_keys_off_then_fail(reader):
    key = _customer_key()
    arn = _bucket(
        "no-bucket-key", {"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "aws:kms", "KMSMasterKeyID": key}}
    )
    result = by_resource(run_check(CHECK, reader))[arn]
    assert result.status is Status.FAIL
    assert "bucket keys are off" in result.message


def test_given_no_encryption_configuration_then_fail(reader):
    arn = _bucket("unencrypted", None)
    boto3.client("s3", region_name=REGION).delete_bucket_encryption(Bucket="unencrypted")
    result = by_resource(run_check(CHECK, reader))[arn]
    assert result.status is Status.FAIL


def test_only_the_non_compliant_bucket_fails(reader):
    key = _customer_key()
    good = _bucket(
        "good",
        {
            "ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "aws:kms", "KMSMasterKeyID": key},
            "BucketKeyEnabled": True,
        },
    )
    bad = _bucket("bad-one", {"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"}})
    results = by_resource(run_check(CHECK, reader))
    assert results[good].status is Status.PASS
    assert results[bad].status is Status.FAIL


def test_given_get_bucket_encryption_is_denied_then_error(reader, deny):
    arn = _bucket("denied", {"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"}})
    deny("s3", "GetBucketEncryption")
    result = by_resource(run_check(CHECK, reader))[arn]
    assert result.status is Status.ERROR
    assert result.evidence["error_kind"] == "access-denied"


def test_given_list_buckets_is_denied_then_the_whole_check_errors(reader, deny):
    _bucket("unseen", None)
    deny("s3", "ListBuckets")
    results = run_check(CHECK, reader)
    assert [r.status for r in results] == [Status.ERROR]
