"""Each custom check's fixture plans, with the exact results Checkov must report for them.

``fixtures/<check file>.yaml`` (named after the check's file in policies/checks) holds::

    check: LP_...                     # the check's id
    plans:
      <plan name>:
        environment: prod             # or dev: the minimums of compliance_checks.conventions
        context: {...}                # stack context the scenarios need (public routes, tenant stores)
        references: {<address>: {<attribute>: <address>}}   # links Checkov's graph sees
        resources: {<type>.<name>: {<Terraform attribute>: value}}
        expected: {passed: [<address>...], failed: [<address>...]}

Resource names say the scenario (the check's docstring lists them); every fixture has at least one
passing and one failing resource. Policy documents are written as mappings and land in the plan as
JSON text, as Terraform writes them.

A value ``generated:<kind>`` (``aws-access-key-id``, ``github-token``) is replaced by a
credential-shaped fixture made at run time, so no credential-looking literal is stored here.
"""

from __future__ import annotations

import random
import string
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from tests.policies.batch import Plans, Sources
from tests.policies.plans import fixture_plan

FIXTURES_DIR = Path(__file__).resolve().parent / "fixtures"
GENERATED_PREFIX = "generated:"
_RNG = random.Random(20261129)


def _token(alphabet: str, length: int) -> str:
    """A random test-fixture string (not a real credential)."""
    return "".join(_RNG.choice(alphabet) for _ in range(length))


GENERATORS = {
    "aws-access-key-id": lambda: "AKIA" + _token(string.ascii_uppercase + "234567", 16),
    "github-token": lambda: "ghp_" + _token(string.ascii_letters + string.digits, 36),
}


def generated(value: Any) -> Any:
    """The fixture with every ``generated:<kind>`` string replaced by a fresh fixture value."""
    if isinstance(value, str) and value.startswith(GENERATED_PREFIX):
        kind = value.removeprefix(GENERATED_PREFIX)
        if kind not in GENERATORS:
            raise ValueError(f"unknown generated fixture {kind!r}; known: {sorted(GENERATORS)}")
        return GENERATORS[kind]()
    if isinstance(value, dict):
        return {k: generated(v) for k, v in value.items()}
    if isinstance(value, list):
        return [generated(v) for v in value]
    return value


@dataclass(frozen=True)
class FixturePlan:
    check_file: str
    check_id: str
    name: str
    plan: dict[str, Any]
    passed: tuple[str, ...]
    failed: tuple[str, ...]

    @property
    def batch_name(self) -> str:
        return f"checks.{self.check_file}.{self.name}"


def load_fixtures(directory: Path = FIXTURES_DIR) -> list[FixturePlan]:
    found = []
    for path in sorted(directory.glob("*.yaml")):
        document = yaml.safe_load(path.read_text())
        for name, spec in document["plans"].items():
            expected = spec.get("expected") or {}
            found.append(
                FixturePlan(
                    check_file=path.stem,
                    check_id=document["check"],
                    name=name,
                    plan=fixture_plan(
                        generated(spec["resources"]),
                        environment=spec.get("environment", "prod"),
                        context=spec.get("context"),
                        references=spec.get("references"),
                    ),
                    passed=tuple(sorted(expected.get("passed") or [])),
                    failed=tuple(sorted(expected.get("failed") or [])),
                )
            )
    return found


def plans(_sources: Sources) -> Plans:
    return {f"{f.check_file}.{f.name}": (f.plan, {}) for f in load_fixtures()}
