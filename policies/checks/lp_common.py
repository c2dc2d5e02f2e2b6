"""Helpers shared by Leadping's Checkov checks (this directory is loaded with --external-checks-dir).

The checks run inside Checkov's environment, where the project is not installed, so they take
everything project-specific (the environment's minimums, allowed TLS policies, public routes,
tenant stores, which roles a policy is attached to) from the ``variables`` of the plan they scan,
which the gate's exporter writes from ``compliance_checks.conventions``. A check that finds no
such context fails the resource rather than guessing (fail closed).

Checkov hands a resource's configuration with every scalar wrapped in a list and every block as a
list of dicts; ``value`` and ``blocks`` undo that.
"""

from __future__ import annotations

import fnmatch
import json
import os
from functools import lru_cache
from typing import Any

PLANS_DIR_ENV = "LEADPING_GATE_PLANS_DIR"
VARIABLE_PREFIX = "leadping_"
# What the exporter writes in place of a Pulumi secret (policies.export.SECRET_MARKER; a test keeps
# the two equal: this environment cannot import the exporter, which needs pulumi).
SECRET_MARKER = "(pulumi secret)"  # noqa: S105 - a marker, not a secret
# Entries Checkov's parser adds to every mapping it reads (the file, the lines): not configuration.
PARSER_KEYS = frozenset({"__file__", "__startline__", "__endline__", "start_line", "end_line"})
# Resources that carry identity-policy documents (a role's inline_policy blocks included).
IDENTITY_POLICY_TYPES = [
    "aws_iam_policy",
    "aws_iam_role_policy",
    "aws_iam_user_policy",
    "aws_iam_group_policy",
    "aws_iam_role",
]


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


def statements(doc: dict[str, Any] | None) -> list[dict[str, Any]]:
    if not doc:
        return []
    found = doc.get("Statement", [])
    if isinstance(found, dict):
        found = [found]
    return [s for s in found if isinstance(s, dict)]


def as_list(item: Any) -> list[Any]:
    if item is None:
        return []
    return list(item) if isinstance(item, list | tuple) else [item]


def action_matches(pattern: str, action: str) -> bool:
    """Whether a policy's action pattern (``s3:Get*``, ``*``) grants ``action`` (case-insensitive)."""
    return fnmatch.fnmatchcase(action.lower(), pattern.lower())


def grants(statement: dict[str, Any], action: str) -> bool:
    """An Allow statement that grants ``action`` (NotAction counts as granting what it does not name)."""
    if statement.get("Effect") != "Allow":
        return False
    if "NotAction" in statement:
        return not any(action_matches(p, action) for p in as_list(statement["NotAction"]))
    return any(action_matches(p, action) for p in as_list(statement.get("Action")))


def identity_policy_documents(conf: dict[str, Any], entity_type: str) -> list[dict[str, Any]]:
    """The identity-policy documents of a resource (inline role policies included)."""
    if entity_type == "aws_iam_role":
        docs = [document(value(block, "policy")) for block in blocks(conf, "inline_policy")]
    else:
        docs = [document(conf.get("policy"))]
    return [d for d in docs if d]


# One entry per plan file of the run (a batch of test fixtures has dozens; each is read once).
@lru_cache(maxsize=256)
def _plan_variables(path: str) -> dict[str, Any]:
    try:
        with open(path) as handle:
            plan = json.load(handle)
    except (OSError, json.JSONDecodeError):
        return {}
    found = plan.get("variables") or {}
    return {
        key[len(VARIABLE_PREFIX) :]: spec.get("value")
        for key, spec in found.items()
        if key.startswith(VARIABLE_PREFIX) and isinstance(spec, dict)
    }


def stack_context(check: Any) -> dict[str, Any]:
    """The scanned plan's stack context; {} when the plan carries none.

    Checkov sets ``entity_path`` to ``<file relative to the scanned directory>:<type>:<name>``
    before it calls the check; the gate names that directory in LEADPING_GATE_PLANS_DIR.
    """
    scanned = str(getattr(check, "entity_path", "")).rsplit(":", 2)[0]
    if not scanned:
        return {}
    roots = [os.environ.get(PLANS_DIR_ENV, ""), os.getcwd()]
    for root in roots:
        candidate = os.path.join(root, scanned.lstrip("/")) if root else scanned
        if os.path.isfile(candidate):
            return _plan_variables(os.path.realpath(candidate))
    return _plan_variables(scanned) if os.path.isfile(scanned) else {}


