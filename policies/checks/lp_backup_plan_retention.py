"""LP-BK-1: the backup plan keeps daily backups (prod 35 days, dev 7), monthly ones a year in prod,
and copies them to a second region in prod.

The rule is compliance_checks.rules.backup.plan_retention, the live check's: a rule is daily when its
cron schedule runs on every day, monthly when it runs in every month; a lifecycle without
delete_after keeps backups until deleted (meets any minimum); a copy action of any rule counts
unless its destination vault is known to be in the plan's own region.

Scenarios:
- given a daily rule kept at least the minimum (+ a monthly rule kept 365 days and a copy action,
  in prod), then PASS
- given a rule every four hours without delete_after (kept until deleted), then PASS (dev)
- given no daily rule, or one kept for less than the minimum, then FAIL
- given (prod) no monthly rule kept for a year, or no copy action, then FAIL
- given a plan without the stack context, then FAIL (fail closed)
"""

from lp_common import CheckCategories, LeadpingCheck, rules


class BackupPlanRetention(LeadpingCheck):
    def __init__(self) -> None:
        super().__init__(
            name="Backup plans keep daily and monthly backups as long as the environment requires, with a copy",
            id="LP_BACKUP_PLAN_RETENTION",
            categories=[CheckCategories.BACKUP_AND_RECOVERY],
            supported_resources=["aws_backup_plan"],
        )

    def evaluate(self, conf):
        (policy,) = self.context("policy")
        plan = rules.backup.BackupPlan.from_plan(conf)
        return rules.backup.plan_retention(plan, rules.backup.Requirement.of(policy))


check = BackupPlanRetention()
