"""A rendered Pulumi stack -> the Terraform plan JSON that Checkov's ``terraform_plan`` framework reads.

What Checkov reads (checkov/terraform/plan_parser.py): ``planned_values.root_module.resources[]``
(``address``, ``mode``, ``type``, ``name``, ``values``) and, matched by type and name,
``configuration.root_module.resources[].expressions``, where ``{"attr": {"references": [...]}}``
fills an attribute whose value is unknown at plan time with the address it comes from. Checkov's
graph builds its edges (the CKV2_* connection checks: a bucket and its encryption configuration,
public access block, policy, logging) from those address strings.

So the plan is written the way Terraform writes the plan of a first deployment: an input that
is another resource's output (Pulumi records it as a property dependency) is left out of
``values`` and named in ``expressions`` as ``<type>.<name>.<attribute>``. Inside lists (security
group ids, subnet ids) Checkov substitutes only one reference per attribute, so list elements
carry the address string in ``values`` directly; a composite value that merely embeds an output
(a policy JSON with a bucket ARN) keeps its rendered value, which the checks need to read.

A value the preview render could not know (``RenderedResource.unknown``) is written as Terraform
writes it: left out of ``values``, marked in ``resource_changes[].change.after_unknown``, and, when
it comes from another resource, named in ``expressions`` (``policies/unknown_values.py``).

Only the ``aws`` provider's resources are exported. Those of other providers (random, tls,
command, docker, dynamic providers ...) are listed in ``ExportedPlan.not_judged``, and remote
components (``awsx:*``, ``eks:*``: their children are built by another language host, which an
offline render does not run) in ``ExportedPlan.unrendered``: the gate says what it did not judge.

The stack's context (environment, its minimums, public routes, tenant stores, which roles a
policy is attached to) goes into the plan's ``variables``; our own checks read it from there.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, field
from typing import Any

from compliance_checks import conventions
from compliance_checks.rules import secrets
from compliance_checks.strict_yaml import shown
from infra.fake_cloud import AWS_PACKAGE
from infra.render import RenderedResource, Rendering
from infra.settings import PROJECT, SettingsError, read_environment
from policies import unknown_values
from policies.mapping import TypeMap, UnknownTypeError

TERRAFORM_VERSION = "1.9.8"  # any version: Checkov only requires the key to be present
PLAN_FORMAT_VERSION = "1.2"
VARIABLE_PREFIX = "leadping_"
PROVIDER_NAME = "registry.terraform.io/hashicorp/aws"

_ADDRESS_NAME = re.compile(r"[^A-Za-z0-9_-]")
# How Pulumi's wire format marks a secret value; the plan carries a marker, never the value.
_SECRET_SIGNATURE = "4dabf18193072939515e22adb298388d"  # noqa: S105 - a type marker, not a secret
# What the plan shows instead of the value: the marker the gate's rule (LP-SEC-1) recognises.
SECRET_MARKER = secrets.SECRET_MARKER
# Output attributes preferred when an input equals several outputs of the resource it refers to.
_REFERENCE_PREFERENCE = ("id", "arn", "name", "bucket", "keyId")


@dataclass(frozen=True)
class PulumiResource:
    """What a Terraform address in the plan stands for in the Pulumi program."""

    address: str
    urn: str
    name: str
    type: str
    parent: str | None
    # "<file>:<line>" of the program statement that constructed it (RenderedResource.source).
    source: str | None = None

    def label(self) -> str:
        return f"{self.name} ({self.type})"


@dataclass
class ExportedPlan:
    stack: str
    plan: dict[str, Any]
    resources: dict[str, PulumiResource]
    unmapped_attributes: dict[str, list[str]] = field(default_factory=dict)
    context: dict[str, Any] = field(default_factory=dict)
    # Resources of other providers than aws (no address): rendered, not judged.
    not_judged: list[PulumiResource] = field(default_factory=list)
    # Remote components (no address): their children were not rendered, so nothing of them is judged.
    unrendered: list[PulumiResource] = field(default_factory=list)

    def index(self) -> dict[str, Any]:
        return {address: asdict(resource) for address, resource in self.resources.items()}


def redact_secrets(value: Any) -> Any:
    """Replaces Pulumi secrets by a marker: the plan lands on disk and in CI artifacts."""
    if isinstance(value, Mapping):
        if _SECRET_SIGNATURE in value:
            return SECRET_MARKER
        return {k: redact_secrets(v) for k, v in value.items()}
    if isinstance(value, list):
        return [redact_secrets(v) for v in value]
    return value


def _package(resource: RenderedResource) -> str:
    """The provider package of a type token: ``aws:s3/bucket:Bucket`` -> ``aws``."""
    return resource.type.split(":", 1)[0]


def _is_exported(resource: RenderedResource) -> bool:
    # Components have no cloud counterpart; providers become provider_config.
    return resource.custom and _package(resource) == AWS_PACKAGE  # Checkov's AWS checks judge them


def _is_not_judged(resource: RenderedResource) -> bool:
    return resource.custom and _package(resource) not in (AWS_PACKAGE, "pulumi")


def _unexported(resource: RenderedResource) -> PulumiResource:
    return PulumiResource("", resource.urn, resource.name, resource.type, resource.parent, resource.source)


def _unknown_expression(dependencies: list[str], addresses: Mapping[str, str]) -> dict[str, Any]:
    """Where an unknown value comes from: one resource (its id, as the render cannot say which
    output), or the resources it was built from."""
    if len(dependencies) == 1:
        address = addresses[dependencies[0]]
        return {"references": [f"{address}.id", address]}
    return {"references": sorted({addresses[u] for u in dependencies})}


def _address_names(resources: Iterable[RenderedResource], type_map: TypeMap) -> dict[str, str]:
    """A unique Terraform address per resource (names are unique per Pulumi type and parent only)."""
    addresses: dict[str, str] = {}
    taken: set[str] = set()
    for resource in resources:
        tf_type = type_map.terraform_type(resource.type)
        name = _ADDRESS_NAME.sub("_", resource.name)
        if not name or not (name[0].isalpha() or name[0] == "_"):
            name = f"r_{name}"
        address = f"{tf_type}.{name}"
        if address in taken:
            import hashlib

            address = f"{address}_{hashlib.sha256(resource.urn.encode()).hexdigest()[:6]}"
        taken.add(address)
        addresses[resource.urn] = address
    return addresses


def _candidates(
    dependency_urns: Iterable[str], by_urn: Mapping[str, RenderedResource], addresses: Mapping[str, str], tm: TypeMap
) -> dict[str, list[str]]:
    """Output value -> [reference, address] for every string output of the resources depended on.

    A value that several outputs share (a user pool's name and its client's id) goes to the most
    preferred attribute, then the first URN: never to whichever dependency Pulumi listed first,
    which varies from run to run.
    """
    ranked: dict[str, tuple[tuple[int, str], list[str]]] = {}
    for urn in dependency_urns:
        target = by_urn.get(urn)
        if target is None or urn not in addresses:
            continue
        address = addresses[urn]
        outputs = dict(target.outputs)
        if target.id:
            outputs.setdefault("id", target.id)
        ordered = [k for k in _REFERENCE_PREFERENCE if k in outputs] + sorted(
            k for k in outputs if k not in _REFERENCE_PREFERENCE
        )
        for key in ordered:
            value = outputs[key]
            if not (isinstance(value, str) and len(value) > 2):
                continue
            preferred = key in _REFERENCE_PREFERENCE
            rank = (_REFERENCE_PREFERENCE.index(key) if preferred else len(_REFERENCE_PREFERENCE), urn)
            if value not in ranked or rank < ranked[value][0]:
                ranked[value] = (rank, [f"{address}.{tm.terraform_attribute(target.type, key)}", address])
    return {value: reference for value, (_rank, reference) in ranked.items()}


def _link(value: Any, candidates: Mapping[str, list[str]]) -> tuple[Any, Any, bool]:
    """Replaces outputs of other resources by their addresses: (value or OMIT, expression, linked)."""
    if isinstance(value, str) and value in candidates:
        return _OMIT, {"references": list(candidates[value])}, True
    if isinstance(value, list):
        if all(not isinstance(item, Mapping) for item in value):
            references: list[str] = []
            new_items = []
            for item in value:
                if isinstance(item, str) and item in candidates:
                    references.extend(candidates[item])
                    new_items.append(candidates[item][0])
                else:
                    new_items.append(item)
            if references:
                return new_items, {"references": references}, True
            return value, None, False
        new_list, expressions, linked = [], [], False
        for item in value:
            if isinstance(item, Mapping):
                new_item, expression, item_linked = _link_block(item, candidates)
                new_list.append(new_item)
                expressions.append(expression)
                linked = linked or item_linked
            else:
                new_list.append(item)
                expressions.append({})
        return new_list, expressions if linked else None, linked
    return value, None, False


def _link_block(block: Mapping[str, Any], candidates: Mapping[str, list[str]]) -> tuple[dict, dict, bool]:
    new_block: dict[str, Any] = {}
    expressions: dict[str, Any] = {}
    linked = False
    for key, value in block.items():
        new_value, expression, value_linked = _link(value, candidates)
        if new_value is not _OMIT:
            new_block[key] = new_value
        if expression is not None:
            expressions[key] = expression
        linked = linked or value_linked
    return new_block, expressions, linked


_OMIT = unknown_values.OMITTED


def stack_context(rendering: Rendering, addresses: Mapping[str, str]) -> dict[str, Any]:
    """What our checks need to know about the stack that no single resource says."""
    config = rendering.config
    environment, environment_source = stack_environment(config, rendering.project)
    public_routes = _config_value(config, "publicRoutes")
    try:
        routes = json.loads(public_routes) if public_routes else []
    except json.JSONDecodeError:
        routes = []
    tenant_tables, tenant_buckets = [], []
    tenant_bucket_addresses: dict[str, str] = {}
    roles: dict[str, str] = {}
    for resource in rendering.of_custom():
        tags = resource.inputs.get("tags") or {}
        tenant = isinstance(tags, Mapping) and tags.get(conventions.TENANT_DATA) == conventions.TRUE
        if resource.type == "aws:dynamodb/table:Table":
            if tenant or resource.inputs.get("hashKey") == conventions.TENANT_PARTITION_KEY:
                tenant_tables.append(str(resource.outputs.get("arn", "")))
        elif resource.type in ("aws:s3/bucket:Bucket", "aws:s3/bucketV2:BucketV2") and tenant:
            bucket = str(resource.outputs.get("bucket") or resource.id or "")
            tenant_buckets.append(bucket)
            if resource.urn in addresses:
                tenant_bucket_addresses[bucket] = addresses[resource.urn]
        elif resource.type == "aws:iam/role:Role":
            roles[resource.urn] = _workload(resource)
    return {
        **environment_context(environment),
        "environment_source": environment_source,
        "public_routes": [str(route).strip() for route in routes],
        "tenant_tables": sorted(filter(None, tenant_tables)),
        "tenant_buckets": sorted(filter(None, tenant_buckets)),
        "tenant_bucket_addresses": tenant_bucket_addresses,
        "policy_workloads": _policy_workloads(rendering, roles, addresses),
        # Like the live checks: when no role carries the workload tag, every role but break-glass counts.
        "roles_tagged": any(
            isinstance(r.inputs.get("tags"), Mapping) and r.inputs["tags"].get(conventions.WORKLOAD)
            for r in rendering.of_type("aws:iam/role:Role")
        ),
        "permission_boundaries": _permission_boundaries(rendering, addresses),
    }


def stack_environment(config: Mapping[str, str], project: str = PROJECT) -> tuple[str, str]:
    """The environment the plan is judged against, and where it came from.

    ``<project>:environment`` read by the program's settings model (``infra.settings``). For
    Leadping's own stacks an invalid value is the same ``SettingsError`` the program raises, never
    a fallback. Another project's program that sets no environment, or one that is not ours (dev,
    prod), is judged as prod, the strictest, and the source says why (the gate warns).
    """
    key = f"{project}:environment"
    value = config.get(key)
    if not value:
        return "prod", f"default (strictest): the stack config sets no {key}"
    try:
        return read_environment(lambda name: config.get(f"{project}:{name}"), project), "stack config"
    except SettingsError:
        if project == PROJECT:
            raise
        return "prod", f"default (strictest): {key} is {shown(value)}, not one of dev, prod"


def environment_context(environment: str) -> dict[str, Any]:
    """The part of a stack's context that comes from the conventions alone (not from the program).
    What the rules know by themselves (TLS policies, data services, tenant prefix, the actions that
    reach data) they import from compliance_checks; only the stack's environment and its policy
    come through the plan."""
    return {
        "environment": environment,
        "policy": asdict(conventions.ENVIRONMENT_POLICIES[environment]),
    }


def _permission_boundaries(rendering: Rendering, addresses: Mapping[str, str]) -> list[str]:
    """Policies used as permission boundaries: they cap a role and grant nothing by themselves."""
    found = set()
    for resource in rendering.of_type("aws:iam/role:Role"):
        for urn in resource.property_dependencies.get("permissionsBoundary", ()):
            if urn in addresses:
                found.add(addresses[urn])
    return sorted(found)


def _config_value(config: Mapping[str, str], key: str) -> str | None:
    for full_key, value in config.items():
        if full_key.split(":", 1)[-1] == key and not full_key.startswith("aws:"):
            return value
    return None


def _workload(role: RenderedResource) -> str:
    """The role's workload tag, else break-glass by name, else "" (untagged)."""
    tags = role.inputs.get("tags") or {}
    if isinstance(tags, Mapping) and tags.get(conventions.WORKLOAD):
        return str(tags[conventions.WORKLOAD])
    name = f"{role.name} {role.inputs.get('name', '')}".lower()
    if "break-glass" in name or "breakglass" in name:
        return conventions.BREAK_GLASS
    return ""


