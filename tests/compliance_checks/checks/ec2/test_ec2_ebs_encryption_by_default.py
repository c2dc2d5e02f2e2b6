"""Scenarios of ec2_ebs_encryption_by_default (LP-DR-1).

moto does not implement GetEbsDefaultKmsKeyId: that one call is answered by answer_operation.
"""

from __future__ import annotations

import boto3
from moto.kms.models import kms_backends

from compliance_checks.core import Status
from compliance_checks.reader import Reader
from tests.compliance_checks.checks.ec2.helpers import answer_operation
from tests.compliance_checks.conftest import ACCOUNT_ID, REGION, by_resource, run_check

CHECK = "ec2_ebs_encryption_by_default"
RESOURCE = f"arn:aws:ec2:{REGION}:{ACCOUNT_ID}:ebs-encryption-by-default"


def _enable(reader: Reader, key: str) -> None:
    boto3.client("ec2", region_name=REGION).enable_ebs_encryption_by_default()
    answer_operation(reader, "ec2", "GetEbsDefaultKmsKeyId", {"KmsKeyId": key})


def test_given_encryption_by_default_with_a_customer_key_then_pass(reader):
    key = boto3.client("kms", region_name=REGION).create_key()["KeyMetadata"]["Arn"]
    _enable(reader, key)
    result = by_resource(run_check(CHECK, reader))[RESOURCE]
    assert result.status is Status.PASS
    assert result.evidence["default_kms_key"] == key


def test_given_encryption_by_default_off_then_fail(reader):
    result = by_resource(run_check(CHECK, reader))[RESOURCE]
    assert result.status is Status.FAIL
    assert "off" in result.message


def test_given_encryption_by_default_with_the_aws_managed_key_then_fail(reader):
    _enable(reader, "alias/aws/ebs")
    result = by_resource(run_check(CHECK, reader))[RESOURCE]
    assert result.status is Status.FAIL
    assert "AWS-managed" in result.message


def test_given_the_default_key_arn_is_aws_managed_then_fail(reader):
    key = boto3.client("kms", region_name=REGION).create_key()["KeyMetadata"]
    kms_backends[ACCOUNT_ID][REGION].keys[key["KeyId"]].key_manager = "AWS"  # moto has no AWS-managed keys
    _enable(reader, key["Arn"])
    assert by_resource(run_check(CHECK, reader))[RESOURCE].status is Status.FAIL


def test_every_audited_region_is_judged(session):
    reader = Reader(session, [REGION, "eu-west-1"])
    boto3.client("ec2", region_name="eu-west-1").enable_ebs_encryption_by_default()
    key = boto3.client("kms", region_name="eu-west-1").create_key()["KeyMetadata"]["Arn"]
    answer_operation(reader, "ec2", "GetEbsDefaultKmsKeyId", {"KmsKeyId": key})
    results = by_resource(run_check(CHECK, reader))
    assert results[RESOURCE].status is Status.FAIL
    assert results[f"arn:aws:ec2:eu-west-1:{ACCOUNT_ID}:ebs-encryption-by-default"].status is Status.PASS


def test_given_get_ebs_encryption_by_default_is_denied_then_error(reader, deny):
    deny("ec2", "GetEbsEncryptionByDefault", code="UnauthorizedOperation")
    result = by_resource(run_check(CHECK, reader))[RESOURCE]
    assert result.status is Status.ERROR
    assert result.evidence["error_kind"] == "access-denied"
