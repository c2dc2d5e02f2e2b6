from __future__ import annotations

from compliance_checks.kit import (
    Check,
    CheckContext,
    CheckMetadata,
    ReadError,
    Severity,
    backup,
    errored,
    failed,
    passed,
    rules,
)


class BackupPlanRetention(Check):
    """Some backup plan meets the environment's backup policy (expectations.policy).

    The plan needs: a rule that runs every day whose recovery points are kept at least
    daily_backup_retention_days (35 in prod, 7 in dev); when monthly_backup_retention_days is set
    (365 in prod), a rule that runs every month kept at least that long; when requires_backup_copy
    (prod), a rule that copies to a vault in another region. A lifecycle without DeleteAfterDays keeps
    recovery points until deleted, which meets any minimum. Each plan is judged by the rule the gate
    applies to it (compliance_checks.rules.backup; evidence ``plans``: each plan's verdict by ARN).
    One result per audited region that has backup plans (plans only protect resources of their own
    region); with no plan in any audited region, one FAIL for the account.

    Scenarios:
    - given a plan with a daily rule kept 35 days, a monthly rule kept 365 days and a copy to another region, then PASS
    - given a plan whose daily rule is kept 7 days in prod, then FAIL
    - given a plan without a copy to another region in prod, then FAIL
    - given a plan whose only copy goes to a vault in the same region in prod, then FAIL
    - given a plan with a daily rule kept 7 days and no monthly rule or copy in dev, then PASS
    - given a weekly schedule kept 35 days as the only rule, then FAIL (no daily backups)
    - given no backup plan at all, then FAIL
    - given GetBackupPlan is denied, then ERROR for the region
    - given one plan that cannot be read and another that meets the policy, then PASS
    - given one plan that cannot be read and none that meets the policy, then ERROR
    - given ListBackupPlans failing in one of two regions, then ERROR there and the other region judged
    """

    metadata = CheckMetadata(
        title="A backup plan keeps daily and monthly backups long enough and copies them to another region",
        severity=Severity.HIGH,
        resource_type="AWS::Backup::BackupPlan",
        rationale="LP-BK-1: data can be recovered from daily backups over the retention window, from monthly "
        "backups for a year, and from another region if the primary region is lost.",
        remediation="Give the backup plan a daily rule with DeleteAfterDays >= the environment minimum, a monthly "
        "rule kept a year in prod, and a copy action to the DR region's vault (infra: the backup component).",
    )

    def evaluate(self, ctx: CheckContext):
        policy = ctx.expectations.policy
        required = rules.backup.Requirement.of(policy)
        account = ctx.reader.account_id_or_unknown()
        any_plan = False
        for region in ctx.reader.regions:
            scope = f"arn:{ctx.reader.partition()}:backup:{region}:{account}:backup-plans"
            try:
                listed = backup.plans(ctx.reader, region)
            except ReadError as error:
                yield errored(scope, error, region=region)
                any_plan = True  # unknown: do not also claim there is no plan
                continue
            if not listed:
                continue
            any_plan = True
            shortfalls: dict[str, list[str]] = {}
            judged: dict[str, bool] = {}  # each plan's verdict, by ARN
            unread: list[ReadError] = []
            for plan in listed:
                try:
                    plan_rules = backup.plan_rules(ctx.reader, region, plan["BackupPlanId"])
                except ReadError as error:
                    unread.append(error)  # one compliant plan is enough: the others may still show one
                    continue
                model = rules.backup.BackupPlan.from_aws(plan, plan_rules, region)
                verdict = rules.backup.plan_retention(model, required)
                shortfalls[model.name] = verdict.evidence["shortfalls"]
                judged[plan.get("BackupPlanArn", plan["BackupPlanId"])] = verdict.compliant
            compliant = [name for name, gaps in shortfalls.items() if not gaps]
            if compliant:
                yield passed(
                    scope,
                    f"plan {compliant[0]} meets the {ctx.expectations.environment} backup policy",
                    region=region,
                    compliant_plans=compliant,
                    plans=judged,
                )
            elif unread:
                yield errored(scope, unread[0], region=region, shortfalls=shortfalls, plans=judged)
            else:
                summary = "; ".join(f"{name}: {', '.join(gaps)}" for name, gaps in shortfalls.items())
                yield failed(
                    scope,
                    f"no plan meets the {ctx.expectations.environment} backup policy ({summary})",
                    region=region,
                    shortfalls=shortfalls,
                    plans=judged,
                )
        if not any_plan:
            home = ctx.reader.home_region
            yield failed(
                f"arn:{ctx.reader.partition()}:backup:{home}:{account}:backup-plans",
                f"no backup plan in any audited region ({', '.join(ctx.reader.regions)})",
                region=home,
            )
