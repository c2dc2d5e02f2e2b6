"""Scenarios of sns_topic_encrypted_cmk (LP-DR-1)."""

from __future__ import annotations

import boto3

from compliance_checks.core import Status
from tests.compliance_checks.conftest import REGION, by_resource, run_check

CHECK = "sns_topic_encrypted_cmk"


def _topic(name: str, key: str | None) -> str:
    attributes = {"KmsMasterKeyId": key} if key else {}
    return boto3.client("sns", region_name=REGION).create_topic(Name=name, Attributes=attributes)["TopicArn"]


def _customer_key(alias: str | None = None) -> str:
    client = boto3.client("kms", region_name=REGION)
    arn = client.create_key()["KeyMetadata"]["Arn"]
    if alias:
        client.create_alias(AliasName=alias, TargetKeyId=arn)
    return arn


def test_given_a_customer_managed_key_then_pass(reader):
    key = _customer_key()
    arn = _topic("security-alarms", key)
    result = by_resource(run_check(CHECK, reader))[arn]
    assert result.status is Status.PASS
    assert result.evidence["kms_key"] == key


def test_given_a_customer_key_alias_then_pass(reader):
    key = _customer_key("alias/leadping-messages")
    arn = _topic("deliveries", "alias/leadping-messages")
    result = by_resource(run_check(CHECK, reader))[arn]
    assert result.status is Status.PASS
    assert key in result.message


def test_given_the_aws_managed_sns_key_then_fail(reader):
    good = _topic("good", _customer_key())
    bad = _topic("aws-managed", "alias/aws/sns")
    results = by_resource(run_check(CHECK, reader))
    assert results[bad].status is Status.FAIL
    assert "AWS-managed" in results[bad].message
    assert results[good].status is Status.PASS


def test_given_no_encryption_then_fail(reader):
    arn = _topic("plain", None)
    result = by_resource(run_check(CHECK, reader))[arn]
    assert result.status is Status.FAIL
    assert "no KmsMasterKeyId" in result.message


def test_given_get_topic_attributes_is_denied_then_error(reader, deny):
    arn = _topic("denied", _customer_key())
    deny("sns", "GetTopicAttributes", code="AuthorizationError")
    result = by_resource(run_check(CHECK, reader))[arn]
    assert result.status is Status.ERROR
    assert result.evidence["error_kind"] == "access-denied"
