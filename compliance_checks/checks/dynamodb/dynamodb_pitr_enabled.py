from __future__ import annotations

from compliance_checks.kit import CheckMetadata, Severity, TableCheck, dynamodb, failed, passed


class DynamodbPitrEnabled(TableCheck):
    """Every DynamoDB table has point-in-time recovery enabled.

    Scenarios:
    - given a table with point-in-time recovery enabled, then PASS
    - given a table without point-in-time recovery, then FAIL
    - given DescribeContinuousBackups is denied, then ERROR for that table
    - given one table that cannot be described, then ERROR for it and the other tables judged
    """

    metadata = CheckMetadata(
        title="DynamoDB tables have point-in-time recovery",
        severity=Severity.HIGH,
        resource_type="AWS::DynamoDB::Table",
        rationale="LP-BK-1: a table can be restored to any second of the recovery window (FSBP DynamoDB.2).",
        remediation="Enable point-in-time recovery on the table (infra: the table component does).",
    )

    def judge(self, ctx, item):
        pitr = dynamodb.continuous_backups(ctx.reader, item).get("PointInTimeRecoveryDescription") or {}
        status = pitr.get("PointInTimeRecoveryStatus", "DISABLED")
        evidence = {"pitr_status": status, "recovery_period_days": pitr.get("RecoveryPeriodInDays")}
        if status == "ENABLED":
            return passed(item.arn, "point-in-time recovery is enabled", region=item.region, **evidence)
        return failed(item.arn, f"point-in-time recovery is {status}", region=item.region, **evidence)
