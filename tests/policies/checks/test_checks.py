"""Leadping's Checkov checks (policies/checks), judged by Checkov itself on fixture plans.

Every fixture plan (fixtures/<check file>.yaml) is scanned in the session's one Checkov batch, with
the gate's driver, skip list and stack context, and must give exactly the expected passing and
failing resources for its check: no resource more, none less, none twice.
"""

from __future__ import annotations

import pytest

from policies.config import CHECKS_DIR, custom_check_ids
from tests.policies.checks.cases import FIXTURES_DIR, load_fixtures

FIXTURES = load_fixtures()

pytestmark = pytest.mark.checkov


@pytest.mark.parametrize("fixture", FIXTURES, ids=lambda f: f"{f.check_id}-{f.name}")
def test_check_reports_exactly_the_expected_resources(gate_batch, fixture):
    results = gate_batch[fixture.batch_name]
    assert results.passed(fixture.check_id) == list(fixture.passed)
    assert results.failed(fixture.check_id) == list(fixture.failed)


@pytest.mark.parametrize(
    "fixture",
    [f for f in FIXTURES if f.failed and (CHECKS_DIR / f"{f.check_file}.py").exists()],  # YAML checks say no more
    ids=lambda f: f"{f.check_id}-{f.name}",
)
def test_a_failure_says_why(gate_batch, fixture):
    """Each failing resource carries the check's explanation (the finding's details in the gate)."""
    results = gate_batch[fixture.batch_name]
    for address in fixture.failed:
        details = results.details(fixture.check_id, address)
        assert details, f"{address} failed without a reason"
        assert not any("could not evaluate" in d for d in details), details


def test_every_check_has_fixtures_that_pass_and_fail():
    checks = {path.stem: check_id for check_id, path in custom_check_ids().items()}
    by_file: dict[str, list] = {}
    for fixture in FIXTURES:
        by_file.setdefault(fixture.check_file, []).append(fixture)
    assert sorted(by_file) == sorted(checks), f"fixtures in {FIXTURES_DIR} must mirror {CHECKS_DIR}"
    for check_file, fixtures in by_file.items():
        assert {f.check_id for f in fixtures} == {checks[check_file]}
        assert any(f.passed for f in fixtures), f"{check_file}: no passing resource"
        assert any(f.failed for f in fixtures), f"{check_file}: no failing resource"


def test_checkov_loaded_every_custom_check(gate_batch):
    """The driver's catalog lists each of our checks, as the gate uses it to name controls."""
    assert set(custom_check_ids()) <= set(gate_batch.catalog)
