"""JUnit XML: one testsuite per control, one testcase per finding (CI systems render it natively).

The audit's findings adapted (sarif.scan_finding) to the one JUnit builder (junit_builder.py):
FAIL is a <failure>, ERROR an <error>, MANUAL and WAIVED are <skipped> with the reason. With a
baseline each case carries a ``baseline`` property, and the findings the baseline had that are
gone are cases of their own, skipped as resolved.
"""

from __future__ import annotations

from dataclasses import replace

from compliance_checks.core import Status
from compliance_checks.reports import junit_builder
from compliance_checks.reports.model import Report
from compliance_checks.reports.sarif import scan_finding
from compliance_checks.reports.scan_model import Outcome, ScanRun


def scan_run(report: Report) -> ScanRun:
    findings = []
    for finding in report.sorted_findings():
        skipped = finding.status in (Status.MANUAL, Status.WAIVED)
        # JUnit shows the check's own message; a skipped case says why it was skipped.
        message = f"{finding.status}: {finding.message}" if skipped else finding.message
        # The account on each case (an S3 ARN does not name it).
        account = {"account_id": report.account_of(finding)}
        findings.append(replace(scan_finding(report, finding), message=message, case_properties=account))
    for finding in report.resolved:
        scanned = scan_finding(report, finding, baseline="resolved")
        resolved = f"resolved since the baseline: {finding.message}"
        account = {"account_id": report.account_of(finding)}
        findings.append(replace(scanned, outcome=Outcome.SKIPPED, message=resolved, case_properties=account))
    suites = [f"{control.id} {control.title}" for control in report.controls]
    return ScanRun(
        tool="leadping-audit",
        information_uri="https://leadping.ai/security",
        rules=(),
        findings=findings,
        suites=suites,
        timestamp=str(report.metadata.get("started", "")),
    )


def render(report: Report) -> str:
    return junit_builder.render(scan_run(report))
