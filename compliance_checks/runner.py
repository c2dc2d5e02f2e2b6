"""Runs the selected checks against one or more accounts and turns their results into findings.

Checks run concurrently on a bounded thread pool (one unit per check, or per check and region for
checks marked ``regional``); they share each account's reader, so every API is read once per
resource however many checks need it. A failed read costs only the verdicts that rested on it (see
``core``): the other regions' units, and the results a unit gave before the failure, are kept; a
global read that fails in every region's unit (IAM, the S3 bucket list) is one ERROR, not one per
region. Then, per check: no result means "no resource in scope" (one PASS on the account, so every
control is accounted for); known gaps of a simulated account explain the ERRORs they caused and turn
a FAIL that awaits only a person's act into MANUAL; each result becomes one finding per control the
check asserts; waivers turn matching FAIL findings into WAIVED. Manual controls yield a MANUAL
finding with the evidence a person must attach, and a planned check that does not exist yet an
ERROR, never a PASS.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import gc
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field
from importlib import metadata as package_metadata
from typing import Any, Protocol

from compliance_checks.budget import MAX_WORKERS, MIN_WORKERS
from compliance_checks.catalog import Catalog, Control
from compliance_checks.core import (
    ACCOUNT_READS_IN_FLIGHT,
    Check,
    CheckContext,
    Expectations,
    ReadError,
    Result,
    Status,
    account_scope,
    errored,
    execute,
    run_with_resource_workers,
)
from compliance_checks.known_gaps import apply_known_gaps
from compliance_checks.reader import Reader
from compliance_checks.reports.model import Finding, Report, finding_order
from compliance_checks.reports.store import FindingStore
from compliance_checks.waivers import Waiver, WaiverApplication

ACCOUNT_RESOURCE_TYPE = "AWS::::Account"
MANUAL_RESOURCE_TYPE = "Leadping::Evidence"
TOOL = "leadping-audit"


class SelectionError(ValueError):
    """--checks/--controls named something that does not exist or does not fit together."""


class KnownGap(Protocol):
    """Something a simulated account cannot show (``compliance_checks.known_gaps``: what it may change)."""

    check_id: str
    resource_id: str | None  # None: every result of the check
    reason: str


@dataclass(frozen=True)
class Selection:
    controls: tuple[Control, ...]  # the audited controls, in catalog order
    checks: Mapping[str, type[Check]]  # the checks to run, by id
    unimplemented: tuple[str, ...] = ()  # planned checks of the audited controls that do not exist yet
    include_manual: bool = True

    def controls_of(self, check_id: str) -> tuple[Control, ...]:
        return tuple(c for c in self.controls if check_id in c.checks)


def select(
    catalog: Catalog,
    available: Mapping[str, type[Check]],
    *,
    check_ids: Sequence[str] | None = None,
    control_ids: Sequence[str] | None = None,
) -> Selection:
    """The controls and checks of a run: ``control_ids`` narrows the controls (default all),
    ``check_ids`` the checks (default every check of those controls)."""
    controls = catalog.controls
    if control_ids:
        unknown = [c for c in control_ids if c not in catalog.control_ids]
        if unknown:
            raise SelectionError(
                f"unknown control id(s): {', '.join(unknown)} (known: {', '.join(catalog.control_ids)})"
            )
        controls = tuple(c for c in catalog.controls if c.id in control_ids)
    planned = [check for control in controls for check in control.checks]
    if check_ids:
        unknown = [c for c in check_ids if c not in catalog.check_ids and c not in available]
        if unknown:
            raise SelectionError(f"unknown check id(s): {', '.join(unknown)} (`list` shows the catalog)")
        outside = [c for c in check_ids if c not in planned]
        if outside:
            raise SelectionError(f"check(s) {', '.join(outside)} assert none of the selected controls")
        missing = [c for c in check_ids if c not in available]
        if missing:
            raise SelectionError(f"check(s) {', '.join(missing)} are planned but not implemented yet")
        wanted = list(dict.fromkeys(check_ids))
        controls = tuple(c for c in controls if set(c.checks) & set(wanted))
        return Selection(controls, {c: available[c] for c in wanted}, (), include_manual=False)
    wanted = list(dict.fromkeys(planned))
    return Selection(
        controls,
        {c: available[c] for c in wanted if c in available},
        tuple(c for c in wanted if c not in available),
        include_manual=True,
    )


@dataclass
class AuditOptions:
    expectations: Expectations = field(default_factory=Expectations)
    waivers: Sequence[Waiver] = ()
    known_gaps: Sequence[KnownGap] = ()
    workers: int = 8
    now: dt.datetime | None = None
    progress: Callable[[int, int, str], None] | None = None  # (done, total, what just finished)
    metadata: Mapping[str, Any] = field(default_factory=dict)  # merged into the report's metadata
    target: str = "aws"

    def __post_init__(self) -> None:
        if isinstance(self.workers, bool) or not isinstance(self.workers, int):
            raise ValueError(f"workers must be a whole number, not {self.workers!r}")
        if not MIN_WORKERS <= self.workers <= MAX_WORKERS:
            raise ValueError(f"workers must be {MIN_WORKERS} to {MAX_WORKERS}, not {self.workers}")


@dataclass
class _CheckRun:
    results: list[Result] = field(default_factory=list)
    seconds: float = 0.0


def _units(checks: Mapping[str, type[Check]], reader: Reader) -> list[tuple[str, Reader]]:
    units = []
    for check_id, cls in checks.items():
        if cls.regional and len(reader.regions) > 1:
            units.extend((check_id, reader.scoped(region)) for region in reader.regions)
        else:
            units.append((check_id, reader))
    return units


def _run_checks(
    checks: Mapping[str, type[Check]], reader: Reader, options: AuditOptions, now: dt.datetime
) -> dict[str, _CheckRun]:
    units = _units(checks, reader)
    runs = {check_id: _CheckRun() for check_id in checks}
    # Results are collected per unit, then joined in unit order so the output does not depend on timing.
    unit_results: list[list[Result]] = [[] for _ in units]
    # Each check may keep as many reads in flight as the account (the reader's slots bound them all).
    share = ACCOUNT_READS_IN_FLIGHT

    def run(index: int) -> float:
        check_id, view = units[index]
        started = time.perf_counter()
        ctx = CheckContext(reader=view, expectations=options.expectations, now=now)
        unit_results[index] = run_with_resource_workers(share, execute, checks[check_id](), ctx)
        return time.perf_counter() - started

    with ThreadPoolExecutor(max_workers=options.workers, thread_name_prefix="audit") as pool:
        futures = {pool.submit(run, i): i for i in range(len(units))}
        for done, future in enumerate(as_completed(futures), start=1):
            index = futures[future]
            runs[units[index][0]].seconds += future.result()
            if options.progress is not None:
                check_id, view = units[index]
                where = f" ({view.regions[0]})" if view is not reader else ""
                options.progress(done, len(units), f"{check_id}{where}")
    for (check_id, _), results in zip(units, unit_results, strict=True):
        runs[check_id].results.extend(results)
    for run in runs.values():
        run.results = _without_repeats(run.results)
    return runs


def _without_repeats(results: list[Result]) -> list[Result]:
    """Each verdict once: a global read that failed is the same ERROR in every region's unit."""
    seen: set[tuple[Any, ...]] = set()
    kept = []
    for result in results:
        key = (result.status, result.resource_id, result.region, result.message)
        if key not in seen:
            seen.add(key)
            kept.append(result)
    return kept


