from __future__ import annotations

from compliance_checks.kit import (
    AWAITING_PERSON,
    Check,
    CheckContext,
    CheckMetadata,
    Severity,
    errored,
    failed,
    iam,
    passed,
)

# The only thing that turns this check green, and only the root user can do it.
ROOT_MFA_ACT = "the root user's MFA device, assigned by a person signed in as root"


class IamRootMfaEnabled(Check):
    """The account's root user has MFA enabled (FSBP IAM.9).

    Only a person signed in as root can assign the device, so the FAIL says that this act is all
    that is missing (evidence ``awaiting_person``): an audit of a simulated account, where no one
    can, reports it MANUAL with the evidence to attach (``compliance_checks.known_gaps``).

    Scenarios:
    - given the account summary reports AccountMFAEnabled = 1, then PASS
    - given the account summary reports AccountMFAEnabled = 0, then FAIL, awaiting the person who assigns it
    - given a summary without an AccountMFAEnabled entry, then ERROR
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
    )

    def evaluate(self, ctx: CheckContext):
        summary = iam.account_summary(ctx.reader)
        root = iam.root_arn(ctx.reader)
        enabled = summary.get("AccountMFAEnabled")
        if enabled is None:
            yield errored(root, "the account summary has no AccountMFAEnabled entry")
        elif enabled == 1:
            yield passed(root, "the root user has MFA enabled", account_mfa_enabled=enabled)
        else:
            yield failed(
                root, "the root user has no MFA device", account_mfa_enabled=enabled, **{AWAITING_PERSON: ROOT_MFA_ACT}
            )
