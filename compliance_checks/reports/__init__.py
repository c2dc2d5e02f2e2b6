"""Report formats. Each renders the one report model (model.py) to text."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from compliance_checks.reports import html_report, json_report, junit, markdown, sarif, table
from compliance_checks.reports.model import Report


@dataclass(frozen=True)
class Format:
    name: str
    filename: str  # the file written under --output-dir
    render: Callable[[Report], str]


FORMATS: dict[str, Format] = {
    f.name: f
    for f in (
        Format("table", "audit.txt", table.render),
        Format("json", "audit.json", json_report.render),
        Format("junit", "audit.junit.xml", junit.render),
        Format("sarif", "audit.sarif", sarif.render),
        Format("markdown", "audit.md", markdown.render),
        Format("html", "audit.html", html_report.render),
    )
}