def is_break_glass_only(check: Any, address: str | None) -> bool:
    """Whether a policy is attached only to break-glass roles (the one role allowed "*" on "*")."""
    workloads = (stack_context(check).get("policy_workloads") or {}).get(address or "")
    return bool(workloads) and set(workloads) == {"break-glass"}


def is_permission_boundary(check: Any, address: str | None) -> bool:
    """A permission boundary caps what a role may do and grants nothing itself."""
    return (address or "") in (stack_context(check).get("permission_boundaries") or [])


def attached_to_workload(check: Any, address: str | None) -> bool:
    """Whether a policy belongs to a workload role, as the live checks scope it.

    Roles tagged leadping:workload are workload roles (break-glass excepted); when the stack tags no
    role at all, every role but break-glass is one (fail closed).
    """
    context = stack_context(check)
    workloads = (context.get("policy_workloads") or {}).get(address or "") or []
    tagged = bool(context.get("roles_tagged"))
    return any(w != "break-glass" and (w or not tagged) for w in workloads)


def is_wildcard_resource(pattern: str) -> bool:
    """A Resource pattern that names every resource of its kind (``*``, ``arn:aws:s3:::*``,
    ``...:table/*``), as compliance_checks.policy_eval.is_wildcard_resource decides it."""
    text = pattern.strip()
    if text in ("*", "arn:*"):
        return True
    parts = text.split(":", 5)
    if len(parts) < 6:
        return text.startswith(("*", "?"))
    service, resource = parts[2], parts[5]
    if service in ("*", "") and resource.startswith(("*", "?")):
        return True
    if service == "s3":
        return resource.startswith(("*", "?"))
    cuts = [i for i in (resource.find("/"), resource.find(":")) if i >= 0]
    name = resource[min(cuts) + 1 :] if cuts else resource
    return name.startswith(("*", "?"))


def configuration_items(mapping: Any) -> list[tuple[str, Any]]:
    """A mapping's own entries, without the ones Checkov's parser added (``__file__``, lines)."""
    if not isinstance(mapping, dict):
        return []
    return [(str(k), v) for k, v in mapping.items() if k not in PARSER_KEYS]


@lru_cache(maxsize=1)
def secret_detector() -> Any:
    """compliance_checks.secret_detector: the live checks' detector (standard library only).

    Loaded from this checkout by path: the project is not installed in Checkov's environment. The
    gate and the live audit therefore judge a value with one definition of "credential".
    """
    import importlib.util
    import sys

    project = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    path = os.path.join(project, "compliance_checks", "secret_detector.py")
    name = "leadping_secret_detector"
    spec = importlib.util.spec_from_file_location(name, path)
    if spec is None or spec.loader is None:  # pragma: no cover - the checkout is incomplete
        raise ImportError(f"cannot load the secret detector from {path}")
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # dataclasses look their module up while the class is built
    spec.loader.exec_module(module)
    return module


def address(conf: dict[str, Any]) -> str | None:
    raw = conf.get("__address__")
    return raw if isinstance(raw, str) else None


def _base_class() -> type:
    from checkov.terraform.checks.resource.base_resource_check import BaseResourceCheck

    return BaseResourceCheck


class LeadpingCheck(_base_class()):  # type: ignore[misc]
    """A resource check that fails closed.

    Checkov turns an exception inside a check into an unreported UNKNOWN, which would let a
    resource the check could not read pass silently; here it becomes a FAILED result naming
    the error. ``evaluate`` returns (result, message); the message lands in the finding's details.
    """

    def scan_resource_conf(self, conf: dict[str, Any]) -> Any:
        from checkov.common.models.enums import CheckResult

        try:
            result, message = self.evaluate(conf)
        except Exception as exc:  # fail closed on anything the check did not expect
            result, message = CheckResult.FAILED, f"the check could not evaluate the resource: {exc!r}"
        if message and result == CheckResult.FAILED:
            self.details.append(message)
        return result

    def evaluate(self, conf: dict[str, Any]) -> tuple[Any, str]:
        raise NotImplementedError

    def context(self, *keys: str) -> list[Any]:
        """Values from the plan's stack context; raises when one is missing (fail closed)."""
        found = stack_context(self)
        missing = [key for key in keys if found.get(key) is None]
        if missing:
            raise LookupError(f"the plan carries no stack context {missing} (export it with `python -m policies`)")
        return [found[key] for key in keys]
