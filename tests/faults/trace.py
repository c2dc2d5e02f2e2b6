"""What each finding rested on, and the fault suite's two rules.

While an audit runs, ``Tracer`` records, for every unit the runner executes (a check, or a check
in one region), the reads the check made through the reader (memoised ones too) and the results it
yielded, in order. A finding's reads are then:
- *before*: every read made before its result was yielded (what it could depend on);
- *for*: the reads of one resource made since the check's previous result, less those about
  another resource the check judged; plus the earlier reads about its resource, and the listings
  of its region (or of the whole account: S3, IAM) that found it. Where a check judges its
  resources concurrently (``core.judge_each``), each read is tagged with the resource it was made
  for, and a result rests on its own resource's reads only, whenever they were made.

The rules, for a run with faults against the fault-free run:
1. never PASS on a faulted read: a finding whose *for* reads include a faulted read is not PASS,
   and not a FAIL the fault-free run did not have (neither is evidence it could have);
2. nothing else changes: a finding none of whose *before* reads is faulted is in the faulted run,
   unchanged; and whatever the faulted run adds or changes is ERROR.
"""

from __future__ import annotations

import contextvars
import re
import threading
from collections import defaultdict
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import botocore
import pytest

from compliance_checks import core as core_module
from compliance_checks import reader as reader_module
from compliance_checks import runner as runner_module
from compliance_checks.core import Result, Status
from compliance_checks.reports.model import Finding, Report
from tests.faults.proxy import Fault

ACCOUNT_TYPE = "AWS::::Account"


# A parameter that names one resource (a bucket, a key, a topic, a role ...); a read with none is a
# listing (it may filter: AlarmTypes, FunctionVersion, Filter), which every result it found rests on.
_NAMING = re.compile(r"(Id|Arn|ARN|Name|Names|Url|Bucket|taskDefinition)$")


@dataclass(frozen=True)
class Read:
    service: str
    region: str
    operation: str  # the boto3 method name
    params: str  # repr of the parameters, to match a resource name
    listing: bool = field(default=True, compare=False)
    failed: bool = field(default=False, compare=False)
    # The resource a concurrent judgement (core.judge_each) made this read for, None elsewhere:
    # items judged at once interleave their reads, so the order of events cannot tell them apart.
    judging: str | None = field(default=None, compare=False)

    def faulted_by(self, fault: Fault) -> bool:
        return (
            fault.service in ("*", self.service)
            and (fault.region is None or self.region == fault.region)
            and (fault.operation == "*" or self.operation == botocore.xform_name(fault.operation))
            and (fault.resource is None or fault.resource in self.params)
        )


@dataclass
class Unit:
    check_id: str
    events: list[tuple[str, Any]] = field(default_factory=list)  # ("read", Read) | ("result", Result)
    results: list[Result] = field(default_factory=list)  # what execute returned

    @property
    def reads(self) -> list[Read]:
        return [item for kind, item in self.events if kind == "read"]


_REGION_OR_ACCOUNT = re.compile(r"^([a-z]{2}(-[a-z]+)+-\d|\d{12})$")


def _names(resource_id: str) -> set[str]:
    """Pieces of a resource id that a read naming the resource carries (a name, an id, the ARN);
    not its region or account, which reads of other resources carry too."""
    pieces = {resource_id}
    for separator in (":", "/"):
        pieces |= {p for p in resource_id.split(separator) if len(p) >= 4 and not _REGION_OR_ACCOUNT.match(p)}
    return pieces


def _names_resource(read: Read, result: Result) -> bool:
    """Whether ``read`` is about ``result``'s resource: it carries the whole id, or a name of it in
    the resource's region (a topic named like one of another region is another topic)."""
    if result.resource_id in read.params:
        return True
    same_place = read.region == result.region or result.region == "global" or read.service in _ACCOUNT_WIDE
    return same_place and any(piece in read.params for piece in _names(result.resource_id))


# Services read in the home region for every region's resources: S3 lists every bucket (and reads
# the account's public access block) there, IAM and STS are global.
_ACCOUNT_WIDE = frozenset({"iam", "sts", "s3", "s3control"})


def _found_by(read: Read, result: Result) -> bool:
    """Whether ``result`` rests on the listing ``read``: the same region's, or an account-wide one."""
    return read.listing and (read.region == result.region or result.region == "global" or read.service in _ACCOUNT_WIDE)