def _policy_workloads(
    rendering: Rendering, roles: Mapping[str, str], addresses: Mapping[str, str]
) -> dict[str, list[str]]:
    """Plan address of each identity policy -> the workloads of the roles it is attached to."""
    attached: dict[str, set[str]] = {}
    for resource in rendering.of_custom():
        if resource.urn not in addresses:
            continue
        deps = resource.property_dependencies
        role_urns = [u for u in deps.get("role", ()) if u in roles]
        if resource.type == "aws:iam/role:Role":
            attached.setdefault(addresses[resource.urn], set()).add(roles[resource.urn])
        elif resource.type == "aws:iam/rolePolicy:RolePolicy":
            attached.setdefault(addresses[resource.urn], set()).update(roles[u] for u in role_urns)
        elif resource.type == "aws:iam/rolePolicyAttachment:RolePolicyAttachment":
            for policy_urn in deps.get("policyArn", ()):
                if policy_urn in addresses:
                    attached.setdefault(addresses[policy_urn], set()).update(roles[u] for u in role_urns)
    return {address: sorted(workloads) for address, workloads in sorted(attached.items())}


def export(rendering: Rendering, type_map: TypeMap | None = None) -> ExportedPlan:
    """Builds the plan document; raises UnknownTypeError naming every unmapped type first met."""
    tm = type_map or TypeMap()
    exported = [r for r in rendering.resources if _is_exported(r)]
    unknown: dict[str, list[str]] = {}
    for resource in exported:
        if not tm.knows(resource.type):
            unknown.setdefault(resource.type, []).append(resource.name)
    if unknown:
        token, names = sorted(unknown.items())[0]
        error = UnknownTypeError(token, names)
        error.all_unknown = unknown  # type: ignore[attr-defined]
        raise error
    by_urn = rendering.by_urn()
    addresses = _address_names(exported, tm)
    planned, configured, changes = [], [], []
    index: dict[str, PulumiResource] = {}
    unmapped: dict[str, list[str]] = {}
    for resource in exported:
        address = addresses[resource.urn]
        tf_type, name = address.split(".", 1)
        converter = tm.converter(resource.type)
        inputs = unknown_values.with_markers(resource.inputs, resource.unknown)
        values = converter.convert(redact_secrets(inputs))
        names = converter.top_level_names
        expressions: dict[str, Any] = {}
        for input_name, urns in resource.property_dependencies.items():
            tf_name = names.get(input_name)
            dependencies = [u for u in urns if u in addresses]
            if not dependencies:
                continue
            if tf_name is None or unknown_values.is_unknown(values[tf_name]):
                # The input is another resource's output the offline render could not know (an EIP's
                # allocation id): Terraform would leave it out of the values and name its source.
                expressions[tf_name or converter.name_of(input_name)] = _unknown_expression(dependencies, addresses)
                continue
            candidates = _candidates(dependencies, by_urn, addresses, tm)
            new_value, expression, linked = _link(values[tf_name], candidates)
            if linked:
                if new_value is _OMIT:
                    del values[tf_name]
                else:
                    values[tf_name] = new_value
                expressions[tf_name] = expression
            else:
                # The value embeds the other resource's output (a policy document, a name built
                # from it): keep the rendered value and record the dependency.
                expressions[tf_name] = {"references": sorted({addresses[u] for u in dependencies})}
        if converter.unmapped:  # after the references: name_of may meet an input the schema lacks
            unmapped[address] = list(converter.unmapped)
        values, after_unknown = unknown_values.split_values(values)
        planned.append({"address": address, "mode": "managed", "type": tf_type, "name": name, "values": values})
        changes.append(_change(address, tf_type, name, values, after_unknown))
        configured.append(
            {
                "address": address,
                "mode": "managed",
                "type": tf_type,
                "name": name,
                "provider_config_key": "aws",
                "expressions": expressions,
            }
        )
        index[address] = PulumiResource(
            address, resource.urn, resource.name, resource.type, resource.parent, resource.source
        )
    context = stack_context(rendering, addresses)
    plan = plan_document(planned, configured, context, rendering.config.get("aws:region", "us-east-1"), changes)
    return ExportedPlan(
        rendering.stack,
        plan,
        index,
        unmapped,
        context,
        not_judged=[_unexported(r) for r in rendering.resources if _is_not_judged(r)],
        unrendered=[_unexported(r) for r in rendering.resources if r.remote and not r.custom],
    )


