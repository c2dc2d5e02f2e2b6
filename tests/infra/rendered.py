"""Queries over a Rendering that the infra tests share."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from compliance_checks import conventions
from infra.render import RenderedResource, Rendering


def component_of(rendering: Rendering, resource: RenderedResource) -> str | None:
    """The type token of the nearest leadping component above a resource."""
    by_urn = rendering.by_urn()
    parent = resource.parent
    while parent:
        owner = by_urn.get(parent)
        if owner is None:
            return None
        if owner.type.startswith("leadping:"):
            return owner.type
        parent = owner.parent
    return None


def within(rendering: Rendering, component_type: str, type_token: str | None = None) -> list[RenderedResource]:
    """Custom resources under a component type (at any depth), optionally of one type."""
    by_urn = rendering.by_urn()
    found = []
    for resource in rendering.resources:
        if type_token and resource.type != type_token:
            continue
        parent = resource.parent
        while parent:
            owner = by_urn.get(parent)
            if owner is None:
                break
            if owner.type == component_type:
                found.append(resource)
                break
            parent = owner.parent
    return found


def named(rendering: Rendering, type_token: str, logical_name: str) -> RenderedResource:
    matches = [r for r in rendering.of_type(type_token) if r.name == logical_name]
    assert len(matches) == 1, f"{len(matches)} {type_token} named {logical_name!r}"
    return matches[0]


def tags(resource: RenderedResource) -> dict[str, str]:
    return dict(resource.inputs.get("tags") or {})


def document(resource: RenderedResource, field: str = "policy") -> dict[str, Any]:
    value = resource.inputs[field]
    return json.loads(value) if isinstance(value, str) else value


def statements(policy: dict[str, Any]) -> list[dict[str, Any]]:
    found = policy.get("Statement", [])
    return [found] if isinstance(found, dict) else list(found)


def as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return list(value) if isinstance(value, list | tuple) else [value]


def output(resource: RenderedResource, field: str) -> Any:
    return resource.outputs.get(field, resource.inputs.get(field))


def by_output(rendering: Rendering, type_token: str, field: str, value: Any) -> RenderedResource:
    matches = [r for r in rendering.of_type(type_token) if output(r, field) == value]
    assert len(matches) == 1, f"{len(matches)} {type_token} with {field}={value!r}"
    return matches[0]


def key_class(rendering: Rendering, key_arn: str) -> str | None:
    """The data class tag of the customer key with this ARN (None if it is not one of ours)."""
    for key in rendering.of_type("aws:kms/key:Key"):
        if output(key, "arn") == key_arn:
            return tags(key).get(conventions.DATA_CLASS)
    return None


def policies_attached_to_roles(rendering: Rendering) -> Iterator[tuple[str, dict[str, Any]]]:
    """(role name, policy document) for every customer policy attached to a role and every inline one."""
    policies = {output(p, "arn"): document(p) for p in rendering.of_type("aws:iam/policy:Policy")}
    for attachment in rendering.of_type("aws:iam/rolePolicyAttachment:RolePolicyAttachment"):
        policy = policies.get(attachment.inputs["policyArn"])
        if policy is not None:
            yield attachment.inputs["role"], policy
    roles_by_id = {output(r, "id"): output(r, "name") for r in rendering.of_type("aws:iam/role:Role")}
    for inline in rendering.of_type("aws:iam/rolePolicy:RolePolicy"):
        yield roles_by_id.get(inline.inputs["role"], inline.inputs["role"]), document(inline)


def role(rendering: Rendering, workload: str) -> RenderedResource:
    matches = [r for r in rendering.of_type("aws:iam/role:Role") if tags(r).get(conventions.WORKLOAD) == workload]
    assert len(matches) == 1, f"{len(matches)} roles tagged {conventions.WORKLOAD}={workload}"
    return matches[0]


def in_home_region(rendering: Rendering, type_token: str) -> list[RenderedResource]:
    """Resources of a type that the stack's default provider (its own region) manages."""
    explicit = [p.urn for p in rendering.of_type("pulumi:providers:aws")]
    return [
        r for r in rendering.of_type(type_token) if not (r.provider and any(r.provider.startswith(u) for u in explicit))
    ]


def regions_of(rendering: Rendering) -> list[str]:
    """The regions the stack uses: its own, then the backup copy region (prod)."""
    regions = [rendering.config["aws:region"]]
    if rendering.config.get("leadping:backupCopyRegion"):
        regions.append(rendering.config["leadping:backupCopyRegion"])
    return regions


def provider_region(rendering: Rendering, resource: RenderedResource) -> str:
    """The region of the provider that manages ``resource`` (the stack's own without an explicit one)."""
    if not resource.provider:
        return rendering.config["aws:region"]
    providers = {p.urn: p for p in rendering.of_type("pulumi:providers:aws")}
    return providers[resource.provider.rsplit("::", 1)[0]].inputs["region"]
