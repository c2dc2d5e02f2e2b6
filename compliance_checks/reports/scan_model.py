"""The neutral finding shape the SARIF and JUnit builders read (sarif_builder.py, junit_builder.py).

The gate (policies/reports.py) and the audit (sarif.py, junit.py) each adapt their own findings to
this shape, so both speak one SARIF and one JUnit: the same schema URI, the same fingerprint key,
the same severity scores, the same way of carrying a waiver or a baseline state.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

# Severities as the checks name them, most severe first.
SEVERITIES = ("critical", "high", "medium", "low")
# GitHub code scanning reads a rule's security-severity as a CVSS-like score: over 9.0 is critical,
# 7.0-8.9 high, 4.0-6.9 medium, 0.1-3.9 low. Each value sits inside its documented range.
SECURITY_SEVERITY = {"critical": "9.5", "high": "8.0", "medium": "5.5", "low": "3.0", "info": "0.5"}
# One fingerprint key for every tool: a consumer follows a finding across runs by its value.
FINGERPRINT_KEY = "leadpingFinding/v1"
# Baseline states as the baseline module names them (baseline.py), and as SARIF's result.baselineState.
BASELINE_TO_SARIF = {"new": "new", "unchanged": "unchanged", "resolved": "absent"}


class Outcome(StrEnum):
    FAIL = "fail"  # a rule did not hold
    ERROR = "error"  # the tool could not judge
    SKIPPED = "skipped"  # not judged on purpose (MANUAL evidence, not judged by the gate)
    PASS = "pass"  # noqa: S105 - an outcome's name, not a password


@dataclass(frozen=True)
class SourceLocation:
    """A file and line: the path relative to the source root (SARIF's %SRCROOT%), or absolute."""

    path: str
    line: int = 1

    @classmethod
    def parse(cls, source: str | None) -> SourceLocation | None:
        """``"path:line"`` as the render records it; None when empty. A missing or bad line is line 1."""
        if not source:
            return None
        path, sep, line = source.rpartition(":")
        if not sep or not path:
            return cls(source, 1)
        return cls(path, max(int(line), 1) if line.isdigit() else 1)

    def __str__(self) -> str:
        return f"{self.path}:{self.line}"


@dataclass(frozen=True)
class LogicalLocation:
    name: str
    fully_qualified_name: str
    kind: str = "resource"


@dataclass(frozen=True)
class Rule:
    id: str
    title: str
    description: str = ""
    help_text: str = ""
    help_uri: str = ""
    severity: str | None = None  # one of SEVERITIES (or Checkov's "info"); None when unknown
    tags: tuple[str, ...] = ()
    properties: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Suppression:
    """A finding accepted on purpose (a waiver, a skip): kept in the report, not alerted on."""

    justification: str
    kind: str = "external"  # SARIF: the suppression lives outside the source (a waivers file)


@dataclass(frozen=True)
class ScanFinding:
    rule_id: str
    outcome: Outcome
    message: str
    fingerprint: str
    location: SourceLocation | None = None
    # Where SARIF points when the finding's own line is unknown (the program's entry file, the
    # catalog entry of the control); JUnit invents no line and leaves it out.
    fallback_location: SourceLocation | None = None
    logical: LogicalLocation | None = None
    location_message: str = ""
    severity: str | None = None
    suppression: Suppression | None = None
    baseline: str | None = None  # new, unchanged, resolved (baseline.py); None without a baseline
    properties: Mapping[str, Any] = field(default_factory=dict)
    # JUnit: properties of the test case, as pytest writes them (the account the finding is in).
    case_properties: Mapping[str, str] = field(default_factory=dict)
    # JUnit: the suite this finding's test case belongs to, its class and name, and the failure's text.
    suite: str = ""
    case_class: str = ""
    case_name: str = ""
    detail: str = ""


@dataclass(frozen=True)
class Notification:
    """A fact about the run (something not judged, a note), not an alert on a line of code."""

    message: str
    level: str = "note"
    location: SourceLocation | None = None


@dataclass
class ScanRun:
    tool: str
    information_uri: str
    rules: Sequence[Rule]
    # The SARIF builder reads them once (a generator streams: sarif_builder.write); JUnit's
    # render reads them more than once (a sequence).
    findings: Iterable[ScanFinding]
    version: str = ""
    notifications: Sequence[Notification] = ()
    properties: Mapping[str, Any] = field(default_factory=dict)
    successful: bool = True
    started: str | None = None
    finished: str | None = None
    # SARIF runs[].automationDetails.id: GitHub's upload category, "<tool>/<target>/".
    automation_id: str = ""
    # JUnit suites in this order (a suite named by no finding is still written, empty).
    suites: Sequence[str] = ()
    timestamp: str = ""  # JUnit testsuites' timestamp
