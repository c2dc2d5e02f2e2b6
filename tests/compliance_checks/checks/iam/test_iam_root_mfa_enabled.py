"""Scenarios of iam_root_mfa_enabled (LP-PA-1).

moto's GetAccountSummary always reports AccountMFAEnabled = 0, so the PASS scenario stubs that one
call with botocore's Stubber on the reader's IAM client.
"""

from __future__ import annotations

from compliance_checks.core import Status
from tests.compliance_checks.checks.iam.helpers import ROOT, stub_account_summary
from tests.compliance_checks.conftest import by_resource, run_check

CHECK = "iam_root_mfa_enabled"


def test_given_account_mfa_enabled_then_pass(reader):
    stub_account_summary(reader, {"AccountMFAEnabled": 1, "AccountAccessKeysPresent": 0})
    result = by_resource(run_check(CHECK, reader))[ROOT]
    assert result.status is Status.PASS


def test_given_account_mfa_disabled_then_fail(reader):
    result = by_resource(run_check(CHECK, reader))[ROOT]  # moto: AccountMFAEnabled = 0
    assert result.status is Status.FAIL
    assert result.evidence["account_mfa_enabled"] == 0


def test_given_get_account_summary_is_denied_then_error(reader, deny):
    deny("iam", "GetAccountSummary")
    results = run_check(CHECK, reader)
    assert [r.status for r in results] == [Status.ERROR]
    assert results[0].evidence["error_kind"] == "access-denied"
