"""JUnit XML from the neutral finding shape (scan_model.py): the one builder of the gate and the audit.

One testsuite per suite name, one testcase per finding: FAIL is a <failure>, ERROR an <error>,
SKIPPED and a suppressed (waived) finding a <skipped> whose message gives the reason.
A finding with a file location carries the file and line attributes CI reporters annotate. Every
value goes through reports/escaping.py, which keeps out what XML 1.0 cannot carry.

``write`` writes a case at a time: the counts every <testsuites> and <testsuite> carries come first
(``tally``, a pass of their own), then the cases, grouped by suite. The text is the one ElementTree
gives the same elements indented by ``ET.indent`` (two spaces a level; an element without children
or text closes itself, ``<a b="c" />``) and with its escaping: in attributes ``& < > "`` and the
tab, line feed and carriage return as character references, in text ``& < >``.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TextIO

from compliance_checks.reports.escaping import xml as _safe
from compliance_checks.reports.scan_model import Outcome, ScanFinding, ScanRun

DECLARATION = "<?xml version='1.0' encoding='utf-8'?>\n"
_INDENT = "  "
_ATTRIBUTE_ESCAPES = str.maketrans(
    {"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "\r": "&#13;", "\n": "&#10;", "\t": "&#09;"}
)
_TEXT_ESCAPES = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;"})


def _skipped(finding: ScanFinding) -> bool:
    return finding.outcome is Outcome.SKIPPED or finding.suppression is not None


@dataclass
class Counts:
    """What a <testsuite> (or, summed, the <testsuites>) says of its cases."""

    tests: int = 0
    failures: int = 0
    errors: int = 0
    skipped: int = 0

    def add(self, finding: ScanFinding) -> None:
        self.tests += 1
        if _skipped(finding):
            self.skipped += 1
        elif finding.outcome is Outcome.FAIL:
            self.failures += 1
        elif finding.outcome is Outcome.ERROR:
            self.errors += 1

    def add_counts(self, other: Counts) -> None:
        self.tests += other.tests
        self.failures += other.failures
        self.errors += other.errors
        self.skipped += other.skipped

    def attributes(self) -> dict[str, str]:
        return {k: str(v) for k, v in vars(self).items()}


def tally(findings: Iterable[ScanFinding], suites: Sequence[str] = ()) -> dict[str, Counts]:
    """Each suite's counts, in the order the suites are written: ``suites`` first (one no finding names
    is still written, empty), then any other suite in the order of its first finding."""
    counted = {name: Counts() for name in suites}
    for finding in findings:
        counts = counted.get(finding.suite)
        if counts is None:
            counts = counted[finding.suite] = Counts()
        counts.add(finding)
    return counted


def _start(tag: str, attributes: Mapping[str, str]) -> str:
    escaped = "".join(f' {name}="{value.translate(_ATTRIBUTE_ESCAPES)}"' for name, value in attributes.items())
    return f"<{tag}{escaped}>"


def _element(tag: str, attributes: Mapping[str, str], text: str = "") -> str:
    """An element without children: ``<tag a="v">text</tag>``, or ``<tag a="v" />`` without text."""
    if text:
        return f"{_start(tag, attributes)}{text.translate(_TEXT_ESCAPES)}</{tag}>"
    return _start(tag, attributes)[:-1] + " />"


def _parent(tag: str, attributes: Mapping[str, str], children: Sequence[str], depth: int) -> str:
    """An element ``depth`` levels deep with ``children`` (their texts), as ``ET.indent`` lays it out."""
    if not children:
        return _element(tag, attributes)
    inner = "\n" + _INDENT * (depth + 1)
    return _start(tag, attributes) + inner + inner.join(children) + "\n" + _INDENT * depth + f"</{tag}>"


def _case(finding: ScanFinding) -> str:
    attributes = {"classname": _safe(finding.case_class), "name": _safe(finding.case_name)}
    if finding.location is not None:
        attributes["file"] = _safe(finding.location.path)
        attributes["line"] = str(finding.location.line)
    children = []
    if _skipped(finding):
        children.append(_element("skipped", {"message": _safe(finding.message)}))
    elif finding.outcome is Outcome.FAIL:
        kind = _safe(finding.severity or finding.rule_id)
        detail = _safe(finding.detail or finding.message)
        children.append(_element("failure", {"message": _safe(finding.message), "type": kind}, detail))
    elif finding.outcome is Outcome.ERROR:
        detail = _safe(finding.detail or finding.message)
        children.append(_element("error", {"message": _safe(finding.message), "type": "ERROR"}, detail))
    named = dict(finding.case_properties)
    if finding.baseline is not None:
        named["baseline"] = finding.baseline
    if named:
        properties = [_element("property", {"name": name, "value": _safe(value)}) for name, value in named.items()]
        children.append(_parent("properties", {}, properties, 3))
    return _parent("testcase", attributes, children, 2)


def write(
    out: TextIO, tool: str, suites: Mapping[str, Counts], cases: Iterable[ScanFinding], timestamp: str = ""
) -> None:
    """The document, a case at a time. ``suites`` (``tally``'s) are written in their order, each with
    as many of ``cases`` as it counts: ``cases`` come grouped by suite, in that order."""
    total = Counts()
    for counts in suites.values():
        total.add_counts(counts)
    root = {"name": tool, **total.attributes(), **({"timestamp": timestamp} if timestamp else {})}
    out.write(DECLARATION)
    if not suites:
        out.write(_element("testsuites", root) + "\n")
        return
    out.write(_start("testsuites", root))
    pending = iter(cases)
    for name, counts in suites.items():
        attributes = {"name": _safe(name), **counts.attributes()}
        if not counts.tests:
            out.write("\n" + _INDENT + _element("testsuite", attributes))
            continue
        out.write("\n" + _INDENT + _start("testsuite", attributes))
        for _ in range(counts.tests):
            case = next(pending, None)
            if case is None or case.suite != name:
                raise ValueError(f"suite {name!r} counts {counts.tests} cases; the cases given differ")
            out.write("\n" + _INDENT * 2 + _case(case))
        out.write("\n" + _INDENT + "</testsuite>")
    if next(pending, None) is not None:
        raise ValueError("more cases than the suites count")
    out.write("\n</testsuites>\n")


def render(run: ScanRun) -> str:
    """The whole document of a run whose findings are a sequence (the gate's)."""
    findings = list(run.findings)
    suites = tally(findings, run.suites)
    grouped: dict[str, list[ScanFinding]] = {name: [] for name in suites}
    for finding in findings:
        grouped[finding.suite].append(finding)
    buffer = io.StringIO()
    write(buffer, run.tool, suites, (f for name in suites for f in grouped[name]), run.timestamp)
    return buffer.getvalue()
