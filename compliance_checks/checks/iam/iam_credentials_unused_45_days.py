from __future__ import annotations

import datetime as dt

from compliance_checks.kit import CheckMetadata, Severity, UserCredentialsCheck, failed, passed

MAX_UNUSED = dt.timedelta(days=45)


def _last_activity(*moments: dt.datetime | None) -> dt.datetime | None:
    """The latest of a credential's creation and last use: a credential never used counts from its
    creation, and one re-created after its last use counts from the re-creation."""
    known = [m for m in moments if m is not None]
    return max(known) if known else None


class IamCredentialsUnused45Days(UserCredentialsCheck):
    """No IAM user holds a console password or an active access key unused for more than 45 days
    (FSBP IAM.22).

    A password counts from its last use (ListUsers' PasswordLastUsed) or, if never used since it was
    set, from the login profile's creation; an active access key from its last use
    (GetAccessKeyLastUsed) or, if never used, from its creation. Inactive keys grant nothing and are
    not judged; a user without a password or active key passes. Ages are measured at ctx.now.

    Scenarios:
    - given a user whose password and key were created 10 days ago, then PASS
    - given a user whose access key was created 50 days ago and never used, then FAIL
    - given a user whose access key was created 100 days ago and used 3 days ago, then PASS
    - given a user whose console password was last used 60 days ago, then FAIL
    - given a user with no password and only an inactive key created long ago, then PASS
    - given GetAccessKeyLastUsed is denied, then ERROR for the user
    """

    metadata = CheckMetadata(
        title="No IAM user credential is unused for more than 45 days",
        severity=Severity.MEDIUM,
        resource_type="AWS::IAM::User",
        rationale="LP-PA-2: access is removed when it is no longer needed; a credential unused for 45 days is "
        "not needed.",
        remediation="Delete (or deactivate) the unused access key or login profile; remove the user when it has "
        "no other use (runbook: disable an IAM access key).",
    )

    def judge_credentials(self, ctx, creds):
        ages = {}
        if creds.password_enabled:
            password_set = creds.password_created or creds.created
            ages["console password"] = _last_activity(creds.password_last_used, password_set)
        for key in creds.active_keys:
            ages[key.label] = _last_activity(key.last_used, key.created)
        days = {name: (ctx.now - last).days if last else None for name, last in ages.items()}
        # A credential with no known creation or use cannot be shown to be in use: it counts as stale.
        stale = [name for name, last in ages.items() if last is None or ctx.now - last > MAX_UNUSED]
        if stale:
            listed = ", ".join(f"{name} ({days[name]} days)" if days[name] is not None else name for name in stale)
            return failed(creds.arn, f"credentials unused for more than 45 days: {listed}", days_unused=days)
        used = "every credential was used or created within 45 days"
        return passed(creds.arn, used if ages else "no console password and no active access key", days_unused=days)
