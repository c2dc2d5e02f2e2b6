"""What makes the gate exit 1: ``--fail-on``, ``--soft-fail-on`` (Checkov's vocabulary) and ``--baseline``.

Each option takes check ids and/or one severity (CRITICAL, HIGH, MEDIUM, LOW, as Checkov names them):

- ``--fail-on X``: only failures of these checks, or of this severity and above, fail the gate;
- ``--soft-fail-on X``: failures of these checks, or of this severity and below, do not;
- ``--baseline PREVIOUS``: failures the previous run had do not (policies/baseline.py).

A failure whose severity is unknown (Checkov's records carry none offline) is never below a
threshold: it fails under ``--fail-on HIGH`` and is not softened by ``--soft-fail-on LOW``, so that
a missing severity cannot turn a run green. Every failure is still reported; only the exit code
changes. A render or configuration problem is exit 2 whatever these say.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from policies.baseline import Comparison, finding_identity
from policies.gate import Finding

SEVERITIES = ("CRITICAL", "HIGH", "MEDIUM", "LOW")


class FailRuleError(ValueError):
    """An option names more than one severity, or a severity Checkov does not have."""


@dataclass(frozen=True)
class Threshold:
    check_ids: frozenset[str] = frozenset()
    severity: str | None = None

    @classmethod
    def parse(cls, values: Sequence[str] | None, option: str) -> Threshold | None:
        if not values:
            return None
        parts = [p.strip() for value in values for p in value.split(",") if p.strip()]
        severities = [p.upper() for p in parts if p.upper() in SEVERITIES]
        if len(severities) > 1:
            raise FailRuleError(f"{option} takes one severity, not {', '.join(severities)}")
        ids = frozenset(p for p in parts if p.upper() not in SEVERITIES)
        if not parts:
            raise FailRuleError(f"{option} was given nothing; name check ids or a severity ({', '.join(SEVERITIES)})")
        return cls(ids, severities[0] if severities else None)

    def at_or_above(self, finding: Finding) -> bool:
        severity = finding.severity.upper()
        if finding.check_id in self.check_ids:
            return True
        if self.severity is None:
            return False
        return severity not in SEVERITIES or SEVERITIES.index(severity) <= SEVERITIES.index(self.severity)

    def at_or_below(self, finding: Finding) -> bool:
        severity = finding.severity.upper()
        if finding.check_id in self.check_ids:
            return True
        if self.severity is None or severity not in SEVERITIES:
            return False
        return SEVERITIES.index(severity) >= SEVERITIES.index(self.severity)


@dataclass(frozen=True)
class FailRules:
    fail_on: Threshold | None = None
    soft_fail_on: Threshold | None = None
    baseline: Comparison | None = None

    def fails(self, finding: Finding) -> bool:
        if self.fail_on is not None and not self.fail_on.at_or_above(finding):
            return False
        if self.soft_fail_on is not None and self.soft_fail_on.at_or_below(finding):
            return False
        return self.baseline is None or self.baseline.state(finding_identity(finding)) == "new"

    def failing(self, findings: Sequence[Finding]) -> list[Finding]:
        return [f for f in findings if self.fails(f)]
