"""Lambda inventory: every function with the environment of each of its versions.

One ListFunctions read per region with FunctionVersion=ALL returns $LATEST and every published
version with its configuration (environment variables included), so no per-function read is
needed. Published versions matter: an old version keeps the environment it was published with.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from compliance_checks.reader import Reader


@dataclass(frozen=True)
class FunctionVersion:
    version: str
    variables: dict[str, str] = field(default_factory=dict, hash=False, compare=False)
    error: str | None = None  # why the variables could not be read (a KMS decryption error)


@dataclass(frozen=True)
class Function:
    name: str
    arn: str  # unqualified
    region: str
    versions: tuple[FunctionVersion, ...] = field(default=(), hash=False, compare=False)


def _unqualified(arn: str) -> str:
    parts = arn.split(":")
    return ":".join(parts[:7]) if len(parts) > 7 else arn


def _version(item: dict[str, Any]) -> FunctionVersion:
    environment = item.get("Environment") or {}
    error = environment.get("Error")
    reason = f"{error.get('ErrorCode', 'Error')}: {error.get('Message', '')}".strip() if error else None
    return FunctionVersion(str(item.get("Version", "$LATEST")), dict(environment.get("Variables") or {}), reason)


def functions(reader: Reader, region: str) -> list[Function]:
    """Every function of a region with all its versions."""
    grouped: dict[str, tuple[str, list[FunctionVersion]]] = {}
    for item in reader.paginate("lambda", "list_functions", "Functions", region=region, FunctionVersion="ALL"):
        arn = _unqualified(str(item["FunctionArn"]))
        grouped.setdefault(str(item["FunctionName"]), (arn, []))[1].append(_version(item))
    return [Function(name, arn, region, tuple(versions)) for name, (arn, versions) in grouped.items()]
