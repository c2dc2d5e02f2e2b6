"""Known gaps of a simulated account: what it cannot show, and how that may change a check's verdict.

A known gap never hides a verdict the check could make. It is one of two kinds:

- ``unsupported``: the simulation lacks an operation (moto does not implement it). It may replace
  only an ERROR result that this operation caused: the result's evidence names the operation
  (``operation``, as the reader reports it) and the error is ``unsupported``; when the gap names a
  region or a resource, only that region's or resource's result. The result stays ERROR, with the
  gap's reason ("cannot be asserted here") instead of the bare read failure. A PASS or a FAIL is
  never replaced.
- ``manual``: an act only a person can perform in a real account (assign the root user's MFA,
  confirm an e-mail subscription). It turns a FAIL into MANUAL, with the evidence a person must
  attach (``evidence_to_attach``) and the verdict without the gap (``status_without_gap``), only
  when the check's result says that this act is the only thing missing: its evidence carries
  ``awaiting_person`` (``AWAITING_PERSON``). Any other FAIL of that resource stays FAIL.

The in-process sandbox hands its known gaps to the runner directly. A served sandbox
(``python -m sandbox serve``) writes them to a JSON file and prints the audit command with
``--known-gaps FILE``, so that an audit through the server treats them the same way. The file::

    {"known_gaps": [{"check_id": "iam_root_mfa_enabled", "resource_id": "arn:aws:iam::123456789012:root",
                     "reason": "a person assigns the root user's MFA device", "operation": "iam:EnableMFADevice",
                     "kind": "manual", "region": null,
                     "evidence_to_attach": "the IAM credential report row of <root_account> with mfa_active true"}]}

``resource_id`` and ``region`` null mean every resource and every region of the check.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Protocol

from compliance_checks.core import ReadError, Result, Status
from compliance_checks.strict_yaml import InputError, load_json_file, shown

UNSUPPORTED = "unsupported"
MANUAL = "manual"
KINDS = (UNSUPPORTED, MANUAL)
# The evidence key a check sets on a FAIL when a person's act is the only thing missing.
AWAITING_PERSON = "awaiting_person"


class KnownGapsError(ValueError):
    """The file cannot be read or an entry is malformed (the message names the entry)."""


@dataclass(frozen=True)
class KnownGap:
    check_id: str
    resource_id: str | None
    reason: str
    operation: str = ""
    kind: str = UNSUPPORTED
    region: str | None = None
    evidence_to_attach: str = ""


FileKnownGap = KnownGap  # the name the audit CLI reads a file's gaps by


class GapLike(Protocol):
    check_id: str
    resource_id: str | None
    reason: str
    operation: str
    kind: str
    region: str | None
    evidence_to_attach: str


def _text(entry: dict[str, Any], key: str, where: str) -> str:
    """An optional text field: absent, null and "" all mean none."""
    value = entry.get(key) or ""
    if not isinstance(value, str):
        raise KnownGapsError(f"{where}: {key} must be a string or null")
    return " ".join(value.split())


def load_known_gaps(path: Path, check_ids: Collection[str]) -> list[KnownGap]:
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
        where = f"{where} ({check_id})"
        if resource_id is not None and (not isinstance(resource_id, str) or not resource_id):
            raise KnownGapsError(f"{where}: resource_id must be a resource id or null")
        if not isinstance(reason, str) or not reason.strip():
            raise KnownGapsError(f"{where}: needs the reason the check cannot be asserted")
        kind = entry.get("kind", UNSUPPORTED)
        if kind not in KINDS:
            raise KnownGapsError(f"{where}: kind must be one of {', '.join(KINDS)}, not {shown(kind)}")
        operation, region = _text(entry, "operation", where), _text(entry, "region", where)
        evidence = _text(entry, "evidence_to_attach", where)
        if kind == MANUAL and not evidence:
            raise KnownGapsError(f"{where}: a manual gap needs the evidence_to_attach a person provides")
        gaps.append(
            KnownGap(check_id, resource_id, " ".join(reason.split()), operation, kind, region or None, evidence)
        )
    return gaps


def known_gaps_document(gaps: Iterable[GapLike]) -> dict[str, list[dict[str, str | None]]]:
    """The file's content (also the sandbox report's ``known_gaps`` metadata)."""
    return {
        "known_gaps": [
            {
                "check_id": g.check_id,
                "resource_id": g.resource_id,
                "reason": g.reason,
                "operation": g.operation,
                "kind": g.kind,
                "region": g.region,
                "evidence_to_attach": g.evidence_to_attach,
            }
            for g in gaps
        ]
    }


# -- what a gap does to a check's results ----------------------------------------------------


def same_operation(named: str, read: str) -> bool:
    """``ec2:GetEbsDefaultKmsKeyId`` (a gap) and ``ec2:get_ebs_default_kms_key_id`` (a read) match."""

    def key(operation: str) -> tuple[str, str]:
        service, _, name = operation.partition(":")
        return service.strip().lower(), re.sub(r"[^a-z0-9]", "", name.lower())

    return bool(named) and key(named) == key(read)


def _in_scope(gap: GapLike, result: Result) -> bool:
    return gap.resource_id in (None, result.resource_id) and gap.region in (None, result.region)


def _caused(gap: GapLike, result: Result) -> bool:
    """An ERROR the missing operation caused: unsupported, and on that operation when the gap names one."""
    evidence = result.evidence
    if result.status is not Status.ERROR or evidence.get("error_kind") != ReadError.UNSUPPORTED:
        return False
    return not gap.operation or same_operation(gap.operation, str(evidence.get("operation", "")))


def _awaits_only_a_person(result: Result) -> bool:
    return result.status is Status.FAIL and bool(result.evidence.get(AWAITING_PERSON))


def apply_gap(result: Result, gaps: Sequence[GapLike]) -> Result:
    """``result`` as the first gap that applies to it leaves it (unchanged when none applies)."""
    for gap in gaps:
        if not _in_scope(gap, result):
            continue
        evidence = {**result.evidence, "known_gap": gap.reason, "status_without_gap": str(result.status)}
        if gap.kind == UNSUPPORTED and _caused(gap, result):
            return replace(result, message=f"cannot be asserted here: {gap.reason}", evidence=evidence)
        if gap.kind == MANUAL and _awaits_only_a_person(result):
            evidence["evidence_to_attach"] = gap.evidence_to_attach
            message = f"a person must act in the real account ({gap.reason}); attach: {gap.evidence_to_attach}"
            return replace(result, status=Status.MANUAL, message=message, evidence=evidence)
    return result


def as_known_gap(gap: Any) -> KnownGap:
    """Any gap-like object (the runner only requires check_id, resource_id and reason) as a known gap:
    without a kind it is ``unsupported``, so it can only explain an ERROR, never hide a verdict."""
    return KnownGap(
        gap.check_id,
        gap.resource_id,
        gap.reason,
        getattr(gap, "operation", "") or "",
        getattr(gap, "kind", UNSUPPORTED) or UNSUPPORTED,
        getattr(gap, "region", None) or None,
        getattr(gap, "evidence_to_attach", "") or "",
    )


def apply_known_gaps(check_id: str, results: Iterable[Result], gaps: Iterable[Any]) -> list[Result]:
    mine = [as_known_gap(g) for g in gaps if g.check_id == check_id]
    return [apply_gap(result, mine) for result in results]
