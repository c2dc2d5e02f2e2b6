"""The gate and the audit agree: one rule, judged over the plan and over the deployed account.

For each (control, resource type) both sides judge, the stack is rendered as the gate renders it
(``policies.gate.render_target``, preview) and exported as the gate's plan; the rule's plan adapter
judges each resource of that plan, and the live check judges the same stack deployed in the sandbox.
Both must give the same verdict on every resource the program declares (resources the account
holds by itself, such as moto's default VPC, are not the program's). Then each drift of
tests/sandbox/test_drift.py on a control both sides judge is applied twice, to the program (a
variant rendering, as a changed program would render) and to the deployed account, and both sides
must turn FAIL on the same resource (test_agreement_drift.py).

The gate's Checkov checks judge one plan resource at a time; where a control's resource is made of
several plan resources (a security group and its rule resources, a VPC and its flow logs, a bucket
and its policy), the gate's verdict on it is the rule over all of them, which is what its checks
report together.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

import pytest

from compliance_checks import registry
from compliance_checks.core import CheckContext, Result, Status, execute
from compliance_checks.reader import Reader
from compliance_checks.rules import Verdict, backup, cloudtrail, ec2, elbv2, events, iam, logs, rds, s3, secrets
from compliance_checks.services import iam as iam_service
from infra.render import PROJECT_ROOT, RenderedResource, Rendering
from policies.export import export
from policies.gate import Target, render_target
from sandbox.api import Sandbox, start_sandbox

pytestmark = pytest.mark.slow

Key = tuple[str, str]  # (Pulumi type, logical name): one resource of the program


@dataclass
class Plan:
    """A rendered stack as the gate judges it: each resource's plan values, and who references whom."""

    rendering: Rendering
    values: dict[str, dict[str, Any]]  # urn -> plan values (Terraform names)
    tf_types: dict[str, str]  # urn -> Terraform type
    context: dict[str, Any]

    @classmethod
    def of(cls, rendering: Rendering) -> Plan:
        exported = export(rendering)
        urns = {address: r.urn for address, r in exported.resources.items()}
        planned = exported.plan["planned_values"]["root_module"]["resources"]
        return cls(
            rendering,
            {urns[p["address"]]: p["values"] for p in planned},
            {urns[p["address"]]: p["type"] for p in planned},
            exported.context,
        )

    def of_type(self, type_token: str) -> list[RenderedResource]:
        return [r for r in self.rendering.resources if r.type == type_token and r.urn in self.values]

    def referencing(self, target: RenderedResource, type_token: str, input_name: str) -> list[RenderedResource]:
        return [r for r in self.of_type(type_token) if target.urn in r.property_dependencies.get(input_name, [])]

    def minimum(self, key: str) -> int:
        return int(self.context["policy"][key])


def _security_group(plan: Plan, group: RenderedResource) -> Verdict:
    ingress = ec2.Ingress.from_plan("aws_security_group", plan.values[group.urn])
    for kind in (
        "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule",
        "aws:ec2/securityGroupRule:SecurityGroupRule",
    ):
        for rule in plan.referencing(group, kind, "securityGroupId"):
            ingress += ec2.Ingress.from_plan(plan.tf_types[rule.urn], plan.values[rule.urn])
    # As the gate's check: which load balancer uses a group is not in the plan's context.
    return ec2.public_ingress(ingress, lambda: True)


def _vpc(plan: Plan, vpc: RenderedResource) -> Verdict:
    flow_logs = plan.referencing(vpc, "aws:ec2/flowLog:FlowLog", "vpcId")
    return ec2.vpc_flow_logs(ec2.FlowLog.from_plan(plan.values[f.urn]) for f in flow_logs)


def _bucket(plan: Plan, bucket: RenderedResource) -> Verdict:
    policies = plan.referencing(bucket, "aws:s3/bucketPolicy:BucketPolicy", "bucket")
    name = plan.values[bucket.urn].get("bucket")
    arn = f"arn:aws:s3:::{name}" if name else None
    return s3.tls_only(plan.values[policies[0].urn].get("policy") if policies else None, arn)


