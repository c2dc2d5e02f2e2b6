from __future__ import annotations

from collections.abc import Iterator

from compliance_checks.core import Check, CheckContext, CheckMetadata, Result, Severity, failed, passed
from compliance_checks.services import dynamodb


class DynamodbDeletionProtection(Check):
    """Every DynamoDB table has deletion protection enabled.

    Scenarios:
    - given a table with deletion protection, then PASS
    - given a table without deletion protection, then FAIL
    - given DescribeTable is denied, then ERROR
    """

    regional = True
    metadata = CheckMetadata(
        title="DynamoDB tables have deletion protection",
        severity=Severity.MEDIUM,
        resource_type="AWS::DynamoDB::Table",
        rationale="LP-BK-1: a table cannot be deleted by mistake or by a single compromised call (FSBP DynamoDB.6).",
        remediation="Enable deletion protection on the table (infra: the table component does).",
        permissions=dynamodb.LIST_PERMISSIONS,
    )

    def evaluate(self, ctx: CheckContext) -> Iterator[Result]:
        for table in dynamodb.tables(ctx.reader, with_tags=False):
            if dynamodb.deletion_protection(ctx.reader, table):
                yield passed(table.arn, "deletion protection is enabled", region=table.region, deletion_protection=True)
            else:
                yield failed(
                    table.arn, "deletion protection is disabled", region=table.region, deletion_protection=False
                )
