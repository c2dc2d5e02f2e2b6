"""One self-contained HTML file an auditor can hand on: the run, an overview (counts by status,
severity, service and control, failing controls first, and what needs attention first), then every
finding grouped by control, failing and erroring controls and findings first.

- Offline and CSP-friendly: no external script, style, font or image; the one inline style and the
  one inline script are allowed by their SHA-256 in the page's Content-Security-Policy, which
  allows nothing else (no connection, no form submission, no other script).
- The filter (text, status, severity, service, account) is that script; without it every finding
  shows. With several accounts (an organization audit) an auditor picks one account: the overview's
  table of accounts links to that pick, and every finding names its account.
- Evidence is a definition list, a waiver is a sentence (who, why, until when), each control lists
  its framework references (SOC 2, AWS Security Hub) with their titles.
- Responsive: the findings table fits its width (fixed layout, long ARNs wrap) and becomes one card
  per finding on a narrow screen; printing lays it out landscape with every column and every
  finding (a filter does not hide anything from the printout).
- Every value goes through ``escaping.html``: shown as text, control characters visible.
"""

from __future__ import annotations

import base64
import hashlib
import json
from collections import Counter
from collections.abc import Iterable, Mapping
from typing import Any, TextIO

from compliance_checks.core import Status
from compliance_checks.reports.escaping import html as _e
from compliance_checks.reports.links import runbook_href
from compliance_checks.reports.model import SEVERITY_ORDER, STATUS_ORDER, ControlSummary, Finding, Report, as_text

_STYLE = """
*{box-sizing:border-box}
html{-webkit-text-size-adjust:100%}
body{font:15px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:0 auto;padding:1.5rem;
color:#1b1f24;max-width:1400px}
h1{font-size:1.6rem;margin:0 0 .5rem}h2{font-size:1.25rem;margin:2rem 0 .5rem;border-bottom:1px solid #d0d7de}
h3{font-size:1.1rem;margin:1.5rem 0 .25rem}
a{color:#0550ae}code,.mono{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:.86em}
code,td,dd,li{overflow-wrap:anywhere}
table{border-collapse:collapse;width:100%;margin:.5rem 0 1rem}
th,td{border:1px solid #d0d7de;padding:.35rem .5rem;text-align:left;vertical-align:top}
th{background:#f6f8fa}td.n,th.n{text-align:right;font-variant-numeric:tabular-nums}
.meta{display:grid;grid-template-columns:max-content 1fr;gap:.1rem 1rem;margin:0}
.meta dt{font-weight:600}.meta dd{margin:0}
.cards{display:flex;flex-wrap:wrap;gap:.5rem;margin:.75rem 0}
.card{border:1px solid #d0d7de;border-radius:6px;padding:.4rem .8rem;min-width:7rem}
.card b{display:block;font-size:1.5rem}
.overview{display:grid;grid-template-columns:repeat(auto-fit,minmax(20rem,1fr));gap:0 1.5rem}
.attention li{margin:.2rem 0}
.PASS{color:#1a7f37}.FAIL{color:#cf222e;font-weight:600}.ERROR{color:#9a6700;font-weight:600}
.MANUAL{color:#0550ae}.WAIVED{color:#57606a}
.sev-critical,.sev-high{font-weight:600}
.statement{margin:.25rem 0;padding-left:.75rem;border-left:3px solid #d0d7de;color:#424a53}
.refs{margin:.25rem 0;padding-left:1.2rem}.refs li{margin:0}
.filter{display:flex;flex-wrap:wrap;gap:.5rem 1rem;align-items:end;padding:.75rem;background:#f6f8fa;
border:1px solid #d0d7de;border-radius:6px;position:sticky;top:0;z-index:1}
.filter label{display:flex;flex-direction:column;font-size:.85em;font-weight:600}
.filter input,.filter select{font:inherit;padding:.2rem .3rem;min-width:9rem;max-width:100%}
table.findings{table-layout:fixed}
table.findings col.status{width:6.5%}table.findings col.severity{width:6.5%}table.findings col.check{width:13%}
table.findings col.resource{width:20%}table.findings col.region{width:7%}table.findings col.message{width:22%}
table.findings col.evidence{width:16%}table.findings col.runbook{width:9%}
dl.evidence{margin:0;font-size:.85em}dl.evidence dt{font-weight:600;color:#424a53}
dl.evidence dd{margin:0 0 .25rem;white-space:pre-wrap}
.waiver{margin:.35rem 0 0;padding:.25rem .4rem;background:#f6f8fa;border-left:3px solid #8c959f;font-size:.9em}
.muted{color:#57606a;font-size:.85em}
.short{display:none}
table.counts td:first-child{overflow-wrap:break-word}
@media screen and (max-width:760px){
table.counts{font-size:.8rem}table.counts th,table.counts td{padding:.2rem .3rem}
.long{display:none}.short{display:inline}
body{padding:.75rem;font-size:14px}
table.findings,table.findings tbody,table.findings tr,table.findings td{display:block;width:100%}
table.findings thead,table.findings colgroup{display:none}
table.findings tr{border:1px solid #d0d7de;border-radius:6px;margin:.5rem 0;padding:.25rem 0}
table.findings td{border:0;padding:.2rem .6rem}
table.findings td::before{content:attr(data-label);display:block;font-size:.75em;font-weight:600;color:#57606a}
.meta{grid-template-columns:1fr}.meta dd{margin-bottom:.3rem}
}
@media print{
@page{size:A4 landscape;margin:10mm}
body{max-width:none;padding:0;font-size:8.5pt}
.filter{display:none}
tr.finding[hidden],section.control[hidden]{display:revert!important}
table.findings tr{break-inside:avoid}
h2,h3{break-after:avoid}
a{color:inherit}
}
"""

