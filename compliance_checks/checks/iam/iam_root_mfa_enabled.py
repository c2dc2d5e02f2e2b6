from __future__ import annotations

from collections.abc import Iterator

from compliance_checks.core import Check, CheckContext, CheckMetadata, Result, Severity, errored, failed, passed
from compliance_checks.services import iam


class IamRootMfaEnabled(Check):
    """The account's root user has MFA enabled (FSBP IAM.9).

    Scenarios:
    - given the account summary reports AccountMFAEnabled = 1, then PASS
    - given the account summary reports AccountMFAEnabled = 0, then FAIL
    - given GetAccountSummary is denied, then ERROR
    """

    metadata = CheckMetadata(
        title="The root user has MFA enabled",
        severity=Severity.CRITICAL,
        resource_type="AWS::::Account",
        rationale="LP-PA-1: production access is limited; the root user bypasses every IAM control and must "
        "require a second factor.",
        remediation="Sign in as root and assign an MFA device (a hardware key for production accounts); keep "
        "the device in the break-glass safe.",
        permissions=("iam:GetAccountSummary",),
    )

    def evaluate(self, ctx: CheckContext) -> Iterator[Result]:
        summary = iam.account_summary(ctx.reader)
        root = iam.root_arn(ctx.reader)
        enabled = summary.get("AccountMFAEnabled")
        if enabled is None:
            yield errored(root, "the account summary has no AccountMFAEnabled entry")
        elif enabled == 1:
            yield passed(root, "the root user has MFA enabled", account_mfa_enabled=enabled)
        else:
            yield failed(root, "the root user has no MFA device", account_mfa_enabled=enabled)
