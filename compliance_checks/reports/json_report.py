"""The JSON report, documented by schemas/audit-report.schema.json."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from compliance_checks.reports.model import Report

SCHEMA_FILE = Path(__file__).resolve().parents[1] / "schemas" / "audit-report.schema.json"
SCHEMA_ID = "https://leadping.ai/schemas/leadping-audit/audit-report-1.json"


def document(report: Report) -> dict[str, Any]:
    return {
        "$schema": SCHEMA_ID,
        "schema_version": "1",
        "metadata": report.metadata,
        "summary": report.counts(),
        "exit_code": report.exit_code(),
        "controls": [
            {
                "id": s.control.id,
                "title": s.control.title,
                "statement": s.control.statement,
                "status": str(s.status),
                "counts": dict(s.counts),
                "checks": list(s.control.checks),
                "manual_evidence": s.control.manual_evidence,
                "runbooks": list(s.control.runbooks),
                "policies": list(s.control.policies),
                "references": {kind: list(ids) for kind, ids in s.control.references.items()},
            }
            for s in report.control_summaries()
        ],
        "accounts": [
            {
                "account_id": a.account_id,
                "status": str(a.status),
                "counts": dict(a.counts),
                "controls": dict(a.controls),
            }
            for a in report.account_summaries()
        ],
        "checks": {check_id: dict(info) for check_id, info in report.checks.items()},
        "findings": [f.to_dict() for f in report.sorted_findings()],
    }


def render(report: Report) -> str:
    return json.dumps(document(report), indent=2, default=str) + "\n"
