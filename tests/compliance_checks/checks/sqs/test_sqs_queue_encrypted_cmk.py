"""Scenarios of sqs_queue_encrypted_cmk (LP-DR-1)."""

from __future__ import annotations

import boto3

from compliance_checks.core import Status
from tests.compliance_checks.conftest import ACCOUNT_ID, REGION, by_resource, run_check

CHECK = "sqs_queue_encrypted_cmk"


def _queue(name: str, **attributes: str) -> str:
    boto3.client("sqs", region_name=REGION).create_queue(QueueName=name, Attributes=attributes)
    return f"arn:aws:sqs:{REGION}:{ACCOUNT_ID}:{name}"


def _customer_key() -> str:
    return boto3.client("kms", region_name=REGION).create_key()["KeyMetadata"]["Arn"]


def test_given_a_customer_managed_key_then_pass(reader):
    key = _customer_key()
    arn = _queue("leads", KmsMasterKeyId=key)
    result = by_resource(run_check(CHECK, reader))[arn]
    assert result.status is Status.PASS
    assert result.evidence["kms_key"] == key


def test_given_sqs_managed_sse_only_then_fail(reader):
    good = _queue("leads", KmsMasterKeyId=_customer_key())
    bad = _queue("sse-sqs", SqsManagedSseEnabled="true")
    results = by_resource(run_check(CHECK, reader))
    assert results[bad].status is Status.FAIL
    assert "SSE-SQS" in results[bad].message
    assert results[bad].evidence["sqs_managed_sse"] is True
    assert results[good].status is Status.PASS


def test_given_the_aws_managed_sqs_key_then_fail(reader):
    arn = _queue("aws-managed", KmsMasterKeyId="alias/aws/sqs")
    result = by_resource(run_check(CHECK, reader))[arn]
    assert result.status is Status.FAIL
    assert "AWS-managed" in result.message


def test_given_get_queue_attributes_is_denied_then_error(reader, deny):
    arn = _queue("denied", KmsMasterKeyId=_customer_key())
    deny("sqs", "GetQueueAttributes")
    result = by_resource(run_check(CHECK, reader))[arn]
    assert result.status is Status.ERROR
    assert result.evidence["error_kind"] == "access-denied"
