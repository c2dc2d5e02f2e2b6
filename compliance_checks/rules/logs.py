"""LP-LOG-2: a CloudWatch log group keeps its events at least the environment's minimum.

"Never expire" is settled here, once, in CONTROLS.md's sense (the evidence must survive for review
and investigation): a group that never expires its events keeps them longer than any minimum and
is compliant, in the gate (Terraform's ``retention_in_days`` unset or 0) as in the audit
(DescribeLogGroups without ``retentionInDays``). AWS Config's cw-loggroup-retention-period-check
(FSBP CloudWatch.16) judges it the same way.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from compliance_checks.rules import Verdict, comply, violate
from compliance_checks.rules.plan import integer, value


@dataclass(frozen=True)
class LogGroup:
    retention_days: int | None  # None: events never expire
    kms_key_arn: str | None = None

    @classmethod
    def from_plan(cls, conf: dict[str, Any]) -> LogGroup:
        days = integer(value(conf, "retention_in_days"))
        return cls(days or None, value(conf, "kms_key_id"))

    @classmethod
    def from_aws(cls, group: dict[str, Any]) -> LogGroup:
        days = group.get("retentionInDays")
        return cls(int(days) if days is not None else None, group.get("kmsKeyId"))


def retention(group: LogGroup, minimum_days: int) -> Verdict:
    days = group.retention_days
    evidence = {"retention_days": days, "minimum_days": minimum_days}
    if days is None:
        return comply("never expires events", **evidence)
    if days >= minimum_days:
        return comply(f"retained {days} days (minimum {minimum_days})", **evidence)
    return violate(f"retained only {days} days; the minimum is {minimum_days}", **evidence)
