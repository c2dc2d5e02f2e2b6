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
from compliance_checks.rules import Verdict, backup, cloudtrail, ec2, elbv2, events, logs, rds, s3
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
)


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
        ]
    )  # fmt: skip
    for judged in BOTH_SIDES:
        control = catalog.control(judged.control)
        assert judged.gate_policy in control.policies, judged
        assert judged.check in control.checks, judged


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
