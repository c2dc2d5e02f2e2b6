"""An OSCAL 1.2.1 assessment-results document, for GRC tools that import NIST OSCAL.

One ``result`` for the run, with:
- ``reviewed-controls``: the audited controls (``LP-DR-1`` ...);
- ``observations``: one per finding (what a check saw on one resource: the message, the evidence,
  the resource as a subject), collected by the tool (an origin actor of type ``tool``);
- ``findings``: one per control, whose target status is ``satisfied`` only when every observation
  of the control passed. A FAIL is ``not-satisfied``/``fail``; an ERROR (not asserted), a MANUAL item
  (a person's evidence not attached yet) and a WAIVED FAIL (an accepted deviation, named in the
  remarks with who, why and until when) are ``not-satisfied``/``other``: an assessment result never
  says satisfied for what the audit could not confirm.
- ``local-definitions``: the tool as a component and every audited resource as an inventory item.

The assessment plan OSCAL requires (``import-ap``) is the control catalog, referenced in the
back matter. UUIDs are version 5, derived from the run (its start and accounts) and from
``Finding.identity``, so a document is reproducible from its report. Single-line OSCAL fields
(titles, property values) carry control characters as visible escapes.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import uuid
from collections.abc import Iterator
from typing import Any, TextIO

from compliance_checks.core import Status
from compliance_checks.reports import json_text
from compliance_checks.reports.escaping import visible
from compliance_checks.reports.model import Finding, Report, as_text

OSCAL_VERSION = "1.2.1"
# The namespace of Leadping's own properties (OSCAL asks for one on any property it does not define).
PROPERTY_NS = "https://leadping.ai/ns/oscal"
_UUID_NS = uuid.uuid5(uuid.NAMESPACE_URL, PROPERTY_NS)
CATALOG_HREF = "compliance_checks/catalog.yaml"


def _uuid(*parts: object) -> str:
    return str(uuid.uuid5(_UUID_NS, "|".join(str(p) for p in parts)))


def _line(value: object) -> str:
    """A single-line OSCAL string (title, property value): visible, trimmed, never empty."""
    text = " ".join(visible(value).split())
    return text or "-"


def _prop(name: str, value: object) -> dict[str, str]:
    return {"name": name, "ns": PROPERTY_NS, "value": _line(value)}


def _target_status(statuses: set[Status]) -> tuple[str, str]:
    if not statuses or statuses == {Status.PASS}:
        return "satisfied", "pass"
    if Status.FAIL in statuses:
        return "not-satisfied", "fail"
    return "not-satisfied", "other"


def _observation(
    finding: Finding, run: str, tool_uuid: str, subject_uuid: str, collected: str, baseline: str | None = None
) -> dict[str, Any]:
    props = [
        _prop("status", finding.status),
        _prop("control-id", finding.control_id),
        _prop("check-id", finding.check_id or "manual"),
        _prop("resource-id", finding.resource_id),
        _prop("region", finding.region),
        _prop("account-id", finding.account_id),
        _prop("finding-id", finding.identity),
    ]
    if finding.severity:
        props.append(_prop("severity", finding.severity))
    if baseline:
        props.append(_prop("baseline", baseline))
    observation: dict[str, Any] = {
        "uuid": _uuid(run, "observation", finding.identity),
        "title": _line(f"{finding.status}: {finding.check_id or 'manual evidence'} on {finding.resource_id}"),
        "description": visible(finding.message, keep="\n\t") or str(finding.status),
        "props": props,
        "methods": ["TEST"] if finding.check_id else ["EXAMINE"],
        "origins": [{"actors": [{"type": "tool", "actor-uuid": tool_uuid}]}],
        "subjects": [{"subject-uuid": subject_uuid, "type": "inventory-item", "title": _line(finding.resource_id)}],
        "collected": collected,
    }
    if finding.evidence:
        evidence = json.dumps(dict(finding.evidence), default=str, sort_keys=True)
        observation["relevant-evidence"] = [{"description": visible(evidence)}]
    if finding.waiver:
        w = finding.waiver
        observation["remarks"] = visible(
            f"Waiver{' (expired)' if w.get('expired') else ''}: {w.get('justification')} "
            f"(owner {w.get('owner') or 'not named'}, until {w.get('expires')})"
        )
    return observation


def _item_uuid(run: str, finding: Finding) -> str:
    """One per inventory item: account, resource and region (a global resource's findings in two
    regions are two items, and OSCAL wants every uuid of a document unique)."""
    return _uuid(run, "item", finding.account_id, finding.resource_id, finding.region)


def _inventory(report: Report, run: str) -> Iterator[dict[str, Any]]:
    """An inventory item per audited resource (account, resource and region), in the order of its first
    finding. What was seen is kept as a digest of each key, not the keys: a set of 16-byte values."""
    seen: set[bytes] = set()
    for f in report.sorted_findings():
        key = json.dumps([f.account_id, f.resource_id, f.region]).encode()
        digest = hashlib.blake2b(key, digest_size=16).digest()
        if digest in seen:
            continue
        seen.add(digest)
        yield {
            "uuid": _item_uuid(run, f),
            "description": visible(f"{f.resource_id} in account {f.account_id}, {f.region}"),
            "props": [
                _prop("resource-id", f.resource_id),
                _prop("account-id", f.account_id),
                _prop("region", f.region),
            ],
        }


def _observations(report: Report, run: str, tool_uuid: str, collected: str) -> Iterator[dict[str, Any]]:
    for f in report.sorted_findings():
        yield _observation(f, run, tool_uuid, _item_uuid(run, f), collected, report.baseline_of(f))


def _findings(report: Report, run: str) -> Iterator[dict[str, Any]]:
    """A finding per audited control, its status from the control's counts, its related observations read
    from the findings as it is written (a control's findings are consecutive in report order, controls in
    the catalog's order: one pass for every control)."""
    groups = itertools.groupby(report.sorted_findings(), key=lambda f: f.control_id)
    group = next(groups, None)
    for summary in report.control_summaries():
        control = summary.control
        statuses = {Status(status) for status, count in summary.counts.items() if count}
        state, reason = _target_status(statuses)
        finding: dict[str, Any] = {
            "uuid": _uuid(run, "finding", control.id),
            "title": _line(f"{control.id} {control.title}"),
            "description": visible(control.statement, keep="\n\t"),
            "target": {
                "type": "objective-id",
                "target-id": control.id,
                "status": {"state": state, "reason": reason},
            },
        }
        references = [_prop("framework-reference", r) for r in report.references(control.id)]
        if references:
            finding["props"] = references
        if statuses:
            # Findings of controls the report does not audit come last; none comes before its control.
            while group is not None and group[0] != control.id:
                group = next(groups, None)
            mine = group[1] if group is not None else iter(())
            finding["related-observations"] = json_text.Items(
                {"observation-uuid": _uuid(run, "observation", f.identity)} for f in mine
            )
        waived = summary.counts[str(Status.WAIVED)]
        if waived:
            finding["remarks"] = visible(
                f"{waived} failing resource(s) accepted by a waiver; see the observations' remarks."
            )
        yield finding


def _document(report: Report) -> dict[str, Any]:
    """The document, its inventory items, observations and findings ``json_text.Items`` (and each
    finding's related observations): written a finding at a time."""
    meta = report.metadata
    started, finished = str(meta.get("started")), str(meta.get("finished") or meta.get("started"))
    run = f"{meta.get('account')}|{started}"
    tool_uuid = _uuid(run, "tool")
    catalog_uuid = _uuid("catalog")
    any_finding = bool(report.findings)
    items = json_text.Items(_inventory(report, run))
    observations = json_text.Items(_observations(report, run, tool_uuid, finished))
    oscal_findings = json_text.Items(_findings(report, run))

    result: dict[str, Any] = {
        "uuid": _uuid(run, "result"),
        "title": _line(f"Leadping live audit of {meta.get('target')}"),
        "description": visible(
            f"Account(s) {meta.get('account')}, regions {', '.join(meta.get('regions', []))}. "
            f"Checks run by leadping-audit {meta.get('version', '')}.",
            keep="\n",
        ),
        "start": started,
        "end": finished,
        "props": [_prop("target", meta.get("target")), _prop("account-id", meta.get("account"))],
        "local-definitions": {
            "components": [
                {
                    "uuid": tool_uuid,
                    "type": "software",
                    "title": "leadping-audit",
                    "description": "Leadping's live compliance audit (compliance_checks), read-only AWS checks.",
                    "props": [_prop("version", meta.get("version", "unknown"))],
                    "status": {"state": "operational"},
                }
            ],
            **({"inventory-items": items} if any_finding else {}),
        },
        "reviewed-controls": {
            "control-selections": [{"include-controls": [{"control-id": c.id} for c in report.controls]}]
            if report.controls
            else [{"include-all": {}}]
        },
        **({"observations": observations} if any_finding else {}),
        **({"findings": oscal_findings} if report.controls else {}),
    }
    notes = meta.get("notes") or []
    if notes:
        result["remarks"] = visible("\n".join(str(n) for n in notes), keep="\n")
    return {
        "assessment-results": {
            "uuid": _uuid(run, "assessment-results"),
            "metadata": {
                "title": _line(f"Leadping live audit, account {meta.get('account')}, {started}"),
                "last-modified": finished,
                "version": _line(meta.get("version", "unknown")),
                "oscal-version": OSCAL_VERSION,
            },
            "import-ap": {
                "href": f"#{catalog_uuid}",
                "remarks": "No separate assessment plan: the control catalog is the plan (back matter).",
            },
            "results": [result],
            "back-matter": {
                "resources": [
                    {
                        "uuid": catalog_uuid,
                        "title": "Leadping control catalog",
                        "description": "Every control, the checks that assert it, its runbooks and references.",
                        "rlinks": [{"href": CATALOG_HREF, "media-type": "application/yaml"}],
                    }
                ]
            },
        }
    }


def document(report: Report) -> dict[str, Any]:
    """The whole document (its lists lists): for a test, or a validator of OSCAL."""
    return json_text.materialized(_document(report))


def write(report: Report, out: TextIO) -> None:
    """The document as ``json.dumps(document(report), indent=2)`` writes it, an inventory item, an
    observation and a finding at a time (a pass over the findings for each of the three lists)."""
    json_text.write(out, _document(report))


def render(report: Report) -> str:
    return as_text(write, report)
