from __future__ import annotations

from compliance_checks.kit import Check, CheckContext, CheckMetadata, Severity, errored, failed, iam, passed


class IamRootNoAccessKeys(Check):
    """The account's root user has no access keys (FSBP IAM.4).

    Scenarios:
    - given the account summary reports AccountAccessKeysPresent = 0, then PASS
    - given the account summary reports AccountAccessKeysPresent = 1, then FAIL
    - given GetAccountSummary is denied, then ERROR
    """

    metadata = CheckMetadata(
        title="The root user has no access keys",
        severity=Severity.CRITICAL,
        resource_type="AWS::::Account",
        rationale="LP-PA-1: production access is limited; a root access key is an unrestricted long-lived "
        "credential that no policy can scope.",
        remediation="Sign in as root, delete every root access key (Security credentials page), and use roles.",
    )

    def evaluate(self, ctx: CheckContext):
        summary = iam.account_summary(ctx.reader)
        root = iam.root_arn(ctx.reader)
        present = summary.get("AccountAccessKeysPresent")
        if present is None:
            yield errored(root, "the account summary has no AccountAccessKeysPresent entry")
        elif present == 0:
            yield passed(root, "the root user has no access keys", account_access_keys_present=present)
        else:
            yield failed(root, "the root user has access keys", account_access_keys_present=present)
