"""The contract every live check follows.

A check is a class in ``compliance_checks/checks/<service>/<check_id>.py`` whose module name is
its id. It declares ``metadata`` (what it asserts, how bad a failure is, how to fix it; the IAM read
actions it needs are derived from the reads it makes, ``services/reads.py``) and implements
``evaluate(ctx)``, a pure evaluation over data read through ``ctx.reader``; it never builds AWS
clients. It yields one ``Result`` per resource it judged. When the reader cannot see something
(access denied, an API the endpoint lacks, throttling past the retries, an answer it cannot parse,
an endpoint that does not answer in time) it raises ``ReadError``. A failure stays where it happened:
- ``judge_resource`` runs the judgement of one resource and turns a ReadError into that
  resource's ERROR, so the check goes on with the next one;
- a check marked ``regional`` is run once per audited region, so one region's failure is an ERROR
  in that region and every other region's verdicts stand;
- ``execute`` keeps every result a check yielded before an uncaught ReadError, which becomes one
  ERROR for what was left (the account, in the failed read's region).
So a check never passes on what it could not read, and never loses what it could.
"""

from __future__ import annotations

import contextvars
import datetime as dt
import enum
import traceback
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from functools import cached_property
from typing import TYPE_CHECKING, Any, ClassVar, TypeVar

from compliance_checks.conventions import ENVIRONMENT_POLICIES, EnvironmentPolicy
from compliance_checks.rules import Verdict

if TYPE_CHECKING:
    from compliance_checks.reader import Reader

T = TypeVar("T")
R = TypeVar("R")


class Status(enum.StrEnum):
    PASS = "PASS"  # noqa: S105 - a status, not a password
    FAIL = "FAIL"
    ERROR = "ERROR"
    MANUAL = "MANUAL"
    WAIVED = "WAIVED"


class Severity(enum.StrEnum):
    CRITICAL = "critical"
    HIGH = "high"
    MEDIUM = "medium"
    LOW = "low"


@dataclass(frozen=True)
class CheckMetadata:
    title: str
    severity: Severity
    resource_type: str  # CloudFormation-style, e.g. "AWS::S3::Bucket"
    rationale: str
    remediation: str
    # IAM actions the check needs, all read-only: derived from its reads (DerivedPermissions) unless given.
    permissions: Sequence[str] = ()
    service: str = ""  # filled from the folder name by the registry


class DerivedPermissions(Sequence[str]):
    """The IAM actions of the reads a check's module makes (services/reads.py), derived on first use:
    deriving loads botocore's service models, which an audit that does not print them never needs."""

    def __init__(self, module: str) -> None:
        self.module = module

    @cached_property
    def actions(self) -> tuple[str, ...]:
        from compliance_checks.services.reads import module_actions

        return module_actions(self.module)

    def __getitem__(self, index: Any) -> Any:
        return self.actions[index]

    def __len__(self) -> int:
        return len(self.actions)

    def __bool__(self) -> bool:
        return True  # a check reads; test_least_privilege proves each derived set covers its calls

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Sequence) and tuple(self) == tuple(other)

    def __hash__(self) -> int:
        return hash(self.module)

    def __repr__(self) -> str:
        return f"DerivedPermissions({self.module!r})"


class ReadError(Exception):
    """The reader could not get what a check needs; the affected result is ERROR, never PASS."""

    ACCESS_DENIED = "access-denied"
    UNSUPPORTED = "unsupported"
    THROTTLED = "throttled"
    MALFORMED = "malformed-answer"  # empty, truncated or garbled, or without what it must carry
    TIMED_OUT = "timed-out"  # no answer within the reader's budget
    FAILED = "failed"

    def __init__(self, kind: str, operation: str, reason: str, region: str | None = None) -> None:
        self.kind = kind
        self.operation = operation
        self.reason = reason
        self.region = region
        where = f" in {region}" if region else ""
        super().__init__(f"{operation}{where}: {kind}: {reason}")


