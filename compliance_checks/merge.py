"""``merge DIR...``: the reports of ``audit --organization --shard I/N`` runs as one report.

A merged report is only as good as its shards: every shard must be of the same run (run id, N,
selection, catalog version, all recorded in its metadata by ``shards.run_identity``), every shard
1..N must be there exactly once, and no account may be in two shards (nor in a shard its id does
not hash to). Anything else is refused, never merged into a report that looks complete.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from compliance_checks import shards
from compliance_checks.catalog import load_catalog
from compliance_checks.core import Status
from compliance_checks.reports.model import Finding, Report
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
    run = (document.get("metadata") or {}).get("run") if isinstance(document, dict) else None
    if not isinstance(run, dict) or not isinstance(run.get("shard"), dict):
        raise MergeError(f"{path} is not the report of a shard (no metadata.run.shard: audit with --shard I/N)")
    return document


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


def _findings(documents: Iterable[Mapping[str, Any]]) -> list[Finding]:
    """Every shard's findings; the manual controls' (no account, the same in each shard) once."""
    findings: list[Finding] = []
    manual: set[str] = set()
    for document in documents:
        for data in document.get("findings") or []:
            finding = Finding.from_dict(data)
            if finding.check_id is None and finding.status is Status.MANUAL:
                if finding.identity in manual:
                    continue
                manual.add(finding.identity)
            findings.append(finding)
    return findings


def _metadata(documents: Sequence[Mapping[str, Any]], count: int) -> dict[str, Any]:
    metas = [d["metadata"] for d in documents]
    ordered = sorted(metas, key=lambda m: m["run"]["shard"]["index"])
    merged = dict(ordered[0])
    accounts = [a for m in ordered for a in m.get("accounts") or []]
    timings: dict[str, float] = {}
    for meta in ordered:
        for check_id, seconds in (meta.get("check_seconds") or {}).items():
            timings[check_id] = round(timings.get(check_id, 0.0) + float(seconds), 3)
    merged.update(
        {
            "account": ",".join(accounts),
            "accounts": accounts,
            "regions": list(dict.fromkeys(r for m in ordered for r in m.get("regions") or [])),
            "started": min(str(m.get("started", "")) for m in ordered),
            "finished": max(str(m.get("finished", "")) for m in ordered),
            "requests": sum(int(m.get("requests") or 0) for m in ordered),
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
        merged["organization"] = {**organization[0], "members": sum(int(o.get("members", 0)) for o in organization)}
    return merged


def merge_documents(documents: Sequence[tuple[Path, Mapping[str, Any]]]) -> Report:
    if not documents:
        raise MergeError("no shard given")
    count = _check_set(documents)
    bodies = [d for _, d in documents]
    metadata = _metadata(bodies, count)
    catalog = load_catalog()
    wanted = metadata.get("controls") or []
    unknown = [c for c in wanted if c not in catalog.control_ids]
    if unknown:
        raise MergeError(f"the shards audited controls this catalog does not have: {', '.join(unknown)}")
    checks: dict[str, Any] = {}
    for body in bodies:
        checks.update(body.get("checks") or {})
    controls = tuple(c for c in catalog.controls if c.id in wanted)
    return Report(metadata=metadata, findings=_findings(bodies), controls=controls, checks=checks)


def merge_directories(directories: Sequence[Path]) -> Report:
    """One report of the shards written to ``directories``; MergeError when they are not one whole run."""
    return merge_documents([(d, load_shard(d)) for d in directories])
