from __future__ import annotations

import datetime as dt

from compliance_checks.kit import CheckMetadata, Severity, UserCredentialsCheck, failed, passed

MAX_AGE = dt.timedelta(days=90)


class IamAccessKeyRotated90Days(UserCredentialsCheck):
    """No active IAM access key is older than 90 days (FSBP IAM.3).

    One result per user with at least one active key; users without active keys are out of scope.
    A key whose creation date is unknown fails (its age cannot be shown to be within 90 days). Ages
    are measured at ctx.now.

    Scenarios:
    - given a user whose active key was created 30 days ago, then PASS
    - given a user whose active key was created 91 days ago, then FAIL
    - given a user whose only old key is inactive, then no result
    - given ListAccessKeys is denied, then ERROR for the user
    """

    metadata = CheckMetadata(
        title="Active IAM access keys are younger than 90 days",
        severity=Severity.MEDIUM,
        resource_type="AWS::IAM::User",
        rationale="LP-PA-2: long-lived keys are rotated; a key older than 90 days has had that long to leak.",
        remediation="Create a new key, move the caller to it, then deactivate and delete the old one (better: "
        "replace the user with a role).",
    )

    def judge_credentials(self, ctx, creds):
        if not creds.active_keys:
            return None
        ages = {k.label: (ctx.now - k.created).days if k.created else None for k in creds.active_keys}
        old = [
            f"{k.label} ({ages[k.label]} days)" if k.created else f"{k.label} (creation date unknown)"
            for k in creds.active_keys
            if k.created is None or ctx.now - k.created > MAX_AGE
        ]
        if old:
            return failed(creds.arn, f"active access keys older than 90 days: {', '.join(old)}", key_age_days=ages)
        return passed(creds.arn, "every active access key is younger than 90 days", key_age_days=ages)