@dataclass(frozen=True)
class Result:
    """One verdict of one check on one resource."""

    status: Status
    resource_id: str  # the ARN where one exists
    message: str
    region: str = "global"
    resource_type: str | None = None  # defaults to the check's metadata.resource_type
    evidence: Mapping[str, Any] = field(default_factory=dict)


def passed(resource_id: str, message: str, *, region: str = "global", **evidence: Any) -> Result:
    return Result(Status.PASS, resource_id, message, region, evidence=evidence)


def failed(resource_id: str, message: str, *, region: str = "global", **evidence: Any) -> Result:
    return Result(Status.FAIL, resource_id, message, region, evidence=evidence)


def errored(resource_id: str, error: ReadError | str, *, region: str = "global", **evidence: Any) -> Result:
    reason = str(error)
    if isinstance(error, ReadError):
        evidence = {"error_kind": error.kind, "operation": error.operation, **evidence}
        region = error.region or region
    return Result(Status.ERROR, resource_id, f"could not read: {reason}", region, evidence=evidence)


def judge_resource(
    resource_id: str, region: str, judge: Callable[..., Result | Iterable[Result] | None], *args: Any
) -> Iterator[Result]:
    """The results of ``judge(*args)`` for one resource; a ReadError it raises is that resource's ERROR.

    ``judge`` returns one Result, several, or None (not judged). Results it yielded before the
    error are kept. Use it around every read made for one resource, so that a resource that cannot
    be read costs its own verdict only::

        for table in dynamodb.tables(ctx.reader):
            yield from judge_resource(table.arn, table.region, self._judge, ctx, table)
    """
    try:
        outcome = judge(*args)
        if isinstance(outcome, Result):
            yield outcome
        elif outcome is not None:
            yield from outcome
    except ReadError as error:
        yield errored(resource_id, error, region=region)


@dataclass(frozen=True)
class Expectations:
    """What the audited environment must meet; defaults to prod (the strictest)."""

    environment: str = "prod"
    public_routes: tuple[str, ...] = ("GET /health",)  # "METHOD /path" served without authorizer
    github_repository: str | None = None  # "owner/name" the CI role must be pinned to
    protected_branch: str = "main"

    @property
    def policy(self) -> EnvironmentPolicy:
        return ENVIRONMENT_POLICIES[self.environment]


@dataclass
class CheckContext:
    reader: Reader
    expectations: Expectations = field(default_factory=Expectations)
    now: dt.datetime = field(default_factory=lambda: dt.datetime.now(dt.UTC))


class Check:
    """Base class of a live check; subclasses set ``metadata`` and implement ``evaluate``."""

    id: ClassVar[str] = ""  # set by the registry from the module name
    metadata: ClassVar[CheckMetadata]
    # True when the check judges each region's resources on their own (no account-wide verdict):
    # the runner then runs it once per audited region, concurrently, on a region-scoped reader.
    regional: ClassVar[bool] = False

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        metadata = cls.__dict__.get("metadata")
        if metadata is not None and not metadata.permissions:
            cls.metadata = replace(metadata, permissions=DerivedPermissions(cls.__module__))

    def evaluate(self, ctx: CheckContext) -> Iterable[Result]:
        raise NotImplementedError


def execute(check: Check, ctx: CheckContext) -> list[Result]:
    """Runs one check; a ReadError it lets escape, or a bug, becomes an ERROR result.

    A regional check on several regions runs once per region (the runner gives each region its
    own unit instead, to run them concurrently). Results yielded before an error are kept.
    A check that judged nothing (no resource in scope) returns no result: the runner reports
    that as "no resources in scope", never as PASS of a resource.
    """
    if check.regional and len(ctx.reader.regions) > 1:
        return [
            result
            for region in ctx.reader.regions
            for result in execute(check, replace(ctx, reader=ctx.reader.scoped(region)))
        ]
    results: list[Result] = []
    try:
        for result in check.evaluate(ctx):
            results.append(result)
    except ReadError as error:
        results.append(errored(account_scope(ctx.reader.account_id_or_unknown()), error))
    except Exception as exc:
        frame = traceback.extract_tb(exc.__traceback__)[-1]
        where = f"{frame.filename.rsplit('/', 1)[-1]}:{frame.lineno}"
        results.append(
            Result(
                Status.ERROR,
                account_scope(ctx.reader.account_id_or_unknown()),
                f"the check failed: {type(exc).__name__}: {exc} ({where})",
                evidence={"error_kind": "check-bug"},
            )
        )
    return results


