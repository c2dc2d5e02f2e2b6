"""The JSON report, documented by schemas/audit-report.schema.json."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any, TextIO

from compliance_checks.reports import json_text
from compliance_checks.reports.model import Finding, Report, as_text

SCHEMA_FILE = Path(__file__).resolve().parents[1] / "schemas" / "audit-report.schema.json"
SCHEMA_ID = "https://leadping.ai/schemas/leadping-audit/audit-report-1.json"


def document(report: Report) -> dict[str, Any]:
    """The whole document, its findings a list."""
    return {**_document(report), "findings": list(_findings(report))}


def _findings(report: Report) -> Iterator[dict[str, Any]]:
    return (_finding(report, f) for f in report.sorted_findings())


def _document(report: Report) -> dict[str, Any]:
    """The document, its findings a generator (written a finding at a time)."""
    return {
        "$schema": SCHEMA_ID,
        "schema_version": "1",
        "metadata": report.metadata,
        "summary": report.counts(),
        # The process's exit code where the CLI set it (--fail-on, --fail-on-new, --status), else the default rule.
        "exit_code": report.metadata.get("exit_code", report.exit_code()),
        "controls": [
            {
                "id": s.control.id,
                "title": s.control.title,
                "statement": s.control.statement,
                "status": str(s.status),
                "counts": dict(s.counts),
                "checks": list(s.control.checks),
                "manual_evidence": s.control.manual_evidence,
                "runbooks": list(s.control.runbooks),
                "policies": list(s.control.policies),
                "references": {kind: list(ids) for kind, ids in s.control.references.items()},
            }
            for s in report.control_summaries()
        ],
        "accounts": [
            {
                "account_id": a.account_id,
                "status": str(a.status),
                "counts": dict(a.counts),
                "controls": dict(a.controls),
            }
            for a in report.account_summaries()
        ],
        "checks": {check_id: dict(info) for check_id, info in report.checks.items()},
        "findings": _findings(report),
        **_baseline(report),
    }


def _finding(report: Report, finding: Finding) -> dict[str, Any]:
    state = report.baseline_of(finding)
    return {**finding.to_dict(), "baseline": state} if state else finding.to_dict()


def _baseline(report: Report) -> dict[str, Any]:
    summary = report.baseline_summary()
    if summary is None:
        return {}
    source = (report.metadata.get("baseline") or {}).get("file", "")
    resolved = [{**f.to_dict(), "baseline": "resolved"} for f in report.resolved]
    return {"baseline": {"file": source, **summary, "resolved_findings": resolved}}


def write(report: Report, out: TextIO) -> None:
    json_text.write(out, _document(report), items_at="findings")


def render(report: Report) -> str:
    return as_text(write, report)
