"""``merge DIR...``: the reports of ``audit --organization --shard I/N`` runs as one report.

A merged report is only as good as its shards: every shard must be of the same run (run id, N,
selection, catalog version, all recorded in its metadata by ``shards.run_identity``), every shard
1..N must be there exactly once, and no account may be in two shards (nor in a shard its id does
not hash to). Anything else is refused, never merged into a report that looks complete.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

from compliance_checks import shards
from compliance_checks.catalog import Control, load_catalog
from compliance_checks.core import Severity, Status
from compliance_checks.reports.model import Finding, Report, finding_order
from compliance_checks.reports.store import FindingStore
from compliance_checks.sources.config import merged_descriptions

REPORT_FILE = "audit.json"
# What must be equal in every shard of one run.
_SAME = ("id", "selection", "catalog")


class MergeError(ValueError):
    """The shards cannot be merged; the message says which and why."""


def load_shard(directory: Path) -> dict[str, Any]:
    path = directory / REPORT_FILE
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise MergeError(f"{path} does not exist (a shard writes it with --output-dir)") from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise MergeError(f"{path} is not a readable report: {exc}") from None
    metadata = document.get("metadata") if isinstance(document, dict) else None
    run = metadata.get("run") if isinstance(metadata, dict) else None
    if not isinstance(run, dict) or not isinstance(run.get("shard"), dict):
        raise MergeError(f"{path} is not the report of a shard (no metadata.run.shard: audit with --shard I/N)")
    _check_shape(path, metadata, run["shard"])
    _check_descriptions(path, document.get("checks"))
    return document


def _check_shape(path: Path, metadata: Mapping[str, Any], shard: Mapping[str, Any]) -> None:
    """What merging reads of a shard's metadata has the shape ``audit`` writes; else MergeError naming it."""

    def strings(value: Any) -> bool:
        return isinstance(value, list) and all(isinstance(item, str) for item in value)

    index, count = shard.get("index"), shard.get("count")
    if not all(isinstance(n, int) and not isinstance(n, bool) for n in (index, count)):
        raise MergeError(f"{path}: metadata.run.shard is not a shard I/N (index and count numbers)")
    for key in ("accounts", "controls", "regions"):
        if not strings(metadata.get(key) or []):
            raise MergeError(f"{path}: metadata.{key} is not a list of names")
    for key in ("check_seconds", "source", "organization"):
        if metadata.get(key) is not None and not isinstance(metadata[key], dict):
            raise MergeError(f"{path}: metadata.{key} is not an object")
    if not strings(metadata.get("notes") or []):
        raise MergeError(f"{path}: metadata.notes is not a list of texts")
    requests = metadata.get("requests", 0)
    if not isinstance(requests, int) or isinstance(requests, bool) or requests < 0:
        raise MergeError(f"{path}: metadata.requests is not a count of requests")
    for key in ("started", "finished"):
        try:
            aware = dt.datetime.fromisoformat(metadata[key]).tzinfo is not None
        except (KeyError, TypeError, ValueError):
            aware = False
        if not aware:
            raise MergeError(f"{path}: metadata.{key} is not a timestamp with its time zone (ISO 8601)")
    for check_id, seconds in (metadata.get("check_seconds") or {}).items():
        if not isinstance(seconds, int | float) or isinstance(seconds, bool):
            raise MergeError(f"{path}: metadata.check_seconds.{check_id} is not a number of seconds")
    members = (metadata.get("organization") or {}).get("members", 0)
    if not isinstance(members, int) or isinstance(members, bool):
        raise MergeError(f"{path}: metadata.organization.members is not a count of accounts")


# What a report says of each check it ran (``runner._assemble``), as the report writers read it.
_CHECK_TEXTS = ("title", "resource_type")
_CHECK_OPTIONAL_TEXTS = ("rationale", "remediation")


def _check_descriptions(path: Path, checks: Any) -> dict[str, dict[str, Any]]:
    """A shard's ``checks`` (check id -> title, severity, resource type, rationale, remediation and
    controls) when each has the shape ``audit`` writes; else MergeError naming the first that does not."""
    if checks is None:
        return {}
    if not isinstance(checks, dict):
        raise MergeError(f"{path}: checks is not an object of check descriptions")
    for check_id, info in checks.items():
        where = f"{path}: checks.{check_id}"
        if not isinstance(info, dict):
            raise MergeError(f"{where} is not a check description")
        for key in _CHECK_TEXTS:
            if not isinstance(info.get(key), str):
                raise MergeError(f"{where}.{key} is not a text")
        for key in _CHECK_OPTIONAL_TEXTS:
            if info.get(key) is not None and not isinstance(info[key], str):
                raise MergeError(f"{where}.{key} is not a text")
        if info.get("severity") not in tuple(str(s) for s in Severity):
            raise MergeError(f"{where}.severity is not one of {', '.join(str(s) for s in Severity)}")
        controls = info.get("controls")
        if not isinstance(controls, list) or not all(isinstance(c, str) for c in controls):
            raise MergeError(f"{where}.controls is not a list of control ids")
    return checks


