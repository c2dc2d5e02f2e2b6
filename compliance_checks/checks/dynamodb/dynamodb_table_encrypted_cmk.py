from __future__ import annotations

from compliance_checks.kit import CheckMetadata, CustomerKeyCheck, KeyUse, Severity, TableCheck, dynamodb


class DynamodbTableEncryptedCmk(TableCheck, CustomerKeyCheck):
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

    metadata = CheckMetadata(
        title="DynamoDB tables are encrypted with a customer-managed KMS key",
        severity=Severity.HIGH,
        resource_type="AWS::DynamoDB::Table",
        rationale="LP-DR-1: data at rest is protected with keys Leadping controls, rotates and can revoke.",
        remediation="Set the table's SSE to KMS with the data class's customer key (infra: the table component does).",
    )

    def key_use(self, ctx, item):
        sse = dynamodb.sse_description(ctx.reader, item) or {}
        status, kind = sse.get("Status"), sse.get("SSEType")
        unencrypted = None
        if not sse:
            unencrypted = "encrypted with the default AWS-owned key"
        elif status != "ENABLED" or kind != "KMS":
            unencrypted = f"SSE is {kind} in status {status}, not KMS ENABLED"
        return KeyUse(sse.get("KMSMasterKeyArn"), {"status": status, "sse_type": kind}, unencrypted)
