"""JUnit XML from the neutral finding shape (scan_model.py): the one builder of the gate and the audit.

One testsuite per suite name, one testcase per finding: FAIL is a <failure>, ERROR an <error>,
SKIPPED and a suppressed (waived) finding a <skipped> whose message gives the reason.
A finding with a file location carries the file and line attributes CI reporters annotate. Every
value goes through reports/escaping.py, which keeps out what XML 1.0 cannot carry.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Sequence

from compliance_checks.reports.escaping import xml as _safe
from compliance_checks.reports.scan_model import Outcome, ScanFinding, ScanRun


def _counts(findings: Sequence[ScanFinding]) -> dict[str, str]:
    def skipped(f: ScanFinding) -> bool:
        return f.outcome is Outcome.SKIPPED or f.suppression is not None

    return {
        "tests": str(len(findings)),
        "failures": str(sum(f.outcome is Outcome.FAIL and not skipped(f) for f in findings)),
        "errors": str(sum(f.outcome is Outcome.ERROR and not skipped(f) for f in findings)),
        "skipped": str(sum(skipped(f) for f in findings)),
    }


def _case(suite: ET.Element, finding: ScanFinding) -> None:
    case = ET.SubElement(suite, "testcase", classname=_safe(finding.case_class), name=_safe(finding.case_name))
    if finding.location is not None:
        case.set("file", _safe(finding.location.path))
        case.set("line", str(finding.location.line))
    if finding.suppression is not None or finding.outcome is Outcome.SKIPPED:
        ET.SubElement(case, "skipped", message=_safe(finding.message))
    elif finding.outcome is Outcome.FAIL:
        failure = ET.SubElement(
            case, "failure", message=_safe(finding.message), type=_safe(finding.severity or finding.rule_id)
        )
        failure.text = _safe(finding.detail or finding.message)
    elif finding.outcome is Outcome.ERROR:
        error = ET.SubElement(case, "error", message=_safe(finding.message), type="ERROR")
        error.text = _safe(finding.detail or finding.message)
    named = dict(finding.case_properties)
    if finding.baseline is not None:
        named["baseline"] = finding.baseline
    if named:
        properties = ET.SubElement(case, "properties")
        for name, value in named.items():
            ET.SubElement(properties, "property", name=name, value=_safe(value))


def render(run: ScanRun) -> str:
    root = ET.Element("testsuites", name=run.tool, **_counts(run.findings))
    if run.timestamp:
        root.set("timestamp", run.timestamp)
    names = list(dict.fromkeys([*run.suites, *(f.suite for f in run.findings)]))
    for name in names:
        mine = [f for f in run.findings if f.suite == name]
        suite = ET.SubElement(root, "testsuite", name=_safe(name), **_counts(mine))
        for finding in mine:
            _case(suite, finding)
    ET.indent(root)
    return ET.tostring(root, encoding="unicode", xml_declaration=True) + "\n"
