"""OCSF 1.5.0 Compliance Finding events (class 2003), a JSON list, one event per finding.

Prowler writes its findings as OCSF Detection Findings (2004) and puts the compliance mapping in
``unmapped``; a compliance result has a class of its own, Compliance Finding, whose ``compliance``
object carries what an auditor filters on: the control (``LP-DR-1``), its statement, the
standards and the requirements it maps to (references.yaml: SOC 2 criteria, AWS Security Hub
controls), and the result (``status_id``: Pass, Fail, Warning). Profiles: ``cloud`` (account,
region, partition) and ``datetime`` (``*_dt`` strings beside the epoch milliseconds).

Statuses: PASS -> compliance Pass; FAIL -> Fail; WAIVED -> Fail with the finding Suppressed (the
waiver, who, why and until when, in ``unmapped.leadping.waiver``); ERROR -> Warning ("did not yield a
result due to missing information"); MANUAL -> Other, ``status`` "Manual" (a person's evidence).
``finding_info.uid`` is ``Finding.identity``: the same finding keeps its uid from run to run.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any, TextIO

from compliance_checks.core import Status
from compliance_checks.reports import json_text
from compliance_checks.reports.links import absolute_runbook_urls
from compliance_checks.reports.model import FRAMEWORK_NAMES, Finding, Report, as_text

OCSF_VERSION = "1.5.0"
CLASS_UID, CLASS_NAME = 2003, "Compliance Finding"
CATEGORY_UID, CATEGORY_NAME = 2, "Findings"
ACTIVITY_CREATE = 1
LEADPING_STANDARD = "Leadping security controls"

# compliance.status_id (OCSF compliance object) and the finding's own status_id.
_COMPLIANCE_STATUS = {
    Status.PASS: (1, "Pass"),
    Status.FAIL: (3, "Fail"),
    Status.WAIVED: (3, "Fail"),
    Status.ERROR: (2, "Warning"),
    Status.MANUAL: (99, "Manual"),
}
_FINDING_STATUS_NEW, _FINDING_STATUS_SUPPRESSED = (1, "New"), (3, "Suppressed")
_SEVERITY = {"critical": (5, "Critical"), "high": (4, "High"), "medium": (3, "Medium"), "low": (2, "Low")}
_INFORMATIONAL = (1, "Informational")
_AWS_ACCOUNT = (10, "AWS Account")


def _epoch_ms(moment: dt.datetime) -> int:
    return int(moment.timestamp() * 1000)


def _moment(value: object) -> dt.datetime:
    if isinstance(value, dt.datetime):
        return value
    return dt.datetime.fromisoformat(str(value)) if value else dt.datetime.now(dt.UTC)


def _compliance(finding: Finding, report: Report) -> dict[str, Any]:
    status_id, status = _COMPLIANCE_STATUS[finding.status]
    references = report.references(finding.control_id)
    control = report.control(finding.control_id)
    frameworks = [FRAMEWORK_NAMES[kind] for kind in dict.fromkeys(r.kind for r in references)]
    compliance: dict[str, Any] = {
        "control": finding.control_id,
        "standards": [LEADPING_STANDARD, *frameworks],
        "status_id": status_id,
        "status": status,
        "status_code": str(finding.status),
    }
    if control is not None:
        compliance["desc"] = control.statement
    if references:
        compliance["requirements"] = [str(r) for r in references]
    if finding.check_id:
        severity_id, severity = _SEVERITY.get(finding.severity or "", _INFORMATIONAL)
        compliance["checks"] = [
            {
                "uid": finding.check_id,
                "name": finding.title or finding.check_id,
                "severity": severity,
                "severity_id": severity_id,
                "standards": [LEADPING_STANDARD],
                "status": status,
                "status_id": status_id,
            }
        ]
    return compliance


def event(finding: Finding, report: Report, when: dt.datetime) -> dict[str, Any]:
    severity_id, severity = _SEVERITY.get(finding.severity or "", _INFORMATIONAL)
    finding_status_id, finding_status = (
        _FINDING_STATUS_SUPPRESSED if finding.status is Status.WAIVED else _FINDING_STATUS_NEW
    )
    info = report.checks.get(finding.check_id or "", {})
    region = finding.region
    resource: dict[str, Any] = {
        "uid": finding.resource_id,
        "type": finding.resource_type,
        "cloud_partition": "aws",
        "group": {"name": finding.service},
    }
    if region != "global":
        resource["region"] = region
    if finding.evidence:
        resource["data"] = {"evidence": dict(finding.evidence)}
    cloud: dict[str, Any] = {
        "provider": "AWS",
        "account": {"uid": report.account_of(finding), "type_id": _AWS_ACCOUNT[0], "type": _AWS_ACCOUNT[1]},
    }
    if region != "global":
        cloud["region"] = region
    control = report.control(finding.control_id)
    document: dict[str, Any] = {
        "activity_id": ACTIVITY_CREATE,
        "activity_name": "Create",
        "category_uid": CATEGORY_UID,
        "category_name": CATEGORY_NAME,
        "class_uid": CLASS_UID,
        "class_name": CLASS_NAME,
        "type_uid": CLASS_UID * 100 + ACTIVITY_CREATE,
        "type_name": f"{CLASS_NAME}: Create",
        "time": _epoch_ms(when),
        "time_dt": when.isoformat(),
        "severity_id": severity_id,
        "severity": severity,
        "status_id": finding_status_id,
        "status": finding_status,
        "status_code": str(finding.status),
        "status_detail": finding.message,
        "message": finding.message,
        "metadata": {
            "version": OCSF_VERSION,
            "product": {
                "name": "leadping-audit",
                "uid": "leadping-audit",
                "vendor_name": "Leadping",
                "version": str(report.metadata.get("version", "")),
            },
            "profiles": ["cloud", "datetime"],
            "event_code": finding.check_id or f"manual/{finding.control_id}",
        },
        "finding_info": {
            "uid": finding.identity,
            "title": f"{finding.control_id} {finding.title or finding.check_id or ''}".strip(),
            "desc": info.get("rationale") or (control.statement if control else finding.message),
            "types": [LEADPING_STANDARD],
            "created_time": _epoch_ms(when),
            "created_time_dt": when.isoformat(),
        },
        "cloud": cloud,
        "resources": [resource],
        "compliance": _compliance(finding, report),
    }
    remediation = info.get("remediation")
    urls = absolute_runbook_urls(control.runbooks if control else (), report.runbook_base)
    if remediation or urls:
        document["remediation"] = {"desc": remediation or f"See the runbooks of {finding.control_id}."}
        if urls:
            document["remediation"]["references"] = urls
    extra: dict[str, Any] = {}
    if finding.waiver:
        extra["waiver"] = dict(finding.waiver)
    if report.baseline_of(finding):
        extra["baseline"] = report.baseline_of(finding)
    if extra:
        document["unmapped"] = {"leadping": extra}
    return document


def events(report: Report) -> list[dict[str, Any]]:
    return list(each_event(report))


def each_event(report: Report) -> Iterator[dict[str, Any]]:
    when = _moment(report.metadata.get("finished"))
    return (event(f, report, when) for f in report.sorted_findings())


def write(report: Report, out: TextIO) -> None:
    json_text.write(out, each_event(report))


def render(report: Report) -> str:
    return as_text(write, report)
