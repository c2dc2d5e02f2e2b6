"""LP-BK-1: the backup plan keeps daily backups (prod 35 days, dev 7), monthly ones a year in prod,
and copies them to a second region in prod.

A rule is daily when its cron schedule runs every day (day-of-month and day-of-week * or ?), and
monthly when it runs on a fixed day of every month.

Scenarios:
- given a daily rule kept at least the minimum (+ a monthly rule kept 365 days and a copy action
  on the daily rule, in prod), then PASS
- given no daily rule, or one kept for less than the minimum, then FAIL
- given (prod) no monthly rule kept for a year, or a daily rule without a copy action, then FAIL
"""

import re

import lp_common as lp
from checkov.common.models.enums import CheckCategories, CheckResult

CRON = re.compile(r"^cron\((?P<fields>[^)]*)\)$")


def _cadence(schedule) -> str:
    match = CRON.match(str(schedule or "").strip())
    if not match:
        return "other"
    fields = match["fields"].split()
    if len(fields) != 6:
        return "other"
    _minute, _hour, day_of_month, month, day_of_week, _year = fields
    if day_of_month in ("*", "?") and day_of_week in ("*", "?"):
        return "daily"
    if day_of_month.isdigit() and month in ("*", "?"):
        return "monthly"
    return "other"


def _kept_days(rule) -> int:
    lifecycles = lp.blocks(rule, "lifecycle")
    days = lp.value(lifecycles[0], "delete_after") if lifecycles else None
    return int(days) if days is not None else 0


class BackupPlanRetention(lp.LeadpingCheck):
    def __init__(self) -> None:
        super().__init__(
            name="Backup plans keep daily and monthly backups as long as the environment requires, with a copy",
            id="LP_BACKUP_PLAN_RETENTION",
            categories=[CheckCategories.BACKUP_AND_RECOVERY],
            supported_resources=["aws_backup_plan"],
        )

    def evaluate(self, conf):
        environment, policy = self.context("environment", "policy")
        rules = lp.blocks(conf, "rule")
        daily = [r for r in rules if _cadence(lp.value(r, "schedule")) == "daily"]
        monthly = [r for r in rules if _cadence(lp.value(r, "schedule")) == "monthly"]
        daily_minimum = int(policy["daily_backup_retention_days"])
        kept = [r for r in daily if _kept_days(r) >= daily_minimum]
        if not kept:
            return CheckResult.FAILED, f"no daily rule keeps backups {daily_minimum} days ({environment})"
        monthly_minimum = policy.get("monthly_backup_retention_days")
        if monthly_minimum and not any(_kept_days(r) >= int(monthly_minimum) for r in monthly):
            return CheckResult.FAILED, f"no monthly rule keeps backups {monthly_minimum} days ({environment})"
        if policy.get("requires_backup_copy") and not any(lp.blocks(r, "copy_action") for r in kept):
            return CheckResult.FAILED, f"the daily rule copies no backup to a second region ({environment})"
        return CheckResult.PASSED, ""


check = BackupPlanRetention()
