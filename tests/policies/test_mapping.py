"""The type map (policies/type_map.yaml) and attribute naming (policies/mapping.py) on real renders.

The programs are the prod and dev stacks and the sample programs (program_cases.py), exported by
the gate and read by Checkov in the session's batch: every mapping entry is used by one of them,
every type they render is mapped, nothing is named by guess, and Checkov judges what is mapped.
"""

from __future__ import annotations

import json

import pytest

from infra.render import RenderedResource, Rendering
from policies import gate
from policies.export import export
from policies.mapping import SCHEMA_FILE, TypeMap, UnknownTypeError, load_type_map_entries, singular, snake

PROGRAM_PLANS = (
    "regressions.prod_unchanged",
    "programs.dev",
    "programs.catalog",
    "programs.compliant_storage",
    "programs.insecure_webapp",
)


@pytest.fixture(scope="module")
def type_map() -> TypeMap:
    return TypeMap()


def test_every_mapping_entry_is_used_by_a_rendered_resource(gate_batch):
    rendered = {pulumi_type for plan in PROGRAM_PLANS for _name, pulumi_type in gate_batch[plan].resources.values()}
    unused = sorted(set(load_type_map_entries()) - rendered)
    assert unused == [], "add a resource of each type to tests/policies/programs/catalog/__main__.py"


def test_the_catalog_program_renders_one_resource_of_every_type_it_covers(gate_batch):
    catalog_types = {t for _name, t in gate_batch["programs.catalog"].resources.values()}
    stack_types = {
        t for plan in ("regressions.prod_unchanged", "programs.dev") for _name, t in gate_batch[plan].resources.values()
    }
    # The catalog covers every entry, but for types that only the Leadping stacks render (appended with them).
    assert set(load_type_map_entries()) - catalog_types <= stack_types


@pytest.mark.parametrize("plan", PROGRAM_PLANS)
def test_every_rendered_resource_is_exported_under_its_mapped_type(gate_batch, type_map, plan):
    resources = gate_batch[plan].resources
    assert resources
    for address, (_name, pulumi_type) in resources.items():
        assert type_map.knows(pulumi_type)
        assert address.split(".", 1)[0] == type_map.terraform_type(pulumi_type)


@pytest.mark.parametrize("plan", PROGRAM_PLANS)
def test_no_attribute_is_named_by_guess(gate_batch, plan):
    """Every attribute path of every program is in the Terraform schema (no naming-rule fallback)."""
    assert gate_batch[plan].unmapped == {}


@pytest.mark.parametrize("plan", PROGRAM_PLANS)
def test_checkov_judges_every_resource_of_a_type_it_has_checks_for(gate_batch, plan):
    """A wrong Terraform type (aws_alb_listner) would pass silently: Checkov would run no check on it."""
    results = gate_batch[plan]
    judged = {r.address for r in results.records}
    unjudged = sorted(a for a in results.resources if gate.has_checks(a, gate_batch.catalog) and a not in judged)
    assert unjudged == []


def test_every_mapped_terraform_type_has_a_schema_or_is_listed_as_newer():
    document = json.loads(SCHEMA_FILE.read_text())
    known = set(document["resources"]) | set(document["not_in_provider"])
    missing = sorted({e.terraform for e in load_type_map_entries().values()} - known)
    assert missing == [], "regenerate the schema: python -m policies.schema_tool (see its docstring)"


def _resource(type_token: str, name: str, inputs: dict) -> RenderedResource:
    return RenderedResource(
        urn=f"urn:pulumi:test::p::{type_token}::{name}",
        type=type_token,
        name=name,
        custom=True,
        parent=None,
        dependencies=(),
        property_dependencies={},
        provider=None,
        protect=False,
        inputs=inputs,
        id=f"{name}-id",
        outputs={},
    )


def _rendering(*resources: RenderedResource) -> Rendering:
    return Rendering(project="p", stack="test", config={}, resources=list(resources), stack_outputs={})


def test_an_unknown_type_stops_the_export_naming_the_type_and_resource():
    rendering = _rendering(
        _resource("aws:sagemaker/domain:Domain", "studio", {"domainName": "x"}),
        _resource("aws:kms/key:Key", "key", {"enableKeyRotation": True}),
    )
    with pytest.raises(UnknownTypeError, match=r"'aws:sagemaker/domain:Domain' \(resources: studio\)"):
        export(rendering)
    with pytest.raises(gate.GateError, match=r"type_map\.yaml"):
        gate.export_rendering(rendering)


def test_names_follow_the_terraform_schema(type_map):
    """camelCase to snake_case, Pulumi plurals to Terraform blocks, objects to one-element blocks,
    maps verbatim, and the renames type_map.yaml lists."""
    listener = type_map.converter("aws:lb/listener:Listener").convert(
        {
            "sslPolicy": "p",
            "defaultActions": [{"type": "redirect", "redirect": {"statusCode": "HTTP_301", "protocol": "HTTPS"}}],
            "tags": {"someTag": "camelCase key kept"},
        }
    )
    assert listener == {
        "ssl_policy": "p",
        "default_action": [{"type": "redirect", "redirect": [{"status_code": "HTTP_301", "protocol": "HTTPS"}]}],
        "tags": {"someTag": "camelCase key kept"},
    }
    record = type_map.converter("aws:route53/record:Record").convert(
        {"aliases": [{"name": "d", "zoneId": "Z", "evaluateTargetHealth": True}]}
    )
    assert record == {"alias": [{"name": "d", "zone_id": "Z", "evaluate_target_health": True}]}
    function = type_map.converter("aws:lambda/function:Function").convert({"name": "f"})
    assert function == {"function_name": "f"}


def test_a_name_outside_the_schema_is_reported():
    converter = TypeMap().converter("aws:kms/key:Key")
    assert converter.convert({"enableKeyRotation": True, "madeUpSetting": {"x": 1}}) == {
        "enable_key_rotation": True,
        "made_up_setting": [{"x": 1}],
    }
    assert converter.unmapped == ["made_up_setting"]


@pytest.mark.parametrize(
    ("pulumi", "terraform"),
    [
        ("rules", "rule"),
        ("policies", "policy"),
        ("addresses", "address"),
        ("indexes", "index"),
        ("global_secondary_indexes", "global_secondary_index"),
        ("status", "status"),
        ("access", "access"),
    ],
)
def test_singular(pulumi, terraform):
    assert singular(pulumi) == terraform


def test_snake():
    assert snake("enableKeyRotation") == "enable_key_rotation"
    assert snake("cidrIpv4") == "cidr_ipv4"
