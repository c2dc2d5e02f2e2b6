from __future__ import annotations

import datetime as dt
from typing import Any

from compliance_checks.core import Check, CheckContext, CheckMetadata, Severity, failed, passed
from compliance_checks.services import backup


def _mode(vault: dict[str, Any], now: dt.datetime) -> str:
    lock_date = vault.get("LockDate")
    if lock_date is None:
        return "governance"  # no lock date: changeable by a privileged principal
    if isinstance(lock_date, int | float):
        lock_date = dt.datetime.fromtimestamp(lock_date, dt.UTC)
    return "compliance" if lock_date <= now else "compliance (grace period)"


class BackupVaultLockConfigured(Check):
    """Every AWS Backup vault has a vault lock whose minimum retention is at least the environment's
    (expectations.policy.min_vault_lock_retention_days, 7 days).

    A lock counts once it is configured: locked, or in its grace period before the lock date (the mode
    is reported in the evidence). No lock, or a lock without a minimum retention, fails.

    Scenarios:
    - given a vault locked with a minimum retention of 7 days, then PASS
    - given a vault without a vault lock, then FAIL
    - given a vault locked with a minimum retention of 1 day, then FAIL
    - given a vault in its compliance-mode grace period with a 7-day minimum retention, then PASS
    - given ListBackupVaults is denied, then ERROR
    """

    regional = True
    metadata = CheckMetadata(
        title="Backup vaults have a vault lock with the minimum retention",
        severity=Severity.HIGH,
        resource_type="AWS::Backup::BackupVault",
        rationale="LP-BK-1: recovery points cannot be deleted before the minimum retention, even by an "
        "administrator or an attacker holding administrator credentials.",
        remediation="Put a vault lock on the vault with MinRetentionDays of at least the environment's minimum "
        "(infra: the backup component does).",
    )

    def evaluate(self, ctx: CheckContext):
        minimum = ctx.expectations.policy.min_vault_lock_retention_days
        for region in ctx.reader.regions:
            for vault in backup.vaults(ctx.reader, region):
                arn = vault["BackupVaultArn"]
                locked = bool(vault.get("Locked"))
                days = vault.get("MinRetentionDays")
                configured = locked or days is not None
                evidence = {
                    "name": vault.get("BackupVaultName"),
                    "locked": locked,
                    "min_retention_days": days,
                    "minimum_days": minimum,
                    "mode": _mode(vault, ctx.now) if configured else None,
                }
                if not configured:
                    yield failed(arn, "no vault lock", region=region, **evidence)
                elif days is None or days < minimum:
                    yield failed(
                        arn, f"vault lock minimum retention is {days}, below {minimum} days", region=region, **evidence
                    )
                else:
                    yield passed(
                        arn, f"{evidence['mode']} vault lock, minimum retention {days} days", region=region, **evidence
                    )
