from __future__ import annotations

from compliance_checks.core import Check, CheckContext, CheckMetadata, ReadError, Severity, errored, failed, passed
from compliance_checks.services import dynamodb, kms


class DynamodbTableEncryptedCmk(Check):
    """Every DynamoDB table is encrypted with a customer-managed KMS key.

    DynamoDB always encrypts at rest; the default uses an AWS-owned key (no SSEDescription) and
    SSEType KMS without a key uses the AWS-managed aws/dynamodb key: both fail. Pass needs
    SSEDescription Status ENABLED, SSEType KMS and a customer-managed KMSMasterKeyArn.

    Scenarios:
    - given a table encrypted with a customer-managed key, then PASS
    - given a table with the default AWS-owned key encryption, then FAIL
    - given a table encrypted with the AWS-managed aws/dynamodb key, then FAIL
    - given DescribeKey on the table's key is denied, then ERROR for that table
    - given one table that cannot be described, then ERROR for it and the other tables judged
    """

    regional = True
    metadata = CheckMetadata(
        title="DynamoDB tables are encrypted with a customer-managed KMS key",
        severity=Severity.HIGH,
        resource_type="AWS::DynamoDB::Table",
        rationale="LP-DR-1: data at rest is protected with keys Leadping controls, rotates and can revoke.",
        remediation="Set the table's SSE to KMS with the data class's customer key (infra: the table component does).",
    )

    def evaluate(self, ctx: CheckContext):
        for table in dynamodb.tables(ctx.reader, with_tags=False):
            try:
                sse = dynamodb.sse_description(ctx.reader, table) or {}
            except ReadError as error:
                yield errored(table.arn, error, region=table.region)
                continue
            key = sse.get("KMSMasterKeyArn")
            evidence = {"status": sse.get("Status"), "sse_type": sse.get("SSEType"), "kms_key": key}
            if not sse:
                yield failed(table.arn, "encrypted with the default AWS-owned key", region=table.region, **evidence)
                continue
            if sse.get("Status") != "ENABLED" or sse.get("SSEType") != "KMS":
                yield failed(
                    table.arn,
                    f"SSE is {sse.get('SSEType')} in status {sse.get('Status')}, not KMS ENABLED",
                    region=table.region,
                    **evidence,
                )
                continue
            try:
                customer, detail = kms.is_customer_managed(ctx.reader, key, table.region)
            except ReadError as error:
                yield errored(table.arn, error, region=table.region, **evidence)
                continue
            if customer:
                yield passed(table.arn, f"encrypted with customer key {detail}", region=table.region, **evidence)
            else:
                yield failed(
                    table.arn, f"not encrypted with a customer-managed key ({detail})", region=table.region, **evidence
                )
