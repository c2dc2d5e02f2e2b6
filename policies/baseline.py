"""``leadping-gate --baseline PREVIOUS``: the gate's failures against a previous gate run.

A failure is followed from run to run by its identity (stack, check, Terraform plan address),
which is the SARIF fingerprint the gate writes (``partialFingerprints["leadpingFinding/v1"]``).
The baseline is a previous ``gate.sarif`` (the file CI keeps), or Checkov's own ``--create-baseline``
JSON (``{"failed_checks": [{"file": ..., "findings": [{"resource": ..., "check_ids": [...]}]}]}``),
whose resources are plan addresses. Each failure of this run is ``new`` or ``unchanged``; a baseline
failure that is gone is ``resolved``. A file that is neither is bad input (exit 2).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from compliance_checks.reports.scan_model import FINGERPRINT_KEY

if TYPE_CHECKING:
    from policies.gate import Finding


class GateBaselineError(ValueError):
    """The baseline file is missing or neither a gate SARIF nor a Checkov baseline."""


def identity(stack: str, check_id: str, address: str) -> str:
    return hashlib.sha256(f"{stack}|{check_id}|{address}".encode()).hexdigest()


def finding_identity(finding: Finding) -> str:
    """Stable across runs (the stack, check and plan address): the fingerprint and the baseline key."""
    return identity(finding.stack, finding.check_id, finding.address)


@dataclass(frozen=True)
class Comparison:
    previous: frozenset[str]  # the baseline's failure identities
    current: frozenset[str]  # this run's failure identities

    def state(self, identity_: str) -> str:
        return "unchanged" if identity_ in self.previous else "new"

    def summary(self) -> dict[str, int]:
        new = len(self.current - self.previous)
        return {"new": new, "unchanged": len(self.current) - new, "resolved": len(self.previous - self.current)}


def _sarif_identities(document: dict) -> set[str]:
    found = set()
    for run in document.get("runs") or []:
        for result in run.get("results") or []:
            fingerprint = (result.get("partialFingerprints") or {}).get(FINGERPRINT_KEY)
            if isinstance(fingerprint, str):
                found.add(fingerprint)
    return found


def _checkov_pairs(document: dict) -> set[tuple[str, str]]:
    pairs = set()
    for entry in document.get("failed_checks") or []:
        for finding in entry.get("findings") or []:
            for check_id in finding.get("check_ids") or []:
                pairs.add((str(check_id), str(finding.get("resource", ""))))
    return pairs


def load(path: Path) -> tuple[set[str], set[tuple[str, str]]]:
    """The baseline's failure identities (gate SARIF) and (check, address) pairs (Checkov baseline)."""
    try:
        document = json.loads(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise GateBaselineError(f"the baseline {path} does not exist") from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise GateBaselineError(f"the baseline {path} is not readable JSON: {exc}") from None
    if isinstance(document, dict) and isinstance(document.get("runs"), list):
        return _sarif_identities(document), set()
    if isinstance(document, dict) and isinstance(document.get("failed_checks"), list):
        return set(), _checkov_pairs(document)
    raise GateBaselineError(
        f"the baseline {path} is neither a gate SARIF (runs) nor a Checkov baseline (failed_checks)"
    )


def compare(failures: Iterable[Finding], path: Path) -> Comparison:
    identities, pairs = load(path)
    failures = list(failures)
    current = frozenset(finding_identity(f) for f in failures)
    # Checkov's baseline names check and address but not the stack: matched on those two alone.
    matched = frozenset(finding_identity(f) for f in failures if (f.check_id, f.address) in pairs)
    return Comparison(frozenset(identities) | matched, current)
