"""What an audit produces: findings (one per control, check and resource) and the run's metadata.

Every report format renders this one model; nothing else reaches a report, so what a check puts
in a result's message and evidence is all a reader of the report sees.
"""

from __future__ import annotations

import hashlib
import io
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, TextIO

from compliance_checks.catalog import REFERENCE_KINDS, Control, load_references
from compliance_checks.core import Status
from compliance_checks.reports.scan_model import SEVERITIES

# Worst first: a control's status is the worst of its findings'.
STATUS_ORDER = (Status.FAIL, Status.ERROR, Status.MANUAL, Status.WAIVED, Status.PASS)
_RANK = {status: rank for rank, status in enumerate(STATUS_ORDER)}
# Most severe first; a finding without a severity (a MANUAL control's) sorts last.
SEVERITY_ORDER = SEVERITIES  # worst first; a finding's severity is one of them or None (the report schema's)
# The frameworks references.yaml lists (catalog.REFERENCE_KINDS), as a reader names them.
FRAMEWORK_NAMES = {"security_hub": "AWS Security Hub", "soc2": "SOC 2"}


def service_of(resource_type: str) -> str:
    """The AWS service of a resource type (``s3`` of ``AWS::S3::Bucket``); ``account`` or ``evidence``
    for findings that stand for the account or for a person's evidence."""
    parts = resource_type.split("::")
    if len(parts) == 3 and parts[1]:
        return parts[1].lower()
    return "account" if resource_type.startswith("AWS::") else "evidence"


