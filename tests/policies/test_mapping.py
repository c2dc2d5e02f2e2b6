"""The mapping of Pulumi types and properties to Terraform's (policies/mapping.py and its data).

Proven four ways: every resource token of the installed pulumi-aws maps; the exceptions file is
in the data; a program of a dozen representative resources exports exactly what Terraform would
plan for the same configuration (tests/policies/golden/terraform_shapes, written by hand from the
provider's documented arguments); and the real renders (the Leadping stacks and the sample
programs, judged by Checkov in the session's batch) name nothing by guess.
"""

from __future__ import annotations

import gzip
import json
import re
from pathlib import Path

import pytest

from infra.render import RenderedResource, Rendering, render
from policies import gate
from policies.export import export
from policies.generate_mapping import sdk_resource_tokens
from policies.mapping import (
    MappingDataError,
    TypeMap,
    UnknownTypeError,
    data_file,
    installed_pulumi_aws_version,
    load_exceptions,
    singular,
    singular_candidates,
    snake,
)

PROGRAM_PLANS = (
    "regressions.prod_unchanged",
    "programs.dev",
    "programs.catalog",
    "programs.compliant_storage",
    "programs.insecure_webapp",
)
SHAPES_DIR = Path(__file__).resolve().parent / "golden" / "terraform_shapes"


@pytest.fixture(scope="module")
def type_map() -> TypeMap:
    return TypeMap()


# --- every type of the installed pulumi-aws ------------------------------------------------------


def _tokens_in_class_sources() -> set[str]:
    """The token every resource class of the installed SDK passes to ``CustomResource.__init__``."""
    import pulumi_aws

    found: set[str] = set()
    pattern = re.compile(r"super\(\w+, __self__\)\.__init__\(\s*'(aws:[^']+)'")
    for path in Path(pulumi_aws.__file__).parent.rglob("*.py"):
        found.update(pattern.findall(path.read_text()))
    return found


def test_the_data_describes_the_installed_pulumi_aws(type_map):
    installed = installed_pulumi_aws_version()
    assert installed == type_map.provider_version, (
        f"pulumi-aws {installed} is installed but the vendored mapping is for {type_map.provider_version}: "
        "regenerate it (python -m policies.generate_mapping, see its docstring)"
    )
    assert data_file(installed).exists()


def test_every_resource_token_of_the_installed_pulumi_aws_maps_to_a_terraform_type(type_map):
    registered = set(sdk_resource_tokens())
    declared = _tokens_in_class_sources()
    assert len(registered) > 1500
    assert declared == registered, "the SDK's registry and its resource classes disagree"
    unmapped = sorted(t for t in registered if not type_map.knows(t))
    assert unmapped == []
    for token in registered:
        assert re.fullmatch(r"aws_[a-z0-9_]+", type_map.terraform_type(token)), token


def test_few_types_are_newer_than_the_terraform_schema(type_map):
    """A type the schema lacks is mapped by rule and reported whole: keep them the exception."""
    unverified = [t for t in type_map.tokens() if not type_map.is_verified(t)]
    assert len(unverified) < 0.05 * len(type_map.tokens())


def test_every_exception_is_a_pulumi_aws_type_and_is_in_the_data(type_map):
    exceptions = load_exceptions()
    assert exceptions
    for token, entry in exceptions.items():
        assert type_map.knows(token), f"{token} is not a type of pulumi-aws {type_map.provider_version}"
        assert type_map.terraform_type(token) == entry.terraform, "regenerate the mapping data"
        for pulumi_name, terraform_name in entry.rename.items():
            assert type_map.terraform_attribute(token, pulumi_name) == terraform_name


def test_a_version_other_than_the_data_s_is_said():
    type_map = TypeMap()
    warning = type_map.version_warning(installed="7.0.0")
    assert warning is not None
    assert "7.0.0" in warning
    assert type_map.provider_version in warning
    assert type_map.version_warning(installed=type_map.provider_version) is None


def test_unreadable_mapping_data_is_an_error(tmp_path):
    broken = tmp_path / "pulumi-aws-1.2.3.mapping.json.gz"
    broken.write_bytes(b"not gzip")
    with pytest.raises(MappingDataError, match="cannot read the mapping data"):
        TypeMap(data_path=broken)
    wrong_format = tmp_path / "pulumi-aws-1.2.4.mapping.json.gz"
    wrong_format.write_bytes(gzip.compress(json.dumps({"format": 0, "resources": {}}).encode()))
    with pytest.raises(MappingDataError, match="format 0"):
        TypeMap(data_path=wrong_format)


# --- the exported plan equals Terraform's -------------------------------------------------------


@pytest.fixture(scope="module")
def shapes_export():
    rendering = render("golden", project_dir=SHAPES_DIR, config={"aws:region": "us-east-1"})
    return export(rendering)


def _expected_shapes() -> dict[str, dict]:
    expected = json.loads((SHAPES_DIR / "expected.json").read_text())
    expected.pop("_about")
    return expected


@pytest.mark.parametrize("name", sorted(_expected_shapes()))
def test_a_representative_resource_exports_what_terraform_would_plan(shapes_export, name):
    expected = _expected_shapes()[name]
    planned = {r["address"]: r for r in shapes_export.plan["planned_values"]["root_module"]["resources"]}
    (address,) = [a for a, resource in shapes_export.resources.items() if resource.name == name]
    assert planned[address]["type"] == expected["type"]
    assert planned[address]["values"] == expected["values"]


