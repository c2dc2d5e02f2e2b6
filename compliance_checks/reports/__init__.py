"""Report formats. Each renders the one report model (model.py) to text.

For people: ``table`` (terminal), ``markdown`` (CI job summary), ``html`` (an auditor's file), ``csv``
(a spreadsheet). For tools: ``json`` (our schema), ``junit`` (CI test views), ``sarif`` (code
scanning), ``asff`` (AWS Security Hub), ``ocsf`` (OCSF Compliance Findings: Security Lake, SIEMs),
``oscal`` (NIST OSCAL assessment results: GRC tools).

SARIF and JUnit are built by sarif_builder.py and junit_builder.py from a neutral finding shape
(scan_model.py), which the gate (policies/reports.py) uses too; sarif.py and junit.py adapt the
audit's findings to it.

Every format but ``table`` is written a finding at a time (``Format.write``): json, csv, asff, ocsf,
html, sarif, junit, oscal and markdown never hold the report's findings, their converted forms or
their text, so an organization's report (its findings a ``store.FindingStore`` on disk) keeps memory
flat however many accounts it has. ``table`` is rich's terminal view: a rich Table measures every
row before it draws one (column widths), so it is built whole.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, TextIO

if TYPE_CHECKING:
    from compliance_checks.reports.model import Report


class _Renderer:
    """A format's ``render``, imported when first called: a run that writes JSON does not load the
    HTML, SARIF or terminal renderers (nor rich, which the terminal ones use)."""

    def __init__(self, module: str) -> None:
        self.module = f"{__name__}.{module}"

    def __call__(self, report: Report) -> str:
        render: Callable[[Report], str] = importlib.import_module(self.module).render
        return render(report)

    def __repr__(self) -> str:
        return f"{self.module}.render"


@dataclass(frozen=True)
class Format:
    name: str
    filename: str  # the file written under --output-dir
    render: _Renderer

    @property
    def streams(self) -> bool:
        """Whether ``write`` writes a finding at a time (the format's module has ``write``)."""
        return callable(getattr(importlib.import_module(self.render.module), "write", None))

    def write(self, report: Report, out: TextIO) -> None:
        """``out`` holds the report in this format when this returns (opened with ``newline=""``). A
        format whose module has ``write(report, out)`` (every format but ``table``) writes a finding at
        a time: an organization's report is never one string, nor its findings one list, in memory.
        ``table`` builds its text whole and writes it."""
        module = importlib.import_module(self.render.module)
        stream: Callable[[Report, TextIO], None] | None = getattr(module, "write", None)
        if stream is not None:
            stream(report, out)
        else:
            out.write(module.render(report))


FORMATS: dict[str, Format] = {
    f.name: f
    for f in (
        Format("table", "audit.txt", _Renderer("table")),
        Format("json", "audit.json", _Renderer("json_report")),
        Format("junit", "audit.junit.xml", _Renderer("junit")),
        Format("sarif", "audit.sarif", _Renderer("sarif")),
        Format("markdown", "audit.md", _Renderer("markdown")),
        Format("html", "audit.html", _Renderer("html_report")),
        Format("csv", "audit.csv", _Renderer("csv_report")),
        Format("asff", "audit.asff.json", _Renderer("asff")),
        Format("ocsf", "audit.ocsf.json", _Renderer("ocsf")),
        Format("oscal", "audit.oscal.json", _Renderer("oscal")),
    )
}