def _change(address: str, tf_type: str, name: str, values: dict[str, Any], after_unknown: dict[str, Any]) -> dict:
    """The resource's entry in ``resource_changes``: a creation, as in a first deployment's plan."""
    return {
        "address": address,
        "mode": "managed",
        "type": tf_type,
        "name": name,
        "provider_name": PROVIDER_NAME,
        "change": {
            "actions": ["create"],
            "before": None,
            "after": values,
            "after_unknown": after_unknown,
            "before_sensitive": False,
            "after_sensitive": {},
        },
    }


def plan_document(
    planned: list[dict[str, Any]],
    configured: list[dict[str, Any]],
    context: Mapping[str, Any],
    region: str,
    changes: list[dict[str, Any]] | None = None,
) -> dict[str, Any]:
    """The plan JSON: resources' values, their changes (what is unknown), references (configuration)
    and the stack context."""
    return {
        "format_version": PLAN_FORMAT_VERSION,
        "terraform_version": TERRAFORM_VERSION,
        "variables": {f"{VARIABLE_PREFIX}{key}": {"value": value} for key, value in context.items()},
        "planned_values": {"root_module": {"resources": planned}},
        "resource_changes": changes or [],
        "configuration": {
            "provider_config": {
                "aws": {
                    "name": "aws",
                    "full_name": PROVIDER_NAME,
                    "expressions": {"region": {"constant_value": region}},
                }
            },
            "root_module": {"resources": configured},
        },
    }
