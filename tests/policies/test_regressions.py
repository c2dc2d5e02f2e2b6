"""The gate stops the regressions the issue names, each with exactly the checks it must fail.

Each regression (regression_cases.py) is one edit of the rendered prod stack, exported and judged in
the session's Checkov batch with the gate's skip list; the unchanged prod stack beside them passes,
so every failure below is caused by its edit alone.
"""

from __future__ import annotations

import re

import pytest

from policies import config as gate_config
from tests.policies.batch import PATH_PROBE_DIR, PATH_PROBE_PLAN, PLAN_SUFFIX, PlanResults
from tests.policies.regression_cases import REGRESSIONS

pytestmark = pytest.mark.checkov


def failures(results: PlanResults, limited_skips: gate_config.SkipList) -> set[tuple[str, str]]:
    """(check, Pulumi name) of every failure the gate would count (limited skips accept some)."""
    counted = set()
    for check_id, address in results.failures():
        name = results.names.get(address, address)
        if not limited_skips.accepting(check_id, "prod", name):
            counted.add((check_id, name))
    return counted


@pytest.fixture(scope="module")
def skips() -> gate_config.SkipList:
    return gate_config.load_skips()


def test_the_unchanged_prod_stack_passes(gate_batch, skips):
    results = gate_batch["regressions.prod_unchanged"]
    assert len(results.records) > 500, "Checkov judged the prod plan"
    assert failures(results, skips) == set()


def test_the_verdict_does_not_depend_on_where_the_checkout_lives(gate_batch, skips):
    """The same plan at a path Checkov's secret patterns mistake for an AWS secret key still passes."""
    path = gate_batch.plans_dir / PATH_PROBE_DIR / f"{PATH_PROBE_PLAN}{PLAN_SUFFIX}"
    runs = [len(m.group()) for m in re.finditer(r"[A-Za-z0-9/+=]+", str(path.resolve()))]
    assert 40 in runs, "the probe's path has the shape that tripped CKV_AWS_45"
    probe, unchanged = gate_batch[PATH_PROBE_PLAN], gate_batch["regressions.prod_unchanged"]
    assert len(probe.records) == len(unchanged.records)
    assert failures(probe, skips) == set()


@pytest.mark.parametrize("regression", REGRESSIONS, ids=lambda r: r.name)
def test_regression_fails_exactly_the_expected_checks(gate_batch, skips, regression):
    assert failures(gate_batch[f"regressions.{regression.name}"], skips) == set(regression.expected)
