"""Scenarios of secretsmanager_secret_encrypted_cmk (LP-SEC-1)."""

from __future__ import annotations

import boto3

from compliance_checks.core import Status
from tests.compliance_checks.checks.secretsmanager.helpers import connection_secret, managed_secret, secret
from tests.compliance_checks.conftest import REGION, by_resource, run_check

CHECK = "secretsmanager_secret_encrypted_cmk"


def _customer_key() -> str:
    return boto3.client("kms", region_name=REGION).create_key()["KeyMetadata"]["Arn"]


def test_given_a_customer_managed_key_then_pass(reader):
    arn = secret("leadping/twilio", kms_key=_customer_key())
    assert by_resource(run_check(CHECK, reader))[arn].status is Status.PASS


def test_given_no_kms_key_then_fail(reader):
    bad = secret("leadping/legacy")
    good = secret("leadping/twilio", kms_key=_customer_key())
    results = by_resource(run_check(CHECK, reader))
    assert results[bad].status is Status.FAIL
    assert "AWS-managed" in results[bad].message
    assert results[good].status is Status.PASS


def test_given_the_aws_managed_alias_then_fail(reader):
    arn = secret("leadping/legacy", kms_key="alias/aws/secretsmanager")
    assert by_resource(run_check(CHECK, reader))[arn].status is Status.FAIL


def test_given_an_eventbridge_connection_secret_on_a_customer_key_then_pass(reader):
    key = _customer_key()
    arn = managed_secret("events", "events!connection/leadping-prod-crm-sync/0f3e/auth", kms_key=key)
    result = by_resource(run_check(CHECK, reader))[arn]
    assert result.status is Status.PASS
    assert result.evidence["kms_key"] == key


def test_given_an_eventbridge_connection_secret_on_the_aws_managed_key_then_fail_naming_events(reader):
    arn = connection_secret("leadping-prod-crm-sync")
    result = by_resource(run_check(CHECK, reader))[arn]
    assert result.status is Status.FAIL
    assert result.message.endswith("(secret managed by events)")


def test_given_describe_key_is_denied_then_error(reader, deny):
    arn = secret("leadping/twilio", kms_key=_customer_key())
    deny("kms", "DescribeKey")
    assert by_resource(run_check(CHECK, reader))[arn].status is Status.ERROR


def test_given_list_secrets_is_denied_then_error(reader, deny):
    secret("leadping/twilio")
    deny("secretsmanager", "ListSecrets")
    assert [r.status for r in run_check(CHECK, reader)] == [Status.ERROR]
