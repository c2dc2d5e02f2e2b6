from __future__ import annotations

from collections.abc import Iterator

from compliance_checks.core import Check, CheckContext, CheckMetadata, Result, Severity, failed, passed
from compliance_checks.services import rds


class RdsBackupRetention(Check):
    """Every RDS DB instance and DB cluster keeps automated backups at least the environment's minimum
    (expectations.policy.min_db_backup_retention_days: 14 days in prod, 7 in dev).

    Cluster members are judged through their cluster. Read replicas are not judged: a replica's
    data is backed up through its source database, which is judged.

    Scenarios:
    - given an instance with a 14-day backup retention in prod, then PASS
    - given an instance with a 7-day backup retention in prod, then FAIL
    - given an instance with a 7-day backup retention in dev, then PASS
    - given an instance with automated backups off (0 days), then FAIL
    - given an Aurora cluster with a 14-day backup retention, then PASS
    - given DescribeDBInstances is denied, then ERROR
    """

    regional = True
    metadata = CheckMetadata(
        title="RDS automated backups are kept for the environment's minimum",
        severity=Severity.HIGH,
        resource_type="AWS::RDS::DBInstance",
        rationale="LP-BK-1: the database can be restored to any point of the retention window (FSBP RDS.11).",
        remediation="Set BackupRetentionPeriod to at least the environment's minimum (14 days in prod) "
        "(infra: the database component sets it from the environment policy).",
        permissions=("rds:DescribeDBInstances", "rds:DescribeDBClusters"),
    )

    def evaluate(self, ctx: CheckContext) -> Iterator[Result]:
        minimum = ctx.expectations.policy.min_db_backup_retention_days
        for db in rds.databases(ctx.reader):
            if db.raw.get("ReadReplicaSourceDBInstanceIdentifier"):
                continue
            days = int(db.raw.get("BackupRetentionPeriod") or 0)
            evidence = {"engine": db.engine, "kind": db.kind, "retention_days": days, "minimum_days": minimum}
            if days >= minimum:
                result = passed(
                    db.arn, f"automated backups kept {days} days (>= {minimum})", region=db.region, **evidence
                )
            elif days == 0:
                result = failed(db.arn, "automated backups are off", region=db.region, **evidence)
            else:
                result = failed(
                    db.arn, f"automated backups kept {days} days, fewer than {minimum}", region=db.region, **evidence
                )
            yield db.typed(result)
