"""CSV for a spreadsheet: a header, then one row per finding (RFC 4180: CRLF line ends, fields
quoted when they hold a comma, a quote or a line break).

Every cell goes through ``escaping.csv_cell``: control characters are shown escaped, and a cell that
a spreadsheet would run as a formula (it starts with ``=``, ``+``, ``-`` or ``@``) starts with an
apostrophe instead, so a resource name or a message from the account cannot compute anything.
"""

from __future__ import annotations

import csv
import json
from typing import TextIO

from compliance_checks.reports.escaping import csv_cell
from compliance_checks.reports.links import runbook_href
from compliance_checks.reports.model import Finding, Report, as_text

COLUMNS = (
    "status",
    "severity",
    "control_id",
    "control_title",
    "check_id",
    "check_title",
    "service",
    "resource_type",
    "resource_id",
    "account_id",
    "region",
    "message",
    "evidence",
    "waiver_justification",
    "waiver_owner",
    "waiver_expires",
    "framework_references",
    "runbooks",
    "finding_id",
    "baseline",
)


def _row(finding: Finding, report: Report) -> dict[str, object]:
    control = report.control(finding.control_id)
    waiver = finding.waiver or {}
    runbooks = control.runbooks if control else ()
    return {
        "status": finding.status,
        "severity": finding.severity or "",
        "control_id": finding.control_id,
        "control_title": control.title if control else "",
        "check_id": finding.check_id or "",
        "check_title": finding.title,
        "service": finding.service,
        "resource_type": finding.resource_type,
        "resource_id": finding.resource_id,
        "account_id": finding.account_id,
        "region": finding.region,
        "message": finding.message,
        "evidence": json.dumps(dict(finding.evidence), default=str, sort_keys=True) if finding.evidence else "",
        "waiver_justification": waiver.get("justification") or "",
        "waiver_owner": waiver.get("owner") or "",
        "waiver_expires": waiver.get("expires") or "",
        "framework_references": "; ".join(str(r) for r in report.references(finding.control_id)),
        "runbooks": " ".join(runbook_href(r, report.runbook_base) or r for r in runbooks),
        "finding_id": finding.identity,
        "baseline": report.baseline_of(finding) or "",
    }


def write(report: Report, out: TextIO) -> None:
    """A row at a time; ``out`` is opened with ``newline=""`` (the rows end in CRLF themselves)."""
    writer = csv.DictWriter(out, fieldnames=COLUMNS, lineterminator="\r\n")
    writer.writeheader()
    for finding in report.sorted_findings():
        writer.writerow({key: csv_cell(value) for key, value in _row(finding, report).items()})
    # The baseline's failures that are gone, as rows of their own (baseline: resolved).
    for finding in report.resolved:
        writer.writerow({key: csv_cell(value) for key, value in _row(finding, report).items()})


def render(report: Report) -> str:
    return as_text(write, report)
