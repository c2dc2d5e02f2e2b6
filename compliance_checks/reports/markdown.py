"""Markdown for a CI job summary: a table per control, then every finding that is not a PASS (a line
at a time, as the findings are read)."""

from __future__ import annotations

import json
from typing import TextIO

from compliance_checks.core import Status
from compliance_checks.reports.escaping import markdown as escape
from compliance_checks.reports.links import runbook_href
from compliance_checks.reports.model import Report, as_text

_ICONS = {"PASS": "✅", "FAIL": "❌", "ERROR": "⚠️", "MANUAL": "📝", "WAIVED": "⏸️"}


def _runbooks(runbooks: tuple[str, ...], base: str) -> str:
    links = []
    for runbook in runbooks:
        href = runbook_href(runbook, base)
        links.append(f"[{escape(runbook)}]({href})" if href else escape(runbook))
    return ", ".join(links)


def write(report: Report, out: TextIO) -> None:
    """A line at a time: the summaries, then a row per finding that is not a PASS, as they are read."""
    meta = report.metadata
    counts = report.counts()
    lines = [
        "# Leadping live audit",
        "",
        f"Target: {escape(meta.get('target'))} · account {escape(report.accounts_label())} · "
        f"regions {escape(', '.join(meta.get('regions', [])))} · {escape(meta.get('started'))} to "
        f"{escape(meta.get('finished'))}",
        "",
        " · ".join(f"{_ICONS[s]} {s} {n}" for s, n in counts.items()),
        *(["", f"Baseline: {escape(report.baseline_text())}"] if report.baseline_text() else []),
        "",
        "| Control | Title | Status | PASS | FAIL | ERROR | WAIVED | MANUAL | Runbooks |",
        "| --- | --- | --- | ---: | ---: | ---: | ---: | ---: | --- |",
    ]
    for s in report.control_summaries():
        c = s.counts
        lines.append(
            f"| {escape(s.control.id)} | {escape(s.control.title)} | {_ICONS[str(s.status)]} {s.status} "
            f"| {c['PASS']} | {c['FAIL']} | {c['ERROR']} | {c['WAIVED']} | {c['MANUAL']} "
            f"| {_runbooks(s.control.runbooks, report.runbook_base)} |"
        )
    accounts = report.account_summaries()
    if len(accounts) > 1:
        lines += [
            "",
            "## Accounts",
            "",
            "| Account | Status | PASS | FAIL | ERROR | WAIVED | MANUAL | Failing controls |",
            "| --- | --- | ---: | ---: | ---: | ---: | ---: | --- |",
        ]
        for a in sorted(accounts, key=lambda a: (-a.counts["FAIL"], -a.counts["ERROR"], a.account_id)):
            c = a.counts
            failing = ", ".join(k for k, v in a.controls.items() if v in ("FAIL", "ERROR"))
            lines.append(
                f"| {escape(a.account_id)} | {_ICONS[str(a.status)]} {a.status} | {c['PASS']} | {c['FAIL']} "
                f"| {c['ERROR']} | {c['WAIVED']} | {c['MANUAL']} | {escape(failing)} |"
            )
    notes = meta.get("notes") or []
    if notes:
        lines += ["", "## Notes", ""] + [f"- {escape(n)}" for n in notes]
    for line in lines:
        out.write(line + "\n")
    if all(n == 0 for status, n in counts.items() if status != Status.PASS):
        return
    out.write(
        "\n## Findings that need attention\n\n"
        "| Status | Control | Check | Account | Resource | Region | Message | Evidence | Runbook |\n"
        "| --- | --- | --- | --- | --- | --- | --- | --- | --- |\n"
    )
    runbooks = {c.id: c.runbooks for c in report.controls}
    for f in report.sorted_findings():
        if f.status is Status.PASS:
            continue
        evidence = json.dumps(dict(f.evidence), default=str, sort_keys=True)
        runbook = _runbooks(runbooks.get(f.control_id, ()), report.runbook_base) if f.status is Status.FAIL else ""
        state = f" ({report.baseline_of(f)})" if report.baseline_of(f) else ""
        out.write(
            f"| {_ICONS[str(f.status)]} {f.status}{state} | {escape(f.control_id)} "
            f"| {escape(f.check_id or 'manual')} | {escape(report.account_of(f))} "
            f"| {escape(f.resource_id)} | {escape(f.region)} "
            f"| {escape(f.message)} | {escape(evidence)} | {runbook} |\n"
        )


def render(report: Report) -> str:
    return as_text(write, report)
