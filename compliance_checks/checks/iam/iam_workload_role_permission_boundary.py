from __future__ import annotations

from compliance_checks.kit import Check, CheckContext, CheckMetadata, Severity, failed, iam, passed


class IamWorkloadRolePermissionBoundary(Check):
    """Every workload role carries a permissions boundary.

    Workload roles are the roles tagged ``leadping:workload``, or every role but service-linked and
    break-glass ones when the account tags none. The break-glass role is left out: it is the
    sanctioned administrator, governed by iam_break_glass_role_mfa_short_session.

    Scenarios:
    - given a workload role with a permissions boundary, then PASS
    - given a workload role without a permissions boundary, then FAIL
    - given no role is tagged and an untagged role has no boundary, then FAIL (fail closed)
    - given a tagged account, an untagged role without a boundary, then no result for it
    - given GetAccountAuthorizationDetails is denied, then ERROR
    """

    metadata = CheckMetadata(
        title="Workload roles carry a permissions boundary",
        severity=Severity.MEDIUM,
        resource_type="AWS::IAM::Role",
        rationale="LP-PA-1: a permissions boundary caps what a workload role can ever be granted, so a "
        "mistaken policy cannot widen it beyond the workload's envelope.",
        remediation="Set the role's PermissionsBoundary to the platform's workload boundary policy (infra: the "
        "workload role component sets it on every role it creates).",
    )

    def evaluate(self, ctx: CheckContext):
        for role in iam.workload_roles(ctx.reader):
            evidence = {"workload": role.workload, "permissions_boundary": role.boundary_arn}
            if role.boundary_arn:
                yield passed(role.arn, f"permissions boundary {role.boundary_arn}", **evidence)
            else:
                yield failed(role.arn, "this workload role has no permissions boundary", **evidence)