def _check_set(documents: Sequence[tuple[Path, Mapping[str, Any]]]) -> int:
    """The shard count N, once the shards are proven to be one run's 1..N, each once, disjoint."""
    first_path, first = documents[0]
    first_run = first["metadata"]["run"]
    count = first_run["shard"]["count"]
    seen: dict[int, Path] = {}
    owner: dict[str, Path] = {}
    for path, document in documents:
        run = document["metadata"]["run"]
        for key in _SAME:
            if run.get(key) != first_run.get(key):
                raise MergeError(f"{path} is of another run than {first_path}: its {key} differs")
        index, n = run["shard"]["index"], run["shard"]["count"]
        if n != count:
            raise MergeError(f"{path} is shard {index}/{n}, {first_path} one of {count}")
        if index in seen:
            raise MergeError(f"shard {index}/{count} given twice: {seen[index]} and {path}")
        seen[index] = path
        for account in document["metadata"].get("accounts") or []:
            if account in owner:
                raise MergeError(f"account {account} is in two shards: {owner[account]} and {path}")
            if shards.shard_of(account, count) != index:
                raise MergeError(f"account {account} in {path} belongs to shard {shards.shard_of(account, count)}")
            owner[account] = path
    missing = sorted(set(range(1, count + 1)) - set(seen))
    if missing:
        raise MergeError(f"missing shard(s) {', '.join(f'{i}/{count}' for i in missing)}")
    return count


def _shard_findings(path: Path, document: Mapping[str, Any], manual: set[str]) -> Iterator[Finding]:
    """A shard's findings; a manual control's (no account, the same in each shard) only the first time
    ``manual`` (the identities seen so far) meets it. MergeError names a finding that is not one."""
    findings = document.get("findings")
    if not isinstance(findings, list):
        raise MergeError(f"{path / REPORT_FILE} has no list of findings")
    for position, data in enumerate(findings):
        try:
            finding = Finding.from_dict(data)
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            reason = f"it has no {exc.args[0]}" if isinstance(exc, KeyError) else str(exc)
            raise MergeError(f"{path / REPORT_FILE}: finding {position} is not a finding ({reason})") from None
        if finding.check_id is None and finding.status is Status.MANUAL:
            if finding.identity in manual:
                continue
            manual.add(finding.identity)
        yield finding


def _metadata(documents: Sequence[Mapping[str, Any]], count: int) -> dict[str, Any]:
    metas = [d["metadata"] for d in documents]
    ordered = sorted(metas, key=lambda m: m["run"]["shard"]["index"])
    merged = dict(ordered[0])
    accounts = [a for m in ordered for a in m.get("accounts") or []]
    timings: dict[str, float] = {}
    for meta in ordered:
        for check_id, seconds in (meta.get("check_seconds") or {}).items():
            timings[check_id] = round(timings.get(check_id, 0.0) + seconds, 3)
    merged.update(
        {
            "account": ",".join(accounts),
            "accounts": accounts,
            "regions": list(dict.fromkeys(r for m in ordered for r in m.get("regions") or [])),
            "started": min((m["started"] for m in ordered), key=dt.datetime.fromisoformat),
            "finished": max((m["finished"] for m in ordered), key=dt.datetime.fromisoformat),
            "requests": sum(m.get("requests", 0) for m in ordered),
            "check_seconds": timings,
            "notes": list(dict.fromkeys(n for m in ordered for n in m.get("notes") or [])),
            "run": {**ordered[0]["run"], "shard": None, "merged_shards": count},
            "merged": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        }
    )
    source = merged_descriptions([m["source"] for m in ordered if isinstance(m.get("source"), dict)])
    if source is not None:
        merged["source"] = source
    organization = [m.get("organization") for m in ordered if m.get("organization")]
    if organization:
        merged["organization"] = {**organization[0], "members": sum(o.get("members", 0) for o in organization)}
    return merged


def _controls(metadata: Mapping[str, Any]) -> tuple[Control, ...]:
    catalog = load_catalog()
    wanted = metadata.get("controls") or []
    unknown = [c for c in wanted if c not in catalog.control_ids]
    if unknown:
        raise MergeError(f"the shards audited controls this catalog does not have: {', '.join(unknown)}")
    return tuple(c for c in catalog.controls if c.id in wanted)


def _merged(headers: Sequence[tuple[Path, Mapping[str, Any]]], findings: FindingStore) -> Report:
    """The report of shards whose findings are in ``findings`` and the rest in ``headers``."""
    count = _check_set(headers)
    bodies = [d for _, d in headers]
    metadata = _metadata(bodies, count)
    controls = _controls(metadata)
    if findings.key != finding_order(controls):
        raise MergeError("the shards audited different controls")  # _check_set's selection check says so first
    checks: dict[str, Any] = {}
    for path, body in headers:
        checks.update(_check_descriptions(path, body.get("checks")))
    return Report(metadata=metadata, findings=findings, controls=controls, checks=checks)


def _order_of(document: Mapping[str, Any]) -> FindingStore:
    metadata = document.get("metadata") or {}
    return FindingStore(finding_order(_controls(metadata)))


def merge_documents(documents: Sequence[tuple[Path, Mapping[str, Any]]]) -> Report:
    if not documents:
        raise MergeError("no shard given")
    findings = _order_of(documents[0][1])
    manual: set[str] = set()
    for path, document in documents:
        findings.add(_shard_findings(path, document, manual))
    return _merged(documents, findings)


def merge_directories(directories: Sequence[Path]) -> Report:
    """One report of the shards written to ``directories``; MergeError when they are not one whole run.
    One shard's document is in memory at a time: its findings go to a store on disk, the rest is kept."""
    if not directories:
        raise MergeError("no shard given")
    headers: list[tuple[Path, Mapping[str, Any]]] = []
    findings: FindingStore | None = None
    manual: set[str] = set()
    for directory in directories:
        document = load_shard(directory)
        findings = findings if findings is not None else _order_of(document)
        findings.add(_shard_findings(directory, document, manual))
        headers.append((directory, {key: value for key, value in document.items() if key != "findings"}))
        del document
    assert findings is not None
    return _merged(headers, findings)
