"""The exporter on a few components of the prod stack, against checked-in goldens (tests/policies/golden).

A golden holds, per Terraform address, the resource's planned values and its configuration
expressions (the references Checkov's graph connects) exactly as the gate writes them. After a
deliberate change to a component or to the exporter, regenerate them and review the diff:

    LEADPING_UPDATE_GOLDEN=1 .venv/bin/pytest tests/policies/test_export.py

The network and integrations components are left out on purpose (they change often).
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from infra.render import PROJECT_ROOT, RenderedResource, Rendering
from policies.export import SECRET_MARKER, export, redact_secrets
from tests.policies.batch import Batch

GOLDEN_DIR = Path(__file__).resolve().parent / "golden"
UPDATE_ENV = "LEADPING_UPDATE_GOLDEN"
PROD = "regressions.prod_unchanged"
# golden -> the Pulumi logical names it holds
COMPONENTS = {
    "data_keys": lambda name: name.startswith("data-keys-"),
    "secure_bucket_call_recordings": lambda name: name.startswith("data-call-recordings-"),
    "alb_listeners": lambda name: name in ("ingress-http-redirect", "ingress-https"),
}


def component_export(batch: Batch, golden: str) -> dict[str, dict]:
    plan = batch.plan(PROD)
    names = batch[PROD].names
    wanted = {address for address, name in names.items() if COMPONENTS[golden](name)}
    values = {r["address"]: r["values"] for r in plan["planned_values"]["root_module"]["resources"]}
    expressions = {r["address"]: r["expressions"] for r in plan["configuration"]["root_module"]["resources"]}
    return {
        address: {"pulumi_name": names[address], "values": values[address], "expressions": expressions[address]}
        for address in sorted(wanted)
    }


@pytest.mark.parametrize("golden", sorted(COMPONENTS))
def test_component_export_matches_its_golden(gate_batch, golden):
    actual = component_export(gate_batch, golden)
    assert actual, f"no resource of {golden} in the prod plan"
    path = GOLDEN_DIR / f"{golden}.json"
    if os.environ.get(UPDATE_ENV):
        path.write_text(json.dumps(actual, indent=1, sort_keys=True) + "\n")
    expected = json.loads(path.read_text())
    assert actual == expected, f"the export changed: review it, then regenerate ({UPDATE_ENV}=1, see the docstring)"


def test_the_bucket_configuration_references_its_bucket(gate_batch):
    """Terraform leaves a value known only after apply out of the values and names its source."""
    export = component_export(gate_batch, "secure_bucket_call_recordings")
    bucket = "aws_s3_bucket.data-call-recordings-bucket"
    connected = [a for a in export if a != bucket]
    assert len(connected) >= 6
    for address in connected:
        assert export[address]["expressions"]["bucket"] == {"references": [f"{bucket}.id", bucket]}
        assert "bucket" not in export[address]["values"]


def test_the_listeners_reference_their_load_balancer(gate_batch):
    export = component_export(gate_batch, "alb_listeners")
    for listener in export.values():
        (reference, address) = listener["expressions"]["load_balancer_arn"]["references"]
        assert address.startswith("aws_lb.")
        assert reference == f"{address}.arn"


def test_the_plan_carries_the_stack_context_the_checks_read(gate_batch):
    variables = gate_batch.plan(PROD)["variables"]
    assert variables["leadping_environment"] == {"value": "prod"}
    assert variables["leadping_policy"]["value"]["min_log_retention_days"] == 365
    assert variables["leadping_tenant_buckets"]["value"], "the tenant bucket is known to LP_CLOUDTRAIL_..."


def test_secrets_never_reach_the_plan():
    secret = {"4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270", "value": "hunter2"}
    assert redact_secrets({"password": secret, "list": [secret], "plain": "x"}) == {
        "password": SECRET_MARKER,
        "list": [SECRET_MARKER],
        "plain": "x",
    }


def test_a_pulumi_secret_in_plaintext_configuration_fails_the_gate_by_the_exporters_marker():
    """The exporter writes the marker the gate's LP-SEC-1 rule recognises (one definition)."""
    from compliance_checks.rules import secrets

    secret = {"4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270", "value": "x"}
    plan_values = {"environment": [{"variables": {"DB_PASSWORD": redact_secrets(secret)}}]}
    verdict = secrets.no_plaintext_secrets(secrets.function_from_plan(plan_values))
    assert not verdict.compliant
    assert "DB_PASSWORD (a Pulumi secret" in verdict.message


# -- what a preview could not know, other providers, remote components --------------------------


def _resource(type_token: str, name: str, inputs: dict, **fields) -> RenderedResource:
    return RenderedResource(
        urn=f"urn:pulumi:test::p::{type_token}::{name}",
        type=type_token,
        name=name,
        custom=fields.pop("custom", True),
        parent=None,
        dependencies=(),
        property_dependencies=fields.pop("property_dependencies", {}),
        provider=None,
        protect=False,
        inputs=inputs,
        id=fields.pop("id", f"{name}-id"),
        outputs=fields.pop("outputs", {}),
        **fields,
    )


BUCKET = _resource("aws:s3/bucket:Bucket", "site", {"bucket": "site"}, outputs={"arn": "arn:aws:s3:::site"})
VPC = _resource("awsx:ec2:Vpc", "vpc", {}, custom=False, id=None, remote=True, source="__main__.py:4")
PET = _resource("random:index/randomPet:RandomPet", "pet", {"length": 2}, id=None, source="__main__.py:5")
POLICY = _resource(
    "aws:s3/bucketPolicy:BucketPolicy",
    "site-policy",
    {"bucket": "site"},
    unknown=("policy",),
    property_dependencies={"bucket": (BUCKET.urn,), "policy": (BUCKET.urn,)},
    source="__main__.py:9",
)
GROUP = _resource(
    "aws:ec2/securityGroup:SecurityGroup",
    "web",
    {"ingress": [{"protocol": "tcp", "fromPort": 443, "toPort": 443, "cidrBlocks": [None, "10.0.0.0/8"]}]},
    unknown=("vpcId", "ingress[0].cidrBlocks[0]"),
    property_dependencies={"vpcId": (VPC.urn,)},
)
PROVIDER = _resource("pulumi:providers:aws", "west", {"region": "us-west-2"})


