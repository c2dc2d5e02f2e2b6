"""SARIF 2.1.0 for GitHub code scanning: the audit's findings adapted to the one builder (sarif_builder.py).

Results are the FAIL and ERROR findings, and the WAIVED ones as suppressed results (kind external,
the waiver's justification): a waiver hides an alert, it does not erase the finding. A FAIL's level
follows the check's severity; an ERROR (the audit could not read what it needs) is a warning saying
so, with properties.status = "ERROR". Code scanning needs a file and line for every result: the line
of the Pulumi program that declared the resource when the audit knows it (Report.resource_sources,
filled by sources.py from the rendered stack), else the control's entry in catalog.yaml. The ARN
stays the result's logical location. Rules carry security-severity and the runbook as helpUri when
the report's runbook base is an https URL. Texts a viewer shows carry control characters as
visible escapes (reports/escaping.py).
"""

from __future__ import annotations

import functools
import json
from collections.abc import Iterator
from typing import Any, TextIO

from compliance_checks.catalog import CATALOG_FILE
from compliance_checks.core import Status
from compliance_checks.reports import sarif_builder
from compliance_checks.reports.escaping import visible
from compliance_checks.reports.links import absolute_runbook_urls
from compliance_checks.reports.model import Finding, Report, as_text
from compliance_checks.reports.scan_model import (
    LogicalLocation,
    Notification,
    Outcome,
    Rule,
    ScanFinding,
    ScanRun,
    SourceLocation,
    Suppression,
)

SARIF_SCHEMA = sarif_builder.SARIF_SCHEMA
REPOSITORY_ROOT = CATALOG_FILE.parent.parent
CATALOG_PATH = CATALOG_FILE.relative_to(REPOSITORY_ROOT).as_posix()
# A code-scanning category per tool: GitHub keeps the audit's alerts apart from the gate's.
CATEGORY = "leadping-audit"
_OUTCOMES = {Status.FAIL: Outcome.FAIL, Status.WAIVED: Outcome.FAIL, Status.ERROR: Outcome.ERROR}


@functools.cache
def catalog_lines() -> dict[str, int]:
    """Each control's line in catalog.yaml (the ``- id: LP-..`` that opens its entry)."""
    lines = {}
    for number, text in enumerate(CATALOG_FILE.read_text(encoding="utf-8").splitlines(), start=1):
        stripped = text.strip()
        if stripped.startswith("- id:"):
            lines.setdefault(stripped.removeprefix("- id:").strip().strip("'\""), number)
    return lines


def catalog_location(control_id: str) -> SourceLocation:
    return SourceLocation(CATALOG_PATH, catalog_lines().get(control_id, 1))


def _help_uri(report: Report, controls: list[str]) -> str:
    for control_id in controls:
        control = report.control(control_id)
        urls = absolute_runbook_urls(control.runbooks, report.runbook_base) if control else []
        if urls:
            return urls[0]
    return ""


def _runbooks_text(report: Report, controls: list[str]) -> str:
    paths = [r for c in controls if (control := report.control(c)) for r in control.runbooks]
    return f" Runbooks: {', '.join(dict.fromkeys(paths))}." if paths else ""


def rules(report: Report) -> list[Rule]:
    found = []
    for check_id, info in report.checks.items():
        controls = list(info["controls"])
        found.append(
            Rule(
                id=check_id,
                title=info["title"],
                description=info.get("rationale") or info["title"],
                help_text=(info.get("remediation") or info["title"]) + _runbooks_text(report, controls),
                help_uri=_help_uri(report, controls),
                severity=info["severity"],
                tags=("compliance", *controls),
                properties={"resource_type": info["resource_type"], "controls": controls},
            )
        )
    # A check with findings but no entry in report.checks still gets a rule, so its results resolve: a
    # planned check that is not implemented (its ERROR findings), or one a baseline's resolved finding
    # names that this run did not select. Their controls are every control their findings name, sorted,
    # and the rules come in check id order: the same document whatever order the findings are read in.
    current: dict[str, set[str]] = {}
    gone: dict[str, set[str]] = {}
    for into, findings in ((current, report.findings), (gone, report.resolved)):
        for finding in findings:
            if finding.check_id and finding.check_id not in report.checks:
                into.setdefault(finding.check_id, set()).add(finding.control_id)
    for check_id in sorted(current.keys() | gone.keys()):
        controls = sorted(current.get(check_id, set()) | gone.get(check_id, set()))
        why = "not implemented" if check_id in current else "not run"
        found.append(
            Rule(
                id=check_id,
                title=f"{check_id} ({why})",
                tags=("compliance", *controls),
                properties={"controls": controls},
            )
        )
    return found


