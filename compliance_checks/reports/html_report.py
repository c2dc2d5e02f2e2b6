"""One self-contained HTML file for an auditor: the run, a summary per control, then every finding
with its evidence. No script, no external asset; every value is escaped."""

from __future__ import annotations

import json

from compliance_checks.core import Status
from compliance_checks.reports.escaping import html as _e
from compliance_checks.reports.links import runbook_href
from compliance_checks.reports.model import Finding, Report

_STYLE = """
body{font-family:system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:2rem;color:#1b1f24;max-width:1400px}
table{border-collapse:collapse;width:100%;margin:1rem 0}th,td{border:1px solid #d0d7de;padding:.35rem .5rem;
text-align:left;vertical-align:top}th{background:#f6f8fa}pre{white-space:pre-wrap;word-break:break-all;margin:0;
font-size:.85em}code{word-break:break-all}.PASS{color:#1a7f37}.FAIL{color:#cf222e;font-weight:600}
.ERROR{color:#9a6700;font-weight:600}.MANUAL{color:#0550ae}.WAIVED{color:#6e7781}td.n{text-align:right}
"""


def _runbooks(runbooks: tuple[str, ...], base: str) -> str:
    parts = []
    for runbook in runbooks:
        href = runbook_href(runbook, base)
        parts.append(f'<a href="{_e(href)}">{_e(runbook)}</a>' if href else _e(runbook))
    return ", ".join(parts)


def _finding_row(finding: Finding, runbooks: tuple[str, ...], base: str) -> str:
    evidence = json.dumps(dict(finding.evidence), indent=2, default=str, sort_keys=True)
    waiver = ""
    if finding.waiver:
        waiver = f"<br><small>waiver: {_e(json.dumps(dict(finding.waiver), default=str))}</small>"
    runbook = _runbooks(runbooks, base) if finding.status is Status.FAIL else ""
    return (
        f'<tr class="finding"><td class="{_e(finding.status)}">{_e(finding.status)}</td>'
        f"<td>{_e(finding.check_id or 'manual')}<br><small>{_e(finding.title)}</small></td>"
        f"<td><code>{_e(finding.resource_id)}</code><br><small>{_e(finding.resource_type)}</small></td>"
        f"<td>{_e(finding.region)}</td><td>{_e(finding.severity or '')}</td>"
        f"<td>{_e(finding.message)}{waiver}</td><td><pre>{_e(evidence)}</pre></td><td>{runbook}</td></tr>"
    )


def render(report: Report) -> str:
    meta = report.metadata
    counts = report.counts()
    findings = report.sorted_findings()
    out = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>Leadping live audit {_e(meta.get('account'))} {_e(meta.get('started'))}</title>",
        f"<style>{_STYLE}</style></head><body>",
        "<h1>Leadping live audit</h1>",
        '<table class="metadata">',
    ]
    for key in ("target", "stack", "account", "regions", "started", "finished", "version"):
        if key in meta and meta[key] is not None:
            value = ", ".join(meta[key]) if isinstance(meta[key], list) else meta[key]
            out.append(f"<tr><th>{_e(key)}</th><td>{_e(value)}</td></tr>")
    out.append("</table>")
    out.append("<p>" + " · ".join(f'<span class="{_e(s)}">{_e(s)} {n}</span>' for s, n in counts.items()) + "</p>")
    if meta.get("notes"):
        out.append("<h2>Notes</h2><ul>" + "".join(f"<li>{_e(n)}</li>" for n in meta["notes"]) + "</ul>")
    out.append(
        '<h2>Summary per control</h2><table class="controls"><tr><th>Control</th><th>Title</th>'
        "<th>Status</th><th>PASS</th><th>FAIL</th><th>ERROR</th><th>WAIVED</th><th>MANUAL</th>"
        "<th>Runbooks</th></tr>"
    )
    for s in report.control_summaries():
        c = s.counts
        out.append(
            f'<tr><td><a href="#{_e(s.control.id)}">{_e(s.control.id)}</a></td><td>{_e(s.control.title)}</td>'
            f'<td class="{_e(s.status)}">{_e(s.status)}</td>'
            + "".join(f'<td class="n">{c[k]}</td>' for k in ("PASS", "FAIL", "ERROR", "WAIVED", "MANUAL"))
            + f"<td>{_runbooks(s.control.runbooks, report.runbook_base)}</td></tr>"
        )
    out.append("</table><h2>Findings</h2>")
    for control in report.controls:
        mine = [f for f in findings if f.control_id == control.id]
        out.append(f'<h3 id="{_e(control.id)}">{_e(control.id)} {_e(control.title)}</h3>')
        out.append(f"<blockquote>{_e(control.statement)}</blockquote>")
        out.append(
            '<table class="findings"><tr><th>Status</th><th>Check</th><th>Resource</th><th>Region</th>'
            "<th>Severity</th><th>Message</th><th>Evidence</th><th>Runbook</th></tr>"
        )
        out.extend(_finding_row(f, control.runbooks, report.runbook_base) for f in mine)
        out.append("</table>")
    out.append("</body></html>")
    return "\n".join(out) + "\n"