# The filter: shows the findings that match every field; hides a control none of whose findings
# match. Data attributes carry the values; the text search covers what the row shows.
_SCRIPT = """
(function(){
var form=document.getElementById('filter');if(!form){return;}
var rows=[].slice.call(document.querySelectorAll('tr.finding'));
var sections=[].slice.call(document.querySelectorAll('section.control'));
var count=document.getElementById('shown');
function apply(){
var q=form.q.value.trim().toLowerCase(),st=form.status.value,sv=form.severity.value,svc=form.service.value,n=0;
var acc=form.account.value;
rows.forEach(function(r){
var ok=(!st||r.dataset.status===st)&&(!sv||r.dataset.severity===sv)&&(!svc||r.dataset.service===svc)&&
(!acc||r.dataset.account===acc)&&(!q||r.textContent.toLowerCase().indexOf(q)>=0);
r.hidden=!ok;if(ok){n++;}
});
sections.forEach(function(s){s.hidden=!s.querySelector('tr.finding:not([hidden])');});
count.textContent=n+' of '+rows.length+' findings shown';
}
form.addEventListener('input',apply);form.addEventListener('change',apply);
form.addEventListener('submit',function(e){e.preventDefault();});
[].slice.call(document.querySelectorAll('a[data-pick-account]')).forEach(function(a){
a.addEventListener('click',function(){form.account.value=a.dataset.pickAccount;apply();});
});
form.hidden=false;apply();
})();
"""


def _sha256(text: str) -> str:
    return "sha256-" + base64.b64encode(hashlib.sha256(text.encode()).digest()).decode()


# Nothing may load or run but the inline style and script below (their hashes).
CONTENT_SECURITY_POLICY = (
    f"default-src 'none'; style-src '{_sha256(_STYLE)}'; script-src '{_sha256(_SCRIPT)}'; "
    "img-src 'none'; base-uri 'none'; form-action 'none'"
)
_STATUS_RANK = {str(s): i for i, s in enumerate(STATUS_ORDER)}
_SEVERITY_RANK = {s: i for i, s in enumerate(SEVERITY_ORDER)}
_COLUMNS = (
    ("status", "Status"),
    ("severity", "Severity"),
    ("check", "Check"),
    ("resource", "Resource"),
    ("region", "Region"),
    ("message", "Message"),
    ("evidence", "Evidence"),
    ("runbook", "Runbook"),
)
_ATTENTION_LIMIT = 15
# Column heads short enough for a phone's width (the long ones elsewhere).
_SHORT_STATUS = {"FAIL": "FAIL", "ERROR": "ERR", "MANUAL": "MAN", "WAIVED": "WVD", "PASS": "PASS"}


def _status_heads() -> str:
    return "".join(
        f'<th class="n"><span class="long">{s}</span><span class="short" aria-hidden="true">{_SHORT_STATUS[str(s)]}'
        "</span></th>"
        for s in STATUS_ORDER
    )


