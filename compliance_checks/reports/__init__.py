"""Report formats. Each renders the one report model (model.py) to text.

For people: ``table`` (terminal), ``markdown`` (CI job summary), ``html`` (an auditor's file), ``csv``
(a spreadsheet). For tools: ``json`` (our schema), ``junit`` (CI test views), ``sarif`` (code
scanning), ``asff`` (AWS Security Hub), ``ocsf`` (OCSF Compliance Findings: Security Lake, SIEMs),
``oscal`` (NIST OSCAL assessment results: GRC tools).

SARIF and JUnit are built by sarif_builder.py and junit_builder.py from a neutral finding shape
(scan_model.py), which the gate (policies/reports.py) uses too; sarif.py and junit.py adapt the
audit's findings to it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TextIO

from compliance_checks.reports import (
    asff,
    csv_report,
    html_report,
    json_report,
    junit,
    markdown,
    ocsf,
    oscal,
    sarif,
    table,
)
from compliance_checks.reports.model import Report


@dataclass(frozen=True)
class Format:
    name: str
    filename: str  # the file written under --output-dir
    render: Callable[[Report], str]
    # Formats that write a finding at a time (an organization's report is never one string in memory);
    # None: the format builds its whole document (render) and writes it.
    stream: Callable[[Report, TextIO], None] | None = None

    def write(self, report: Report, out: TextIO) -> None:
        """``out`` holds the report in this format when this returns (opened with ``newline=""``)."""
        if self.stream is not None:
            self.stream(report, out)
        else:
            out.write(self.render(report))


FORMATS: dict[str, Format] = {
    f.name: f
    for f in (
        Format("table", "audit.txt", table.render),
        Format("json", "audit.json", json_report.render, json_report.write),
        Format("junit", "audit.junit.xml", junit.render),
        Format("sarif", "audit.sarif", sarif.render),
        Format("markdown", "audit.md", markdown.render),
        Format("html", "audit.html", html_report.render, html_report.write),
        Format("csv", "audit.csv", csv_report.render, csv_report.write),
        Format("asff", "audit.asff.json", asff.render, asff.write),
        Format("ocsf", "audit.ocsf.json", ocsf.render, ocsf.write),
        Format("oscal", "audit.oscal.json", oscal.render),
    )
}