def _tenant_bucket(plan: Plan, bucket: RenderedResource) -> Verdict | None:
    """A tenant bucket's object events, recorded by the plan's trails (the gate judges each trail on
    every tenant bucket; the stacks declare one trail). Other buckets are not judged."""
    name = plan.values[bucket.urn].get("bucket")
    if name not in plan.context["tenant_buckets"]:
        return None
    references = {address: f"arn:aws:s3:::{b}" for b, address in plan.context["tenant_bucket_addresses"].items()}
    trails = plan.of_type("aws:cloudtrail/trail:Trail")
    return cloudtrail.tenant_data_events(
        cloudtrail.Bucket(name), [cloudtrail.Trail.from_plan(plan.values[t.urn], references) for t in trails]
    )


def _backup_plan(plan: Plan, resource: RenderedResource) -> Verdict:
    required = backup.Requirement.of(plan.context["policy"])
    return backup.plan_retention(backup.BackupPlan.from_plan(plan.values[resource.urn]), required)


ROLE = "aws:iam/role:Role"


def _principal(plan: Plan, role: RenderedResource) -> iam_service.Principal:
    values = plan.values[role.urn]
    tags = {str(k): str(v) for k, v in (values.get("tags") or {}).items()}
    return iam_service.Principal(iam_service.ROLE, str(values.get("name") or role.name), "", tags=tags)


def _role_policies(plan: Plan, role: RenderedResource) -> list[iam.Policy]:
    """What the gate judges of a role: its inline policies (``inline_policy`` blocks and role-policy
    resources) and the customer-managed policies of the program attached to it. An AWS-managed
    policy's document is not in the plan (the README's "judged by one side only")."""
    found = [
        iam.Policy.of(f"inline {block.get('name')}", block["policy"])
        for block in plan.values[role.urn].get("inline_policy") or []
        if block.get("policy")
    ]
    for inline in plan.referencing(role, "aws:iam/rolePolicy:RolePolicy", "role"):
        found.append(iam.Policy.of(inline.name, plan.values[inline.urn].get("policy")))
    for attachment in plan.referencing(role, "aws:iam/rolePolicyAttachment:RolePolicyAttachment", "role"):
        attached = set(attachment.property_dependencies.get("policyArn", []))
        for policy in plan.of_type("aws:iam/policy:Policy"):
            if policy.urn in attached:
                found.append(iam.Policy.of(policy.name, plan.values[policy.urn].get("policy")))
    return found


def _is_workload(plan: Plan, role: RenderedResource) -> bool:
    """As the live checks scope roles (``services.iam.workloads_among``), over the plan's roles."""
    principals = {r.urn: _principal(plan, r) for r in plan.of_type(ROLE)}
    return principals[role.urn] in iam_service.workloads_among(list(principals.values()))


def _workload_wildcard(plan: Plan, role: RenderedResource) -> Verdict | None:
    return iam.wildcard_data_access(_role_policies(plan, role)) if _is_workload(plan, role) else None


def _passrole(plan: Plan, role: RenderedResource) -> Verdict | None:
    if iam_service.is_break_glass(_principal(plan, role)):
        return None
    return iam.passrole_on_every_role(_role_policies(plan, role))


def _tenant_scoped(plan: Plan, role: RenderedResource) -> Verdict | None:
    if not _is_workload(plan, role):
        return None
    tables = [iam.TenantStore(arn.rsplit("/", 1)[-1], arn) for arn in plan.context.get("tenant_tables") or []]
    buckets = [iam.TenantStore(name, f"arn:aws:s3:::{name}") for name in plan.context.get("tenant_buckets") or []]
    return iam.tenant_scoped(_role_policies(plan, role), tables, buckets)


def _plaintext(read: Callable[[dict[str, Any]], list[str]]) -> Callable[[Plan, RenderedResource], Verdict]:
    return lambda plan, resource: secrets.no_plaintext_secrets(read(plan.values[resource.urn]))


