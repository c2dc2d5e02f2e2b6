"""LP-BK-1: a backup plan keeps daily backups at least the environment's minimum (prod 35 days, dev 7),
monthly ones at least a year in prod, and copies them to a second region in prod.

Settled here, once, for the gate (``aws_backup_plan``) and the audit (GetBackupPlan):

- A rule is daily when its cron schedule runs on every day (once or more: ``cron(0 5 ? * * *)``,
  ``cron(0 */4 * * ? *)``), and monthly when it runs in every month (``cron(0 5 1 * ? *)``,
  ``cron(0 5 ? * 1#1 *)``; a daily rule runs in every month too). A weekday-only, weekly or quarterly
  schedule, or a ``rate(...)``, is neither. Five- and six-field AWS cron expressions are read.
- A lifecycle without ``delete_after`` (``DeleteAfterDays``) keeps recovery points until they are
  deleted by hand, which meets any minimum: CONTROLS.md asks that backups be kept that long.
- The copy is a copy action of any rule whose destination vault is in another region than the plan.
  A plan does not know its own region, nor a destination vault created in the same deployment (its
  ARN is another resource's output): the gate then counts the copy action, and the audit, which
  reads both, judges the region.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from compliance_checks.rules import Verdict, comply, violate
from compliance_checks.rules.plan import blocks, value

FOREVER = float("inf")
_EVERY = ("*", "?", "*/1")


def _cron_fields(expression: str | None) -> list[str] | None:
    match = re.fullmatch(r"\s*cron\((.*)\)\s*", expression or "")
    if not match:
        return None
    fields = match.group(1).split()
    return fields if len(fields) in (5, 6) else None


def runs_every_day(expression: str | None) -> bool:
    """True when a cron schedule runs on every day (once or more), e.g. cron(0 5 * * ? *)."""
    fields = _cron_fields(expression)
    if fields is None:
        return False
    day_of_month, month, day_of_week = fields[2], fields[3], fields[4]
    year = fields[5] if len(fields) == 6 else "*"
    return (
        day_of_month in (*_EVERY, "1-31", "1/1")
        and month.upper() in (*_EVERY, "1-12", "JAN-DEC")
        and day_of_week.upper() in (*_EVERY, "1-7", "SUN-SAT")
        and year in _EVERY
    )


def runs_every_month(expression: str | None) -> bool:
    """True when a cron schedule runs in every month (once or more), e.g. cron(0 5 1 * ? *)."""
    fields = _cron_fields(expression)
    if fields is None:
        return False
    month = fields[3]
    year = fields[5] if len(fields) == 6 else "*"
    return month.upper() in (*_EVERY, "1-12", "JAN-DEC") and year in _EVERY


def region_of(arn: str) -> str:
    """The region of an ARN; "" when it is not an ARN or names none."""
    parts = arn.split(":")
    return parts[3] if arn.startswith("arn:") and len(parts) > 3 else ""


def _kept(days: Any) -> float:
    """Days a recovery point is kept: FOREVER without an expiry; a malformed value raises (fail closed)."""
    return FOREVER if days is None else float(int(days))


@dataclass(frozen=True)
class Rule:
    schedule: str | None
    kept_days: float  # FOREVER: kept until deleted by hand
    # Each copy action's destination region: "" when it names no region, None when the plan
    # cannot know it (the destination vault is created in the same deployment).
    copy_regions: tuple[str | None, ...] = ()

    @classmethod
    def from_plan(cls, rule: dict[str, Any]) -> Rule:
        lifecycle = (blocks(rule, "lifecycle") or [{}])[0]
        regions = []
        for copy in blocks(rule, "copy_action"):
            destination = value(copy, "destination_vault_arn")
            known = isinstance(destination, str) and destination.startswith("arn:")
            regions.append(region_of(destination) if known else None)
        return cls(value(rule, "schedule"), _kept(value(lifecycle, "delete_after")), tuple(regions))

    @classmethod
    def from_aws(cls, rule: Mapping[str, Any]) -> Rule:
        return cls(
            rule.get("ScheduleExpression"),
            _kept((rule.get("Lifecycle") or {}).get("DeleteAfterDays")),
            tuple(region_of(str(c.get("DestinationBackupVaultArn") or "")) for c in rule.get("CopyActions") or []),
        )


@dataclass(frozen=True)
class BackupPlan:
    name: str
    rules: tuple[Rule, ...]
    region: str | None = None  # None: not known to the plan

    @property
    def label(self) -> str:
        """How a verdict names the plan (a name Pulumi generates is not known before the apply)."""
        return f"plan {self.name}" if self.name else "the plan"

    @classmethod
    def from_plan(cls, conf: dict[str, Any]) -> BackupPlan:
        return cls(str(value(conf, "name") or ""), tuple(Rule.from_plan(r) for r in blocks(conf, "rule")))

    @classmethod
    def from_aws(cls, plan: Mapping[str, Any], rules: list[Mapping[str, Any]], region: str) -> BackupPlan:
        """``plan``: a ListBackupPlans entry; ``rules``: the Rules of its GetBackupPlan."""
        name = str(plan.get("BackupPlanName") or plan.get("BackupPlanId") or "")
        return cls(name, tuple(Rule.from_aws(r) for r in rules), region)


def _days(days: float) -> str:
    return "forever" if days == FOREVER else f"{int(days)} days"


def _another_region(destination: str | None, home: str | None) -> bool:
    if destination == "":
        return False
    return destination is None or home is None or destination != home


@dataclass(frozen=True)
class Requirement:
    """What the environment asks of a plan (conventions.EnvironmentPolicy's backup fields)."""

    daily_days: int
    monthly_days: int | None = None  # None: no monthly rule required
    copy: bool = False

    @classmethod
    def of(cls, policy: Any) -> Requirement:
        """From an EnvironmentPolicy, or the plan context's copy of it (a mapping)."""
        get = policy.get if isinstance(policy, Mapping) else lambda key: getattr(policy, key)
        daily, monthly = get("daily_backup_retention_days"), get("monthly_backup_retention_days")
        return cls(int(daily), int(monthly) if monthly else None, bool(get("requires_backup_copy")))


def plan_retention(plan: BackupPlan, required: Requirement) -> Verdict:
    daily_days, monthly_days = required.daily_days, required.monthly_days
    gaps = []
    daily = [r.kept_days for r in plan.rules if runs_every_day(r.schedule)]
    if not daily:
        gaps.append("no daily rule")
    elif max(daily) < daily_days:
        gaps.append(f"daily backups kept {_days(max(daily))} < {daily_days}")
    if monthly_days:
        monthly = [r.kept_days for r in plan.rules if runs_every_month(r.schedule)]
        if not monthly or max(monthly) < monthly_days:
            kept = f"kept {_days(max(monthly))}" if monthly else "none"
            gaps.append(f"monthly backups {kept} < {monthly_days}")
    if required.copy and not any(_another_region(d, plan.region) for r in plan.rules for d in r.copy_regions):
        gaps.append("no copy to another region")
    evidence = {"shortfalls": gaps, "daily_days": daily_days, "monthly_days": monthly_days, "copy": required.copy}
    if gaps:
        return violate(f"{plan.label}: {', '.join(gaps)}", **evidence)
    return comply(f"{plan.label} keeps daily backups {_days(max(daily))}", **evidence)
