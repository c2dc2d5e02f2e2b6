"""--baseline on drift (issue 12's acceptance): audit the deployed prod stack, change it the way an
operator would (tests/sandbox/test_drift.py's changes), audit again against the first audit.json,
and exactly the findings the drift turned are new; an audit after that has nothing new."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from compliance_checks import baseline, registry
from compliance_checks.catalog import load_catalog
from compliance_checks.core import Status
from compliance_checks.reader import Reader
from compliance_checks.reports import json_report
from compliance_checks.reports.model import Report
from compliance_checks.runner import AuditOptions, run_audit, select
from sandbox.api import Sandbox, start_sandbox
from tests.sandbox.test_drift import Drift, disable_key_rotation, remove_bucket_encryption

pytestmark = pytest.mark.slow
ROOT = Path(__file__).resolve().parents[2]


def full_audit(sb: Sandbox) -> Report:
    options = AuditOptions(
        expectations=sb.expectations, known_gaps=sb.known_gaps, metadata=sb.metadata, target="sandbox (moto)", workers=4
    )
    return run_audit([Reader(sb.session, sb.regions)], select(load_catalog(), registry.all_checks()), options)


PROGRESS: list[str] = []


@pytest.fixture(scope="module")
def sandbox() -> Iterator[Sandbox]:
    with start_sandbox("prod", progress=PROGRESS.append) as sb:
        yield sb


def test_the_deploy_counts_known_gaps_as_the_report_lists_them(sandbox):
    (line,) = [m for m in PROGRESS if "known gap(s)" in m]
    count = int(re.search(r"(\d+) known gap\(s\)", line).group(1))
    assert count == len(sandbox.metadata["known_gaps"]) == len(sandbox.known_gaps)


def test_given_drift_then_exactly_the_drifted_findings_are_new(sandbox, tmp_path):
    before = full_audit(sandbox)
    previous = tmp_path / "audit.json"
    previous.write_text(json_report.render(before))
    drift = Drift(sandbox)
    drifted = {("s3_bucket_default_encryption_kms", remove_bucket_encryption(drift)),
               ("kms_key_rotation_enabled", disable_key_rotation(drift))}  # fmt: skip

    after = full_audit(sandbox)
    baseline.compare(after, baseline.load_baseline(previous))

    was = {f.identity: f.status for f in before.findings}
    turned = {f.identity for f in after.findings if was.get(f.identity) != f.status and f.status is Status.FAIL}
    new = {f.identity for f in after.findings if after.baseline_of(f) == "new"}
    assert new == turned, "new is exactly what the drift turned to FAIL"
    new_pairs = {(f.check_id, f.resource_id) for f in after.findings if f.identity in new}
    assert drifted <= new_pairs, f"the drifted resources are new: {sorted(new_pairs)}"
    assert after.exit_code(only_new=True) == 1
    assert after.baseline_summary()["resolved"] == 0

    second = tmp_path / "after.json"
    second.write_text(json_report.render(after))
    again = full_audit(sandbox)
    baseline.compare(again, baseline.load_baseline(second))
    assert [f for f in again.findings if again.baseline_of(f) == "new"] == []
    assert again.exit_code(only_new=True) == 0, "the drift is known now: --fail-on-new passes"


def test_a_drifted_resources_sarif_result_points_at_the_program_line_that_declares_it(sandbox):
    from compliance_checks import cli
    from compliance_checks.reports import sarif, sarif_builder

    drift = Drift(sandbox)
    bucket = remove_bucket_encryption(drift)
    report = full_audit(sandbox)
    cli._attach_sources(report, sandbox.deployment.rendering.resources)
    document = sarif.document(report)
    assert sarif_builder.upload_problems(document) == []
    (result,) = [
        r
        for r in document["runs"][0]["results"]
        if r["ruleId"] == "s3_bucket_default_encryption_kms"
        and r["locations"][0]["logicalLocations"][0]["fullyQualifiedName"] == bucket
    ][:1]
    physical = result["locations"][0]["physicalLocation"]
    path, line = physical["artifactLocation"]["uri"], physical["region"]["startLine"]
    assert path.startswith("infra/"), path
    assert "(" in (ROOT / path).read_text().splitlines()[line - 1], "the line constructs something"