def _apply_known_gaps(check_id: str, results: Iterable[Result], gaps: Sequence[KnownGap]) -> list[Result]:
    """Known gaps explain what the check could not judge, never hide what it judged
    (``compliance_checks.known_gaps``): an unsupported operation re-labels the ERROR it caused,
    a person's act turns a FAIL that awaits only that act into MANUAL."""
    return apply_known_gaps(check_id, results, gaps)


def _resource_type(result: Result, cls: type[Check], scope: str) -> str:
    if result.resource_type:
        return result.resource_type
    # A whole-check ERROR (core.execute) stands for the account, not for a resource of the check's type.
    if result.status is Status.ERROR and result.resource_id == scope:
        return ACCOUNT_RESOURCE_TYPE
    return cls.metadata.resource_type


def _findings(
    check_id: str, cls: type[Check], results: list[Result], controls: Sequence[Control], account_id: str
) -> list[Finding]:
    meta = cls.metadata
    scope = account_scope(account_id)
    return [
        Finding(
            control_id=control.id,
            check_id=check_id,
            resource_id=result.resource_id,
            resource_type=_resource_type(result, cls, scope),
            region=result.region,
            status=result.status,
            message=result.message,
            evidence=dict(result.evidence),
            severity=str(meta.severity),
            title=meta.title,
            account_id=account_id,
        )
        for result in results
        for control in controls
    ]