def _own_verdict(result: Result) -> Mapping[str, bool]:
    return {result.resource_id: result.status == Status.PASS}


@dataclass(frozen=True)
class Judged:
    """One (control, resource type) both sides judge: the gate's rule over the plan, the live check."""

    control: str
    gate_policy: str
    check: str
    pulumi_type: str
    gate: Callable[[Plan, RenderedResource], Verdict | None]
    # The live check's verdict on each resource a result judged: its own resource by default; a
    # check that reports several resources in one result gives each one's verdict in its evidence.
    live: Callable[[Result], Mapping[str, bool]] = _own_verdict


BOTH_SIDES = (
    Judged(
        "LP-LOG-2",
        "LP_LOGS_LOG_GROUP_RETENTION",
        "logs_log_group_retention",
        "aws:cloudwatch/logGroup:LogGroup",
        lambda p, r: logs.retention(logs.LogGroup.from_plan(p.values[r.urn]), p.minimum("min_log_retention_days")),
    ),
    Judged(
        "LP-TX-2",
        "LP_EVENTS_API_DESTINATION_HTTPS",
        "events_api_destination_https",
        "aws:cloudwatch/eventApiDestination:EventApiDestination",
        lambda p, r: events.https_endpoint(events.ApiDestination.from_plan(p.values[r.urn])),
    ),
    Judged(
        "LP-BK-1",
        "LP_RDS_BACKUP_RETENTION",
        "rds_backup_retention",
        "aws:rds/instance:Instance",
        lambda p, r: rds.backup_retention(
            rds.Database.from_plan(p.values[r.urn]), p.minimum("min_db_backup_retention_days")
        ),
    ),
    Judged(
        "LP-TX-1",
        "LP_ELB_LISTENER_TLS_POLICY",
        "elbv2_https_listener_tls_policy",
        "aws:lb/listener:Listener",
        lambda p, r: elbv2.tls_policy(elbv2.Listener.from_plan(p.values[r.urn])),
    ),
    Judged(
        "LP-TX-1",
        "LP_ELB_HTTP_LISTENER_REDIRECTS",
        "elbv2_http_listener_redirects_only",
        "aws:lb/listener:Listener",
        lambda p, r: elbv2.http_redirects_only(elbv2.Listener.from_plan(p.values[r.urn])),
    ),
    Judged(
        "LP-TX-1",
        "LP_EC2_SECURITY_GROUP_PUBLIC_INGRESS",
        "ec2_security_group_public_ingress_restricted",
        "aws:ec2/securityGroup:SecurityGroup",
        _security_group,
    ),
    Judged("LP-LOG-1", "LP_EC2_FLOW_LOG_ALL_TRAFFIC", "ec2_vpc_flow_logs_all", "aws:ec2/vpc:Vpc", _vpc),
    Judged("LP-TX-1", "LP_S3_BUCKET_POLICY_TLS_ONLY", "s3_bucket_policy_tls_only", "aws:s3/bucket:Bucket", _bucket),
    Judged(
        "LP-LOG-1",
        "LP_CLOUDTRAIL_TENANT_DATA_EVENTS",
        "cloudtrail_s3_data_events_tenant_buckets",
        "aws:s3/bucket:Bucket",
        _tenant_bucket,
    ),
    Judged(
        "LP-BK-1",
        "LP_BACKUP_PLAN_RETENTION",
        "backup_plan_retention",
        "aws:backup/plan:Plan",
        _backup_plan,
        # One result per region; each plan's verdict (by ARN) is in its evidence.
        lambda result: result.evidence.get("plans") or {},
    ),
    Judged(
        "LP-AC-2",
        "LP_IAM_WORKLOAD_DATA_WILDCARD",
        "iam_workload_role_no_wildcard_data_access",
        ROLE,
        _workload_wildcard,
    ),
    Judged("LP-PA-1", "LP_IAM_NO_PASSROLE_WILDCARD", "iam_no_passrole_wildcard", ROLE, _passrole),
    Judged("LP-AC-3", "LP_IAM_TENANT_SCOPED_ACCESS", "iam_tenant_data_access_scoped", ROLE, _tenant_scoped),
    Judged(
        "LP-SEC-1",
        "LP_CONFIG_NO_PLAINTEXT_SECRETS",
        "awslambda_function_env_no_secrets",
        "aws:lambda/function:Function",
        _plaintext(secrets.function_from_plan),
    ),
)

