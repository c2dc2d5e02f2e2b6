"""Scenarios of iam_root_mfa_enabled (LP-PA-1).

moto's GetAccountSummary always reports AccountMFAEnabled = 0, so the PASS scenario stubs that one
call with botocore's Stubber on the reader's IAM client.
"""

from __future__ import annotations

from compliance_checks.core import Status
from compliance_checks.known_gaps import AWAITING_PERSON, MANUAL, KnownGap, apply_known_gaps
from tests.compliance_checks.checks.iam.helpers import ROOT, stub_account_summary
from tests.compliance_checks.conftest import by_resource, run_check

CHECK = "iam_root_mfa_enabled"


def test_given_account_mfa_enabled_then_pass(reader):
    stub_account_summary(reader, {"AccountMFAEnabled": 1, "AccountAccessKeysPresent": 0})
    result = by_resource(run_check(CHECK, reader))[ROOT]
    assert result.status is Status.PASS


def test_given_account_mfa_disabled_then_fail_awaiting_the_person_who_assigns_it(reader):
    result = by_resource(run_check(CHECK, reader))[ROOT]  # moto: AccountMFAEnabled = 0
    assert result.status is Status.FAIL
    assert result.evidence["account_mfa_enabled"] == 0
    assert "signed in as root" in result.evidence[AWAITING_PERSON]


def test_given_account_mfa_disabled_in_a_simulated_account_then_manual_with_the_evidence_to_attach(reader):
    results = run_check(CHECK, reader)
    gap = KnownGap(CHECK, ROOT, "no one can sign in as root here", kind=MANUAL, evidence_to_attach="credential report")
    (result,) = apply_known_gaps(CHECK, results, [gap])
    assert result.status is Status.MANUAL
    assert result.evidence["evidence_to_attach"] == "credential report"


def test_given_a_summary_without_account_mfa_enabled_then_error(reader):
    stub_account_summary(reader, {"AccountAccessKeysPresent": 0})
    result = by_resource(run_check(CHECK, reader))[ROOT]
    assert result.status is Status.ERROR
    assert AWAITING_PERSON not in result.evidence


def test_given_get_account_summary_is_denied_then_error(reader, deny):
    deny("iam", "GetAccountSummary")
    results = run_check(CHECK, reader)
    assert [r.status for r in results] == [Status.ERROR]
    assert results[0].evidence["error_kind"] == "access-denied"
