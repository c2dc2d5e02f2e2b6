"""JUnit XML: one testsuite per control, one testcase per finding (CI systems render it natively).

FAIL is a <failure>, ERROR an <error>, MANUAL and WAIVED are <skipped> with the reason. Every
value goes through reports/escaping.py, which also keeps out what XML 1.0 cannot carry.
"""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET

from compliance_checks.core import Status
from compliance_checks.reports.escaping import xml as _safe
from compliance_checks.reports.model import Finding, Report


def _evidence(finding: Finding) -> str:
    return _safe(json.dumps(dict(finding.evidence), indent=2, default=str))


def render(report: Report) -> str:
    findings = report.sorted_findings()
    root = ET.Element(
        "testsuites",
        name="leadping-audit",
        tests=str(len(findings)),
        failures=str(sum(f.status is Status.FAIL for f in findings)),
        errors=str(sum(f.status is Status.ERROR for f in findings)),
        skipped=str(sum(f.status in (Status.MANUAL, Status.WAIVED) for f in findings)),
        timestamp=str(report.metadata.get("started", "")),
    )
    for control in report.controls:
        mine = [f for f in findings if f.control_id == control.id]
        suite = ET.SubElement(
            root,
            "testsuite",
            name=_safe(f"{control.id} {control.title}"),
            tests=str(len(mine)),
            failures=str(sum(f.status is Status.FAIL for f in mine)),
            errors=str(sum(f.status is Status.ERROR for f in mine)),
            skipped=str(sum(f.status in (Status.MANUAL, Status.WAIVED) for f in mine)),
        )
        for finding in mine:
            case = ET.SubElement(
                suite,
                "testcase",
                classname=_safe(f"{control.id}.{finding.check_id or 'manual'}"),
                name=_safe(f"{finding.resource_id} [{finding.region}]"),
            )
            # The account on each case (an S3 ARN does not name it): a testcase property, as pytest writes them.
            properties = ET.SubElement(case, "properties")
            ET.SubElement(properties, "property", name="account_id", value=_safe(report.account_of(finding)))
            if finding.status is Status.FAIL:
                failure = ET.SubElement(
                    case, "failure", message=_safe(finding.message), type=finding.severity or "FAIL"
                )
                failure.text = _evidence(finding)
            elif finding.status is Status.ERROR:
                ET.SubElement(case, "error", message=_safe(finding.message), type="ERROR").text = _evidence(finding)
            elif finding.status in (Status.MANUAL, Status.WAIVED):
                ET.SubElement(case, "skipped", message=_safe(f"{finding.status}: {finding.message}"))
            ET.SubElement(case, "system-out").text = _safe(finding.message)
    ET.indent(root)
    return ET.tostring(root, encoding="unicode", xml_declaration=True) + "\n"