def _audit_account(
    reader: Reader, selection: Selection, options: AuditOptions, now: dt.datetime
) -> tuple[list[Finding], dict[str, float]]:
    # The account's id (sts:GetCallerIdentity) is read while the checks start, not before them: it names
    # the findings only once every check is done (a check that needs it shares the one read).
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="identity") as identity:
        asked = identity.submit(reader.account_id_or_unknown)
        runs = _run_checks(selection.checks, reader, options, now)
        account_id = asked.result()
    scope = account_scope(account_id)
    findings: list[Finding] = []
    for check_id, cls in selection.checks.items():
        results = runs[check_id].results
        if not results:
            results = [
                Result(
                    Status.PASS,
                    scope,
                    f"no {cls.metadata.resource_type} in scope in {', '.join(reader.regions)}",
                    resource_type=ACCOUNT_RESOURCE_TYPE,
                    evidence={"resources_evaluated": 0},
                )
            ]
        results = _apply_known_gaps(check_id, results, options.known_gaps)
        findings.extend(_findings(check_id, cls, results, selection.controls_of(check_id), account_id))
    findings.extend(_unimplemented_findings(selection, account_id))
    return findings, {check_id: round(run.seconds, 3) for check_id, run in runs.items()}


def _unimplemented_findings(selection: Selection, account_id: str) -> list[Finding]:
    scope = account_scope(account_id)
    return [
        Finding(
            control_id=control.id,
            check_id=check_id,
            resource_id=scope,
            resource_type=ACCOUNT_RESOURCE_TYPE,
            region="global",
            status=Status.ERROR,
            message="planned check not implemented in this version: the control is not fully asserted",
            evidence={"error_kind": "not-implemented"},
            account_id=account_id,
        )
        for check_id in selection.unimplemented
        for control in selection.controls_of(check_id)
    ]


def _manual_findings(selection: Selection) -> list[Finding]:
    if not selection.include_manual:
        return []
    return [
        Finding(
            control_id=control.id,
            check_id=None,
            resource_id=f"evidence:{control.id}",
            resource_type=MANUAL_RESOURCE_TYPE,
            region="global",
            status=Status.MANUAL,
            message=f"a person must attach evidence: {control.manual_evidence}",
            evidence={"evidence_to_attach": control.manual_evidence},
            title=control.title,
        )
        for control in selection.controls
        if control.manual
    ]


def _relevant_waivers(waivers: Sequence[Waiver], selection: Selection) -> list[Waiver]:
    controls = {c.id for c in selection.controls}
    return [
        w
        for w in waivers
        if (w.control_id is None or w.control_id in controls) and (w.check_id is None or w.check_id in selection.checks)
    ]


def tool_version() -> str:
    try:
        return package_metadata.version("leadping-platform")
    except package_metadata.PackageNotFoundError:
        return "0.0.0"


