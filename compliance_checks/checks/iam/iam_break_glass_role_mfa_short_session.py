from __future__ import annotations

from compliance_checks.kit import Check, CheckContext, CheckMetadata, ReadError, Severity, errored, failed, iam, passed

MAX_SESSION_SECONDS = 3600


class IamBreakGlassRoleMfaShortSession(Check):
    """The break-glass role requires MFA to be assumed and its sessions last at most one hour.

    Break-glass roles: tagged ``leadping:workload=break-glass``, or, without a workload tag, named
    with "break-glass"/"breakglass". Every trust statement that allows assuming the role must carry
    ``"Bool": {"aws:MultiFactorAuthPresent": "true"}`` (``BoolIfExists`` does not count: it lets
    long-term access keys, which carry no MFA key, through), and MaxSessionDuration must be at most
    3600 seconds. An account with no break-glass role fails on the account: CONTROLS.md makes it part
    of the platform, and an administrator role that is not recognisable as break-glass escapes this
    check (iam_no_full_admin_policy then fails it).

    Scenarios:
    - given a break-glass role whose trust requires MFA and MaxSessionDuration 3600, then PASS
    - given a break-glass role whose trust has no MFA condition, then FAIL
    - given a break-glass role with BoolIfExists aws:MultiFactorAuthPresent, then FAIL
    - given a break-glass role with two trust statements, one without MFA, then FAIL
    - given a break-glass role with MaxSessionDuration 7200, then FAIL
    - given a role named "ops-breakglass" without a workload tag and no MFA condition, then FAIL
    - given no break-glass role, then FAIL on the account
    - given GetRole is denied, then ERROR for the role
    """

    metadata = CheckMetadata(
        title="The break-glass role requires MFA and one-hour sessions",
        severity=Severity.HIGH,
        resource_type="AWS::IAM::Role",
        rationale="LP-PA-1: the break-glass admin role requires MFA and a session of at most one hour.",
        remediation="Add Condition Bool aws:MultiFactorAuthPresent=true to every Allow statement of the role's "
        "trust policy and set MaxSessionDuration to 3600 (infra: the break-glass role component).",
    )

    def evaluate(self, ctx: CheckContext):
        roles = iam.break_glass_roles(ctx.reader)
        if not roles:
            yield failed(
                iam.account_scope(ctx.reader),
                "no break-glass role found (tag leadping:workload=break-glass, or a role named break-glass)",
            )
            return
        for role in roles:
            try:
                duration = int(iam.get_role(ctx.reader, role.name).get("MaxSessionDuration", 3600))
            except ReadError as error:
                yield errored(role.arn, error)
                continue
            assume = iam.assume_statements(role)
            without_mfa = [
                s.sid or f"statement {i + 1}"
                for i, s in enumerate(assume)
                if [v.lower() for v in s.condition("Bool", "aws:MultiFactorAuthPresent") or ()] != ["true"]
            ]
            problems = []
            if without_mfa:
                problems.append(f"trust statements without MFA: {', '.join(without_mfa)}")
            if duration > MAX_SESSION_SECONDS:
                problems.append(f"sessions may last {duration} s (more than {MAX_SESSION_SECONDS})")
            evidence = {"max_session_duration": duration, "statements_without_mfa": without_mfa}
            if problems:
                yield failed(role.arn, "; ".join(problems), **evidence)
            else:
                yield passed(role.arn, f"assuming requires MFA; sessions last at most {duration} s", **evidence)
