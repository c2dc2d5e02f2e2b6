"""What Leadping's Checkov checks share (this directory is loaded with --external-checks-dir).

The checks run inside Checkov's environment, where the project is not installed. The rules they
apply are the live audit's (``compliance_checks/rules``, standard library only), imported from this
checkout, so the gate and the audit judge each control with the same code. Everything
project-specific (the environment's minimums, public routes, tenant stores, which roles a policy is
attached to) comes from the ``variables`` of the plan they scan, which the gate's exporter writes. A
check that finds no such context fails the resource rather than guessing (fail closed).

A check imports what it needs in one line: ``from lp_common import CheckCategories, LeadpingCheck, rules``.
"""

from __future__ import annotations

import json
import os
import sys
from functools import lru_cache
from typing import Any

from checkov.common.models.enums import CheckCategories, CheckResult
from checkov.terraform.checks.resource.base_resource_check import BaseResourceCheck

PROJECT_ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
if PROJECT_ROOT not in sys.path:
    sys.path.append(PROJECT_ROOT)  # after Checkov's own packages: it shadows none of them

from compliance_checks import policy_eval, rules, secret_detector  # noqa: E402 - needs the checkout on the path
from compliance_checks.rules import apigateway, backup, cloudtrail, ec2, elbv2, events, iam, logs, rds, s3  # noqa: E402, F401 - the rules, for the checks
from compliance_checks.rules.plan import as_list, blocks, configuration_items, document, value, values  # noqa: E402

__all__ = [
    "IDENTITY_POLICY_TYPES",
    "CheckCategories",
    "CheckResult",
    "LeadpingCheck",
    "as_list",
    "blocks",
    "configuration_items",
    "document",
    "identity_policy",
    "policy_eval",
    "rules",
    "secret_detector",
    "value",
    "values",
]

PLANS_DIR_ENV = "LEADPING_GATE_PLANS_DIR"
VARIABLE_PREFIX = "leadping_"
# What the exporter writes in place of a Pulumi secret (policies.export.SECRET_MARKER; a test keeps
# the two equal: this environment cannot import the exporter, which needs pulumi).
SECRET_MARKER = "(pulumi secret)"  # noqa: S105 - a marker, not a secret
# Resources that carry identity-policy documents (a role's inline_policy blocks included).
IDENTITY_POLICY_TYPES = [
    "aws_iam_policy",
    "aws_iam_role_policy",
    "aws_iam_user_policy",
    "aws_iam_group_policy",
    "aws_iam_role",
]


def identity_policy(conf: dict[str, Any], entity_type: str) -> iam.Policy | None:
    """The identity-policy statements of a resource (a role's inline policies included), labelled by
    its address as the rule names it; None when it carries no document."""
    if entity_type == "aws_iam_role":
        docs = [document(value(block, "policy")) for block in blocks(conf, "inline_policy")]
    else:
        docs = [document(conf.get("policy"))]
    found = [d for d in docs if d]
    if not found:
        return None
    label = address(conf) or entity_type
    return iam.Policy(label, tuple(s for d in found for s in policy_eval.statements(d)))


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


def address(conf: dict[str, Any]) -> str | None:
    raw = conf.get("__address__")
    return raw if isinstance(raw, str) else None


class LeadpingCheck(BaseResourceCheck):
    """A resource check that fails closed.

    Checkov turns an exception inside a check into an unreported UNKNOWN, which would let a
    resource the check could not read pass silently; here it becomes a FAILED result naming
    the error. ``evaluate`` returns a rule's ``Verdict`` (None: not judged, as the rule says), or
    (result, message); a failure's message lands in the finding's details.
    """

    def scan_resource_conf(self, conf: dict[str, Any]) -> Any:
        try:
            outcome = self.evaluate(conf)
            if outcome is None:
                result, message = CheckResult.UNKNOWN, ""
            elif isinstance(outcome, rules.Verdict):
                result = CheckResult.PASSED if outcome.compliant else CheckResult.FAILED
                message = outcome.message
            else:
                result, message = outcome
        except Exception as exc:  # fail closed on anything the check did not expect
            result, message = CheckResult.FAILED, f"the check could not evaluate the resource: {exc!r}"
        if message and result == CheckResult.FAILED:
            self.details.append(message)
        return result

    def evaluate(self, conf: dict[str, Any]) -> Any:
        raise NotImplementedError

    def context(self, *keys: str) -> list[Any]:
        """Values from the plan's stack context; raises when one is missing (fail closed)."""
        found = stack_context(self)
        missing = [key for key in keys if found.get(key) is None]
        if missing:
            raise LookupError(f"the plan carries no stack context {missing} (export it with `python -m policies`)")
        return [found[key] for key in keys]

    def minimum(self, key: str) -> int:
        """One of the stack environment's minimums (compliance_checks.conventions.EnvironmentPolicy)."""
        (policy,) = self.context("policy")
        return int(policy[key])

    def policy_workloads(self, conf: dict[str, Any]) -> list[str]:
        """The workloads whose roles the policy resource is attached to."""
        return (stack_context(self).get("policy_workloads") or {}).get(address(conf) or "") or []

    def is_break_glass_only(self, conf: dict[str, Any]) -> bool:
        """Whether a policy is attached only to break-glass roles (the one role allowed "*" on "*")."""
        workloads = self.policy_workloads(conf)
        return bool(workloads) and set(workloads) == {"break-glass"}

    def is_permission_boundary(self, conf: dict[str, Any]) -> bool:
        """A permission boundary caps what a role may do and grants nothing itself."""
        return (address(conf) or "") in (stack_context(self).get("permission_boundaries") or [])

    def attached_to_workload(self, conf: dict[str, Any]) -> bool:
        """Whether a policy belongs to a workload role, as the live checks scope it.

        Roles tagged leadping:workload are workload roles (break-glass excepted); when the stack tags
        no role at all, every role but break-glass is one (fail closed).
        """
        tagged = bool(stack_context(self).get("roles_tagged"))
        return any(w != "break-glass" and (w or not tagged) for w in self.policy_workloads(conf))
