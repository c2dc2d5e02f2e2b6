"""SARIF 2.1.0: rules are the checks, results the FAIL and ERROR findings.

A FAIL's level follows the check's severity (critical/high: error, medium: warning, low: note).
An ERROR (the audit could not read what it needs) is a warning whose message says so, with
properties.status = "ERROR", so a code-scanning view does not hide it. Cloud resources have no
file, so each result names its resource as a logical location (the ARN). Texts a viewer shows
(messages, location names) carry control characters as visible escapes (reports/escaping.py).
"""

from __future__ import annotations

import json

from compliance_checks.core import Status
from compliance_checks.reports.escaping import visible
from compliance_checks.reports.model import Finding, Report

SARIF_SCHEMA = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
_LEVELS = {"critical": "error", "high": "error", "medium": "warning", "low": "note"}


def _rules(report: Report) -> list[dict]:
    rules = []
    for check_id, info in report.checks.items():
        rules.append(
            {
                "id": check_id,
                "name": check_id,
                "shortDescription": {"text": info["title"]},
                "fullDescription": {"text": info.get("rationale") or info["title"]},
                "help": {"text": info.get("remediation") or info["title"]},
                "defaultConfiguration": {"level": _LEVELS.get(info["severity"], "warning")},
                "properties": {
                    "severity": info["severity"],
                    "resource_type": info["resource_type"],
                    "controls": list(info["controls"]),
                    "tags": ["security", "compliance", *info["controls"]],
                },
            }
        )
    known = {r["id"] for r in rules}
    # Planned checks that are not implemented still get a rule, so their ERROR results resolve.
    for finding in report.findings:
        if finding.check_id and finding.check_id not in known:
            known.add(finding.check_id)
            rules.append(
                {
                    "id": finding.check_id,
                    "name": finding.check_id,
                    "shortDescription": {"text": f"{finding.check_id} (not implemented)"},
                    "defaultConfiguration": {"level": "warning"},
                    "properties": {"controls": [finding.control_id]},
                }
            )
    return rules


def _result(finding: Finding, rule_index: dict[str, int]) -> dict:
    if finding.status is Status.FAIL:
        level, text = _LEVELS.get(finding.severity or "", "warning"), finding.message
    else:
        level, text = "warning", f"Could not evaluate: {finding.message}"
    return {
        "ruleId": finding.check_id,
        "ruleIndex": rule_index[finding.check_id],
        "level": level,
        "message": {"text": visible(f"[{finding.control_id}] {text}")},
        "locations": [
            {
                "logicalLocations": [
                    {
                        "fullyQualifiedName": visible(finding.resource_id),
                        "kind": "resource",
                        "name": visible(finding.resource_type),
                    }
                ],
                "message": {"text": visible(f"{finding.resource_type} in {finding.region}")},
            }
        ],
        "partialFingerprints": {"leadpingFinding/v1": finding.identity},
        "properties": {
            "status": str(finding.status),
            "control_id": finding.control_id,
            "account_id": finding.account_id,
            "region": finding.region,
            "resource_type": finding.resource_type,
            "evidence": dict(finding.evidence),
        },
    }


def document(report: Report) -> dict:
    rules = _rules(report)
    rule_index = {rule["id"]: i for i, rule in enumerate(rules)}
    results = [
        _result(f, rule_index)
        for f in report.sorted_findings()
        if f.status in (Status.FAIL, Status.ERROR) and f.check_id
    ]
    metadata = report.metadata
    notes = [{"message": {"text": visible(note)}, "level": "warning"} for note in metadata.get("notes", [])]
    return {
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "leadping-audit",
                        "version": str(metadata.get("version", "0")),
                        "informationUri": "https://leadping.ai/security",
                        "rules": rules,
                    }
                },
                "invocations": [
                    {
                        "executionSuccessful": True,
                        "startTimeUtc": metadata.get("started"),
                        "endTimeUtc": metadata.get("finished"),
                        "toolExecutionNotifications": notes,
                    }
                ],
                "results": results,
                "properties": {
                    "target": metadata.get("target"),
                    "account": metadata.get("account"),
                    "regions": metadata.get("regions"),
                    "summary": report.counts(),
                },
            }
        ],
    }


def render(report: Report) -> str:
    return json.dumps(document(report), indent=2, default=str) + "\n"
