"""Known gaps read from a file: what a simulated account cannot show, for an audit pointed at it.

The in-process sandbox hands its known gaps to the runner directly. A served sandbox
(``python -m sandbox serve``) writes them to a JSON file and prints the audit command with
``--known-gaps FILE``, so that an audit through the server reports the same ERRORs, with the same
reasons, instead of verdicts the simulation cannot vouch for. The file::

    {"known_gaps": [{"check_id": "iam_root_mfa_enabled", "resource_id": null,
                     "reason": "moto cannot enable MFA on the root user", "operation": ""}]}

``resource_id`` null means every result of the check.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from compliance_checks.strict_yaml import InputError, load_json_file, shown


class KnownGapsError(ValueError):
    """The file cannot be read or an entry is malformed (the message names the entry)."""


@dataclass(frozen=True)
class FileKnownGap:
    check_id: str
    resource_id: str | None
    reason: str
    operation: str = ""


def load_known_gaps(path: Path, check_ids: Collection[str]) -> list[FileKnownGap]:
    try:
        document = load_json_file(Path(path))
    except InputError as exc:
        raise KnownGapsError(str(exc)) from None
    entries = document.get("known_gaps") if isinstance(document, dict) else None
    if not isinstance(entries, list):
        raise KnownGapsError(f"{path}: expected an object with a 'known_gaps' list")
    gaps = []
    for index, entry in enumerate(entries, start=1):
        where = f"{path}: entry {index}"
        if not isinstance(entry, dict):
            raise KnownGapsError(f"{where} is not an object")
        check_id, resource_id, reason = entry.get("check_id"), entry.get("resource_id"), entry.get("reason")
        if not isinstance(check_id, str) or check_id not in check_ids:
            raise KnownGapsError(f"{where}: unknown check_id {shown(check_id)}")
        if resource_id is not None and (not isinstance(resource_id, str) or not resource_id):
            raise KnownGapsError(f"{where} ({check_id}): resource_id must be a resource id or null")
        if not isinstance(reason, str) or not reason.strip():
            raise KnownGapsError(f"{where} ({check_id}): needs the reason the check cannot be asserted")
        operation = entry.get("operation") or ""
        gaps.append(FileKnownGap(check_id, resource_id, " ".join(reason.split()), str(operation)))
    return gaps


class GapLike(Protocol):
    check_id: str
    resource_id: str | None
    reason: str
    operation: str


def known_gaps_document(gaps: Iterable[GapLike]) -> dict[str, list[dict[str, str | None]]]:
    """The file's content (also the sandbox report's ``known_gaps`` metadata)."""
    return {
        "known_gaps": [
            {"check_id": g.check_id, "resource_id": g.resource_id, "reason": g.reason, "operation": g.operation}
            for g in gaps
        ]
    }
