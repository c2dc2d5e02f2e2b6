"""The terminal view: a summary per control, then the findings that need attention (rich)."""

from __future__ import annotations

import io

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from compliance_checks.core import Status
from compliance_checks.reports.model import Report

_STYLES = {"PASS": "green", "FAIL": "bold red", "ERROR": "bold yellow", "MANUAL": "blue", "WAIVED": "dim"}


def _status(status: object) -> str:
    return f"[{_STYLES[str(status)]}]{status}[/]"


def print_report(report: Report, console: Console) -> None:
    meta = report.metadata
    console.print(
        f"[bold]Leadping live audit[/] · {escape(str(meta.get('target')))} · account "
        f"{escape(str(meta.get('account')))} · {escape(', '.join(meta.get('regions', [])))}"
    )
    summary = Table(title="Controls", show_lines=False)
    for column in ("Control", "Title", "Status", "PASS", "FAIL", "ERROR", "WAIVED", "MANUAL"):
        summary.add_column(column, justify="right" if column.isupper() and column != "Status" else "left")
    for s in report.control_summaries():
        c = s.counts
        summary.add_row(
            escape(s.control.id),
            escape(s.control.title),
            _status(s.status),
            *(str(c[k]) for k in ("PASS", "FAIL", "ERROR", "WAIVED", "MANUAL")),
        )
    console.print(summary)
    attention = [f for f in report.sorted_findings() if f.status is not Status.PASS]
    if attention:
        table = Table(title="Findings that need attention")
        for column in ("Status", "Control", "Check", "Resource", "Region", "Message"):
            table.add_column(column, overflow="fold")
        for f in attention:
            table.add_row(
                _status(f.status),
                escape(f.control_id),
                escape(f.check_id or "manual"),
                escape(f.resource_id),
                escape(f.region),
                escape(f.message),
            )
        console.print(table)
    for note in meta.get("notes", []):
        console.print(f"[yellow]note:[/] {escape(str(note))}")
    counts = report.counts()
    console.print(" · ".join(f"{_status(s)} {n}" for s, n in counts.items()))


def render(report: Report, width: int = 160) -> str:
    """The same view as plain text (no colour), for a file."""
    buffer = io.StringIO()
    print_report(report, Console(file=buffer, width=width, color_system=None, force_terminal=False))
    return buffer.getvalue()
