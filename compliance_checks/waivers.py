"""Waivers: an accepted, justified and dated exception to a FAIL finding.

File format (YAML)::

    waivers:
      - check: s3_bucket_default_encryption_kms      # and/or control: LP-DR-1
        resource: arn:aws:s3:::legacy-exports         # exact ARN or id, or:
        # resource_pattern: "arn:aws:s3:::legacy-*"   # a glob (* and ?), written as a pattern on purpose
        justification: Read-only archive, migrated in Q3 (ticket SEC-142)
        owner: platform-team
        expires: 2026-09-30                           # the last day the waiver applies
        # Optional scope, each narrowing where the waiver applies:
        # account: "123456789012"                     # only findings of this account
        # region: eu-west-1                           # only findings in this region ("global" for IAM ...)
        # tags: {leadping:environment: dev}           # only resources with these tags (see below)

A waiver applies to FAIL findings only: an ERROR means the audit could not see, and no waiver makes
that acceptable. A matching finding becomes WAIVED with the justification. After ``expires`` the
waiver no longer applies: the finding stays FAIL, its message says the waiver expired, and the run
carries a note. A malformed file is refused whole, naming the entry and the field; the file is read
by the strict loader (``compliance_checks.strict_yaml``: UTF-8, each key once, no aliases or tags),
and ``expires`` must be a real calendar date written YYYY-MM-DD (``2026-02-30`` is refused).

``tags`` match the tags the check reported for the resource in its evidence (``evidence["tags"]``);
a finding whose check reported no tags is never matched by a tag-scoped waiver: it stays FAIL
rather than being waived on tags nobody read.
"""

from __future__ import annotations

import datetime as dt
import fnmatch
import re
from collections import defaultdict
from collections.abc import Collection, Iterable, Iterator, Sequence
from dataclasses import dataclass, replace
from functools import cached_property
from pathlib import Path
from typing import Any

from compliance_checks.core import Status
from compliance_checks.reports.model import Finding
from compliance_checks.strict_yaml import InputError, load_yaml_file, one_line, shown

_FIELDS = frozenset(
    {
        "control",
        "check",
        "resource",
        "resource_pattern",
        "justification",
        "owner",
        "expires",
        "account",
        "region",
        "tags",
    }
)
_ACCOUNT = re.compile(r"[0-9]{12}")
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_WILDCARDS = "*?["


class WaiverError(ValueError):
    """The waivers file is malformed; the message names the entry (index) and the field."""


@dataclass(frozen=True)
class Waiver:
    index: int
    justification: str
    expires: dt.date
    control_id: str | None = None
    check_id: str | None = None
    resource: str | None = None
    resource_pattern: str | None = None
    owner: str | None = None
    account: str | None = None
    region: str | None = None
    tags: tuple[tuple[str, str], ...] = ()

    def matches(self, finding: Finding) -> bool:
        if self.control_id is not None and finding.control_id != self.control_id:
            return False
        if self.check_id is not None and finding.check_id != self.check_id:
            return False
        if self.account is not None and finding.account_id != self.account:
            return False
        if self.region is not None and finding.region != self.region:
            return False
        if self.tags and not _has_tags(finding, self.tags):
            return False
        if self.resource is not None:
            return finding.resource_id == self.resource
        return self._pattern.fullmatch(finding.resource_id) is not None

    @cached_property
    def _pattern(self) -> re.Pattern[str]:
        # Compiled once per waiver: fnmatch's own cache holds 32,768 patterns, fewer than a big file.
        return re.compile(fnmatch.translate(self.resource_pattern or ""))

    @property
    def literal_prefix(self) -> str:
        """What every resource id this waiver can match starts with (its pattern up to a wildcard)."""
        if self.resource is not None:
            return self.resource
        pattern = self.resource_pattern or ""
        cut = min((i for i in (pattern.find(c) for c in _WILDCARDS) if i >= 0), default=len(pattern))
        return pattern[:cut]

    def expired(self, today: dt.date) -> bool:
        return today > self.expires

    def describe(self) -> str:
        target = " ".join(
            part
            for part in (
                f"control {self.control_id}" if self.control_id else "",
                f"check {self.check_id}" if self.check_id else "",
                f"resource {self.resource}" if self.resource else f"resources matching {self.resource_pattern}",
                f"account {self.account}" if self.account else "",
                f"region {self.region}" if self.region else "",
                "tags " + ", ".join(f"{k}={v}" for k, v in self.tags) if self.tags else "",
            )
            if part
        )
        return f"waiver #{self.index} ({target})"

    def to_dict(self) -> dict[str, Any]:
        return {
            "index": self.index,
            "control": self.control_id,
            "check": self.check_id,
            "resource": self.resource,
            "resource_pattern": self.resource_pattern,
            "justification": self.justification,
            "owner": self.owner,
            "expires": self.expires.isoformat(),
            **({"account": self.account} if self.account else {}),
            **({"region": self.region} if self.region else {}),
            **({"tags": dict(self.tags)} if self.tags else {}),
        }