def _anchor(finding: Finding) -> str:
    return f"f-{finding.identity[:16]}"


def _runbooks(runbooks: Iterable[str], base: str, *, short: bool = False) -> str:
    parts = []
    for runbook in runbooks:
        href = runbook_href(runbook, base)
        text = runbook.rsplit("/", 1)[-1] if short else runbook
        parts.append(f'<a href="{_e(href)}">{_e(text)}</a>' if href else _e(runbook))
    return ", ".join(parts)


def _value(value: Any) -> str:
    if isinstance(value, str):
        return value
    return json.dumps(value, indent=1, default=str, sort_keys=True)


def _evidence(evidence: Mapping[str, Any]) -> str:
    if not evidence:
        return '<span class="muted">none</span>'
    items = "".join(f"<dt>{_e(key)}</dt><dd>{_e(_value(evidence[key]))}</dd>" for key in sorted(evidence))
    return f'<dl class="evidence">{items}</dl>'


def _waiver(waiver: Mapping[str, Any] | None) -> str:
    if not waiver:
        return ""
    owner = waiver.get("owner") or "no owner named"
    if waiver.get("expired"):
        lead = f"Waiver expired on {_e(waiver.get('expires'))} (owner {_e(owner)}); it no longer applies."
    else:
        lead = f"Waived by {_e(owner)} until {_e(waiver.get('expires'))}."
    return f'<p class="waiver">{lead} Why: {_e(waiver.get("justification"))}</p>'


def _finding_row(finding: Finding, runbooks: tuple[str, ...], base: str, account: str) -> str:
    status, severity = str(finding.status), finding.severity or "none"
    runbook = _runbooks(runbooks, base, short=True) if finding.status in (Status.FAIL, Status.ERROR) else ""
    cells = {
        "status": f'<span class="{status}">{status}</span>',
        "severity": f'<span class="sev-{_e(severity)}">{_e(severity)}</span>',
        "check": f'<code>{_e(finding.check_id or "manual")}</code><br><span class="muted">{_e(finding.title)}</span>',
        "resource": f'<code>{_e(finding.resource_id)}</code><br><span class="muted">{_e(finding.resource_type)} · '
        f"account {_e(account)}</span>",
        "region": _e(finding.region),
        "message": f"{_e(finding.message)}{_waiver(finding.waiver)}",
        "evidence": _evidence(finding.evidence),
        "runbook": runbook,
    }
    tds = "".join(f'<td data-label="{label}">{cells[key]}</td>' for key, label in _COLUMNS)
    return (
        f'<tr class="finding" id="{_anchor(finding)}" data-status="{status}" data-severity="{_e(severity)}" '
        f'data-service="{_e(finding.service)}" data-account="{_e(account)}">{tds}</tr>'
    )


def _count_table(title: str, label: str, rows: Mapping[str, Counter], order: list[str]) -> str:
    statuses = [str(s) for s in STATUS_ORDER]
    body = "".join(
        f"<tr><td>{_e(key)}</td>" + "".join(f'<td class="n">{rows[key][s]}</td>' for s in statuses) + "</tr>"
        for key in order
    )
    return f'<div><h3>{title}</h3><table class="counts"><tr><th>{label}</th>{_status_heads()}</tr>{body}</table></div>'


def _attention(report: Report) -> str:
    """FAIL before ERROR before MANUAL, most severe first; a finding on several controls once."""
    seen: dict[tuple[Any, ...], tuple[Finding, list[str]]] = {}
    for f in report.findings:
        if f.status not in (Status.FAIL, Status.ERROR, Status.MANUAL):
            continue
        key = (f.status, f.check_id, f.resource_id, f.region, f.account_id)
        seen.setdefault(key, (f, []))[1].append(f.control_id)
    ranked = sorted(
        seen.values(),
        key=lambda item: (
            _STATUS_RANK[str(item[0].status)],
            _SEVERITY_RANK.get(item[0].severity or "", len(SEVERITY_ORDER)),
            item[0].check_id or "",
            item[0].resource_id,
        ),
    )
    if not ranked:
        return "<p>Nothing: no FAIL, no ERROR, no manual evidence outstanding.</p>"
    items = []
    for finding, controls in ranked[:_ATTENTION_LIMIT]:
        items.append(
            f'<li><span class="{finding.status}">{finding.status}</span> '
            f'<span class="sev-{_e(finding.severity or "none")}">{_e(finding.severity or "")}</span> '
            f'<a href="#{_anchor(finding)}">{_e(finding.title or finding.check_id or "manual evidence")}</a>: '
            f"<code>{_e(finding.resource_id)}</code> ({_e(finding.region)}; {_e(', '.join(controls))})</li>"
        )
    more = len(ranked) - _ATTENTION_LIMIT
    tail = f'<p class="muted">and {more} more below.</p>' if more > 0 else ""
    return f'<ol class="attention">{"".join(items)}</ol>{tail}'


