"""Reading a resource of a Terraform plan, as Checkov hands it or as the plan's ``values`` hold it.

Checkov wraps every scalar in a one-element list and every block in a list of dicts; the plan's
own ``values`` do not. These accessors read both, so an adapter works on either.
"""

from __future__ import annotations

import json
from typing import Any

# Entries Checkov's parser adds to every mapping it reads (the file, the lines): not configuration.
PARSER_KEYS = frozenset({"__file__", "__startline__", "__endline__", "start_line", "end_line"})


def value(conf: dict[str, Any], key: str, default: Any = None) -> Any:
    """The scalar (or JSON document) Checkov wrapped in a one-element list."""
    raw = conf.get(key, default)
    if isinstance(raw, list):
        return raw[0] if len(raw) == 1 else (raw or default)
    return raw


def values(conf: dict[str, Any], key: str) -> list[Any]:
    """A list attribute: Checkov sometimes wraps it once more."""
    raw = conf.get(key)
    if raw is None:
        return []
    if isinstance(raw, list) and len(raw) == 1 and isinstance(raw[0], list):
        return raw[0]
    return raw if isinstance(raw, list) else [raw]


def blocks(conf: dict[str, Any], key: str) -> list[dict[str, Any]]:
    raw = conf.get(key) or []
    if isinstance(raw, dict):
        return [raw]
    out: list[dict[str, Any]] = []
    for item in raw:
        if isinstance(item, dict):
            out.append(item)
        elif isinstance(item, list):
            out.extend(i for i in item if isinstance(i, dict))
    return out


def document(raw: Any) -> dict[str, Any] | None:
    """A policy document from a plan value (already parsed by Checkov, or JSON text)."""
    if isinstance(raw, list) and len(raw) == 1:
        raw = raw[0]
    if isinstance(raw, str):
        try:
            raw = json.loads(raw)
        except json.JSONDecodeError:
            return None
    return raw if isinstance(raw, dict) else None


def as_list(item: Any) -> list[Any]:
    if item is None:
        return []
    return list(item) if isinstance(item, list | tuple) else [item]


def configuration_items(mapping: Any) -> list[tuple[str, Any]]:
    """A mapping's own entries, without the ones Checkov's parser added (``__file__``, lines)."""
    if not isinstance(mapping, dict):
        return []
    return [(str(k), v) for k, v in mapping.items() if k not in PARSER_KEYS]


def integer(raw: Any) -> int | None:
    try:
        return int(raw)
    except (TypeError, ValueError):
        return None
