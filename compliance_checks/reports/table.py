"""The terminal view: a summary per control, then the findings that need attention (rich).

Every value from the audit reaches rich as a ``Text`` (reports/escaping.py), so rich never reads
it as markup or as an ``:emoji:`` code (every Secrets Manager ARN holds ``:secret:``), and a
terminal escape sequence in it is shown, not obeyed.
"""

from __future__ import annotations

import io

from rich.console import Console
from rich.table import Table
from rich.text import Text

from compliance_checks.core import Status
from compliance_checks.reports.escaping import terminal
from compliance_checks.reports.model import Report

_STYLES = {"PASS": "green", "FAIL": "bold red", "ERROR": "bold yellow", "MANUAL": "blue", "WAIVED": "dim"}


def _status(status: object) -> Text:
    return Text(str(status), style=_STYLES[str(status)])


def _joined(*parts: Text | str, separator: str = " · ") -> Text:
    return Text(separator).join(Text(p) if isinstance(p, str) else p for p in parts)


def print_report(report: Report, console: Console) -> None:
    meta = report.metadata
    console.print(
        _joined(
            Text("Leadping live audit", style="bold"),
            terminal(meta.get("target")),
            Text("account ") + terminal(report.accounts_label()),
            terminal(", ".join(meta.get("regions", []))),
        )
    )
    summary = Table(title="Controls", show_lines=False)
    for column in ("Control", "Title", "Status", "PASS", "FAIL", "ERROR", "WAIVED", "MANUAL"):
        summary.add_column(column, justify="right" if column.isupper() and column != "Status" else "left")
    for s in report.control_summaries():
        c = s.counts
        summary.add_row(
            terminal(s.control.id),
            terminal(s.control.title),
            _status(s.status),
            *(Text(str(c[k])) for k in ("PASS", "FAIL", "ERROR", "WAIVED", "MANUAL")),
        )
    console.print(summary)
    attention = [f for f in report.sorted_findings() if f.status is not Status.PASS]
    if attention:
        table = Table(title="Findings that need attention")
        for column in ("Status", "Control", "Check", "Resource", "Region", "Message"):
            table.add_column(column, overflow="fold")
        for f in attention:
            state = report.baseline_of(f)
            table.add_row(
                _status(f.status) + (Text(f" ({state})") if state else Text("")),
                terminal(f.control_id),
                terminal(f.check_id or "manual"),
                terminal(f.resource_id),
                terminal(f.region),
                terminal(f.message),
            )
        console.print(table)
    for note in meta.get("notes", []):
        console.print(Text("note: ", style="yellow") + terminal(note))
    counts = report.counts()
    console.print(_joined(*(_status(s) + Text(f" {n}") for s, n in counts.items())))
    if report.baseline_text():
        console.print(Text("baseline: ") + terminal(report.baseline_text()))


def render(report: Report, width: int = 160) -> str:
    """The same view as plain text (no colour), for a file."""
    buffer = io.StringIO()
    console = Console(file=buffer, width=width, color_system=None, force_terminal=False, emoji=False, markup=False)
    print_report(report, console)
    return buffer.getvalue()
