from __future__ import annotations

from compliance_checks.kit import CheckMetadata, CustomerKeyCheck, KeyUse, LogGroupCheck, Severity


class LogsLogGroupEncryptedCmk(LogGroupCheck, CustomerKeyCheck):
    """Every CloudWatch Logs log group is encrypted with a customer-managed KMS key.

    Scenarios:
    - given a log group with a customer-managed kmsKeyId, then PASS
    - given a log group without kmsKeyId (CloudWatch Logs' own encryption), then FAIL
    - given a log group whose kmsKeyId names a key that no longer exists, then FAIL
    - given DescribeKey is denied for the group's key, then ERROR for that log group
    - given DescribeLogGroups is denied, then ERROR for the whole check
    """

    metadata = CheckMetadata(
        title="CloudWatch log groups are encrypted with a customer-managed KMS key",
        severity=Severity.MEDIUM,
        resource_type="AWS::Logs::LogGroup",
        rationale="LP-DR-1, LP-LOG-2: logs carry tenant and security data; a customer key lets Leadping "
        "control, rotate and revoke access to them.",
        remediation="Associate the logs data class key with the log group (AssociateKmsKey; the key policy "
        "must admit logs.<region>.amazonaws.com). Infra: pass the logs key to every LogGroup.",
    )

    def key_use(self, ctx, item):
        key_id = item.raw.get("kmsKeyId")
        return KeyUse(
            key_id, unencrypted=None if key_id else "not encrypted with a KMS key (CloudWatch Logs' default encryption)"
        )