def _has_tags(finding: Finding, wanted: tuple[tuple[str, str], ...]) -> bool:
    reported = finding.evidence.get("tags")
    if not isinstance(reported, dict):
        return False  # no tags read: a tag-scoped waiver cannot vouch for this resource
    return all(reported.get(key) == value for key, value in wanted)


def _tags(entry: dict[str, Any], where: str) -> tuple[tuple[str, str], ...]:
    value = entry.get("tags")
    if value is None:
        return ()
    if not isinstance(value, dict) or not value:
        raise WaiverError(f"{where}: field 'tags' must be a non-empty mapping of tag key to value, got {shown(value)}")
    pairs = []
    for key, text in value.items():
        if not isinstance(key, str) or not key.strip() or not isinstance(text, str):
            raise WaiverError(f"{where}: field 'tags': {shown(key)}: {shown(text)} is not a tag key and text value")
        pairs.append((key.strip(), text))
    return tuple(sorted(pairs))


def _string(entry: dict[str, Any], key: str, where: str, *, required: bool = False) -> str | None:
    value = entry.get(key)
    if value is None:
        if required:
            raise WaiverError(f"{where}: field '{key}' is required")
        return None
    if not isinstance(value, str) or not value.strip():
        raise WaiverError(f"{where}: field '{key}' must be a non-empty string, got {shown(value)}")
    return value.strip()


def _date(entry: dict[str, Any], where: str) -> dt.date:
    value = entry.get("expires")
    if value is None:
        raise WaiverError(f"{where}: field 'expires' is required (a date, YYYY-MM-DD)")
    if isinstance(value, dt.datetime):  # a document built in Python (the strict loader gives text)
        return value.date()
    if isinstance(value, dt.date):
        return value
    accepted = f"{where}: field 'expires' must be a date (YYYY-MM-DD), got {shown(value)}"
    # fromisoformat alone would also take "20260930" and week dates ("2026-W40-1").
    if not isinstance(value, str) or not _DATE.fullmatch(value):
        raise WaiverError(accepted)
    try:
        return dt.date.fromisoformat(value)
    except ValueError as exc:  # a day the calendar does not have (2026-02-30)
        raise WaiverError(f"{accepted}: {exc}") from None


def _waiver(entry: Any, index: int, known_controls: Collection[str], known_checks: Collection[str]) -> Waiver:
    where = f"waiver #{index}"
    if not isinstance(entry, dict):
        raise WaiverError(f"{where}: expected a mapping of fields, got {type(entry).__name__}")
    unknown = sorted(set(map(str, entry)) - _FIELDS)
    if unknown:
        raise WaiverError(f"{where}: unknown field {shown(unknown[0])} (accepted: {', '.join(sorted(_FIELDS))})")
    control = _string(entry, "control", where)
    check = _string(entry, "check", where)
    if control is None and check is None:
        raise WaiverError(f"{where}: field 'control' or 'check' is required (which finding it waives)")
    if control is not None and control not in known_controls:
        raise WaiverError(f"{where}: field 'control': unknown control id {shown(control)}")
    if check is not None and check not in known_checks:
        raise WaiverError(f"{where}: field 'check': unknown check id {shown(check)}")
    resource = _string(entry, "resource", where)
    pattern = _string(entry, "resource_pattern", where)
    if (resource is None) == (pattern is None):
        raise WaiverError(f"{where}: field 'resource' or 'resource_pattern' is required (exactly one of them)")
    if resource is not None and any(c in resource for c in _WILDCARDS):
        raise WaiverError(f"{where}: field 'resource' holds a wildcard; write it as 'resource_pattern'")
    account = _string(entry, "account", where)
    if account is not None and not _ACCOUNT.fullmatch(account):
        raise WaiverError(f"{where}: field 'account' must be a 12-digit AWS account id, got {shown(account)}")
    region = _string(entry, "region", where)
    if region is not None and not re.fullmatch(r"[a-z0-9-]+", region):
        raise WaiverError(f"{where}: field 'region' must be a region name (e.g. us-east-1) or 'global'")
    return Waiver(
        index=index,
        account=account,
        region=region,
        tags=_tags(entry, where),
        control_id=control,
        check_id=check,
        resource=resource,
        resource_pattern=pattern,
        justification=_string(entry, "justification", where, required=True) or "",
        owner=_string(entry, "owner", where),
        expires=_date(entry, where),
    )


