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

from policies.export import SECRET_MARKER, redact_secrets
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


def test_the_checks_know_the_marker_the_exporter_writes_for_a_secret():
    """LP_CONFIG_NO_PLAINTEXT_SECRETS fails a Pulumi secret in plaintext configuration by this marker;
    lp_common runs inside Checkov's environment and cannot import the exporter."""
    import ast

    from policies import config as gate_config

    tree = ast.parse((gate_config.CHECKS_DIR / "lp_common.py").read_text())
    assigned = {
        target.id: node.value.value
        for node in tree.body
        if isinstance(node, ast.Assign) and isinstance(node.value, ast.Constant)
        for target in node.targets
        if isinstance(target, ast.Name)
    }
    assert assigned["SECRET_MARKER"] == SECRET_MARKER
