"""Scenarios of securityhub_fsbp_enabled (LP-MON-1).

moto 5.2 implements EnableSecurityHub and DescribeHub but not GetEnabledStandards (it answers 404
"Not yet implemented"), so the scenarios that need the standards answer that one call with a
before-call hook; everything else is moto's.
"""

from __future__ import annotations

from typing import Any

import boto3
from botocore.awsrequest import AWSResponse

from compliance_checks.core import Status
from compliance_checks.reader import Reader
from tests.compliance_checks.conftest import ACCOUNT_ID, REGION, run_check

CHECK = "securityhub_fsbp_enabled"
HUB = f"arn:aws:securityhub:{REGION}:{ACCOUNT_ID}:hub/default"
FSBP = f"arn:aws:securityhub:{REGION}::standards/aws-foundational-security-best-practices/v/1.0.0"
CIS = "arn:aws:securityhub:::ruleset/cis-aws-foundations-benchmark/v/1.2.0"


def _subscription(standard: str, status: str, reason: str | None = None) -> dict[str, Any]:
    item: dict[str, Any] = {
        "StandardsSubscriptionArn": f"arn:aws:securityhub:{REGION}:{ACCOUNT_ID}:subscription/x",
        "StandardsArn": standard,
        "StandardsInput": {},
        "StandardsStatus": status,
    }
    if reason:
        item["StandardsStatusReason"] = {"StatusReasonCode": reason}
    return item


def _answer_enabled_standards(reader: Reader, subscriptions: list[dict[str, Any]]) -> None:
    def answer(**_: object):
        parsed = {"StandardsSubscriptions": subscriptions, "ResponseMetadata": {"HTTPStatusCode": 200}}
        return AWSResponse("https://securityhub.amazonaws.com/", 200, {}, None), parsed

    reader.client("securityhub", REGION).meta.events.register("before-call.securityhub.GetEnabledStandards", answer)


def _enable_hub() -> None:
    boto3.client("securityhub", region_name=REGION).enable_security_hub(EnableDefaultStandards=True)


def _only(results):
    assert len(results) == 1
    return results[0]


def test_given_the_fsbp_standard_ready_then_pass(reader):
    _enable_hub()
    _answer_enabled_standards(reader, [_subscription(FSBP, "READY")])
    result = _only(run_check(CHECK, reader))
    assert result.status is Status.PASS
    assert result.resource_id == HUB
    assert result.evidence["fsbp"] == {FSBP: "READY"}


def test_given_security_hub_not_enabled_then_fail(reader):
    result = _only(run_check(CHECK, reader))
    assert result.status is Status.FAIL
    assert "not enabled" in result.message
    assert result.resource_id == HUB


def test_given_no_fsbp_standard_then_fail(reader):
    _enable_hub()
    _answer_enabled_standards(reader, [_subscription(CIS, "READY")])
    result = _only(run_check(CHECK, reader))
    assert result.status is Status.FAIL
    assert "not enabled" in result.message


def test_given_the_fsbp_standard_incomplete_then_fail(reader):
    _enable_hub()
    _answer_enabled_standards(reader, [_subscription(FSBP, "INCOMPLETE", "NO_AVAILABLE_CONFIGURATION_RECORDER")])
    result = _only(run_check(CHECK, reader))
    assert result.status is Status.FAIL
    assert "INCOMPLETE" in result.message
    assert "NO_AVAILABLE_CONFIGURATION_RECORDER" in result.message


def test_given_the_endpoint_does_not_implement_get_enabled_standards_then_error(reader):
    _enable_hub()
    result = _only(run_check(CHECK, reader))
    assert result.status is Status.ERROR
    # moto answers 404 "Not yet implemented"; never a PASS or FAIL on standards it could not read.
    assert result.evidence["operation"] == "securityhub:get_enabled_standards"


def test_given_describe_hub_is_denied_then_error(reader, deny):
    _enable_hub()
    deny("securityhub", "DescribeHub", code="AccessDeniedException")
    result = _only(run_check(CHECK, reader))
    assert result.status is Status.ERROR
    assert result.evidence["error_kind"] == "access-denied"
