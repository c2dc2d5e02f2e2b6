"""Production IAM: one role per workload (LP-AC-2), tenant-scoped data access (LP-AC-3), the CI
deploy role pinned to the repository's protected branch, an auditor and a break-glass role
(LP-PA-1).

Tenant scoping works through the session tag ``business_id``: a workload's compute identity
re-assumes its own role with ``sts:TagSession`` and the tag of the business it is serving; the
tenant statements compare ``${aws:PrincipalTag/business_id}`` with the DynamoDB leading key and
the S3 prefix ``businesses/<business_id>/``. A session without the tag reaches no tenant data.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pulumi
import pulumi_aws as aws

from compliance_checks import conventions
from infra import policy_documents
from infra.components._outputs import child, policy_json

ONE_HOUR = 3600
SECURITY_AUDIT = "arn:aws:iam::aws:policy/SecurityAudit"
# Key administration without key use (no Encrypt/Decrypt/GenerateDataKey): the deploy role creates
# and manages the stack's keys, whose ids no policy can name before they exist.
KMS_POWER_USER = "arn:aws:iam::aws:policy/AWSKeyManagementServicePowerUser"
GITHUB_OIDC_URL = f"https://{policy_documents.GITHUB_OIDC_HOST}"
# The compute service each tenant workload runs on.
COMPUTE_SERVICES = {"api": "ecs-tasks.amazonaws.com", "workers": "ecs-tasks.amazonaws.com",
                    "ingestion": "lambda.amazonaws.com"}  # fmt: skip


@dataclass(frozen=True)
class WorkloadAccess:
    """The resources one tenant workload uses; tables and buckets are reached tenant-scoped."""

    table_arns: list[pulumi.Input[str]] = field(default_factory=list)
    bucket_names: list[pulumi.Input[str]] = field(default_factory=list)
    key_arns: list[pulumi.Input[str]] = field(default_factory=list)
    send_queue_arns: list[pulumi.Input[str]] = field(default_factory=list)
    consume_queue_arns: list[pulumi.Input[str]] = field(default_factory=list)
    # IAM database authentication: the database users (rds-db ARNs) the workload connects as.
    database_user_arns: list[pulumi.Input[str]] = field(default_factory=list)


@dataclass(frozen=True)
class ProductionAccessArgs:
    name_prefix: str
    environment: str
    account_id: pulumi.Input[str]
    region: str
    deploy_regions: tuple[str, ...]
    workloads: dict[str, WorkloadAccess]
    github_repository: str
    protected_branch: str
    github_oidc_provider_arn: str | None
    auditor_principals: tuple[str, ...] = ()
    break_glass_principals: tuple[str, ...] = ()
    tags: dict[str, str] = field(default_factory=dict)


class ProductionAccess(pulumi.ComponentResource):
    roles: dict[str, aws.iam.Role]

    def __init__(self, name: str, args: ProductionAccessArgs, opts: pulumi.ResourceOptions | None = None):
        super().__init__("leadping:identity:ProductionAccess", name, None, opts)
        self._prefix = args.name_prefix
        account = pulumi.Output.from_input(args.account_id)
        self.roles = {}
        self._workload_boundary(name, args, account)
        self._workload_roles(name, args, account)
        self._ci_deploy_role(name, args, account)
        self._auditor_role(name, args, account)
        self._break_glass_role(name, args, account)
        self.register_outputs({f"{w}_role_arn": r.arn for w, r in self.roles.items()})

    def _workload_boundary(self, name: str, args: ProductionAccessArgs, account: pulumi.Output[str]) -> None:
        """The permission boundary every workload role is created with."""
        prefix = args.name_prefix
        self.boundary = aws.iam.Policy(
            f"{name}-workload-boundary",
            name=f"{prefix}-workload-boundary",
            description="Ceiling of every Leadping workload role: this stack's data, no IAM, no audit changes",
            policy=policy_json(policy_documents.permission_boundary, account, args.region, prefix, args.environment),
            tags=args.tags,
            opts=child(self),
        )

    def _workload_roles(self, name: str, args: ProductionAccessArgs, account: pulumi.Output[str]) -> None:
        """One role per tenant workload, bounded, with its tenant-scoped policy."""
        prefix = args.name_prefix
        for workload, access in args.workloads.items():
            role_name = f"{prefix}-{workload}"
            role = self._role(
                name,
                workload,
                role_name=role_name,
                trust=policy_json(
                    lambda a, w=workload, n=role_name: policy_documents.workload_trust(
                        a, COMPUTE_SERVICES[w], policy_documents.role_arn(a, n)
                    ),
                    account,
                ),
                description=f"Leadping {workload} workload (tenant-scoped by the business_id session tag)",
                boundary_arn=self.boundary.arn,
                tags=args.tags,
            )
            self._attach(
                name,
                workload,
                role,
                policy_json(
                    lambda tables, buckets, keys, send, consume, users: policy_documents.workload_policy(
                        table_arns=tables,
                        bucket_names=buckets,
                        key_arns=keys,
                        send_queue_arns=send,
                        consume_queue_arns=consume,
                        database_user_arns=users,
                    ),
                    pulumi.Output.all(*access.table_arns),
                    pulumi.Output.all(*access.bucket_names),
                    pulumi.Output.all(*access.key_arns),
                    pulumi.Output.all(*access.send_queue_arns),
                    pulumi.Output.all(*access.consume_queue_arns),
                    pulumi.Output.all(*access.database_user_arns),
                ),
                f"What the {workload} workload may touch, tenant-scoped",
                args.tags,
            )

    def _github_oidc_provider(self, name: str, args: ProductionAccessArgs) -> pulumi.Input[str]:
        """The account's GitHub OIDC provider: the one given, or a new one."""
        if args.github_oidc_provider_arn:
            return args.github_oidc_provider_arn
        return aws.iam.OpenIdConnectProvider(
            f"{name}-github-oidc",
            url=GITHUB_OIDC_URL,
            client_id_lists=[policy_documents.GITHUB_OIDC_AUDIENCE],
            tags=args.tags,
            opts=child(self),
        ).arn

    def _ci_deploy_role(self, name: str, args: ProductionAccessArgs, account: pulumi.Output[str]) -> None:
        """The CI deploy role, trusted by the protected branch through GitHub OIDC, and bounded."""
        prefix = args.name_prefix
        provider_arn = self._github_oidc_provider(name, args)
        deploy_boundary = aws.iam.Policy(
            f"{name}-deploy-boundary",
            name=f"{prefix}-deploy-boundary",
            description="Ceiling of the CI deploy role: stack regions and roles, no data reads, no IAM users",
            policy=policy_json(policy_documents.deploy_boundary, account, list(args.deploy_regions), prefix),
            tags=args.tags,
            opts=child(self),
        )
        deploy = self._role(
            name,
            "ci-deploy",
            role_name=f"{prefix}-ci-deploy",
            boundary_arn=deploy_boundary.arn,
            trust=policy_json(
                policy_documents.github_oidc_trust, provider_arn, args.github_repository, args.protected_branch
            ),
            description=f"Deploys the stack from {args.github_repository}@{args.protected_branch} (GitHub OIDC)",
            tags=args.tags,
        )
        self._attach(
            name,
            "ci-deploy",
            deploy,
            policy_json(policy_documents.ci_deploy_policy, account, list(args.deploy_regions), prefix),
            "What pulumi up needs; data services by name only",
            args.tags,
        )
        aws.iam.RolePolicyAttachment(
            f"{name}-ci-deploy-key-administration", role=deploy.name, policy_arn=KMS_POWER_USER, opts=child(self)
        )

    def _auditor_role(self, name: str, args: ProductionAccessArgs, account: pulumi.Output[str]) -> None:
        """The read-only security auditor."""
        prefix = args.name_prefix
        auditor = self._role(
            name,
            "auditor",
            role_name=f"{prefix}-auditor",
            trust=policy_json(
                lambda a: policy_documents.human_role_trust(args.auditor_principals, a, require_mfa=False), account
            ),
            description="Read-only security audit (configuration metadata, no data)",
            # Bounded by the policy it is granted: nothing attached later can widen it.
            boundary_arn=SECURITY_AUDIT,
            tags=args.tags,
        )
        aws.iam.RolePolicyAttachment(
            f"{name}-auditor-security-audit", role=auditor.name, policy_arn=SECURITY_AUDIT, opts=child(self)
        )

    def _break_glass_role(self, name: str, args: ProductionAccessArgs, account: pulumi.Output[str]) -> None:
        """The emergency administrator."""
        prefix = args.name_prefix
        break_glass = self._role(
            name,
            conventions.BREAK_GLASS,
            role_name=f"{prefix}-{conventions.BREAK_GLASS}",
            trust=policy_json(
                lambda a: policy_documents.human_role_trust(args.break_glass_principals, a, require_mfa=True), account
            ),
            description="Emergency administrator: MFA required, one-hour sessions",
            tags=args.tags,
        )
        # The platform's only Action "*" on Resource "*" grant (LP-PA-1), and AWS's own policy for
        # it: no customer-managed full-administrator policy exists in the account to attach elsewhere.
        aws.iam.RolePolicyAttachment(
            f"{name}-break-glass-administrator",
            role=break_glass.name,
            policy_arn=policy_documents.ADMINISTRATOR_ACCESS,
            opts=child(self),
        )

    def _role(
        self,
        name: str,
        workload: str,
        *,
        role_name: str,
        trust: pulumi.Input[str],
        description: str,
        tags: dict[str, str],
        boundary_arn: pulumi.Input[str] | None = None,
    ) -> aws.iam.Role:
        role = aws.iam.Role(
            f"{name}-{workload}-role",
            name=role_name,
            description=description,
            assume_role_policy=trust,
            max_session_duration=ONE_HOUR,
            permissions_boundary=boundary_arn,
            tags={**tags, conventions.WORKLOAD: workload},
            opts=child(self),
        )
        self.roles[workload] = role
        return role

    def _attach(
        self,
        name: str,
        workload: str,
        role: aws.iam.Role,
        document: pulumi.Input[str],
        description: str,
        tags: dict[str, str],
    ) -> aws.iam.Policy:
        policy = aws.iam.Policy(
            f"{name}-{workload}-policy",
            name=f"{self._prefix}-{workload}-access",
            description=description,
            policy=document,
            tags={**tags, conventions.WORKLOAD: workload},
            opts=child(self),
        )
        aws.iam.RolePolicyAttachment(
            f"{name}-{workload}-attachment", role=role.name, policy_arn=policy.arn, opts=child(self)
        )
        return policy

    def arn(self, workload: str) -> pulumi.Output[str]:
        return self.roles[workload].arn
