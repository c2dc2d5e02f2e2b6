"""Scenarios of logs_log_group_retention (LP-LOG-2)."""

from __future__ import annotations

import boto3

from compliance_checks.core import Status
from tests.compliance_checks.conftest import ACCOUNT_ID, REGION, by_resource, run_check

CHECK = "logs_log_group_retention"


def _group(name: str, days: int | None) -> str:
    client = boto3.client("logs", region_name=REGION)
    client.create_log_group(logGroupName=name)
    if days is not None:
        client.put_retention_policy(logGroupName=name, retentionInDays=days)
    return f"arn:aws:logs:{REGION}:{ACCOUNT_ID}:log-group:{name}"


def test_given_400_days_in_prod_then_pass(reader):
    arn = _group("/leadping/api", 400)
    result = by_resource(run_check(CHECK, reader))[arn]
    assert result.status is Status.PASS
    assert result.evidence == {"retention_days": 400, "minimum_days": 365}


def test_given_a_group_that_never_expires_then_pass(reader):
    arn = _group("/leadping/audit", None)
    result = by_resource(run_check(CHECK, reader))[arn]
    assert result.status is Status.PASS
    assert "never expires" in result.message


def test_given_7_days_then_fail(reader):
    kept = _group("/leadping/api", 731)
    drifted = _group("/leadping/workers", 7)
    results = by_resource(run_check(CHECK, reader))
    assert results[drifted].status is Status.FAIL
    assert "7 days" in results[drifted].message
    assert results[kept].status is Status.PASS


def test_given_90_days_then_fail_in_prod_and_pass_in_dev(reader):
    arn = _group("/leadping/api", 90)
    assert by_resource(run_check(CHECK, reader))[arn].status is Status.FAIL
    assert by_resource(run_check(CHECK, reader, environment="dev"))[arn].status is Status.PASS


def test_given_describe_log_groups_is_denied_then_the_whole_check_errors(reader, deny):
    _group("/leadping/api", 7)
    deny("logs", "DescribeLogGroups")
    assert [r.status for r in run_check(CHECK, reader)] == [Status.ERROR]
