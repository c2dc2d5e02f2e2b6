from __future__ import annotations

from compliance_checks.kit import (
    CheckMetadata,
    PrincipalPoliciesCheck,
    Severity,
    failed,
    iam,
    is_full_wildcard_action,
    passed,
    statements,
)


class IamNoFullAdminPolicy(PrincipalPoliciesCheck):
    """No role, user or group holds a policy that allows "Action": "*" on "Resource": "*", except the
    break-glass role (FSBP IAM.1).

    Every inline, customer-managed and AWS-managed policy a principal holds is read (so AWS's
    AdministratorAccess attached to a role fails like a hand-written admin policy). A statement
    counts when it allows the action ``*`` on the resource ``*``, whatever its conditions.
    Unattached managed policies grant nothing and are not judged; service-linked roles are AWS's.
    One result per principal.

    Scenarios:
    - given a role whose policies allow only named actions, then PASS
    - given a role with an inline policy allowing "*" on "*", then FAIL
    - given a user with a customer-managed policy allowing "*" on "*", then FAIL
    - given a group with AWS-managed AdministratorAccess attached, then FAIL
    - given the break-glass role with AdministratorAccess, then PASS
    - given a statement allowing "*" on one bucket only, then PASS
    - given GetAccountAuthorizationDetails is denied, then ERROR
    - given GetPolicyVersion of an attached AWS-managed policy is denied, then ERROR for that principal
    """

    metadata = CheckMetadata(
        title="No policy grants full administrative access outside the break-glass role",
        severity=Severity.CRITICAL,
        resource_type="AWS::IAM::Role",
        rationale="LP-PA-1: no policy anywhere grants Action * on Resource * except the break-glass role.",
        remediation="Replace the policy with one naming the actions and resources the workload needs "
        "(infra: the workload role components build least-privilege policies); keep AdministratorAccess "
        "on the break-glass role only.",
    )

    def resources(self, ctx):
        return [p for p in iam.principals(ctx.reader) if not p.service_linked]

    def judge_policies(self, ctx, principal, held):
        admin = sorted(
            {
                policy.label
                for policy in held
                for stmt in statements(policy.document)
                if stmt.allows
                and any(is_full_wildcard_action(a) for a in stmt.actions)
                and any(r.strip() == "*" for r in stmt.resources)
            }
        )
        evidence = {"kind": principal.kind, "admin_policies": admin}
        if not admin:
            return passed(principal.arn, f"no policy of this {principal.kind} allows * on *", **evidence)
        if iam.is_break_glass(principal):
            return passed(principal.arn, "the break-glass role may hold full administrative access", **evidence)
        message = f"this {principal.kind} holds full administrative access: {', '.join(admin)}"
        return failed(principal.arn, message, **evidence)
