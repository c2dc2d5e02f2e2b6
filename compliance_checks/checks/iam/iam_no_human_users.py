from __future__ import annotations

from compliance_checks.kit import CheckMetadata, Severity, UserCredentialsCheck, failed, passed


class IamNoHumanUsers(UserCredentialsCheck):
    """No IAM user in a production account has a console password or an active access key.

    CONTROLS.md scopes this to production ("no IAM users with console passwords or access keys in
    prod"): humans reach production through federated roles. With expectations for another
    environment (dev) the check judges nothing. A user with only inactive keys and no password
    cannot sign in or call AWS and passes.

    Scenarios:
    - given a prod account whose only IAM user has no password and no active key, then PASS
    - given a prod account with a user that has a console password, then FAIL
    - given a prod account with a user that has an active access key, then FAIL
    - given a prod account with a user whose only access key is inactive, then PASS
    - given a dev environment with a user that has a console password, then no result
    - given GetLoginProfile is denied, then ERROR for the user
    - given ListUsers is denied, then ERROR
    """

    metadata = CheckMetadata(
        title="No IAM user in production has a console password or an active access key",
        severity=Severity.HIGH,
        resource_type="AWS::IAM::User",
        rationale="LP-PA-1: humans reach production only through federated roles; IAM users' long-lived "
        "passwords and keys escape single sign-on, MFA policy and offboarding.",
        remediation="Move the person to the identity provider (federated role), then delete the user's login "
        "profile and access keys, and the user.",
    )

    def resources(self, ctx):
        return super().resources(ctx) if ctx.expectations.environment == "prod" else []

    def judge_credentials(self, ctx, creds):
        usable = (["console password"] if creds.password_enabled else []) + [k.label for k in creds.active_keys]
        evidence = {"console_password": creds.password_enabled, "active_access_keys": len(creds.active_keys)}
        if usable:
            return failed(creds.arn, f"IAM user {creds.name} has {', '.join(usable)}", **evidence)
        return passed(creds.arn, f"IAM user {creds.name} has no password and no active key", **evidence)