def test_the_representative_resources_name_nothing_by_guess(shapes_export):
    assert shapes_export.unmapped_attributes == {}
    assert len(shapes_export.resources) == len(_expected_shapes())


# --- the real renders ---------------------------------------------------------------------------


@pytest.mark.parametrize("plan", PROGRAM_PLANS)
def test_every_rendered_resource_is_exported_under_its_mapped_type(gate_batch, type_map, plan):
    resources = gate_batch[plan].resources
    assert resources
    for address, (_name, pulumi_type) in resources.items():
        assert type_map.knows(pulumi_type)
        assert address.split(".", 1)[0] == type_map.terraform_type(pulumi_type)


@pytest.mark.parametrize("plan", PROGRAM_PLANS)
def test_no_attribute_is_named_by_guess(gate_batch, plan):
    """Every attribute path of every program is vouched for by the Terraform schema."""
    assert gate_batch[plan].unmapped == {}


@pytest.mark.parametrize("plan", PROGRAM_PLANS)
def test_checkov_judges_every_resource_of_a_type_it_has_checks_for(gate_batch, plan):
    """A wrong Terraform type (aws_alb_listner) would pass silently: Checkov would run no check on it."""
    results = gate_batch[plan]
    judged = {r.address for r in results.records}
    unjudged = sorted(a for a in results.resources if gate.has_checks(a, gate_batch.catalog) and a not in judged)
    assert unjudged == []


# --- the converter ------------------------------------------------------------------------------


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
        _resource("aws:sagemaker/madeUp:MadeUp", "studio", {"domainName": "x"}),
        _resource("aws:kms/key:Key", "key", {"enableKeyRotation": True}),
    )
    with pytest.raises(UnknownTypeError, match=r"'aws:sagemaker/madeUp:MadeUp' \(resources: studio\)"):
        export(rendering)
    with pytest.raises(gate.GateError, match=r"type_map\.yaml"):
        gate.export_rendering(rendering)


def test_names_follow_the_terraform_schema(type_map):
    """camelCase to snake_case, Pulumi plurals to Terraform blocks, objects to one-element blocks,
    maps verbatim, and the names the bridge renamed."""
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


def test_names_the_snake_case_rule_alone_gets_wrong_come_from_the_schema(type_map):
    contact = type_map.converter("aws:account/primaryContact:PrimaryContact").convert({"addressLine1": "1 Main St"})
    assert contact == {"address_line_1": "1 Main St"}
    listener = type_map.converter("aws:lb/listener:Listener").convert(
        {"routingHttpResponseXFrameOptionsHeaderValue": "DENY"}
    )
    assert listener == {"routing_http_response_x_frame_options_header_value": "DENY"}


def test_a_document_pulumi_also_takes_as_an_object_stays_verbatim(type_map):
    document = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}]}
    assert type_map.converter("aws:iam/policy:Policy").convert({"policy": document}) == {"policy": document}


def test_the_shapes_the_data_describes():
    """A single nested object stays an object, a map of objects keeps its keys, a flattened scalar
    list becomes a list again, and a guess is reported."""
    data = {
        "format": 1,
        "pulumi_aws_version": "0.0.1",
        "resources": {
            "aws:x/thing:Thing": {
                "tf": "aws_x_thing",
                "p": {
                    "settings": [0, "object", {"maxSize": 0}],
                    "targets": ["target", "map", {"arnValue": "arn"}],
                    "subnetIds": [0, "wrap", 0],
                    "newField": [0, "list", {"innerValue": 0}, 1],
                },
            }
        },
    }
    converter = TypeMap(data).converter("aws:x/thing:Thing")
    converted = converter.convert(
        {
            "settings": {"maxSize": 3},
            "targets": {"a": {"arnValue": "arn:a"}},
            "subnetIds": "subnet-1",
            "newField": {"innerValue": 1},
        }
    )
    assert converted == {
        "settings": {"max_size": 3},
        "target": {"a": {"arn": "arn:a"}},
        "subnet_ids": ["subnet-1"],
        "new_field": [{"inner_value": 1}],
    }
    assert converter.unmapped == ["new_field"]


def test_a_name_outside_the_provider_s_types_is_reported(type_map):
    converter = type_map.converter("aws:kms/key:Key")
    assert converter.convert({"enableKeyRotation": True, "madeUpSetting": {"x": 1}}) == {
        "enable_key_rotation": True,
        "made_up_setting": [{"x": 1}],
    }
    assert converter.unmapped == ["made_up_setting"]


def test_a_type_newer_than_the_schema_is_reported_whole():
    data = {
        "format": 1,
        "pulumi_aws_version": "0.0.1",
        "resources": {"aws:x/new:New": {"tf": "aws_x_new", "p": {"someName": 0}, "unverified": 1}},
    }
    converter = TypeMap(data).converter("aws:x/new:New")
    assert converter.convert({"someName": "a", "other": {"deepValue": 1}}) == {
        "some_name": "a",
        "other": [{"deep_value": 1}],
    }
    assert converter.unmapped == ["some_name", "other"]


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


def test_singular_candidates_include_the_less_likely_ones():
    assert "alias" in singular_candidates("aliases")
    assert singular_candidates("status") == []


def test_snake():
    assert snake("enableKeyRotation") == "enable_key_rotation"
    assert snake("cidrIpv4") == "cidr_ipv4"