@dataclass(frozen=True)
class AccountTarget:
    """One account to audit: ``open`` returns its reader (assuming a role, listing regions ...) or
    raises ReadError; ``account_id`` names it when ``open`` fails (None: learnt from the reader)."""

    open: Callable[[], Reader]
    account_id: str | None = None


@dataclass
class AccountRun:
    account_id: str
    regions: tuple[str, ...]
    findings: list[Finding]
    timings: dict[str, float]
    requests: int


class FindingSink(Protocol):
    """Where each account's findings go when the account is done, until the report is assembled."""

    def add(self, position: int, account_id: str, findings: list[Finding]) -> None: ...

    def findings(self, positions: Iterable[int]) -> Iterator[Finding]: ...


class MemorySink:
    def __init__(self) -> None:
        self._findings: dict[int, list[Finding]] = {}
        self._lock = threading.Lock()

    def add(self, position: int, account_id: str, findings: list[Finding]) -> None:
        with self._lock:
            self._findings[position] = findings

    def findings(self, positions: Iterable[int]) -> Iterator[Finding]:
        for position in positions:
            yield from self._findings.get(position, ())


def _audit_target(target: AccountTarget, selection: Selection, options: AuditOptions, now: dt.datetime) -> AccountRun:
    try:
        reader = target.open()
    except ReadError as error:
        account_id = target.account_id or "unknown"
        # The region the refused call went to is where the run tried this account (and where its
        # ERROR findings are): a run that could enter no account still names the region it worked in.
        tried = (error.region,) if error.region and error.region != "global" else ()
        return AccountRun(account_id, tried, unreachable_findings(account_id, selection, error), {}, 0)
    findings, timings = _audit_account(reader, selection, options, now)
    account_id = reader.account_id_or_unknown() if target.account_id is None else target.account_id
    return AccountRun(account_id, reader.regions, findings, timings, sum(reader.requests.values()))


def unreachable_findings(account_id: str, selection: Selection, error: ReadError) -> list[Finding]:
    """An account the audit could not enter: ERROR for every check of it (and every planned one),
    on the account itself, with the reason; never a gap in the report."""
    scope = account_scope(account_id)
    findings: list[Finding] = []
    for check_id, cls in selection.checks.items():
        result = errored(scope, error, region=error.region or "global")
        findings.extend(_findings(check_id, cls, [result], selection.controls_of(check_id), account_id))
    return findings + _unimplemented_findings(selection, account_id)


def run_audit(readers: Sequence[Reader], selection: Selection, options: AuditOptions | None = None) -> Report:
    """Audits each account (one reader per account), one after another, and returns the report."""
    if not readers:
        raise ValueError("run_audit needs at least one reader")
    return run_accounts(
        [AccountTarget(open=functools.partial(lambda r: r, reader)) for reader in readers], selection, options
    )


def run_accounts(
    targets: Sequence[AccountTarget],
    selection: Selection,
    options: AuditOptions | None = None,
    *,
    account_workers: int = 1,
    sink: FindingSink | None = None,
    store: bool = False,
) -> Report:
    """Audits the accounts (``audit_accounts``) and assembles the report from the sink, in the
    targets' order. No target (a shard that drew no account) is a report of the manual controls only.
    With ``store`` the report's findings are a ``reports.store.FindingStore`` (on disk, read back in
    report order) rather than a list: what an organization's run holds then does not grow with its
    accounts, up to and including the report writers that stream."""
    options = options or AuditOptions()
    sink = sink if sink is not None else MemorySink()
    now = options.now or dt.datetime.now(dt.UTC)
    started = dt.datetime.now(dt.UTC)
    runs = audit_accounts(targets, selection, options, account_workers=account_workers, sink=sink, now=now)
    return _assemble(runs, sink, selection, options, now, started, store=store)