def scan_finding(report: Report, finding: Finding, baseline: str | None = None) -> ScanFinding:
    """One audit finding in the neutral shape (the JUnit adapter reads it too)."""
    outcome = _OUTCOMES.get(finding.status, Outcome.SKIPPED if finding.status is Status.MANUAL else Outcome.PASS)
    text = finding.message if outcome is not Outcome.ERROR else f"Could not evaluate: {finding.message}"
    waiver = finding.waiver if finding.status is Status.WAIVED else None
    suppression = None
    if waiver is not None:
        who = f" (owner {waiver['owner']})" if waiver.get("owner") else ""
        suppression = Suppression(
            visible(f"{waiver.get('justification', '')}{who}, until {waiver.get('expires', '?')}")
        )
    state = baseline if baseline is not None else report.baseline_of(finding)
    control = report.control(finding.control_id)
    return ScanFinding(
        rule_id=finding.check_id or finding.control_id,
        outcome=outcome,
        message=visible(f"[{finding.control_id}] {text}"),
        fingerprint=finding.identity,
        location=SourceLocation.parse(report.resource_sources.get(finding.resource_id)),
        fallback_location=catalog_location(finding.control_id),
        logical=LogicalLocation(visible(finding.resource_type), visible(finding.resource_id)),
        location_message=visible(f"{finding.resource_type} in {finding.region}"),
        severity=finding.severity if outcome is Outcome.FAIL else None,
        suppression=suppression,
        baseline=state,
        properties={
            "status": str(finding.status),
            "control_id": finding.control_id,
            "account_id": finding.account_id,
            "region": finding.region,
            "resource_type": finding.resource_type,
            "evidence": dict(finding.evidence),
            **({"baseline": state} if state else {}),
        },
        suite=f"{finding.control_id} {control.title}" if control else finding.control_id,
        case_class=f"{finding.control_id}.{finding.check_id or 'manual'}",
        case_name=f"{finding.resource_id} [{finding.region}]",
        detail=json.dumps(dict(finding.evidence), indent=2, default=str),
    )


def _results(report: Report) -> Iterator[ScanFinding]:
    """The findings that are results, in report order, converted as they are read."""
    for f in report.sorted_findings():
        if f.status in (Status.FAIL, Status.ERROR, Status.WAIVED) and f.check_id:
            yield scan_finding(report, f)
    # Resolved findings (in the baseline, gone now) stay visible as absent results.
    for f in report.resolved:
        if f.status in (Status.FAIL, Status.ERROR) and f.check_id:
            yield scan_finding(report, f, baseline="resolved")


def scan_run(report: Report) -> ScanRun:
    """The run, its findings a generator (read once): the rules come first, from a pass of their own."""
    metadata = report.metadata
    target = metadata.get("stack") or metadata.get("account") or "account"
    properties: dict[str, Any] = {
        "target": metadata.get("target"),
        "account": metadata.get("account"),
        "regions": metadata.get("regions"),
        "summary": report.counts(),
    }
    if report.baseline_summary() is not None:
        properties["baseline"] = report.baseline_summary()
    return ScanRun(
        tool="leadping-audit",
        version=str(metadata.get("version", "0")),
        information_uri="https://leadping.ai/security",
        rules=rules(report),
        findings=_results(report),
        notifications=[Notification(visible(note), level="warning") for note in metadata.get("notes", [])],
        properties=properties,
        started=metadata.get("started"),
        finished=metadata.get("finished"),
        automation_id=f"{CATEGORY}/{target}/",
    )


def document(report: Report) -> dict[str, Any]:
    """The whole document (its results a list): for a test, or a check of what code scanning takes."""
    return sarif_builder.document(scan_run(report))


def write(report: Report, out: TextIO) -> None:
    """A result at a time, after a pass over the findings for the rules of checks the run does not know."""
    sarif_builder.write(out, scan_run(report))


def render(report: Report) -> str:
    return as_text(write, report)