# Pairs both sides judge with one rule that the prod and dev stacks declare no resource of, so no
# agreement can be shown on them here; each rule's plan adapter is tested with the gate's fixtures.
NOT_DECLARED_BY_THE_STACKS = {
    ("LP-SEC-1", "LP_CONFIG_NO_PLAINTEXT_SECRETS", "aws:ssm/parameter:Parameter"): "the stacks keep no SSM "
    "parameter (secrets are in Secrets Manager); rules.secrets.parameter_from_plan",
    ("LP-SEC-1", "LP_CONFIG_NO_PLAINTEXT_SECRETS", "aws:ecs/taskDefinition:TaskDefinition"): "the stacks run "
    "no ECS task; rules.secrets.task_definition_from_plan",
    ("LP-AC-1", "LP_APIGATEWAYV2_ROUTE_AUTHORIZER", "aws:apigatewayv2/route:Route"): "the API is a REST API "
    "(AWS WAF cannot protect an HTTP API); rules.apigateway",
}
# Gate policies with no live counterpart judged by the same rule, and why.
GATE_ONLY = {
    "LP_KMS_KEY_DELETION_WINDOW": "the API shows a key's deletion window only once a deletion is scheduled",
    "LP_S3_BUCKET_HAS_POLICY": "a bucket without a policy fails LP_S3_BUCKET_POLICY_TLS_ONLY's rule on both sides "
    "(the pair above); this policy only names the missing resource in the gate",
}


def gate_verdicts(plan: Plan, judged: Judged) -> dict[Key, bool]:
    found = {}
    for resource in plan.of_type(judged.pulumi_type):
        verdict = judged.gate(plan, resource)
        if verdict is not None:
            found[(resource.type, resource.name)] = verdict.compliant
    return found


def _ids(outputs: dict[str, Any], resource_id: str) -> set[str]:
    ids = {resource_id, str(outputs.get("arn") or "")}
    return {i for i in ids if i} | {i.rsplit("/", 1)[-1] for i in ids if i.startswith("arn:") and "/" in i}


def live_verdicts(sb: Sandbox, judged: Judged) -> dict[Key, bool]:
    """The live check's PASS/FAIL per resource of the program; an ERROR fails the test."""
    owners: dict[str, Key] = {}
    for resource in sb.deployment.of_type(judged.pulumi_type):
        for identifier in _ids(dict(resource.outputs), resource.id):
            owners[identifier] = (resource.type, resource.name)
    check = registry.get(judged.check)()
    results = execute(check, CheckContext(Reader(sb.session, sb.regions), sb.expectations))
    found = {}
    for result in results:
        for resource_id, compliant in judged.live(result).items():
            key = owners.get(resource_id) or owners.get(resource_id.rsplit("/", 1)[-1])
            if key is None:
                continue  # not the program's (the account's own default VPC, say)
            assert result.status in (Status.PASS, Status.FAIL), f"{judged.check} on {resource_id}: {result.message}"
            found[key] = compliant
    return found


