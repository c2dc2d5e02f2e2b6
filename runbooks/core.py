"""The contract every runbook action follows, and the small helpers they share.

An action is a class in ``runbooks/actions/<name>.py``. ``plan()`` only reads: it resolves the
target, refuses bad input with ``InputError`` (nothing has changed at that point) and returns a
``Plan``: the state now, the changes it would make (none means the work is already done) and
what ``apply()`` needs. ``apply(plan)`` makes exactly those changes, reads the state back and
returns an ``Outcome``. The CLI runs the plan, prints it, and only with ``--apply`` calls
``apply`` and writes the audit record; an action never prints and never writes the log itself.
"""

from __future__ import annotations

import abc
import argparse
import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar

if TYPE_CHECKING:
    from runbooks.aws import Aws


class InputError(Exception):
    """The request cannot be carried out as given (unknown target, bad value, unsafe request).

    Raised before any change, so the CLI can promise "nothing was changed" and exit 2.
    """


class ActionFailed(Exception):
    """An AWS call failed or a wait timed out while applying; the state may be partial."""


@dataclass(frozen=True)
class Verification:
    """One thing checked after applying; ``ok`` None means the endpoint did not report it."""

    name: str
    ok: bool | None
    detail: str


@dataclass
class Plan:
    target: str  # one line naming what the action works on
    before: dict[str, Any]  # the state read now: JSON-ready, never a secret value
    changes: list[str]  # what --apply will do, in order; empty when the work is already done
    noop_reason: str = ""  # why nothing needs doing, shown and logged when changes is empty
    notes: list[str] = field(default_factory=list)  # what the on-call engineer should know
    data: dict[str, Any] = field(default_factory=dict)  # what apply() needs; not shown, not logged
    # Checks a no-op plan ran on the existing state (e.g. a restore done by an earlier run).
    verifications: list[Verification] = field(default_factory=list)

    @property
    def is_noop(self) -> bool:
        return not self.changes

    @property
    def verified(self) -> bool:
        return all(v.ok is not False for v in self.verifications)


@dataclass
class Outcome:
    after: dict[str, Any]  # the state read back after applying: JSON-ready, never a secret value
    summary: list[str] = field(default_factory=list)  # lines for the engineer
    verifications: list[Verification] = field(default_factory=list)

    @property
    def verified(self) -> bool:
        return all(v.ok is not False for v in self.verifications)


class Action(abc.ABC):
    """Base class: subclasses set the class attributes and implement the three methods."""

    name: ClassVar[str]  # the CLI subcommand
    summary: ClassVar[str]  # one line for `--help`
    description: ClassVar[str]  # the subcommand's help text
    controls: ClassVar[tuple[str, ...]]  # the CONTROLS.md ids this action serves
    # IAM actions the caller needs (sts:GetCallerIdentity needs none); the responder policy is built from these.
    permissions: ClassVar[tuple[str, ...]]

    def __init__(self, args: argparse.Namespace, aws: Aws) -> None:
        self.args = args
        self.aws = aws

    @classmethod
    @abc.abstractmethod
    def add_arguments(cls, parser: argparse.ArgumentParser) -> None: ...

    @abc.abstractmethod
    def plan(self) -> Plan: ...

    @abc.abstractmethod
    def apply(self, plan: Plan) -> Outcome: ...


# --- time -----------------------------------------------------------------------------------

_RELATIVE = re.compile(r"^(\d+)([mhd])$")
_UNITS = {"m": "minutes", "h": "hours", "d": "days"}


def utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def iso(moment: dt.datetime) -> str:
    """UTC ISO-8601 with a Z, to the second: the form IAM conditions and our records use."""
    return moment.astimezone(dt.UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def parse_time(text: str, *, now: dt.datetime | None = None) -> dt.datetime:
    """``now``, a duration ago (``90m``, ``24h``, ``7d``) or ISO-8601 with a zone (``...Z``)."""
    now = now or utc_now()
    value = text.strip()
    if value.lower() == "now":
        return now
    relative = _RELATIVE.match(value)
    if relative:
        return now - dt.timedelta(**{_UNITS[relative.group(2)]: int(relative.group(1))})
    try:
        moment = dt.datetime.fromisoformat(value.replace("Z", "+00:00").replace("z", "+00:00"))
    except ValueError:
        raise ValueError(
            f"{text!r} is not a time: use 'now', a duration ago like 90m, 24h or 7d, "
            "or ISO-8601 with a zone like 2026-06-26T14:05:00Z"
        ) from None
    if moment.tzinfo is None:
        raise ValueError(f"{text!r} has no time zone: add Z for UTC (2026-06-26T14:05:00Z) or an offset")
    return moment.astimezone(dt.UTC)


def time_argument(text: str) -> dt.datetime:
    """argparse ``type=`` for a time, so a bad value is a usage error before anything runs."""
    try:
        return parse_time(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


def positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"{text!r} must be at least 1")
    return value


def non_negative_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"{text!r} must not be negative")
    return value


def incident_id(text: str) -> str:
    """argparse ``type=`` for ``--incident``: the id of the incident or ticket an action belongs to."""
    value = text.strip()
    if not value or len(value) > 128 or not value.isprintable():
        raise argparse.ArgumentTypeError(
            "the incident id must be 1 to 128 printable characters (for example IR-2026-014)"
        )
    return value


def jsonable(value: Any) -> Any:
    """Datetimes as UTC ISO-8601 strings, recursively, so states can be logged and compared."""
    if isinstance(value, dt.datetime):
        return iso(value) if value.tzinfo else value.isoformat()
    if isinstance(value, Mapping):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        items = [jsonable(v) for v in value]
        return sorted(items, key=str) if isinstance(value, set | frozenset) else items
    return value