def account_scope(account_id: str) -> str:
    """The resource id of a finding about the account as a whole."""
    return f"arn:aws:::account/{account_id}"


def verdict(resource_id: str, judged: Verdict, *, region: str = "global", **context: Any) -> Result:
    """A rule's verdict (compliance_checks.rules) on one resource as a PASS or FAIL result."""
    make = passed if judged.compliant else failed
    return make(resource_id, judged.message, region=region, **context, **judged.evidence)


# Reads of one check's resources in flight at once: wall time tracks requests / concurrency, not
# requests x latency. A check runs up to ACCOUNT_READS_IN_FLIGHT threads over its resources (the
# runner's bound for its checks), and the account's reader lets that many reads be in flight at once
# over all of them (``Reader``'s slots, as many as its connection pool): two checks read 32 resources
# at once between them, and the one that runs longer reads 32 at once alone once the other is done.
# A map_each inside one resource's judgement reads PER_RESOURCE_WORKERS at once.
PER_RESOURCE_WORKERS = 8
ACCOUNT_READS_IN_FLIGHT = 32
_RESOURCE_WORKERS: contextvars.ContextVar[int | None] = contextvars.ContextVar("resource_workers", default=None)


def run_with_resource_workers(workers: int, fn: Callable[..., R], *args: Any) -> R:
    """``fn(*args)`` with ``workers`` as its ``map_each`` bound (in a copy of the caller's context)."""
    context = contextvars.copy_context()
    context.run(_RESOURCE_WORKERS.set, workers)
    return context.run(fn, *args)


def map_each(fn: Callable[[T], R], items: Iterable[T], *, workers: int | None = None) -> list[R]:
    """``[fn(item) for item in items]``, with at most ``workers`` calls at once (results in item order).

    Each call runs in a copy of the caller's context (``contextvars``), as it would have run in the
    caller; the reader's read-once memo is shared by the threads, so a read two items need is still
    made once. An exception from one call is raised once every call has ended.
    """
    listed = list(items)
    if len(listed) <= 1:
        return [fn(item) for item in listed]
    bound = min(workers or _RESOURCE_WORKERS.get() or PER_RESOURCE_WORKERS, len(listed))
    with ThreadPoolExecutor(max_workers=bound, thread_name_prefix="judge") as pool:
        futures = [pool.submit(_item_context().run, fn, item) for item in listed]
        return [future.result() for future in futures]


def _item_context() -> contextvars.Context:
    """The caller's context for one item, where a ``map_each`` inside reads PER_RESOURCE_WORKERS at once
    (a check's share is for its own resources, not multiplied by every one of them)."""
    context = contextvars.copy_context()
    context.run(_RESOURCE_WORKERS.set, None)
    return context


def judge_each(
    items: Iterable[Any],
    locate: Callable[[Any], tuple[str, str]],
    judge: Callable[[Any], Result | Iterable[Result] | None],
    *,
    workers: int | None = None,
) -> Iterator[Result]:
    """``judge(item)`` for every item, concurrently (``map_each``), results in item order.

    Each item is judged as ``judge_resource`` judges it: a ReadError is that item's ERROR
    (``locate(item)`` gives its resource id and region), and the others are judged.
    """

    def one(item: Any) -> list[Result]:
        resource_id, region = locate(item)
        return list(judge_resource(resource_id, region, judge, item))

    for results in map_each(one, items, workers=workers):
        yield from results
