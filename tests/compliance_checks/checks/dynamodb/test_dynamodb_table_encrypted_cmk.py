"""Scenarios of dynamodb_table_encrypted_cmk (LP-DR-1)."""

from __future__ import annotations

import boto3
from moto.kms.models import kms_backends

from compliance_checks.core import Status
from tests.compliance_checks.checks.dynamodb.helpers import one_table_undescribed, table
from tests.compliance_checks.conftest import ACCOUNT_ID, REGION, by_resource, run_check

CHECK = "dynamodb_table_encrypted_cmk"


def _customer_key() -> str:
    return boto3.client("kms", region_name=REGION).create_key()["KeyMetadata"]["Arn"]


def test_given_a_table_encrypted_with_a_customer_key_then_pass(reader):
    key = _customer_key()
    arn = table("leads", sse={"Enabled": True, "SSEType": "KMS", "KMSMasterKeyId": key})
    result = by_resource(run_check(CHECK, reader))[arn]
    assert result.status is Status.PASS
    assert result.evidence["kms_key"] == key


def test_given_a_table_with_the_default_aws_owned_key_then_fail(reader):
    good = table("leads", sse={"Enabled": True, "SSEType": "KMS", "KMSMasterKeyId": _customer_key()})
    bad = table("messages")
    results = by_resource(run_check(CHECK, reader))
    assert results[good].status is Status.PASS
    assert results[bad].status is Status.FAIL
    assert "AWS-owned" in results[bad].message


def test_given_a_table_encrypted_with_the_aws_managed_key_then_fail(reader):
    arn = table("leads", sse={"Enabled": True, "SSEType": "KMS"})
    # moto creates alias/aws/dynamodb as an ordinary key reporting KeyManager CUSTOMER; AWS reports AWS.
    backend = kms_backends[ACCOUNT_ID][REGION]
    backend.keys[backend.describe_key("alias/aws/dynamodb").id].key_manager = "AWS"
    result = by_resource(run_check(CHECK, reader))[arn]
    assert result.status is Status.FAIL
    assert "managed by AWS" in result.message


def test_given_describe_key_is_denied_then_error(reader, deny):
    arn = table("leads", sse={"Enabled": True, "SSEType": "KMS", "KMSMasterKeyId": _customer_key()})
    deny("kms", "DescribeKey")
    result = by_resource(run_check(CHECK, reader))[arn]
    assert result.status is Status.ERROR
    assert result.evidence["error_kind"] == "access-denied"


def test_given_one_table_that_cannot_be_described_then_error_for_it_and_the_other_tables_judged(reader, deny):
    neighbour, unreadable = one_table_undescribed(CHECK, reader, deny)
    assert neighbour.status is Status.FAIL
    assert (unreadable.status, unreadable.evidence["operation"]) == (Status.ERROR, "dynamodb:describe_table")
