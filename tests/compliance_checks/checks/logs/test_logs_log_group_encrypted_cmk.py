"""Scenarios of logs_log_group_encrypted_cmk (LP-DR-1, LP-LOG-2)."""

from __future__ import annotations

import boto3

from compliance_checks.core import Status
from tests.compliance_checks.conftest import ACCOUNT_ID, REGION, by_resource, run_check

CHECK = "logs_log_group_encrypted_cmk"


def _group(name: str, key: str | None = None) -> str:
    kwargs = {"kmsKeyId": key} if key else {}
    boto3.client("logs", region_name=REGION).create_log_group(logGroupName=name, **kwargs)
    return f"arn:aws:logs:{REGION}:{ACCOUNT_ID}:log-group:{name}"


def _customer_key() -> str:
    return boto3.client("kms", region_name=REGION).create_key()["KeyMetadata"]["Arn"]


def test_given_a_customer_managed_key_then_pass(reader):
    key = _customer_key()
    arn = _group("/leadping/api", key)
    result = by_resource(run_check(CHECK, reader))[arn]
    assert result.status is Status.PASS
    assert result.evidence["kms_key"] == key


def test_given_no_kms_key_then_fail(reader):
    good = _group("/leadping/api", _customer_key())
    bad = _group("/leadping/workers")
    results = by_resource(run_check(CHECK, reader))
    assert results[bad].status is Status.FAIL
    assert results[good].status is Status.PASS


def test_given_a_key_that_no_longer_exists_then_fail(reader):
    arn = _group("/leadping/gone", f"arn:aws:kms:{REGION}:{ACCOUNT_ID}:key/00000000-0000-0000-0000-000000000000")
    result = by_resource(run_check(CHECK, reader))[arn]
    assert result.status is Status.FAIL
    assert "does not exist" in result.message


def test_given_describe_key_is_denied_then_error(reader, deny):
    arn = _group("/leadping/api", _customer_key())
    deny("kms", "DescribeKey")
    result = by_resource(run_check(CHECK, reader))[arn]
    assert result.status is Status.ERROR
    assert result.evidence["error_kind"] == "access-denied"


def test_given_describe_log_groups_is_denied_then_the_whole_check_errors(reader, deny):
    _group("/leadping/api")
    deny("logs", "DescribeLogGroups")
    assert [r.status for r in run_check(CHECK, reader)] == [Status.ERROR]
