"""LP-SEC-1: no credential in plaintext configuration (Lambda and ECS environments, SSM String
parameters), judged by ``compliance_checks.secret_detector`` on both sides.

The live checks (``awslambda_function_env_no_secrets``, ``ecs_task_definition_env_no_secrets``,
``ssm_parameter_no_plaintext_secrets``) scan what the APIs answer; the gate's
``LP_CONFIG_NO_PLAINTEXT_SECRETS`` scans the same values in the plan, read here
(``*_from_plan``). A Pulumi secret in such a place fails in the plan too: Pulumi encrypts it in its
state, but AWS stores and shows it in plaintext. A finding names the variable and the detector rule,
never the value.
"""

from __future__ import annotations

import json
from typing import Any

from compliance_checks.rules import Verdict, comply, violate
from compliance_checks.rules.plan import as_list, blocks, configuration_items, value
from compliance_checks.secret_detector import PLAINTEXT_PARAMETER_TYPES, scan

# What the exporter writes in place of a Pulumi secret (policies.export.SECRET_MARKER; a test keeps
# the two equal: Checkov's environment cannot import the exporter, which needs pulumi).
SECRET_MARKER = "(pulumi secret)"  # noqa: S105 - a marker, not a secret


def plaintext(name: str, raw: Any) -> list[str]:
    """What a plan value of variable ``name`` reveals: detector findings, or that it is a Pulumi secret."""
    if raw is None or isinstance(raw, dict | list):
        return []
    text = str(raw)
    if text == SECRET_MARKER:
        return [f"{name} (a Pulumi secret, stored in plaintext here)"]
    return [str(f) for f in scan(name, text)]


def function_from_plan(conf: dict[str, Any]) -> list[str]:
    """An ``aws_lambda_function``'s environment variables."""
    found = []
    for environment in blocks(conf, "environment"):
        for variables in blocks(environment, "variables"):
            for name, raw in configuration_items(variables):
                for item in as_list(raw):
                    found += plaintext(name, item)
    return found


def _containers(conf: dict[str, Any]) -> list[dict[str, Any]]:
    raw = conf.get("container_definitions")
    if isinstance(raw, list) and len(raw) == 1 and isinstance(raw[0], str | list):
        raw = raw[0]
    if isinstance(raw, str):
        raw = json.loads(raw)  # raises on malformed JSON: the check fails closed
    containers: list[Any] = []
    for item in as_list(raw):
        containers += item if isinstance(item, list) else [item]
    return [c for c in containers if isinstance(c, dict)]


def task_definition_from_plan(conf: dict[str, Any]) -> list[str]:
    """An ``aws_ecs_task_definition``'s container environments (``secrets`` entries are references)."""
    found = []
    for container in _containers(conf):
        for entry in as_list(container.get("environment")):
            if isinstance(entry, dict):
                name = str(entry.get("name", "?"))
                found += [f"{container.get('name', '?')}/{f}" for f in plaintext(name, entry.get("value"))]
    return found


def parameter_from_plan(conf: dict[str, Any]) -> list[str]:
    """An ``aws_ssm_parameter``'s value, when its type stores it in plaintext."""
    kind = str(value(conf, "type") or "String")
    if kind not in PLAINTEXT_PARAMETER_TYPES:
        return []
    name = str(value(conf, "name") or "value")
    found = []
    for key in ("value", "insecure_value"):
        found += plaintext(name, value(conf, key))
    return [f"{kind} parameter: {f}" for f in found]


PLAN_READERS = {
    "aws_lambda_function": function_from_plan,
    "aws_ecs_task_definition": task_definition_from_plan,
    "aws_ssm_parameter": parameter_from_plan,
}


def no_plaintext_secrets(findings: list[str]) -> Verdict:
    if findings:
        return violate("credentials in plaintext configuration: " + "; ".join(findings), findings=findings)
    return comply("no credential in plaintext configuration", findings=[])
