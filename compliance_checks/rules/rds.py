"""LP-BK-1: an RDS instance or cluster keeps automated backups at least the environment's minimum.

A read replica is not judged: its data is backed up through its source database, which is.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from compliance_checks.rules import Verdict, comply, violate
from compliance_checks.rules.plan import integer, value


@dataclass(frozen=True)
class Database:
    backup_retention_days: int  # 0: automated backups off
    read_replica: bool = False

    @classmethod
    def from_plan(cls, conf: dict[str, Any]) -> Database:
        return cls(integer(value(conf, "backup_retention_period")) or 0, bool(value(conf, "replicate_source_db")))

    @classmethod
    def from_aws(cls, db: dict[str, Any]) -> Database:
        return cls(int(db.get("BackupRetentionPeriod") or 0), bool(db.get("ReadReplicaSourceDBInstanceIdentifier")))


def backup_retention(db: Database, minimum_days: int) -> Verdict | None:
    """None for a read replica (not judged)."""
    if db.read_replica:
        return None
    days = db.backup_retention_days
    evidence = {"retention_days": days, "minimum_days": minimum_days}
    if days >= minimum_days:
        return comply(f"automated backups kept {days} days (>= {minimum_days})", **evidence)
    if days == 0:
        return violate("automated backups are off", **evidence)
    return violate(f"automated backups kept {days} days, fewer than {minimum_days}", **evidence)
