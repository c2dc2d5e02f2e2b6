"""Edits of a rendered program, as a change to the program would make them (for regressions).

A removed input also loses its dependency (Pulumi records a dependency per input), so the export
does not link an input the program no longer sets.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping
from dataclasses import replace
from typing import Any

from infra.render import RenderedResource, Rendering


def find(rendering: Rendering, type_token: str, name: str) -> RenderedResource:
    matches = [r for r in rendering.resources if r.type == type_token and r.name == name]
    if len(matches) != 1:
        raise LookupError(f"{len(matches)} {type_token} named {name!r} in stack {rendering.stack}")
    return matches[0]


def with_inputs(
    rendering: Rendering,
    type_token: str,
    name: str,
    set_inputs: Mapping[str, Any] | None = None,
    remove: Iterable[str] = (),
) -> Rendering:
    target = find(rendering, type_token, name)
    removed = set(remove)
    inputs = {k: v for k, v in target.inputs.items() if k not in removed}
    inputs.update(set_inputs or {})
    changed = set(removed) | set(set_inputs or {})
    dependencies = {k: v for k, v in target.property_dependencies.items() if k not in changed}
    edited = replace(target, inputs=inputs, property_dependencies=dependencies)
    return replace(rendering, resources=[edited if r is target else r for r in rendering.resources])


def with_policy(rendering: Rendering, type_token: str, name: str, edit: Callable[[dict], dict]) -> Rendering:
    """Edits the JSON policy document of a resource (its ``policy`` input)."""
    document = json.loads(find(rendering, type_token, name).inputs["policy"])
    return with_inputs(rendering, type_token, name, {"policy": json.dumps(edit(document))})


def without(rendering: Rendering, type_token: str, name: str) -> Rendering:
    target = find(rendering, type_token, name)
    return replace(rendering, resources=[r for r in rendering.resources if r is not target])


def subset(rendering: Rendering, component_urn: str) -> Rendering:
    """A component's resources and the resources they reference (a key, a log bucket), nothing else."""
    by_urn = rendering.by_urn()

    def inside(resource: RenderedResource) -> bool:
        parent = resource.parent
        while parent:
            if parent == component_urn:
                return True
            parent = by_urn[parent].parent if parent in by_urn else None
        return False

    members = [r for r in rendering.resources if inside(r) and r.custom]
    referenced = {u for r in members for urns in r.property_dependencies.values() for u in urns}
    keep = {r.urn for r in members} | {u for u in referenced if u in by_urn and by_urn[u].custom}
    return replace(rendering, resources=[r for r in rendering.resources if r.urn in keep])
