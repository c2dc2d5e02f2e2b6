"""Where the Pulumi program declared each audited resource: resource id -> "path:line".

The render records, for every resource, the program statement that constructed it
(``RenderedResource.source``, relative to the project directory). A live resource is matched to a
rendered one by what the program sets and the account shows the same way: its ARN or id (the
sandbox deploys the rendering itself, so these are the live values), else a physical name the
program gives it explicitly (``bucket``, ``name``, ``roleName``, ...; an auto-named resource's
name differs in every account and is never matched). The SARIF report points a finding at that
line (code scanning annotates it); an unmatched finding points at its control in catalog.yaml.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

# Inputs that hold a physical name the program chose: "name", "bucket", "roleName", "tableName", ...
_NAME_KEY = re.compile(r"^(name|bucket|[a-z]+Name)$")
# Names too generic to tell resources apart across a whole account.
_MIN_NAME_LENGTH = 4


def _tail(resource_id: str) -> str:
    """The name part of an ARN or id (``arn:aws:s3:::my-bucket`` -> my-bucket, ``...:role/x`` -> x)."""
    return re.split(r"[:/]", resource_id)[-1]


def _names(inputs: Mapping[str, Any]) -> Iterable[str]:
    for key, value in inputs.items():
        if _NAME_KEY.match(key) and isinstance(value, str) and len(value) >= _MIN_NAME_LENGTH:
            yield value


def _source(resource: Any, project_prefix: str) -> str | None:
    if not getattr(resource, "source", None):
        return None
    return f"{project_prefix}{resource.source}"


def source_map(resources: Iterable[Any], project_dir: Path, repository: Path) -> dict[str, str]:
    """Resource id or physical name -> "path:line" (paths relative to ``repository``).

    ``resources`` are RenderedResource-like (type, inputs, outputs, id, source). A name two
    resources share is left out rather than pointed at one of them at random.
    """
    try:
        relative = Path(project_dir).resolve().relative_to(Path(repository).resolve()).as_posix()
    except ValueError:
        relative = Path(project_dir).resolve().as_posix()
    prefix = "" if relative in ("", ".") else f"{relative}/"
    exact: dict[str, str] = {}
    by_name: dict[str, str | None] = {}
    for resource in resources:
        source = _source(resource, prefix)
        if source is None:
            continue
        outputs = getattr(resource, "outputs", {}) or {}
        for value in (outputs.get("arn"), getattr(resource, "id", None)):
            if isinstance(value, str) and value:
                exact.setdefault(value, source)
        for name in _names(getattr(resource, "inputs", {}) or {}):
            by_name[name] = source if by_name.get(name, source) == source else None
    return {**{name: src for name, src in by_name.items() if src}, **exact}


def locate(resource_ids: Iterable[str], sources: Mapping[str, str]) -> dict[str, str]:
    """The source of each audited resource id that the map knows, by its whole id or its name part."""
    found = {}
    for resource_id in resource_ids:
        source = sources.get(resource_id) or sources.get(_tail(resource_id))
        if source:
            found[resource_id] = source
    return found
