"""Scenarios of iam_root_no_access_keys (LP-PA-1).

moto's GetAccountSummary always reports AccountAccessKeysPresent = 0, so the FAIL scenario stubs that
one call with botocore's Stubber on the reader's IAM client.
"""

from __future__ import annotations

from compliance_checks.core import Status
from tests.compliance_checks.checks.iam.helpers import ROOT, stub_account_summary
from tests.compliance_checks.conftest import by_resource, run_check

CHECK = "iam_root_no_access_keys"


def test_given_no_root_access_keys_then_pass(reader):
    result = by_resource(run_check(CHECK, reader))[ROOT]  # moto: AccountAccessKeysPresent = 0
    assert result.status is Status.PASS


def test_given_root_access_keys_present_then_fail(reader):
    stub_account_summary(reader, {"AccountMFAEnabled": 1, "AccountAccessKeysPresent": 1})
    result = by_resource(run_check(CHECK, reader))[ROOT]
    assert result.status is Status.FAIL


def test_given_the_summary_lacks_the_entry_then_error(reader):
    stub_account_summary(reader, {"Users": 0})
    result = by_resource(run_check(CHECK, reader))[ROOT]
    assert result.status is Status.ERROR


def test_given_get_account_summary_is_denied_then_error(reader, deny):
    deny("iam", "GetAccountSummary")
    results = run_check(CHECK, reader)
    assert [r.status for r in results] == [Status.ERROR]
