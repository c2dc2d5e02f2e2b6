"""SSM Parameter Store inventory: parameters with their type, and the values of plain ones."""

from __future__ import annotations

from typing import Any

from compliance_checks.reader import Reader
from compliance_checks.secret_detector import PLAINTEXT_PARAMETER_TYPES as PLAINTEXT_TYPES  # noqa: F401 - for the check

_BATCH = 10  # GetParameters takes at most ten names


def parameters(reader: Reader, region: str) -> list[dict[str, Any]]:
    return reader.paginate("ssm", "describe_parameters", "Parameters", region=region)


def batches(names: list[str]) -> list[list[str]]:
    ordered = sorted(names)
    return [ordered[start : start + _BATCH] for start in range(0, len(ordered), _BATCH)]


def values(reader: Reader, batch: list[str], region: str) -> dict[str, dict[str, Any]]:
    """GetParameters' entries (Name, Value, ARN, ...) for up to ten names, never decrypting:
    only String/StringList parameters are asked for, so no SecureString value is read."""
    response = (
        reader.call("ssm", "get_parameters", region=region, expect=("Parameters",), Names=batch, WithDecryption=False)
        or {}
    )
    return {p["Name"]: p for p in response.get("Parameters", [])}