def _overview(report: Report) -> str:
    counts = report.counts()
    cards = "".join(f'<div class="card"><span class="{s}">{s}</span><b>{n}</b></div>' for s, n in counts.items())
    by_severity: dict[str, Counter] = {}
    by_service: dict[str, Counter] = {}
    for f in report.findings:
        by_severity.setdefault(f.severity or "none", Counter())[str(f.status)] += 1
        by_service.setdefault(f.service, Counter())[str(f.status)] += 1
    severities = sorted(by_severity, key=lambda s: _SEVERITY_RANK.get(s, len(SEVERITY_ORDER)))
    services = sorted(by_service, key=lambda s: (-by_service[s]["FAIL"], -by_service[s]["ERROR"], s))
    controls = sorted(report.control_summaries(), key=lambda s: _STATUS_RANK[str(s.status)])
    control_rows = "".join(
        f'<tr><td><a href="#{_e(s.control.id)}">{_e(s.control.id)}</a> {_e(s.control.title)} '
        f'<span class="{s.status}">{s.status}</span></td>'
        + "".join(f'<td class="n">{s.counts[str(k)]}</td>' for k in STATUS_ORDER)
        + "</tr>"
        for s in controls
    )
    return (
        '<section id="overview"><h2>Overview</h2>'
        f'<div class="cards">{cards}</div>'
        f"<h3>What needs attention first</h3>{_attention(report)}"
        '<div class="overview">'
        + _count_table("By severity", "Severity", by_severity, severities)
        + _count_table("By service", "Service", by_service, services)
        + "</div>"
        + _accounts_table(report)
        + "<h3>By control (failing first)</h3>"
        f'<table class="controls counts"><tr><th>Control</th>{_status_heads()}</tr>{control_rows}</table>'
        "</section>"
    )


def _accounts_table(report: Report) -> str:
    """With several accounts: one row each, failing first; each links to the findings of that account."""
    accounts = report.account_summaries()
    if len(accounts) < 2:
        return ""
    ranked = sorted(accounts, key=lambda a: (_STATUS_RANK[str(a.status)], -a.counts["FAIL"], a.account_id))
    rows = "".join(
        f'<tr class="account"><td><a href="#findings" data-pick-account="{_e(a.account_id)}">{_e(a.account_id)}</a> '
        f'<span class="{a.status}">{a.status}</span></td>'
        + "".join(f'<td class="n">{a.counts[str(k)]}</td>' for k in STATUS_ORDER)
        + "</tr>"
        for a in ranked
    )
    return (
        f"<h3>By account ({len(accounts)}, failing first)</h3>"
        f'<table class="accounts counts"><tr><th>Account</th>{_status_heads()}</tr>{rows}</table>'
    )


def _filter(report: Report) -> str:
    def options(values: Iterable[str]) -> str:
        return '<option value="">all</option>' + "".join(f'<option value="{_e(v)}">{_e(v)}</option>' for v in values)

    statuses = [str(s) for s in STATUS_ORDER]
    present: set[str] = set()
    services: set[str] = set()
    for f in report.findings:  # one pass: the findings may be a store on disk
        present.add(f.severity or "none")
        services.add(f.service)
    severities = [s for s in (*SEVERITY_ORDER, "none") if s in present]
    accounts = [a.account_id for a in report.account_summaries()]
    return (
        '<form class="filter" id="filter" role="search" hidden>'
        '<label>Search<input name="q" type="search" placeholder="ARN, check, message..."></label>'
        f'<label>Status<select name="status">{options(statuses)}</select></label>'
        f'<label>Severity<select name="severity">{options(severities)}</select></label>'
        f'<label>Service<select name="service">{options(sorted(services))}</select></label>'
        f'<label>Account<select name="account">{options(accounts)}</select></label>'
        '<output id="shown" class="muted"></output></form>'
    )


