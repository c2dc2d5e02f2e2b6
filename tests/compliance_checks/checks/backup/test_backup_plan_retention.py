"""Scenarios of backup_plan_retention (LP-BK-1)."""

from __future__ import annotations

from compliance_checks.core import Status
from compliance_checks.reader import Reader
from compliance_checks.rules.backup import runs_every_day, runs_every_month
from tests.compliance_checks.checks.backup.helpers import plan, rule, vault_arn
from tests.compliance_checks.conftest import ACCOUNT_ID, REGION, by_resource, deny_operation, run_check

CHECK = "backup_plan_retention"
SCOPE = f"arn:aws:backup:{REGION}:{ACCOUNT_ID}:backup-plans"
DAILY = "cron(0 5 * * ? *)"
MONTHLY = "cron(0 5 1 * ? *)"
WEEKLY = "cron(0 5 ? * SUN *)"


def _prod_plan(name: str = "leadping", daily_days: int = 35, copy_to: str | None = vault_arn("us-west-2")) -> str:
    return plan(name, rule("daily", DAILY, daily_days, copy_to), rule("monthly", MONTHLY, 365))


def test_given_a_plan_meeting_the_prod_policy_then_pass(reader):
    _prod_plan()
    result = by_resource(run_check(CHECK, reader))[SCOPE]
    assert result.status is Status.PASS
    assert result.evidence["compliant_plans"] == ["leadping"]


def test_given_daily_backups_kept_7_days_in_prod_then_fail(reader):
    _prod_plan(daily_days=7)
    result = by_resource(run_check(CHECK, reader))[SCOPE]
    assert result.status is Status.FAIL
    assert result.evidence["shortfalls"] == {"leadping": ["daily backups kept 7 days < 35"]}


def test_given_no_copy_to_another_region_in_prod_then_fail(reader):
    _prod_plan(copy_to=None)
    result = by_resource(run_check(CHECK, reader))[SCOPE]
    assert result.status is Status.FAIL
    assert "no copy to another region" in result.message


def test_given_a_copy_to_a_vault_in_the_same_region_then_fail(reader):
    _prod_plan(copy_to=vault_arn(REGION))
    assert by_resource(run_check(CHECK, reader))[SCOPE].status is Status.FAIL


def test_given_no_monthly_rule_in_prod_then_fail(reader):
    plan("leadping", rule("daily", DAILY, 35, vault_arn("us-west-2")))
    result = by_resource(run_check(CHECK, reader))[SCOPE]
    assert result.status is Status.FAIL
    assert "monthly backups kept 35 days < 365" in result.message


def test_given_a_7_day_daily_plan_without_monthly_or_copy_in_dev_then_pass(reader):
    plan("leadping-dev", rule("daily", DAILY, 7))
    assert by_resource(run_check(CHECK, reader, environment="dev"))[SCOPE].status is Status.PASS
    assert by_resource(run_check(CHECK, reader))[SCOPE].status is Status.FAIL


def test_given_only_a_weekly_schedule_then_fail(reader):
    plan("weekly", rule("weekly", WEEKLY, 35))
    result = by_resource(run_check(CHECK, reader, environment="dev"))[SCOPE]
    assert result.status is Status.FAIL
    assert "no daily rule" in result.message


def test_one_compliant_plan_among_others_passes_the_region(reader):
    plan("scratch", rule("daily", DAILY, 1))
    _prod_plan()
    assert by_resource(run_check(CHECK, reader))[SCOPE].status is Status.PASS


def test_a_lifecycle_without_expiry_keeps_backups_forever(reader):
    plan("forever", rule("daily", DAILY, None, vault_arn("us-west-2")))
    assert by_resource(run_check(CHECK, reader))[SCOPE].status is Status.PASS


def test_given_no_backup_plan_at_all_then_fail(session):
    reader = Reader(session, [REGION, "eu-west-1"])
    results = run_check(CHECK, reader)
    assert [(r.status, r.resource_id) for r in results] == [(Status.FAIL, SCOPE)]
    assert "no backup plan in any audited region" in results[0].message


def test_a_region_without_plans_is_not_judged_when_another_has_them(session):
    reader = Reader(session, [REGION, "eu-west-1"])
    _prod_plan()
    assert list(by_resource(run_check(CHECK, reader))) == [SCOPE]


def test_given_get_backup_plan_is_denied_then_error(reader, deny):
    _prod_plan()
    deny("backup", "GetBackupPlan")
    result = by_resource(run_check(CHECK, reader))[SCOPE]
    assert result.status is Status.ERROR


def test_given_one_plan_that_cannot_be_read_and_another_that_meets_the_policy_then_pass(reader, deny):
    unreadable = plan("scratch", rule("daily", DAILY, 1))
    _prod_plan()
    deny("backup", "GetBackupPlan", naming=unreadable)
    result = by_resource(run_check(CHECK, reader))[SCOPE]
    assert result.status is Status.PASS
    assert result.evidence["compliant_plans"] == ["leadping"]


def test_given_one_plan_that_cannot_be_read_and_none_that_meets_the_policy_then_error(reader, deny):
    unreadable = plan("scratch", rule("daily", DAILY, 1))
    plan("short", rule("daily", DAILY, 7))
    deny("backup", "GetBackupPlan", naming=unreadable)
    result = by_resource(run_check(CHECK, reader))[SCOPE]
    assert result.status is Status.ERROR
    assert list(result.evidence["shortfalls"]) == ["short"]  # the readable plan falls short


def test_given_list_backup_plans_failing_in_one_of_two_regions_then_error_there_and_the_other_judged(session):
    reader = Reader(session, [REGION, "eu-west-1"])
    _prod_plan()
    deny_operation(reader, "backup", "ListBackupPlans", regions=("eu-west-1",))
    results = by_resource(run_check(CHECK, reader))
    assert results[SCOPE].status is Status.PASS
    assert results[f"arn:aws:backup:eu-west-1:{ACCOUNT_ID}:backup-plans"].status is Status.ERROR


def test_schedules_are_read_as_aws_backup_cron_expressions():
    assert runs_every_day("cron(0 5 * * ? *)")
    assert runs_every_day("cron(0 */4 ? * * *)")  # every four hours is daily too
    assert not runs_every_day("cron(0 5 ? * MON-FRI *)")
    assert not runs_every_day("cron(0 5 1 * ? *)")
    assert not runs_every_day("rate(1 day)")
    assert runs_every_month("cron(0 5 1 * ? *)")
    assert runs_every_month("cron(0 5 ? * 1#1 *)")
    assert not runs_every_month("cron(0 5 1 1/3 ? *)")  # quarterly
    assert not runs_every_month(None)
