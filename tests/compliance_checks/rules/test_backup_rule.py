"""rules.backup: LP-BK-1's backup plan, from the plan (Checkov's conf) and from GetBackupPlan."""

from __future__ import annotations

import pytest

from compliance_checks.conventions import ENVIRONMENT_POLICIES
from compliance_checks.rules import backup
from compliance_checks.rules.backup import FOREVER, BackupPlan, Requirement, Rule

PROD = Requirement.of(ENVIRONMENT_POLICIES["prod"])
DEV = Requirement.of(ENVIRONMENT_POLICIES["dev"])
DAILY = "cron(0 5 ? * * *)"
MONTHLY = "cron(0 6 1 * ? *)"
COPY_VAULT = "arn:aws:backup:us-west-2:123456789012:backup-vault:copy"


def _plan_rule(schedule: str, days: int | str | None, copy: str | None = None, copied: bool = False) -> dict:
    """A rule as Checkov hands it: scalars in one-element lists, blocks in lists of dicts."""
    rule: dict = {"rule_name": ["r"], "schedule": [schedule]}
    if days is not None:
        rule["lifecycle"] = [{"delete_after": [days]}]
    if copy is not None or copied:
        rule["copy_action"] = [{"destination_vault_arn": [copy]} if copy else {"lifecycle": [{"delete_after": [35]}]}]
    return rule


def _aws_rule(schedule: str, days: int | None, copy: str | None = None) -> dict:
    rule: dict = {"RuleName": "r", "ScheduleExpression": schedule}
    if days is not None:
        rule["Lifecycle"] = {"DeleteAfterDays": days}
    if copy:
        rule["CopyActions"] = [{"DestinationBackupVaultArn": copy}]
    return rule


def test_the_requirement_reads_the_environment_policy_or_the_plan_context_copy_of_it():
    from dataclasses import asdict

    assert Requirement(35, 365, True) == PROD
    assert Requirement(7, None, False) == DEV
    assert Requirement.of(asdict(ENVIRONMENT_POLICIES["prod"])) == PROD


def test_the_prod_plan_passes_from_the_plan_and_from_the_api():
    planned = BackupPlan.from_plan(
        {"name": ["p"], "rule": [_plan_rule(DAILY, 35, COPY_VAULT), _plan_rule(MONTHLY, 365, COPY_VAULT)]}
    )
    deployed = BackupPlan.from_aws(
        {"BackupPlanName": "p"}, [_aws_rule(DAILY, 35, COPY_VAULT), _aws_rule(MONTHLY, 365, COPY_VAULT)], "us-east-1"
    )
    assert planned.rules == deployed.rules
    for plan in (planned, deployed):
        verdict = backup.plan_retention(plan, PROD)
        assert verdict.compliant, verdict.message
        assert verdict.evidence["shortfalls"] == []


def test_a_short_daily_rule_no_monthly_rule_and_no_copy_each_fail_prod():
    plan = BackupPlan.from_aws({"BackupPlanName": "p"}, [_aws_rule(DAILY, 14)], "us-east-1")
    verdict = backup.plan_retention(plan, PROD)
    assert not verdict.compliant
    assert verdict.evidence["shortfalls"] == [
        "daily backups kept 14 days < 35",
        "monthly backups kept 14 days < 365",
        "no copy to another region",
    ]
    assert backup.plan_retention(BackupPlan("p", (Rule(DAILY, 7),)), DEV).compliant


def test_a_weekly_rule_is_not_daily():
    verdict = backup.plan_retention(BackupPlan("p", (Rule("cron(0 5 ? * SUN *)", 35),)), DEV)
    assert not verdict.compliant
    assert verdict.evidence["shortfalls"] == ["no daily rule"]


def test_a_lifecycle_without_expiry_keeps_backups_forever_on_both_sides():
    assert Rule.from_plan(_plan_rule(DAILY, None)).kept_days == FOREVER
    assert Rule.from_aws(_aws_rule(DAILY, None)).kept_days == FOREVER
    assert backup.plan_retention(BackupPlan("p", (Rule(DAILY, FOREVER),)), DEV).compliant


def test_a_copy_to_the_plan_own_region_is_no_copy_and_an_unknown_destination_counts_in_the_plan():
    same = BackupPlan.from_aws(
        {"BackupPlanName": "p"},
        [_aws_rule(DAILY, 35, "arn:aws:backup:us-east-1:1:backup-vault:x"), _aws_rule(MONTHLY, 365)],
        "us-east-1",
    )
    assert backup.plan_retention(same, PROD).evidence["shortfalls"] == ["no copy to another region"]
    # The plan's copy vault is created in the same deployment: its ARN is not known before (a reference).
    planned = BackupPlan.from_plan(
        {"name": ["p"], "rule": [_plan_rule(DAILY, 35, copied=True), _plan_rule(MONTHLY, 365)]}
    )
    assert planned.rules[0].copy_regions == (None,)
    assert backup.plan_retention(planned, PROD).compliant
    # An API copy action naming no vault ARN is not a copy to another region.
    nameless = BackupPlan("p", (Rule(DAILY, 35, ("",)), Rule(MONTHLY, 365)), "us-east-1")
    assert not backup.plan_retention(nameless, PROD).compliant


@pytest.mark.parametrize(
    "conf",
    [
        {},  # no rule at all
        {"name": ["p"], "rule": [{"schedule": ["rate(1 day)"], "lifecycle": [{"delete_after": [35]}]}]},
        {"name": ["p"], "rule": [{"lifecycle": [{"delete_after": [35]}]}]},  # no schedule
        {"name": ["p"], "rule": ["not a block"]},
    ],
)
def test_a_plan_without_a_readable_daily_rule_fails(conf):
    verdict = backup.plan_retention(BackupPlan.from_plan(conf), DEV)
    assert not verdict.compliant
    assert verdict.evidence["shortfalls"] == ["no daily rule"]


def test_a_malformed_expiry_raises_so_the_gate_fails_closed():
    with pytest.raises(ValueError, match="soon"):
        Rule.from_plan(_plan_rule(DAILY, "soon"))


@pytest.mark.parametrize(
    ("expression", "daily", "monthly"),
    [
        ("cron(0 5 ? * * *)", True, True),
        ("cron(0 5 * * ?)", True, True),  # five fields
        ("cron(0 5 1-31 JAN-DEC ? *)", True, True),
        ("cron(0 5 ? * MON-FRI *)", False, True),
        ("cron(0 5 ? * * 2027)", False, False),  # one year only
        ("cron(0 5 1 1/3 ? *)", False, False),  # quarterly
        ("cron(0 5)", False, False),
        ("rate(1 day)", False, False),
        ("", False, False),
        (None, False, False),
    ],
)
def test_schedules(expression, daily, monthly):
    assert backup.runs_every_day(expression) is daily
    assert backup.runs_every_month(expression) is monthly


def test_a_plan_whose_name_the_plan_does_not_know_is_named_the_plan():
    unnamed = backup.BackupPlan.from_plan({"rule": [{"rule_name": "daily", "schedule": "cron(0 3 * * ? *)"}]})
    verdict = backup.plan_retention(unnamed, backup.Requirement(daily_days=7, copy=True))
    assert verdict.message.startswith("the plan: ")