@dataclass(frozen=True)
class Basis:
    before: frozenset[Read]
    own: frozenset[Read]


class Tracer:
    """Installs itself on the reader and the runner (through pytest's monkeypatch) for one audit."""

    def __init__(self) -> None:
        self.units: list[Unit] = []
        # A context variable, not a thread-local: a check judges its resources on worker threads
        # (core.judge_each), which run in a copy of the check's context.
        self._unit: contextvars.ContextVar[Unit | None] = contextvars.ContextVar("traced_unit", default=None)
        self._lock = threading.Lock()
        self._judging: contextvars.ContextVar[str | None] = contextvars.ContextVar("traced_item", default=None)

    def _record(self, read: Read) -> None:
        unit = self._unit.get()
        if unit is not None:
            unit.events.append(("read", read))

    def install(self, monkeypatch: pytest.MonkeyPatch) -> None:
        tracer = self
        real_call, real_paginate = reader_module.Reader.call, reader_module.Reader.paginate
        real_execute = runner_module.execute

        def traced(real: Any) -> Any:
            def read(self: Any, service: str, operation: str, *args: Any, region: str | None = None, **kw: Any) -> Any:
                where = self.region_for(service, region)
                given = {k: v for k, v in kw.items() if k not in ("missing", "expect")}
                params = repr(sorted(given.items()))
                listing = not any(_NAMING.search(k) for k in given)
                judging = tracer._judging.get()
                try:
                    value = real(self, service, operation, *args, region=region, **kw)
                except Exception:
                    tracer._record(Read(service, where, operation, params, listing, failed=True, judging=judging))
                    raise
                tracer._record(Read(service, where, operation, params, listing, judging=judging))
                return value

            return read

        def execute(check: Any, ctx: Any) -> list[Result]:
            unit = Unit(type(check).id)
            with tracer._lock:
                tracer.units.append(unit)
            evaluate = check.evaluate

            def recorded(context: Any) -> Iterator[Result]:
                for result in evaluate(context):
                    unit.events.append(("result", result))
                    yield result

            check.evaluate = recorded
            token = tracer._unit.set(unit)
            try:
                unit.results = real_execute(check, ctx)
            finally:
                tracer._unit.reset(token)
            return unit.results

        real_judge_resource = core_module.judge_resource

        def judge_resource(resource_id: str, region: str, judge: Any, *args: Any) -> list[Result]:
            # judge_each calls this on its worker threads, each in a copy of the check's context.
            token = tracer._judging.set(resource_id)
            try:
                return list(real_judge_resource(resource_id, region, judge, *args))
            finally:
                tracer._judging.reset(token)

        monkeypatch.setattr(core_module, "judge_resource", judge_resource)
        monkeypatch.setattr(reader_module.Reader, "call", traced(real_call))
        monkeypatch.setattr(reader_module.Reader, "paginate", traced(real_paginate))
        monkeypatch.setattr(runner_module, "execute", execute)

    def bases(self) -> dict[tuple[str, str, str, str, str], Basis]:
        """(check, resource, region, status, message) of each result -> the reads it rested on.

        A result's own reads are those since the check's previous result, less those about another
        resource the check judged (a check may read every resource before judging the first),
        plus the earlier reads about its resource and the listings that found it.
        """
        found: dict[tuple[str, str, str, str, str], Basis] = {}
        by_check: dict[str, set[Read]] = defaultdict(set)
        judged: dict[str, list[Result]] = defaultdict(list)
        for unit in self.units:
            judged[unit.check_id] += unit.results
        for unit in self.units:
            others = judged[unit.check_id]
            before: list[Read] = []
            since: list[Read] = []
            yielded = set()
            for kind, item in unit.events:
                if kind == "read":
                    before.append(item)
                    since.append(item)
                    continue
                elsewhere = [o for o in others if o.resource_id != item.resource_id]
                mine = [r for r in before if r.judging in (None, item.resource_id)]  # not another item's
                own = {
                    r
                    for r in since
                    if not r.listing
                    and r.judging in (None, item.resource_id)
                    and not any(_names_resource(r, o) for o in elsewhere)
                }
                own |= {r for r in mine if _found_by(r, item) or _names_resource(r, item)}
                own |= {r for r in before if r.judging == item.resource_id}  # made for it, whenever
                found[_key(unit.check_id, item)] = Basis(frozenset(mine), frozenset(own))
                yielded.add(id(item))
                since = []
            for result in unit.results:  # an ERROR execute added for what the check did not get to
                if id(result) not in yielded:
                    found.setdefault(_key(unit.check_id, result), Basis(frozenset(before), frozenset(before)))
            by_check[unit.check_id] |= set(before)
        for check_id, reads in by_check.items():  # "no resource in scope" rests on every read of the check
            found[(check_id, "*in-scope*", "", "", "")] = Basis(frozenset(reads), frozenset(reads))
        return found