def audit_accounts(
    targets: Sequence[AccountTarget],
    selection: Selection,
    options: AuditOptions,
    *,
    account_workers: int,
    sink: FindingSink,
    now: dt.datetime,
) -> list[AccountRun]:
    """Audits the accounts, ``account_workers`` at a time (each with its own reader and its own pool of
    ``options.workers`` checks). An account that cannot be opened (its role cannot be assumed, its
    regions cannot be listed) is one ERROR per check for that account, and the run goes on. Each
    account's findings go to ``sink`` as soon as it is done and its reader is dropped: with a
    ``partials.DirectorySink`` what this holds does not grow with the number of accounts."""
    if not MIN_WORKERS <= account_workers <= MAX_WORKERS:
        raise ValueError(f"account_workers must be {MIN_WORKERS} to {MAX_WORKERS}, not {account_workers}")
    # With several accounts at once, progress is per account: per-check progress would interleave.
    inner = options if len(targets) == 1 else dataclasses.replace(options, progress=None)
    done: list[AccountRun | None] = [None] * len(targets)

    def audit(position: int) -> AccountRun:
        run = _audit_target(targets[position], selection, inner, now)
        sink.add(position, run.account_id, run.findings)
        run.findings = []  # kept by the sink from here on
        return run

    with ThreadPoolExecutor(max_workers=account_workers, thread_name_prefix="account") as pool:
        futures = {pool.submit(audit, i): i for i in range(len(targets))}
        for count, future in enumerate(as_completed(futures), start=1):
            done[futures[future]] = run = future.result()
            # A botocore client holds reference cycles (its event handlers): the finished account's
            # reader is freed now, not whenever the collector next runs, so that memory follows the
            # accounts in flight rather than the accounts done.
            gc.collect()
            if options.progress is not None and len(targets) > 1:
                options.progress(count, len(targets), f"account {run.account_id}")
    return [run for run in done if run is not None]


def _assemble(
    runs: list[AccountRun],
    sink: FindingSink,
    selection: Selection,
    options: AuditOptions,
    now: dt.datetime,
    started: dt.datetime,
    *,
    store: bool = False,
) -> Report:
    """The report, from the sink, an account at a time, waivers applied as the findings pass: into a
    list, or with ``store`` into a FindingStore, so that no more than one account's findings are in
    memory here."""
    waivers = WaiverApplication(_relevant_waivers(options.waivers, selection), now.date())
    findings: list[Finding] | FindingStore = FindingStore(finding_order(selection.controls)) if store else []
    add = findings.add if isinstance(findings, FindingStore) else findings.extend
    for position in range(len(runs)):
        add(waivers.apply_all(sink.findings([position])))
    add(waivers.apply_all(_manual_findings(selection)))
    notes = waivers.notes()
    timings: dict[str, float] = {}
    for run in runs:
        for check_id, seconds in run.timings.items():
            timings[check_id] = round(timings.get(check_id, 0.0) + seconds, 3)
    accounts = [run.account_id for run in runs]
    regions = list(dict.fromkeys(region for run in runs for region in run.regions))
    expectations = options.expectations
    metadata: dict[str, Any] = {
        "tool": TOOL,
        "version": tool_version(),
        **dict(options.metadata),
        "target": options.target,
        "account": ",".join(accounts),
        "accounts": accounts,
        "regions": regions,
        "started": started.isoformat(timespec="seconds"),
        "finished": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "controls": [c.id for c in selection.controls],
        "checks": list(selection.checks),
        "expectations": {
            "environment": expectations.environment,
            "public_routes": list(expectations.public_routes),
            "github_repository": expectations.github_repository,
            "protected_branch": expectations.protected_branch,
        },
        "check_seconds": timings,
        "requests": sum(run.requests for run in runs),
        "notes": [*options.metadata.get("notes", []), *notes],
    }
    checks_info = {
        check_id: {
            "title": cls.metadata.title,
            "severity": str(cls.metadata.severity),
            "resource_type": cls.metadata.resource_type,
            "rationale": cls.metadata.rationale,
            "remediation": cls.metadata.remediation,
            "controls": [c.id for c in selection.controls_of(check_id)],
        }
        for check_id, cls in selection.checks.items()
    }
    return Report(metadata=metadata, findings=findings, controls=selection.controls, checks=checks_info)
