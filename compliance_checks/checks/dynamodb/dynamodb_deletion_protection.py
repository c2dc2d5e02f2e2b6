from __future__ import annotations

from compliance_checks.core import Check, CheckContext, CheckMetadata, Result, Severity, failed, judge_resource, passed
from compliance_checks.services import dynamodb


class DynamodbDeletionProtection(Check):
    """Every DynamoDB table has deletion protection enabled.

    Scenarios:
    - given a table with deletion protection, then PASS
    - given a table without deletion protection, then FAIL
    - given DescribeTable is denied, then ERROR
    - given one table that cannot be described, then ERROR for it and the other tables judged
    """

    regional = True
    metadata = CheckMetadata(
        title="DynamoDB tables have deletion protection",
        severity=Severity.MEDIUM,
        resource_type="AWS::DynamoDB::Table",
        rationale="LP-BK-1: a table cannot be deleted by mistake or by a single compromised call (FSBP DynamoDB.6).",
        remediation="Enable deletion protection on the table (infra: the table component does).",
    )

    def evaluate(self, ctx: CheckContext):
        for table in dynamodb.tables(ctx.reader, with_tags=False):
            yield from judge_resource(table.arn, table.region, self._judge, ctx, table)

    @staticmethod
    def _judge(ctx: CheckContext, table: dynamodb.Table) -> Result:
        if dynamodb.deletion_protection(ctx.reader, table):
            return passed(table.arn, "deletion protection is enabled", region=table.region, deletion_protection=True)
        return failed(table.arn, "deletion protection is disabled", region=table.region, deletion_protection=False)
