"""What the audited environment must meet, read from the stack's settings and the command line.

``Pulumi.<stack>.yaml`` in the project root is read through the program's own settings model
(``infra.settings``): the same strict file reader and the same validation ``pulumi up`` runs, so
a stack file the program would refuse (an empty file, a list, an unknown environment, a misspelt
key) is refused here too, never read as default expectations. From the settings the audit takes
``environment``, ``publicRoutes``, ``githubRepository`` and ``protectedBranch``. Command-line
options override what the file says, validated by the same rules. Only when there is no stack
file at all (and no stack was named) do the defaults of ``core.Expectations`` hold (prod, the
strictest); ``StackExpectations.source`` is then None and the report says so.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from compliance_checks.core import Expectations
from compliance_checks.strict_yaml import InputError
from infra import settings as stack_settings

PROJECT_ROOT = Path(__file__).resolve().parents[1]


class ExpectationsError(ValueError):
    """The stack file or an override is unusable; the message names the file and key."""


@dataclass(frozen=True)
class StackExpectations:
    expectations: Expectations
    source: str | None  # the stack file read, or None when there was none


def stack_file(stack: str, project_dir: Path = PROJECT_ROOT) -> Path:
    return project_dir / f"Pulumi.{stack}.yaml"


def from_stack(stack: str, project_dir: Path = PROJECT_ROOT, *, required: bool = False) -> StackExpectations:
    """Expectations from ``Pulumi.<stack>.yaml``; defaults when it does not exist (unless required)."""
    path = stack_file(stack, project_dir)
    if not path.exists():
        if required:
            raise ExpectationsError(f"no stack file {path} for stack {stack!r}")
        return StackExpectations(Expectations(), None)
    try:
        config = stack_settings.read_stack_file(path)
        if not config:
            raise ExpectationsError(f"{path}: holds no settings; accepted: a 'config' map (README.md, Stack settings)")
        settings = stack_settings.settings_from_config(stack, config)
    except InputError as exc:
        raise ExpectationsError(str(exc)) from None
    except stack_settings.SettingsError as exc:
        raise ExpectationsError(f"{path}: {exc}") from None
    expectations = Expectations(
        environment=settings.environment,
        public_routes=tuple(route.key for route in settings.public_routes),
        github_repository=settings.github_repository,
        protected_branch=settings.protected_branch,
    )
    return StackExpectations(expectations, str(path))


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
    try:
        if environment is not None:
            changes["environment"] = stack_settings.parse_environment("--environment", environment)
        if public_routes is not None:
            routes = (stack_settings.parse_route("--public-route", route).key for route in public_routes)
            changes["public_routes"] = tuple(dict.fromkeys(routes))
        if github_repository is not None:
            changes["github_repository"] = stack_settings.parse_repository("--github-repository", github_repository)
        if protected_branch is not None:
            changes["protected_branch"] = stack_settings.parse_branch("--protected-branch", protected_branch)
    except stack_settings.SettingsError as exc:
        raise ExpectationsError(str(exc)) from None
    return replace(expectations, **changes)