@dataclass(frozen=True)
class Finding:
    control_id: str
    check_id: str | None  # None for a MANUAL control's finding
    resource_id: str  # the ARN where one exists
    resource_type: str
    region: str
    status: Status
    message: str
    evidence: Mapping[str, Any] = field(default_factory=dict)
    severity: str | None = None
    title: str = ""  # the check's title (the control's, for a MANUAL finding)
    account_id: str = "unknown"
    waiver: Mapping[str, Any] | None = None  # the waiver that applied, or that expired

    @property
    def identity(self) -> str:
        """Stable across runs: the same account, control, check, resource and region give the same
        value, whatever the verdict. Every format that lets a consumer follow a finding from one run
        to the next (SARIF fingerprints, Security Hub ids, OCSF uids, OSCAL uuids) derives from it."""
        key = f"{self.account_id}|{self.control_id}|{self.check_id}|{self.resource_id}|{self.region}"
        return hashlib.sha256(key.encode()).hexdigest()

    @property
    def service(self) -> str:
        return service_of(self.resource_type)

    def to_dict(self) -> dict[str, Any]:
        return {
            "control_id": self.control_id,
            "check_id": self.check_id,
            "resource_id": self.resource_id,
            "resource_type": self.resource_type,
            "region": self.region,
            "account_id": self.account_id,
            "status": str(self.status),
            "severity": self.severity,
            "title": self.title,
            "message": self.message,
            "evidence": dict(self.evidence),
            "waiver": dict(self.waiver) if self.waiver is not None else None,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Finding:
        """The finding ``to_dict`` wrote (a shard's audit.json, an account's partial results, a
        baseline). KeyError names a member it lacks (``message`` and everything after ``status`` may
        be left out); ValueError says which member is not what ``to_dict`` writes there, so that a
        hand-edited or garbled file is refused here and not half-way through writing a report."""
        if not isinstance(data, Mapping):
            raise ValueError(f"it is a JSON {_json_kind(data)}, not an object")
        check_id = data["check_id"]
        if check_id is not None and not isinstance(check_id, str):
            raise ValueError(f"its check_id is a JSON {_json_kind(check_id)}, neither a text nor null")
        texts = {name: _member(data, name, str) for name in _FINDING_TEXTS}
        status = data["status"]
        if status not in _STATUSES:
            raise ValueError(f"its status {status!r} is not one of {', '.join(_STATUSES)}")
        severity = data.get("severity")
        if severity is not None and severity not in SEVERITY_ORDER:
            raise ValueError(f"its severity {severity!r} is not one of {', '.join(SEVERITY_ORDER)}")
        return cls(
            check_id=check_id,
            status=Status(status),
            message=_member(data, "message", str, default=""),
            evidence=_member(data, "evidence", Mapping, default={}),
            severity=severity,
            title=_member(data, "title", str, default=""),
            account_id=_member(data, "account_id", str, default="unknown"),
            waiver=_member(data, "waiver", Mapping, default=None),
            **texts,
        )


_FINDING_TEXTS = ("control_id", "resource_id", "resource_type", "region")
_STATUSES = tuple(str(status) for status in Status)
_MISSING = object()


def _member(data: Mapping[str, Any], name: str, kind: type, default: Any = _MISSING) -> Any:
    """``data[name]`` when it is a ``kind``; ``default`` when it is absent or null (KeyError without one)."""
    value = data.get(name)
    if value is None:
        if default is _MISSING:
            raise KeyError(name)
        return dict(default) if isinstance(default, dict) else default
    if not isinstance(value, kind):
        raise ValueError(
            f"its {name} is a JSON {_json_kind(value)}, not {'an object' if kind is Mapping else 'a text'}"
        )
    return dict(value) if kind is Mapping else value


def _json_kind(value: Any) -> str:
    return {bool: "boolean", int: "number", float: "number", str: "text", list: "array", dict: "object"}.get(
        type(value), type(value).__name__
    )


@dataclass(frozen=True)
class Reference:
    """A framework requirement a control maps to (references.yaml)."""

    kind: str  # security_hub, soc2
    id: str
    title: str

    @property
    def framework(self) -> str:
        return FRAMEWORK_NAMES[self.kind]

    def __str__(self) -> str:
        return f"{self.framework} {self.id}"


def control_references(control: Control) -> tuple[Reference, ...]:
    titles = load_references()
    return tuple(
        Reference(kind, ref_id, titles.get(kind, {}).get(ref_id, ""))
        for kind in REFERENCE_KINDS
        for ref_id in control.references.get(kind, ())
    )


@dataclass(frozen=True)
class ControlSummary:
    control: Control
    status: Status
    counts: Mapping[str, int]


@dataclass(frozen=True)
class AccountSummary:
    account_id: str
    status: Status  # the worst of its findings'
    counts: Mapping[str, int]
    controls: Mapping[str, str]  # control id -> the worst status of its findings in this account


class FindingOrder:
    """The order of a report's findings: control (in the catalog's order), status (worst first), check,
    account, resource. Equal for the same controls, so a store sorted by one is known to be in order."""

    def __init__(self, controls: Sequence[Control]) -> None:
        self._controls = tuple(c.id for c in controls)
        self._index = {control_id: i for i, control_id in enumerate(self._controls)}

    def __call__(self, f: Finding) -> tuple[int, int, str, str, str]:
        return (
            self._index.get(f.control_id, len(self._index)),
            _RANK[f.status],
            f.check_id or "",
            f.account_id,
            f.resource_id,
        )

    def __eq__(self, other: object) -> bool:
        return isinstance(other, FindingOrder) and other._controls == self._controls

    def __hash__(self) -> int:
        return hash(self._controls)


def finding_order(controls: Sequence[Control]) -> FindingOrder:
    return FindingOrder(controls)


@dataclass
class _Tally:
    statuses: Counter = field(default_factory=Counter)
    controls: dict[str, Counter] = field(default_factory=dict)
    accounts: dict[str, Counter] = field(default_factory=dict)
    # account -> control -> the worst status's index in STATUS_ORDER (a number, not a Counter: an
    # organization has thousands of accounts x controls)
    account_controls: dict[str, dict[str, int]] = field(default_factory=dict)


def _worst(statuses: Counter) -> Status:
    return next((s for s in STATUS_ORDER if statuses.get(str(s))), Status.PASS)


@dataclass
class Report:
    metadata: dict[str, Any]
    # A list, or (an organization's run) a reports.store.FindingStore: iterable again and again, sized.
    findings: list[Finding]
    controls: Sequence[Control]  # the audited controls, in catalog order
    checks: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)  # check id -> title, severity, ...
    # What runbook paths are prefixed with in links (reports/links.py): "" leaves them as they are.
    runbook_base: str = ""
    # Resource id -> "path:line" of the Pulumi program statement that declared it (reports/sources.py).
    resource_sources: dict[str, str] = field(default_factory=dict)
    # With --baseline (compliance_checks/baseline.py): finding identity -> new, unchanged or resolved;
    # None without a baseline. ``resolved`` holds the baseline's FAIL and ERROR findings that are gone.
    baseline_states: dict[str, str] | None = None
    resolved: list[Finding] = field(default_factory=list)
    _references: dict[str, tuple[Reference, ...]] = field(default_factory=dict, init=False, repr=False, compare=False)

    def baseline_of(self, finding: Finding) -> str | None:
        """new, unchanged or resolved against the baseline; None when the run has no baseline."""
        if self.baseline_states is None:
            return None
        return self.baseline_states.get(finding.identity, "resolved" if finding in self.resolved else "new")

    def baseline_text(self) -> str | None:
        """The summary line every human format prints with a baseline: "against X: 2 new, ..."."""
        summary = self.baseline_summary()
        if summary is None:
            return None
        source = (self.metadata.get("baseline") or {}).get("file", "the baseline")
        return f"against {source}: " + ", ".join(f"{n} {state}" for state, n in summary.items())

    def baseline_summary(self) -> dict[str, int] | None:
        """How many findings are new, unchanged and resolved (resolved includes the ones gone); None
        without a baseline."""
        if self.baseline_states is None:
            return None
        counted = Counter(self.baseline_of(f) for f in self.findings)
        return {
            "new": counted["new"],
            "unchanged": counted["unchanged"],
            "resolved": counted["resolved"] + len(self.resolved),
        }

    def _tally(self) -> _Tally:
        """Every count the summaries need, in one pass over the findings. A store's (an organization's
        findings on disk) is kept with the store, which no longer changes; a list is counted afresh,
        since a caller may change it."""
        kept = getattr(self.findings, "summaries", None)
        accounts = tuple(str(a) for a in self.metadata.get("accounts") or [])
        key = ("tally", accounts)
        if kept is not None and key in kept:
            return kept[key]
        tally = _Tally()
        for finding in self.findings:
            status = str(finding.status)
            account = self.account_of(finding)
            tally.statuses[status] += 1
            tally.controls.setdefault(finding.control_id, Counter())[status] += 1
            tally.accounts.setdefault(account, Counter())[status] += 1
            worst = tally.account_controls.setdefault(account, {})
            rank = _RANK[finding.status]
            if rank < worst.get(finding.control_id, len(STATUS_ORDER)):
                worst[finding.control_id] = rank
        if kept is not None:
            kept[key] = tally
        return tally

    def counts(self) -> dict[str, int]:
        counted = self._tally().statuses
        return {str(s): counted.get(str(s), 0) for s in STATUS_ORDER}

    def control_summaries(self) -> list[ControlSummary]:
        tally = self._tally()
        summaries = []
        for control in self.controls:
            statuses = tally.controls.get(control.id, Counter())
            worst = _worst(statuses)
            summaries.append(ControlSummary(control, worst, {str(s): statuses.get(str(s), 0) for s in STATUS_ORDER}))
        return summaries

    def account_summaries(self) -> list[AccountSummary]:
        """Per audited account (a MANUAL control's finding counts for the first, as ``account_of`` says):
        its counts, its worst status, and each control's worst status there; in the order audited."""
        tally = self._tally()
        counts, per_control = tally.accounts, tally.account_controls
        order = [str(a) for a in self.metadata.get("accounts") or []]
        accounts = [*dict.fromkeys(a for a in order if a in counts), *sorted(set(counts) - set(order))]
        return [
            AccountSummary(
                account,
                _worst(counts[account]),
                {str(s): counts[account].get(str(s), 0) for s in STATUS_ORDER},
                {
                    c.id: str(STATUS_ORDER[per_control[account][c.id]])
                    for c in self.controls
                    if c.id in per_control[account]
                },
            )
            for account in accounts
        ]

    def accounts_label(self) -> str:
        """The audited account, or how many when several (a title cannot hold 300 ids)."""
        accounts = [str(a) for a in self.metadata.get("accounts") or []]
        if len(accounts) > 3:
            return f"{len(accounts)} accounts"
        return ", ".join(accounts) or str(self.metadata.get("account", "unknown"))

    def control(self, control_id: str) -> Control | None:
        return next((c for c in self.controls if c.id == control_id), None)

    def account_of(self, finding: Finding) -> str:
        """The account a finding belongs to; a MANUAL control's finding (a person's evidence, no
        account of its own) belongs to the first audited account, where a tool files it."""
        if finding.account_id.isdigit():
            return finding.account_id
        accounts = self.metadata.get("accounts") or []
        return str(accounts[0]) if accounts else finding.account_id

    def references(self, control_id: str) -> tuple[Reference, ...]:
        """The framework references of a control of the report (looked up once per control)."""
        known = self._references.get(control_id)
        if known is None:
            control = self.control(control_id)
            known = self._references[control_id] = control_references(control) if control else ()
        return known

    def exit_code(self, fail_on: str | None = None, only_new: bool = False) -> int:
        """0 nothing failed or errored, 1 a FAIL that counts, 3 an ERROR but no FAIL that counts (2 is
        bad usage, in the CLI). Every FAIL counts, unless ``fail_on`` (a severity: only FAILs at or
        above it) or ``only_new`` (only FAILs new against the baseline) narrow it."""
        if any(self.counts_as_failing(f, fail_on, only_new) for f in self.findings):
            return 1
        if any(f.status is Status.ERROR for f in self.findings):
            return 3
        return 0

    def counts_as_failing(self, finding: Finding, fail_on: str | None = None, only_new: bool = False) -> bool:
        if finding.status is not Status.FAIL:
            return False
        if fail_on is not None:
            rank = SEVERITY_ORDER.index(fail_on)
            if finding.severity not in SEVERITY_ORDER[: rank + 1]:
                return False
        return not only_new or self.baseline_of(finding) == "new"

    def sorted_findings(self) -> Iterable[Finding]:
        """The findings in report order (``finding_order``): a list, or the store itself when the
        findings are a store already kept in that order (read a finding at a time)."""
        order = finding_order(self.controls)
        if getattr(self.findings, "key", None) == order:
            return self.findings
        return sorted(self.findings, key=order)


def as_text(write: Callable[[Report, TextIO], None], report: Report) -> str:
    """What a streaming format's ``write`` writes, as one string."""
    buffer = io.StringIO(newline="")
    write(report, buffer)
    return buffer.getvalue()
