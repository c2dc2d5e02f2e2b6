"""What the audited environment must meet, read from the stack's settings and the command line.

``Pulumi.<stack>.yaml`` in the project root holds the stack's settings (``leadping:`` namespace):
``environment``, ``publicRoutes`` (a YAML list of "METHOD /path"), ``githubRepository`` and
``protectedBranch``. The file is parsed directly (no Pulumi engine). Command-line options override
what the file says. Without a stack file the defaults of ``core.Expectations`` hold (prod, the
strictest).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import yaml

from compliance_checks.conventions import ENVIRONMENT_POLICIES
from compliance_checks.core import Expectations

PROJECT_ROOT = Path(__file__).resolve().parents[1]
NAMESPACE = "leadping"
_ROUTE = re.compile(r"^(GET|POST|PUT|PATCH|DELETE|HEAD|OPTIONS|ANY) /\S*$")
_REPOSITORY = re.compile(r"^[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+$")


class ExpectationsError(ValueError):
    """The stack file or an override is unusable; the message names the file and key."""


@dataclass(frozen=True)
class StackExpectations:
    expectations: Expectations
    source: str | None  # the stack file read, or None when there was none


def stack_file(stack: str, project_dir: Path = PROJECT_ROOT) -> Path:
    return project_dir / f"Pulumi.{stack}.yaml"


def _config(path: Path) -> dict[str, Any]:
    try:
        document = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as exc:
        raise ExpectationsError(f"{path.name} is not valid YAML: {exc}") from None
    config = document.get("config") if isinstance(document, dict) else None
    if config is None:
        return {}
    if not isinstance(config, dict):
        raise ExpectationsError(f"{path.name}: 'config' must be a mapping")
    return config


def check_environment(value: Any, where: str) -> str:
    if value not in ENVIRONMENT_POLICIES:
        accepted = ", ".join(ENVIRONMENT_POLICIES)
        raise ExpectationsError(f"{where}: unknown environment {value!r} (accepted: {accepted})")
    return str(value)


def check_routes(values: Any, where: str) -> tuple[str, ...]:
    if not isinstance(values, list | tuple):
        raise ExpectationsError(f"{where}: expected a list of 'METHOD /path' routes")
    routes = []
    for value in values:
        route = " ".join(str(value).split())
        if not _ROUTE.match(route):
            raise ExpectationsError(f"{where}: {value!r} is not a route like 'GET /health'")
        routes.append(route)
    return tuple(dict.fromkeys(routes))


def from_stack(stack: str, project_dir: Path = PROJECT_ROOT, *, required: bool = False) -> StackExpectations:
    """Expectations from ``Pulumi.<stack>.yaml``; defaults when it does not exist (unless required)."""
    path = stack_file(stack, project_dir)
    if not path.is_file():
        if required:
            raise ExpectationsError(f"no stack file {path} for stack {stack!r}")
        return StackExpectations(Expectations(), None)
    config = _config(path)

    def setting(key: str) -> Any:
        return config.get(f"{NAMESPACE}:{key}")

    values: dict[str, Any] = {}
    environment = setting("environment")
    if environment is not None:
        values["environment"] = check_environment(environment, f"{path.name}: {NAMESPACE}:environment")
    # A stack without publicRoutes serves no route unauthenticated.
    values["public_routes"] = check_routes(setting("publicRoutes") or [], f"{path.name}: {NAMESPACE}:publicRoutes")
    repository = setting("githubRepository")
    if repository is not None:
        if not _REPOSITORY.match(str(repository)):
            raise ExpectationsError(f"{path.name}: {NAMESPACE}:githubRepository {repository!r} is not owner/name")
        values["github_repository"] = str(repository)
    branch = setting("protectedBranch")
    if branch is not None:
        values["protected_branch"] = str(branch)
    return StackExpectations(Expectations(**values), str(path))


def with_overrides(
    expectations: Expectations,
    *,
    environment: str | None = None,
    public_routes: Sequence[str] | None = None,
    github_repository: str | None = None,
    protected_branch: str | None = None,
) -> Expectations:
    """Command-line values win over the stack's; None leaves a value as it is."""
    changes: dict[str, Any] = {}
    if environment is not None:
        changes["environment"] = check_environment(environment, "--environment")
    if public_routes is not None:
        changes["public_routes"] = check_routes(list(public_routes), "--public-route")
    if github_repository is not None:
        if not _REPOSITORY.match(github_repository):
            raise ExpectationsError(f"--github-repository: {github_repository!r} is not owner/name")
        changes["github_repository"] = github_repository
    if protected_branch is not None:
        changes["protected_branch"] = protected_branch
    return replace(expectations, **changes)
