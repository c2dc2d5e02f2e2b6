"""Scenarios of iam_break_glass_role_mfa_short_session (LP-PA-1)."""

from __future__ import annotations

from compliance_checks.core import Status
from tests.compliance_checks.checks.iam.helpers import MFA, ROOT, aws_trust, document, role
from tests.compliance_checks.conftest import ACCOUNT_ID, by_resource, run_check

CHECK = "iam_break_glass_role_mfa_short_session"
ACCOUNT_SCOPE = f"arn:aws:::account/{ACCOUNT_ID}"


def _glass(name: str = "break-glass", *, trust: str | None = None, max_session: int = 3600, **kwargs) -> str:
    return role(
        name,
        workload=kwargs.pop("workload", "break-glass"),
        trust=trust or document(aws_trust(ROOT, MFA)),
        max_session=max_session,
        **kwargs,
    )


def test_given_mfa_in_the_trust_and_one_hour_sessions_then_pass(reader):
    arn = _glass()
    result = by_resource(run_check(CHECK, reader))[arn]
    assert result.status is Status.PASS
    assert result.evidence["max_session_duration"] == 3600


def test_given_no_mfa_condition_then_fail(reader):
    arn = _glass(trust=document(aws_trust(ROOT)))
    result = by_resource(run_check(CHECK, reader))[arn]
    assert result.status is Status.FAIL
    assert "without MFA" in result.message


def test_given_bool_if_exists_mfa_then_fail(reader):
    arn = _glass(trust=document(aws_trust(ROOT, {"BoolIfExists": {"aws:MultiFactorAuthPresent": "true"}})))
    assert by_resource(run_check(CHECK, reader))[arn].status is Status.FAIL


def test_given_a_second_trust_statement_without_mfa_then_fail(reader):
    people = f"arn:aws:iam::{ACCOUNT_ID}:role/ops"
    arn = _glass(trust=document(aws_trust(ROOT, MFA), {**aws_trust(people), "Sid": "Ops"}))
    result = by_resource(run_check(CHECK, reader))[arn]
    assert result.status is Status.FAIL
    assert result.evidence["statements_without_mfa"] == ["Ops"]


def test_given_two_hour_sessions_then_fail(reader):
    long_session = _glass("break-glass-long", max_session=7200)
    short = _glass("break-glass-short")
    results = by_resource(run_check(CHECK, reader))
    assert results[long_session].status is Status.FAIL
    assert "7200" in results[long_session].message
    assert results[short].status is Status.PASS


def test_given_an_untagged_role_named_breakglass_without_mfa_then_fail(reader):
    arn = role("ops-breakglass", trust=document(aws_trust(ROOT)))
    assert by_resource(run_check(CHECK, reader))[arn].status is Status.FAIL


def test_given_a_role_named_break_glass_but_tagged_as_another_workload_then_it_is_not_break_glass(reader):
    role("api-break-glass-test", workload="api")
    results = run_check(CHECK, reader)
    assert [(r.resource_id, r.status) for r in results] == [(ACCOUNT_SCOPE, Status.FAIL)]


def test_given_no_break_glass_role_then_fail_on_the_account(reader):
    role("api", workload="api")
    results = run_check(CHECK, reader)
    assert [(r.resource_id, r.status) for r in results] == [(ACCOUNT_SCOPE, Status.FAIL)]


def test_given_get_role_is_denied_then_error_for_the_role(reader, deny):
    arn = _glass()
    deny("iam", "GetRole")
    result = by_resource(run_check(CHECK, reader))[arn]
    assert result.status is Status.ERROR