def _key(check_id: str, result: Result) -> tuple[str, str, str, str, str]:
    return (check_id, result.resource_id, result.region, str(result.status), result.message)


def _finding_key(finding: Finding) -> tuple[str, str, str, str, str]:
    return (finding.check_id or "", finding.resource_id, finding.region, str(finding.status), finding.message)


def _basis(bases: dict[tuple[str, str, str, str, str], Basis], finding: Finding) -> Basis | None:
    basis = bases.get(_finding_key(finding))
    if basis is None and finding.resource_type == ACCOUNT_TYPE and finding.status is Status.PASS:
        basis = bases.get((finding.check_id or "", "*in-scope*", "", "", ""))
    return basis


def _identity(finding: Finding) -> tuple[str, str, str, str]:
    return (finding.check_id or "", finding.control_id, finding.resource_id, finding.region)


def _verdict(finding: Finding) -> tuple[str, str, Any]:
    return (str(finding.status), finding.message, sorted(finding.evidence.items(), key=lambda kv: kv[0]))


def violations(
    clean: Report, clean_trace: Tracer, faulted: Report, faults: Sequence[Fault], faulted_trace: Tracer
) -> list[str]:
    """What breaks the two rules (an empty list when the faulted run is sound)."""
    bases = clean_trace.bases()
    after = {_identity(f): f for f in faulted.findings if f.check_id}
    before = {_identity(f): f for f in clean.findings if f.check_id}
    problems = []
    for identity, finding in before.items():
        basis = _basis(bases, finding)
        if basis is None:
            problems.append(f"{identity}: the trace does not know this finding")
            continue
        now = after.get(identity)
        hit = [r for r in basis.own if any(r.faulted_by(f) for f in faults)]
        touched = [r for r in basis.before if any(r.faulted_by(f) for f in faults)]
        if hit and now is not None and now.status is Status.PASS:
            problems.append(f"{identity}: PASS although it rests on faulted {hit[0].service}:{hit[0].operation}")
        if hit and now is not None and now.status is Status.FAIL and _verdict(now) != _verdict(finding):
            problems.append(f"{identity}: a new FAIL from faulted {hit[0].service}:{hit[0].operation}: {now.message}")
        if not touched and (now is None or _verdict(now) != _verdict(finding)):
            was = f"{finding.status} {finding.message}"
            problems.append(f"{identity}: rests on no faulted read but changed: {was} -> {now and _verdict(now)[:2]}")
    for identity, finding in after.items():
        old = before.get(identity)
        if (old is None or old.status is not finding.status) and finding.status is not Status.ERROR:
            problems.append(f"{identity}: the fault made it {finding.status}: {finding.message}")
    problems += _swallowed(faulted_trace)
    return problems


def _swallowed(trace: Tracer) -> list[str]:
    """A PASS yielded right after a read naming its resource failed: the check caught the error and
    passed anyway (a failed read of another resource is that resource's business)."""
    problems = []
    for unit in trace.units:
        failed: list[Read] = []
        for kind, item in unit.events:
            if kind == "read":
                if item.failed:
                    failed.append(item)
                continue
            failed = [r for r in failed if _names_resource(r, item)]
            if item.status is Status.PASS and failed:
                problems.append(
                    f"{unit.check_id} {item.resource_id}: PASS right after {failed[0].service}:"
                    f"{failed[0].operation} failed"
                )
            failed = []
    return problems


@contextmanager
def tracing(monkeypatch: pytest.MonkeyPatch) -> Iterator[Tracer]:
    tracer = Tracer()
    with monkeypatch.context() as patch:
        tracer.install(patch)
        yield tracer
