"""ECS inventory: active task definitions and their container definitions."""

from __future__ import annotations

from typing import Any

from compliance_checks.reader import Reader


def active_task_definition_arns(reader: Reader, region: str) -> list[str]:
    """Every ACTIVE task definition revision (each can still be run)."""
    return reader.paginate("ecs", "list_task_definitions", "taskDefinitionArns", region=region, status="ACTIVE")


def task_definition(reader: Reader, arn: str, region: str) -> dict[str, Any]:
    response = (
        reader.call("ecs", "describe_task_definition", region=region, expect=("taskDefinition",), taskDefinition=arn)
        or {}
    )
    return dict(response.get("taskDefinition", {}))