def parse_waivers(document: Any, known_controls: Collection[str], known_checks: Collection[str]) -> list[Waiver]:
    """Waivers from a parsed YAML document: ``{waivers: [...]}`` or a bare list; indexes start at 0."""
    if document is None:
        return []
    entries = document.get("waivers") if isinstance(document, dict) else document
    if isinstance(document, dict) and set(document) - {"waivers"}:
        unknown = sorted(map(str, set(document) - {"waivers"}))
        raise WaiverError(f"unknown top-level key(s) {shown(unknown)}: expected 'waivers'")
    if entries is None:
        return []
    if not isinstance(entries, list):
        raise WaiverError("'waivers' must be a list of entries")
    # Sets: membership is asked once per entry, and a tuple would make a big file quadratic.
    controls, checks = frozenset(known_controls), frozenset(known_checks)
    return [_waiver(entry, i, controls, checks) for i, entry in enumerate(entries)]


def load_waivers(path: Path, known_controls: Collection[str], known_checks: Collection[str]) -> list[Waiver]:
    try:
        document = load_yaml_file(path)
    except InputError as exc:
        raise WaiverError(str(exc)) from None
    try:
        return parse_waivers(document, known_controls, known_checks)
    except WaiverError as exc:
        raise WaiverError(one_line(f"{path}: {exc}")) from None


class _WaiverIndex:
    """The waivers that can match a resource id, found without trying every waiver on every finding.

    Each waiver is filed under its literal prefix (the whole id of a ``resource`` waiver, a
    pattern's text up to its first wildcard): only waivers filed under a prefix of the finding's
    resource id can match it. Trying each of 50,000 waivers on each failing finding took minutes.
    """

    def __init__(self, waivers: Sequence[Waiver]) -> None:
        self._by_prefix: dict[str, list[Waiver]] = defaultdict(list)
        for waiver in waivers:
            self._by_prefix[waiver.literal_prefix].append(waiver)
        self._lengths = sorted({len(prefix) for prefix in self._by_prefix})

    def matching(self, finding: Finding) -> list[Waiver]:
        resource_id = finding.resource_id
        candidates = [
            waiver
            for length in self._lengths
            if length <= len(resource_id)
            for waiver in self._by_prefix.get(resource_id[:length], ())
        ]
        # In file order, as the file states them: the first active one applies.
        return sorted((w for w in candidates if w.matches(finding)), key=lambda w: w.index)


class WaiverApplication:
    """Waivers applied a finding at a time (an organization's findings are never all in memory at
    once); ``notes`` then says which waivers expired and which matched nothing."""

    def __init__(self, waivers: Sequence[Waiver], today: dt.date) -> None:
        self._waivers = waivers
        self._today = today
        self._index = _WaiverIndex(waivers)
        self._used: set[int] = set()
        self._expired_hits: set[int] = set()

    def apply(self, finding: Finding) -> Finding:
        if finding.status is not Status.FAIL:
            return finding
        matching = self._index.matching(finding)
        active = next((w for w in matching if not w.expired(self._today)), None)
        if active is not None:
            self._used.add(active.index)
            return replace(
                finding,
                status=Status.WAIVED,
                message=f"{finding.message} [waived until {active.expires.isoformat()}: {active.justification}]",
                waiver=active.to_dict(),
            )
        if matching:
            lapsed = matching[0]
            self._expired_hits.add(lapsed.index)
            return replace(
                finding,
                message=f"{finding.message} [{lapsed.describe()} expired on {lapsed.expires.isoformat()}; "
                "it no longer applies]",
                waiver={**lapsed.to_dict(), "expired": True},
            )
        return finding

    def apply_all(self, findings: Iterable[Finding]) -> Iterator[Finding]:
        return (self.apply(finding) for finding in findings)

    def notes(self) -> list[str]:
        """The run-level notes, once every finding has been applied: expired and unused waivers."""
        notes = []
        for waiver in self._waivers:
            if waiver.expired(self._today):
                hit = " and a FAIL finding it covered stays FAIL" if waiver.index in self._expired_hits else ""
                notes.append(f"{waiver.describe()} expired on {waiver.expires.isoformat()}{hit}; renew or remove it")
            elif waiver.index not in self._used:
                notes.append(f"{waiver.describe()} matched no failing finding; remove it if it is no longer needed")
        return notes


def apply_waivers(
    findings: Iterable[Finding], waivers: Sequence[Waiver], today: dt.date
) -> tuple[list[Finding], list[str]]:
    """Findings with waivers applied, and the run-level notes (expired and unused waivers)."""
    application = WaiverApplication(waivers, today)
    out = list(application.apply_all(findings))
    return out, application.notes()
