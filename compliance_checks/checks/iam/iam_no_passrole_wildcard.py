from __future__ import annotations

from compliance_checks.kit import CheckMetadata, PrincipalPoliciesCheck, Severity, iam, rules, verdict


class IamNoPassroleWildcard(PrincipalPoliciesCheck):
    """No role, user or group is allowed iam:PassRole on every role.

    A statement counts when it allows ``iam:PassRole`` (directly or through ``iam:*``, ``iam:Pass*``,
    ``*`` or a NotAction block that leaves it in) on ``*``, on every role (``arn:aws:iam::*:role/*``,
    ``arn:aws:iam::<account>:role/*``) or through a NotResource block, whatever its conditions
    (``iam:PassedToService`` narrows the service, not the roles that can be handed over).

    Judged: every inline and customer-managed policy (what the platform writes), on every principal;
    and AWS-managed policies held by IAM users, groups and workload roles (what people and workloads
    can do). AWS service roles that are not workload roles keep AWS's own service-role policies
    (AWSBackupServiceRolePolicyForBackup passes roles to AWS Backup jobs by design); in an account
    that tags no workload role every role is a workload role (fail closed). The break-glass role is
    not judged: LP-PA-1 allows it full administrative access, which includes PassRole. Service-linked
    roles are AWS's.

    Scenarios:
    - given a role allowed iam:PassRole on one named role, then PASS
    - given a role with a customer-managed policy allowing iam:PassRole on "*", then FAIL
    - given a user with an inline policy allowing iam:* on "*", then FAIL
    - given a role allowed iam:Pass* on arn:aws:iam::<account>:role/*, then FAIL
    - given the break-glass role allowed "*" on "*", then no result for it
    - given a user with AWS-managed IAMFullAccess, then FAIL
    - given an untagged AWS service role with an AWS-managed policy passing every role, in a tagged account, then PASS
    - given GetAccountAuthorizationDetails is denied, then ERROR
    """

    metadata = CheckMetadata(
        title="iam:PassRole is never granted on every role",
        severity=Severity.HIGH,
        resource_type="AWS::IAM::Role",
        rationale="LP-PA-1: iam:PassRole on * lets a principal hand any role, including admin roles, to a "
        "service it controls: a privilege escalation path.",
        remediation="Name the role ARNs that may be passed (and add iam:PassedToService); infra: the workload "
        "role components pass only their own execution roles.",
    )

    def resources(self, ctx):
        self._workload_arns(ctx)  # read before the principals are judged, as every judgement rests on it
        return [p for p in iam.principals(ctx.reader) if not (p.service_linked or iam.is_break_glass(p))]

    def aws_managed(self, ctx, principal):
        return principal.kind != iam.ROLE or principal.arn in self._workload_arns(ctx)

    @staticmethod
    def _workload_arns(ctx) -> set[str]:
        return ctx.reader.memo(("workload role ARNs",), lambda: {r.arn for r in iam.workload_roles(ctx.reader)})

    def judge_policies(self, ctx, principal, held):
        judged = rules.iam.passrole_on_every_role(rules.iam.Policy.of(p.label, p.document) for p in held)
        return verdict(principal.arn, judged, kind=principal.kind)
