from __future__ import annotations

from compliance_checks.kit import CheckMetadata, DatabaseCheck, Severity, rules, verdict


class RdsBackupRetention(DatabaseCheck):
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

    metadata = CheckMetadata(
        title="RDS automated backups are kept for the environment's minimum",
        severity=Severity.HIGH,
        resource_type="AWS::RDS::DBInstance",
        rationale="LP-BK-1: the database can be restored to any point of the retention window (FSBP RDS.11).",
        remediation="Set BackupRetentionPeriod to at least the environment's minimum (14 days in prod) "
        "(infra: the database component sets it from the environment policy).",
    )

    def judge(self, ctx, db):
        judged = rules.rds.backup_retention(
            rules.rds.Database.from_aws(db.raw), ctx.expectations.policy.min_db_backup_retention_days
        )
        return judged and verdict(db.arn, judged, region=db.region, engine=db.engine, kind=db.kind)
