from __future__ import annotations

from compliance_checks.core import Check, CheckContext, CheckMetadata, ReadError, Severity, errored, failed, passed
from compliance_checks.services import kms, sns


class SnsTopicEncryptedCmk(Check):
    """Every SNS topic encrypts messages at rest with a customer-managed KMS key.

    Scenarios:
    - given a topic whose KmsMasterKeyId is a customer-managed key, then PASS
    - given a topic whose KmsMasterKeyId is a customer key's alias, then PASS
    - given a topic encrypted with alias/aws/sns, then FAIL
    - given a topic without KmsMasterKeyId, then FAIL
    - given GetTopicAttributes is denied, then ERROR for that topic
    """

    regional = True
    metadata = CheckMetadata(
        title="SNS topics are encrypted with a customer-managed KMS key",
        severity=Severity.MEDIUM,
        resource_type="AWS::SNS::Topic",
        rationale="LP-DR-1: messages (alerts, delivery signals) at rest are protected with keys Leadping "
        "controls, rotates and can revoke.",
        remediation="Set the topic's KmsMasterKeyId to the messages key (its key policy must admit the "
        "publishing services). Infra: the messaging component passes the key to every Topic.",
    )

    def evaluate(self, ctx: CheckContext):
        for region in ctx.reader.regions:
            for arn in sns.topics(ctx.reader, region):
                try:
                    attributes = sns.attributes(ctx.reader, arn)
                    if attributes is None:
                        continue  # deleted since it was listed
                    key_id = attributes.get("KmsMasterKeyId")
                    customer, detail = kms.is_customer_managed(ctx.reader, key_id, region)
                except ReadError as error:
                    yield errored(arn, error, region=region)
                    continue
                if customer:
                    yield passed(arn, f"encrypted with customer key {detail}", region=region, kms_key=key_id)
                elif not key_id:
                    yield failed(arn, "not encrypted at rest (no KmsMasterKeyId)", region=region, kms_key=None)
                else:
                    yield failed(
                        arn, f"not encrypted with a customer-managed key ({detail})", region=region, kms_key=key_id
                    )
