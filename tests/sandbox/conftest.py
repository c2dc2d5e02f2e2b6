"""Fixtures for the sandbox tests: deployed stacks and the real audit run over them.

A deployed stack is module-scoped (a deploy takes seconds, not milliseconds); moto's state is
process-wide, so only one sandbox is alive at a time: pytest tears a module's sandbox down before
the next module builds its own, and a parametrized module fixture is finalised before its next
parameter is set up.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from compliance_checks import registry
from compliance_checks.catalog import load_catalog
from compliance_checks.core import Status
from compliance_checks.reader import Reader
from compliance_checks.runner import AuditOptions, run_audit, select
from sandbox.api import Sandbox, start_sandbox

HERE = Path(__file__).resolve().parent
COVERAGE_PROGRAM = HERE / "programs" / "coverage"


@dataclass(frozen=True)
class Verdict:
    status: Status
    message: str


def audit(sb: Sandbox) -> dict[tuple[str, str], Verdict]:
    """Runs every check through the real runner on a fresh reader (no memoised reads).

    Returns one verdict per (check id, resource id); the runner repeats a result once per
    control the check asserts, with the same status.
    """
    catalog = load_catalog()
    selection = select(catalog, registry.all_checks())
    options = AuditOptions(
        expectations=sb.expectations, known_gaps=sb.known_gaps, metadata=sb.metadata, target="sandbox (moto)", workers=4
    )
    report = run_audit([Reader(sb.session, sb.regions)], selection, options)
    verdicts: dict[tuple[str, str], Verdict] = {}
    for finding in report.findings:
        if finding.check_id is None:
            continue  # manual controls: evidence a person attaches
        verdicts[(finding.check_id, finding.resource_id)] = Verdict(Status(finding.status), finding.message)
    return verdicts


@pytest.fixture(scope="module")
def prod() -> Iterator[Sandbox]:
    with start_sandbox("prod") as sb:
        yield sb


@pytest.fixture(scope="module")
def coverage() -> Iterator[Sandbox]:
    """The coverage program (every simulated type) deployed with the dev stack's settings."""
    with start_sandbox("dev", program_dir=COVERAGE_PROGRAM) as sb:
        yield sb
