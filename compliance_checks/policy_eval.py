"""Reading IAM-style policy documents (identity, bucket, key and secret policies).

Small, pure helpers shared by the checks: normalise statements, match actions and resources
with IAM's wildcards, and read principals and conditions the way IAM does (keys and operators
case-insensitive, values as lists).
"""

from __future__ import annotations

import fnmatch
import json
import urllib.parse
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any


def as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    if isinstance(value, list | tuple):
        return list(value)
    return [value]


def parse_document(document: str | Mapping[str, Any] | None) -> dict[str, Any]:
    """A policy document from a dict, JSON text, or URL-encoded JSON text (as IAM returns it)."""
    if document is None:
        return {}
    if isinstance(document, Mapping):
        return dict(document)
    text = document.strip()
    if text.startswith("%7B") or text.startswith("%7b"):
        text = urllib.parse.unquote(text)
    try:
        parsed = json.loads(text)
    except json.JSONDecodeError:
        return {}
    return parsed if isinstance(parsed, dict) else {}


@dataclass(frozen=True)
class Statement:
    effect: str
    actions: tuple[str, ...] = ()
    not_actions: tuple[str, ...] = ()
    resources: tuple[str, ...] = ()
    not_resources: tuple[str, ...] = ()
    principals: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    not_principals: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    conditions: Mapping[str, Mapping[str, tuple[str, ...]]] = field(default_factory=dict)
    sid: str = ""

    @property
    def allows(self) -> bool:
        return self.effect == "Allow"

    @property
    def denies(self) -> bool:
        return self.effect == "Deny"

    def grants_action(self, action: str) -> bool:
        """True when the statement's action block covers ``action`` (e.g. "s3:GetObject")."""
        if self.not_actions:
            return not any(action_matches(p, action) for p in self.not_actions)
        return any(action_matches(p, action) for p in self.actions)

    def covers_resource(self, arn: str) -> bool:
        if self.not_resources:
            return not any(resource_matches(p, arn) for p in self.not_resources)
        return any(resource_matches(p, arn) for p in self.resources)

    def condition(self, operator: str, key: str) -> tuple[str, ...] | None:
        """Values of a condition (operator and key compared case-insensitively), or None."""
        for op, block in self.conditions.items():
            if op.lower() != operator.lower():
                continue
            for k, values in block.items():
                if k.lower() == key.lower():
                    return values
        return None

    def condition_keys(self) -> set[str]:
        return {k.lower() for block in self.conditions.values() for k in block}


def _principals(value: Any) -> dict[str, tuple[str, ...]]:
    if value is None:
        return {}
    if value == "*":
        return {"*": ("*",)}
    if isinstance(value, Mapping):
        return {str(k): tuple(str(v) for v in as_list(vals)) for k, vals in value.items()}
    return {"AWS": tuple(str(v) for v in as_list(value))}


def statements(document: str | Mapping[str, Any] | None) -> list[Statement]:
    doc = parse_document(document)
    result = []
    for raw in as_list(doc.get("Statement")):
        if not isinstance(raw, Mapping):
            continue
        conditions = {
            str(op): {str(k): tuple(str(v) for v in as_list(vals)) for k, vals in (block or {}).items()}
            for op, block in (raw.get("Condition") or {}).items()
            if isinstance(block, Mapping)
        }
        result.append(
            Statement(
                effect=str(raw.get("Effect", "")),
                actions=tuple(str(a) for a in as_list(raw.get("Action"))),
                not_actions=tuple(str(a) for a in as_list(raw.get("NotAction"))),
                resources=tuple(str(r) for r in as_list(raw.get("Resource"))),
                not_resources=tuple(str(r) for r in as_list(raw.get("NotResource"))),
                principals=_principals(raw.get("Principal")),
                not_principals=_principals(raw.get("NotPrincipal")),
                conditions=conditions,
                sid=str(raw.get("Sid", "")),
            )
        )
    return result


def action_matches(pattern: str, action: str) -> bool:
    """IAM action matching: case-insensitive, ``*`` and ``?`` wildcards."""
    return fnmatch.fnmatchcase(action.lower(), pattern.lower())


def resource_matches(pattern: str, arn: str) -> bool:
    """IAM resource matching: case-sensitive, ``*`` and ``?`` wildcards (policy variables kept literal)."""
    return fnmatch.fnmatchcase(arn, pattern)


def is_full_wildcard_action(action: str) -> bool:
    return action.strip() in ("*", "*:*")


def service_of(action: str) -> str:
    return action.split(":", 1)[0].lower() if ":" in action else "*"


def wildcard_actions_on(statement: Statement, services: Iterable[str]) -> list[str]:
    """The action patterns of an Allow statement that grant every action of one of ``services``.

    ``*``, ``s3:*`` and ``s3:*Object*``-style patterns that cover a whole service count, as does a
    NotAction block (which grants everything it does not name).
    """
    wanted = {s.lower() for s in services}
    hits = []
    if statement.not_actions:
        return [f"NotAction {list(statement.not_actions)}"]
    for action in statement.actions:
        service = service_of(action)
        name = action.split(":", 1)[1] if ":" in action else action
        if action.strip() == "*" or (service in wanted and name.strip() == "*"):
            hits.append(action)
    return hits


def principal_is_everyone(statement: Statement) -> bool:
    return "*" in statement.principals.get("*", ()) or "*" in statement.principals.get("AWS", ())
