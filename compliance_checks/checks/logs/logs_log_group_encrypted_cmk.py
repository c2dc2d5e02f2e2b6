from __future__ import annotations

from compliance_checks.core import Check, CheckContext, CheckMetadata, ReadError, Severity, errored, failed, passed
from compliance_checks.services import kms, logs


class LogsLogGroupEncryptedCmk(Check):
    """Every CloudWatch Logs log group is encrypted with a customer-managed KMS key.

    Scenarios:
    - given a log group with a customer-managed kmsKeyId, then PASS
    - given a log group without kmsKeyId (CloudWatch Logs' own encryption), then FAIL
    - given a log group whose kmsKeyId names a key that no longer exists, then FAIL
    - given DescribeKey is denied for the group's key, then ERROR for that log group
    - given DescribeLogGroups is denied, then ERROR for the whole check
    """

    regional = True
    metadata = CheckMetadata(
        title="CloudWatch log groups are encrypted with a customer-managed KMS key",
        severity=Severity.MEDIUM,
        resource_type="AWS::Logs::LogGroup",
        rationale="LP-DR-1, LP-LOG-2: logs carry tenant and security data; a customer key lets Leadping "
        "control, rotate and revoke access to them.",
        remediation="Associate the logs data class key with the log group (AssociateKmsKey; the key policy "
        "must admit logs.<region>.amazonaws.com). Infra: pass the logs key to every LogGroup.",
    )

    def evaluate(self, ctx: CheckContext):
        for region in ctx.reader.regions:
            for group in logs.log_groups(ctx.reader, region):
                arn = logs.log_group_arn(group)
                key_id = group.get("kmsKeyId")
                if not key_id:
                    yield failed(
                        arn, "not encrypted with a KMS key (CloudWatch Logs' default encryption)", region=region
                    )
                    continue
                try:
                    customer, detail = kms.is_customer_managed(ctx.reader, key_id, region)
                except ReadError as error:
                    yield errored(arn, error, region=region, kms_key=key_id)
                    continue
                if customer:
                    yield passed(arn, f"encrypted with customer key {detail}", region=region, kms_key=key_id)
                else:
                    yield failed(
                        arn, f"not encrypted with a customer-managed key ({detail})", region=region, kms_key=key_id
                    )