def _export_of(*resources: RenderedResource):
    rendering = Rendering(project="p", stack="test", config={}, resources=list(resources), stack_outputs={})
    return export(rendering)


def _by_address(plan: dict, section: str) -> dict:
    if section == "resource_changes":
        return {r["address"]: r for r in plan["resource_changes"]}
    return {r["address"]: r for r in plan[section]["root_module"]["resources"]}


def test_an_unknown_value_is_left_out_marked_unknown_and_named_where_it_comes_from():
    """Given a bucket policy whose document the preview could not know, then the plan leaves it out
    of the values, marks it true in after_unknown, and references the bucket it came from."""
    exported = _export_of(BUCKET, POLICY)
    address = "aws_s3_bucket_policy.site-policy"
    assert "policy" not in _by_address(exported.plan, "planned_values")[address]["values"]
    change = _by_address(exported.plan, "resource_changes")[address]["change"]
    assert change["after_unknown"] == {"policy": True}
    expressions = _by_address(exported.plan, "configuration")[address]["expressions"]
    assert expressions["policy"] == {"references": ["aws_s3_bucket.site.id", "aws_s3_bucket.site"]}


def test_an_unknown_list_element_keeps_its_place_and_the_rest_of_the_block_is_judged():
    exported = _export_of(VPC, GROUP)
    address = "aws_security_group.web"
    values = _by_address(exported.plan, "planned_values")[address]["values"]
    assert values["ingress"][0]["cidr_blocks"] == [None, "10.0.0.0/8"]
    assert values["ingress"][0]["from_port"] == 443
    assert "vpc_id" not in values
    after_unknown = _by_address(exported.plan, "resource_changes")[address]["change"]["after_unknown"]
    assert after_unknown == {"vpc_id": True, "ingress": [{"cidr_blocks": [True, False]}]}
    # The VPC is a remote component, not in the plan: nothing to reference.
    assert "vpc_id" not in _by_address(exported.plan, "configuration")[address]["expressions"]


def test_every_resource_has_its_change_as_a_first_deployments_plan_writes_it():
    exported = _export_of(BUCKET, POLICY)
    changes = _by_address(exported.plan, "resource_changes")
    assert set(changes) == set(exported.resources)
    for address, planned in _by_address(exported.plan, "planned_values").items():
        change = changes[address]["change"]
        assert change["actions"] == ["create"]
        assert change["before"] is None
        assert change["after"] == planned["values"]
    assert changes["aws_s3_bucket.site"]["change"]["after_unknown"] == {}


def test_other_providers_and_remote_components_are_listed_not_exported_and_do_not_stop_the_export():
    exported = _export_of(BUCKET, VPC, PET, PROVIDER, POLICY)
    assert set(exported.resources) == {"aws_s3_bucket.site", "aws_s3_bucket_policy.site-policy"}
    assert [(r.name, r.type, r.source, r.address) for r in exported.not_judged] == [
        ("pet", "random:index/randomPet:RandomPet", "__main__.py:5", "")
    ]
    assert [(r.name, r.type, r.source) for r in exported.unrendered] == [("vpc", "awsx:ec2:Vpc", "__main__.py:4")]
    assert exported.resources["aws_s3_bucket_policy.site-policy"].source == "__main__.py:9"


def test_a_value_two_outputs_share_is_referenced_by_the_preferred_attribute_whatever_the_order():
    """Given a log group whose key id equals both a key's ARN and another log group's key id, then
    the reference is the key's ARN, whichever dependency Pulumi listed first."""
    key = _resource("aws:kms/key:Key", "key", {}, outputs={"arn": "arn:aws:kms:us-east-1:1:key/k"})
    other = _resource(
        "aws:cloudwatch/logGroup:LogGroup", "other", {}, outputs={"kmsKeyId": "arn:aws:kms:us-east-1:1:key/k"}
    )
    for order in ((key.urn, other.urn), (other.urn, key.urn)):
        logs = _resource(
            "aws:cloudwatch/logGroup:LogGroup",
            "logs",
            {"kmsKeyId": "arn:aws:kms:us-east-1:1:key/k"},
            property_dependencies={"kmsKeyId": order},
        )
        expressions = _by_address(_export_of(key, other, logs).plan, "configuration")["aws_cloudwatch_log_group.logs"]
        assert expressions["expressions"]["kms_key_id"] == {"references": ["aws_kms_key.key.arn", "aws_kms_key.key"]}


@pytest.mark.slow
@pytest.mark.parametrize("stack", ["dev", "prod"])
def test_our_stacks_rendered_as_the_gate_renders_them_leave_nothing_unknown(stack):
    """The gate's cloud answers every output our stacks pass on: their preview is fully known, so
    the gate judges exactly what a deployment render would give it."""
    from infra.render import load_stack_config, render
    from policies.cloud import GateCloud

    config = load_stack_config(PROJECT_ROOT / f"Pulumi.{stack}.yaml")
    rendering = render(stack, preview=True, handler=GateCloud(region=config["aws:region"]), config=config)
    assert [r.name for r in rendering.resources if r.unknown] == []
    assert rendering.warnings == []
    changes = export(rendering).plan["resource_changes"]
    assert [c["address"] for c in changes if c["change"]["after_unknown"]] == []
