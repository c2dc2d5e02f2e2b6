"""``list`` and ``audit`` filters (compliance_checks/filters.py): --severity, --service, --framework narrow
what runs, --status what the reports show (never what the exit code counts), --controls the controls;
a filter that matches nothing is exit 2, never an empty green run."""

from __future__ import annotations

import json

import pytest

from compliance_checks import cli, registry
from compliance_checks.catalog import load_catalog
from compliance_checks.reports.model import service_of
from tests.compliance_checks.test_cli import MODEL, _bucket


def listing(capsys, *args: str) -> list[dict]:
    assert cli.main(["list", "--format", "json", *args]) == 0
    return json.loads(capsys.readouterr().out)["controls"]


def listed_checks(controls: list[dict]) -> list[dict]:
    return [check for control in controls for check in control["checks"]]


def test_list_by_severity_shows_only_checks_of_that_severity(capsys):
    checks = listed_checks(listing(capsys, "--severity", "critical"))
    assert checks
    assert {c["severity"] for c in checks} == {"critical"}
    assert len(listed_checks(listing(capsys, "--severity", "critical,high"))) > len(checks)


def test_list_by_service_shows_only_that_services_checks(capsys):
    available = registry.all_checks()
    checks = listed_checks(listing(capsys, "--service", "s3"))
    assert checks
    assert {service_of(available[c["id"]].metadata.resource_type) for c in checks} == {"s3"}


def test_list_by_framework_shows_the_controls_citing_it(capsys):
    catalog = {c.id: c for c in load_catalog().controls}
    citing = {c for c, control in catalog.items() if "CC6.1" in control.references.get("soc2", ())}
    assert citing, "the catalog cites SOC 2 CC6.1"
    assert {c["id"] for c in listing(capsys, "--framework", "CC6.1")} == citing
    assert {c["id"] for c in listing(capsys, "--framework", "soc2:CC6.1")} == citing


def test_list_by_control(capsys):
    assert [c["id"] for c in listing(capsys, "--controls", "LP-DR-1")] == ["LP-DR-1"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["list", "--framework", "XX9.9"], "cited by none of the controls"),
        (["list", "--severity", "severe"], "--severity: unknown severe"),
        (["list", "--service", "nosuchservice"], "no check matches --severity/--service"),
        (["audit", "--checks", MODEL, "--service", "iam"], "no check matches"),
        (["audit", "--status", "GREEN"], "--status: unknown GREEN"),
    ],
)
def test_a_filter_that_matches_nothing_exits_2_in_one_line(aws, capsys, args, message):
    code = cli.main([*args, "--quiet"] if args[0] == "audit" else args)
    err = capsys.readouterr().err
    assert code == 2
    assert message in err
    assert len(err.strip().splitlines()) == 1


def test_audit_by_service_runs_only_that_services_checks(aws, capsys):
    _bucket("aes-only", compliant=False)
    code = cli.main(["audit", "--service", "s3", "--severity", "high", "--format", "json", "--quiet"])
    document = json.loads(capsys.readouterr().out)
    available = registry.all_checks()
    ran = set(document["metadata"]["checks"])
    assert ran
    assert {service_of(available[c].metadata.resource_type) for c in ran} == {"s3"}
    assert {str(available[c].metadata.severity) for c in ran} == {"high"}
    assert code == 1, "the non-KMS bucket fails"


def test_status_filters_what_is_shown_but_the_exit_code_counts_every_finding(aws, capsys):
    _bucket("compliant", compliant=True)
    _bucket("aes-only", compliant=False)
    code = cli.main(["audit", "--checks", MODEL, "--status", "PASS", "--format", "json", "--quiet"])
    document = json.loads(capsys.readouterr().out)
    assert code == 1
    assert [f["status"] for f in document["findings"]] == ["PASS"]
    assert document["exit_code"] == 1
    assert any("--status" in note and "exit code (1)" in note for note in document["metadata"]["notes"])