def test_every_pair_judged_by_both_sides_is_listed():
    """The (control, resource type) pairs both sides judge: each names a gate policy of the control and
    a live check of the control, in the catalog."""
    from compliance_checks.catalog import load_catalog

    catalog = load_catalog()
    listed = sorted((j.control, j.pulumi_type, j.gate_policy, j.check) for j in BOTH_SIDES)
    assert listed == sorted(
        [
            ("LP-BK-1", "aws:backup/plan:Plan", "LP_BACKUP_PLAN_RETENTION", "backup_plan_retention"),
            ("LP-BK-1", "aws:rds/instance:Instance", "LP_RDS_BACKUP_RETENTION", "rds_backup_retention"),
            ("LP-LOG-1", "aws:ec2/vpc:Vpc", "LP_EC2_FLOW_LOG_ALL_TRAFFIC", "ec2_vpc_flow_logs_all"),
            ("LP-LOG-1", "aws:s3/bucket:Bucket", "LP_CLOUDTRAIL_TENANT_DATA_EVENTS",
             "cloudtrail_s3_data_events_tenant_buckets"),
            ("LP-LOG-2", "aws:cloudwatch/logGroup:LogGroup", "LP_LOGS_LOG_GROUP_RETENTION", "logs_log_group_retention"),
            ("LP-TX-1", "aws:ec2/securityGroup:SecurityGroup", "LP_EC2_SECURITY_GROUP_PUBLIC_INGRESS",
             "ec2_security_group_public_ingress_restricted"),
            ("LP-TX-1", "aws:lb/listener:Listener", "LP_ELB_HTTP_LISTENER_REDIRECTS",
             "elbv2_http_listener_redirects_only"),
            ("LP-TX-1", "aws:lb/listener:Listener", "LP_ELB_LISTENER_TLS_POLICY", "elbv2_https_listener_tls_policy"),
            ("LP-TX-1", "aws:s3/bucket:Bucket", "LP_S3_BUCKET_POLICY_TLS_ONLY", "s3_bucket_policy_tls_only"),
            ("LP-TX-2", "aws:cloudwatch/eventApiDestination:EventApiDestination", "LP_EVENTS_API_DESTINATION_HTTPS",
             "events_api_destination_https"),
            ("LP-AC-2", "aws:iam/role:Role", "LP_IAM_WORKLOAD_DATA_WILDCARD",
             "iam_workload_role_no_wildcard_data_access"),
            ("LP-AC-3", "aws:iam/role:Role", "LP_IAM_TENANT_SCOPED_ACCESS", "iam_tenant_data_access_scoped"),
            ("LP-PA-1", "aws:iam/role:Role", "LP_IAM_NO_PASSROLE_WILDCARD", "iam_no_passrole_wildcard"),
            ("LP-SEC-1", "aws:lambda/function:Function", "LP_CONFIG_NO_PLAINTEXT_SECRETS",
             "awslambda_function_env_no_secrets"),
        ]
    )  # fmt: skip
    for judged in BOTH_SIDES:
        control = catalog.control(judged.control)
        assert judged.gate_policy in control.policies, judged
        assert judged.check in control.checks, judged


def test_every_leadping_gate_policy_is_judged_by_both_sides_or_says_why_not():
    from compliance_checks.catalog import load_catalog

    policies = {(c.id, p) for c in load_catalog().controls for p in c.policies if p.startswith("LP_")}
    both = {(j.control, j.gate_policy) for j in BOTH_SIDES}
    undeclared = {(control, policy) for control, policy, _ in NOT_DECLARED_BY_THE_STACKS}
    gate_only = {(c, p) for c, p in policies if p in GATE_ONLY}
    assert policies == both | undeclared | gate_only
    assert not (both | undeclared) & gate_only


def rendered(stack: str) -> Rendering:
    return render_target(Target(stack, PROJECT_ROOT))


@pytest.fixture(scope="module", params=["prod", "dev"])
def stack(request) -> Iterator[tuple[Plan, Sandbox]]:
    plan = Plan.of(rendered(request.param))
    with start_sandbox(request.param) as sb:
        yield plan, sb


def test_gate_and_audit_give_the_same_verdict_on_every_resource_of_the_stack(stack):
    plan, sb = stack
    judged_somewhere = 0
    for judged in BOTH_SIDES:
        gate, live = gate_verdicts(plan, judged), live_verdicts(sb, judged)
        assert gate == live, f"{judged.control} {judged.check} on {sb.deployment.stack}: gate {gate}, audit {live}"
        judged_somewhere += bool(gate)
    # Every pair judges something on some stack (the test below does not pass by finding nothing).
    assert judged_somewhere >= len(BOTH_SIDES) - 1
