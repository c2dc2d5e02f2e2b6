"""The gate's --baseline, --fail-on, --soft-fail-on and --quiet (policies/fail_rules.py, baseline.py, cli.py),
on a hand-built gate result: every failure is still reported, only what the options name fails the run."""

from __future__ import annotations

import json

import jsonschema
import pytest

from policies import cli
from policies.baseline import GateBaselineError, compare
from policies.fail_rules import FailRuleError, FailRules, Threshold
from policies.reports import sarif
from tests.policies.test_reports import CUSTOM, NO_LINE, OPEN_80, SARIF_SCHEMA, result


@pytest.fixture
def gated(monkeypatch, tmp_path):
    """``gate --stack dev`` whose run returns the hand-built result (three failures: one HIGH, two unknown)."""
    monkeypatch.setattr(cli, "run_gate", lambda *a, **k: result())

    def run(capsys, *argv: str) -> tuple[int, str, str]:
        code = cli.main(["gate", "--stack", "dev", "--no-secrets-scan", "--output-dir", str(tmp_path), *argv])
        captured = capsys.readouterr()
        return code, captured.out, captured.err

    return run


def test_without_options_every_failure_fails_the_gate(gated, capsys):
    assert gated(capsys)[0] == cli.EXIT_FAILED


def test_soft_fail_on_the_failing_checks_passes_the_gate_and_still_reports_them(gated, capsys):
    code, out, _ = gated(capsys, "--soft-fail-on", "CKV_AWS_260,CKV_AWS_24", "--soft-fail-on", "TEAM_S3_OWNER_TAG")
    assert code == cli.EXIT_PASSED
    assert out.count("\nFAIL ") + out.startswith("FAIL ") == 3, "still reported"
    assert "3 of 3 failures do not fail the gate" in out


def test_a_failure_of_unknown_severity_is_never_softened_by_a_severity(gated, capsys):
    assert gated(capsys, "--soft-fail-on", "HIGH")[0] == cli.EXIT_FAILED
    rules = FailRules(soft_fail_on=Threshold.parse(["HIGH"], "--soft-fail-on"))
    assert rules.failing([OPEN_80, NO_LINE, CUSTOM]) == [OPEN_80, NO_LINE]


def test_fail_on_a_severity_counts_that_severity_and_above_and_unknown_ones(gated, capsys):
    rules = FailRules(fail_on=Threshold.parse(["critical"], "--fail-on"))
    assert rules.failing([OPEN_80, CUSTOM]) == [OPEN_80], "HIGH is below CRITICAL; unknown still fails"
    assert FailRules(fail_on=Threshold.parse(["TEAM_S3_OWNER_TAG"], "--fail-on")).failing([OPEN_80, CUSTOM]) == [CUSTOM]
    assert gated(capsys, "--fail-on", "TEAM_S3_OWNER_TAG")[0] == cli.EXIT_FAILED


def test_given_the_previous_sarif_as_baseline_then_nothing_is_new_and_the_gate_passes(gated, capsys, tmp_path):
    previous = tmp_path / "previous.sarif"
    previous.write_text(json.dumps(sarif(result())))
    code, out, _ = gated(capsys, "--format", "cli,sarif", "--baseline", str(previous))
    assert code == cli.EXIT_PASSED, out
    written = json.loads((tmp_path / "gate.sarif").read_text())
    jsonschema.validate(written, SARIF_SCHEMA)
    assert {r["baselineState"] for r in written["runs"][0]["results"]} == {"unchanged"}
    assert written["runs"][0]["properties"]["baseline"] == {"new": 0, "unchanged": 3, "resolved": 0}


def test_given_a_baseline_without_one_failure_then_only_that_one_is_new_and_fails(gated, capsys, tmp_path):
    previous = tmp_path / "previous.sarif"
    previous.write_text(json.dumps(sarif(result(failures=[OPEN_80, NO_LINE]))))
    assert gated(capsys, "--format", "cli,sarif", "--baseline", str(previous))[0] == cli.EXIT_FAILED
    states = {
        r["ruleId"]: r["baselineState"] for r in json.loads((tmp_path / "gate.sarif").read_text())["runs"][0]["results"]
    }
    assert states == {"CKV_AWS_260": "unchanged", "CKV_AWS_24": "unchanged", "TEAM_S3_OWNER_TAG": "new"}


def test_a_checkov_baseline_matches_on_check_and_plan_address(tmp_path):
    path = tmp_path / ".checkov.baseline"
    path.write_text(json.dumps({"failed_checks": [{"file": "/tfplan.json", "findings": [
        {"resource": "aws_security_group.web", "check_ids": ["CKV_AWS_260"]}]}]}))  # fmt: skip
    comparison = compare([OPEN_80, CUSTOM], path)
    assert comparison.summary() == {"new": 1, "unchanged": 1, "resolved": 0}


def test_quiet_prints_only_failures_and_the_verdict(gated, capsys):
    code, out, err = gated(capsys, "--quiet")
    assert code == cli.EXIT_FAILED
    assert all(line.startswith(("FAIL ", "gate ")) for line in out.splitlines()), out
    assert "wrote" not in err


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--fail-on", "HIGH,LOW"], "--fail-on takes one severity"),
        (["--soft-fail-on", ","], "--soft-fail-on was given nothing"),
        (["--baseline", "/nonexistent/gate.sarif"], "does not exist"),
    ],
)
def test_bad_fail_rules_exit_2_in_one_line_before_anything_runs(monkeypatch, capsys, argv, message):
    monkeypatch.setattr(cli, "run_gate", lambda *a, **k: pytest.fail("the gate ran"))
    code = cli.main(["gate", "--stack", "dev", *argv])
    err = capsys.readouterr().err
    assert code == cli.EXIT_ERROR
    assert message in err
    assert len(err.strip().splitlines()) == 1


def test_a_baseline_that_is_neither_sarif_nor_checkovs_is_refused(tmp_path):
    path = tmp_path / "other.json"
    path.write_text('{"findings": []}')
    with pytest.raises(GateBaselineError, match="neither a gate SARIF"):
        compare([], path)
    with pytest.raises(FailRuleError):
        Threshold.parse(["CRITICAL", "LOW"], "--fail-on")
