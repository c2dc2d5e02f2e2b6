"""``--baseline PREVIOUS.json``: each finding of this run against a previous run's audit.json.

A finding is followed from run to run by its identity (account, control, check, resource, region:
``Finding.identity``). Against the baseline each finding of this run is

- ``new``: a FAIL or ERROR that the baseline did not have with that status, or a finding the
  baseline did not have at all;
- ``unchanged``: the same status as in the baseline;
- ``resolved``: no longer FAIL or ERROR where the baseline had it so.

A FAIL or ERROR of the baseline that this run does not report at all (the resource is gone) is
carried into the report as resolved (``Report.resolved``), so that every format can say what went
away; but only where this run looked: a baseline finding of a check, account or region this run did
not audit (a baseline of the whole organization against ``--checks``, ``--accounts`` or ``--region``)
was not judged again, so it is neither resolved nor anything else. A baseline that is not an
audit.json is bad input (exit 2), never an empty baseline.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from compliance_checks.core import Status
from compliance_checks.reports.model import Finding, Report

PROBLEMS = (Status.FAIL, Status.ERROR)
STATES = ("new", "unchanged", "resolved")
_REQUIRED = ("control_id", "check_id", "resource_id", "resource_type", "region", "status")


class BaselineError(ValueError):
    """The baseline file is missing or not a previous audit.json."""


@dataclass(frozen=True)
class Baseline:
    source: str
    findings: Mapping[str, Finding]  # identity -> the baseline's finding


def _finding(entry: Any, index: int) -> Finding:
    try:
        # The waiver that applied then is not carried: this run's waivers judge this run's findings.
        return dataclasses.replace(Finding.from_dict(entry), waiver=None)
    except KeyError as exc:
        raise BaselineError(
            f"finding #{index} lacks {exc.args[0]} (an audit.json's finding has each of {', '.join(_REQUIRED)})"
        ) from None
    except ValueError as exc:
        raise BaselineError(f"finding #{index}: {exc}") from None


def load_baseline(path: Path) -> Baseline:
    try:
        document = json.loads(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise BaselineError(f"{path} does not exist") from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise BaselineError(f"{path} is not a readable JSON audit report: {exc}") from None
    if not isinstance(document, dict) or not isinstance(document.get("findings"), list):
        raise BaselineError(f"{path} is not an audit.json (no 'findings' list); write one with --format json")
    findings = [_finding(entry, i) for i, entry in enumerate(document["findings"])]
    return Baseline(str(path), {f.identity: f for f in findings})


def state(finding: Finding, previous: Finding | None) -> str:
    if previous is None:
        return "new"
    if previous.status is finding.status:
        return "unchanged"
    if finding.status in PROBLEMS:
        return "new"
    return "resolved" if previous.status in PROBLEMS else "unchanged"


def _looked_at(report: Report) -> Callable[[Finding], bool]:
    """Whether this run judged where a baseline finding was: its check (or, for a control's manual
    finding, its control), its account and its region (a global resource's region is "global")."""
    checks = set(report.checks)
    controls = {control.id for control in report.controls}
    accounts = {f.account_id for f in report.findings}
    accounts |= {a for a in str(report.metadata.get("account") or "").split(",") if a}
    regions = set(report.metadata.get("regions") or ())

    def looked(finding: Finding) -> bool:
        judged_by = finding.check_id in checks if finding.check_id else finding.control_id in controls
        if not judged_by:
            return False
        if accounts and finding.account_id not in accounts:
            return False
        return not regions or finding.region in regions or finding.region == "global"

    return looked


def compare(report: Report, baseline: Baseline) -> None:
    """Marks the report's findings against the baseline (Report.baseline_states, Report.resolved)."""
    current = {f.identity for f in report.findings}
    report.baseline_states = {f.identity: state(f, baseline.findings.get(f.identity)) for f in report.findings}
    looked = _looked_at(report)
    report.resolved = [
        f for identity, f in baseline.findings.items() if identity not in current and f.status in PROBLEMS and looked(f)
    ]
    report.metadata["baseline"] = {"file": baseline.source, **(report.baseline_summary() or {})}
