from __future__ import annotations

from compliance_checks.kit import CheckMetadata, Severity, TableCheck, comply, dynamodb, verdict, violate


class DynamodbDeletionProtection(TableCheck):
    """Every DynamoDB table has deletion protection enabled.

    Scenarios:
    - given a table with deletion protection, then PASS
    - given a table without deletion protection, then FAIL
    - given DescribeTable is denied, then ERROR
    - given one table that cannot be described, then ERROR for it and the other tables judged
    """

    metadata = CheckMetadata(
        title="DynamoDB tables have deletion protection",
        severity=Severity.MEDIUM,
        resource_type="AWS::DynamoDB::Table",
        rationale="LP-BK-1: a table cannot be deleted by mistake or by a single compromised call (FSBP DynamoDB.6).",
        remediation="Enable deletion protection on the table (infra: the table component does).",
    )

    def judge(self, ctx, table):
        on = dynamodb.deletion_protection(ctx.reader, table)
        judged = comply("deletion protection is enabled") if on else violate("deletion protection is disabled")
        return verdict(table.arn, judged, region=table.region, deletion_protection=on)
