"""JUnit XML: one testsuite per control, one testcase per finding (CI systems render it natively).

The audit's findings adapted (sarif.scan_finding) to the one JUnit builder (junit_builder.py):
FAIL is a <failure>, ERROR an <error>, MANUAL and WAIVED are <skipped> with the reason. With a
baseline each case carries a ``baseline`` property, and the findings the baseline had that are
gone are cases of their own, skipped as resolved (in their control's suite).

Written a case at a time (``write``): a first pass over the findings counts each suite's cases, then
the suites are written one after the other, each from the findings as they are read.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from dataclasses import replace
from typing import TextIO

from compliance_checks.core import Status
from compliance_checks.reports import junit_builder
from compliance_checks.reports.model import Finding, Report, as_text
from compliance_checks.reports.sarif import scan_finding
from compliance_checks.reports.scan_model import Outcome, ScanFinding


def _case(report: Report, finding: Finding) -> ScanFinding:
    skipped = finding.status in (Status.MANUAL, Status.WAIVED)
    # JUnit shows the check's own message; a skipped case says why it was skipped.
    message = f"{finding.status}: {finding.message}" if skipped else finding.message
    # The account on each case (an S3 ARN does not name it).
    account = {"account_id": report.account_of(finding)}
    return replace(scan_finding(report, finding), message=message, case_properties=account)


def _resolved_case(report: Report, finding: Finding) -> ScanFinding:
    scanned = scan_finding(report, finding, baseline="resolved")
    resolved = f"resolved since the baseline: {finding.message}"
    account = {"account_id": report.account_of(finding)}
    return replace(scanned, outcome=Outcome.SKIPPED, message=resolved, case_properties=account)


def _cases(report: Report, audited: set[str], unaudited_suites: set[str]) -> Iterator[ScanFinding]:
    """Every case in report order, then the resolved ones; notes the suites of findings whose control
    the report does not audit (sorted last, their controls interleaved)."""
    for finding in report.sorted_findings():
        case = _case(report, finding)
        if finding.control_id not in audited:
            unaudited_suites.add(case.suite)
        yield case
    for finding in report.resolved:
        yield _resolved_case(report, finding)


def _grouped(report: Report, suites: list[str], audited: set[str], unaudited_suites: set[str]) -> Iterator[ScanFinding]:
    """The cases grouped by suite, in ``suites``' order, each suite's in report order then its resolved
    ones. A control's findings are consecutive in report order (control first, in the catalog's order,
    which is the suites'): one pass; the findings of controls the report does not audit, a pass per suite."""
    resolved: dict[str, list[ScanFinding]] = {}
    for finding in report.resolved:
        case = _resolved_case(report, finding)
        resolved.setdefault(case.suite, []).append(case)
    audited_cases = (_case(report, f) for f in report.sorted_findings() if f.control_id in audited)
    groups = itertools.groupby(audited_cases, key=lambda case: case.suite)
    group = next(groups, None)
    for name in suites:
        if group is not None and group[0] == name:
            yield from group[1]
            group = next(groups, None)
        if name in unaudited_suites:
            for finding in report.sorted_findings():
                if finding.control_id not in audited:
                    case = _case(report, finding)
                    if case.suite == name:
                        yield case
        yield from resolved.get(name, ())


def write(report: Report, out: TextIO) -> None:
    """A case at a time: the suites' counts from a first pass over the findings, then a suite at a time."""
    audited = {control.id for control in report.controls}
    unaudited_suites: set[str] = set()
    named = [f"{control.id} {control.title}" for control in report.controls]
    suites = junit_builder.tally(_cases(report, audited, unaudited_suites), named)
    cases = _grouped(report, list(suites), audited, unaudited_suites)
    junit_builder.write(out, "leadping-audit", suites, cases, str(report.metadata.get("started", "")))


def render(report: Report) -> str:
    return as_text(write, report)
