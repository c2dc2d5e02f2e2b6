"""Scenarios of backup_vault_lock_configured (LP-BK-1)."""

from __future__ import annotations

import boto3

from compliance_checks.core import Status
from tests.compliance_checks.checks.backup.helpers import vault
from tests.compliance_checks.conftest import REGION, by_resource, run_check

CHECK = "backup_vault_lock_configured"


def _lock(name: str, min_days: int, changeable_for_days: int | None = None) -> None:
    kwargs = {"ChangeableForDays": changeable_for_days} if changeable_for_days else {}
    boto3.client("backup", region_name=REGION).put_backup_vault_lock_configuration(
        BackupVaultName=name, MinRetentionDays=min_days, **kwargs
    )


def test_given_a_vault_locked_with_7_days_minimum_retention_then_pass(reader):
    arn = vault("main")
    _lock("main", 7)
    result = by_resource(run_check(CHECK, reader))[arn]
    assert result.status is Status.PASS
    assert result.evidence["mode"] == "governance"


def test_given_a_vault_without_a_lock_then_fail(reader):
    good = vault("main")
    _lock("main", 7)
    bad = vault("unlocked")
    results = by_resource(run_check(CHECK, reader))
    assert results[good].status is Status.PASS
    assert results[bad].status is Status.FAIL
    assert results[bad].message == "no vault lock"


def test_given_a_vault_locked_with_1_day_minimum_retention_then_fail(reader):
    arn = vault("main")
    _lock("main", 1)
    result = by_resource(run_check(CHECK, reader))[arn]
    assert result.status is Status.FAIL
    assert "below 7 days" in result.message


def test_given_a_vault_in_its_compliance_mode_grace_period_then_pass(reader):
    arn = vault("main")
    _lock("main", 7, changeable_for_days=3)
    result = by_resource(run_check(CHECK, reader))[arn]
    assert result.status is Status.PASS
    assert result.evidence["mode"] == "compliance (grace period)"


def test_given_list_backup_vaults_is_denied_then_error(reader, deny):
    vault("main")
    deny("backup", "ListBackupVaults")
    assert [r.status for r in run_check(CHECK, reader)] == [Status.ERROR]