def _section_head(report: Report, summary: ControlSummary) -> str:
    control = summary.control
    references = report.references(control.id)
    refs = "".join(
        f"<li>{_e(r.framework)} <b>{_e(r.id)}</b>" + (f": {_e(r.title)}" if r.title else "") + "</li>"
        for r in references
    )
    runbooks = _runbooks(control.runbooks, report.runbook_base)
    colgroup = "".join(f'<col class="{key}">' for key, _ in _COLUMNS)
    head = "".join(f"<th>{label}</th>" for _, label in _COLUMNS)
    return (
        f'<section class="control" id="{_e(control.id)}" data-status="{summary.status}">'
        f'<h3>{_e(control.id)} {_e(control.title)} <span class="{summary.status}">{summary.status}</span></h3>'
        f'<p class="statement">{_e(control.statement)}</p>'
        + (f'<ul class="refs">{refs}</ul>' if refs else '<p class="muted">No framework reference.</p>')
        + (f'<p class="muted">Runbooks: {runbooks}</p>' if runbooks else "")
        + f'<table class="findings"><colgroup>{colgroup}</colgroup><thead><tr>{head}</tr></thead><tbody>'
    )


_SECTION_END = "</tbody></table></section>\n"


def _write_sections(report: Report, summaries: list[ControlSummary], out: TextIO) -> None:
    """The sections of ``summaries`` (controls in the catalog's order), each with its findings, in one
    pass over the findings in report order (by control in the catalog's order first)."""
    index = {control.id: i for i, control in enumerate(report.controls)}
    pending = iter(summaries)
    current = next(pending, None)

    def advance() -> ControlSummary | None:
        out.write(_SECTION_END)
        following = next(pending, None)
        if following is not None:
            out.write(_section_head(report, following))
        return following

    if current is not None:
        out.write(_section_head(report, current))
    for f in report.sorted_findings():
        if current is None:
            break
        position = index.get(f.control_id, len(index))
        while current is not None and position > index[current.control.id]:
            current = advance()
        if current is not None and position == index[current.control.id]:
            runbooks = current.control.runbooks
            out.write(_finding_row(f, runbooks, report.runbook_base, report.account_of(f)))
    while current is not None:
        current = advance()


def write(report: Report, out: TextIO) -> None:
    """The page, its findings written as they are read: controls failing first (catalog order within a
    status), each control's findings FAIL, ERROR, ... first; one pass over the findings per status."""
    meta = report.metadata
    head = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        f'<meta http-equiv="Content-Security-Policy" content="{CONTENT_SECURITY_POLICY}">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>Leadping live audit {_e(report.accounts_label())} {_e(meta.get('started'))}</title>",
        f"<style>{_STYLE}</style></head><body>",
        "<header><h1>Leadping live audit</h1>",
        '<dl class="meta metadata">',
    ]
    for key in ("target", "stack", "account", "regions", "started", "finished", "version"):
        if key == "account":
            head.append(f"<dt>account</dt><dd>{_e(report.accounts_label())}</dd>")
        elif key in meta and meta[key] is not None:
            value = ", ".join(meta[key]) if isinstance(meta[key], list) else meta[key]
            head.append(f"<dt>{_e(key)}</dt><dd>{_e(value)}</dd>")
    head.append("</dl></header>")
    head.append(_overview(report))
    if report.baseline_text():
        head.append(f'<p class="baseline">Baseline: {_e(report.baseline_text())}</p>')
    if meta.get("notes"):
        head.append("<h2>Notes</h2><ul>" + "".join(f"<li>{_e(n)}</li>" for n in meta["notes"]) + "</ul>")
    head.append('<section id="findings"><h2>Findings</h2>')
    head.append(_filter(report))
    out.write("\n".join(head) + "\n")
    summaries = report.control_summaries()
    for status in STATUS_ORDER:
        group = [s for s in summaries if s.status is status]
        if group:
            _write_sections(report, group, out)
    out.write(f"</section>\n<script>{_SCRIPT}</script>\n</body></html>\n")


def render(report: Report) -> str:
    return as_text(write, report)
