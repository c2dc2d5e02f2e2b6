from __future__ import annotations

from compliance_checks.kit import CheckMetadata, CustomerKeyCheck, KeyUse, ListedCheck, Severity, sns


class SnsTopicEncryptedCmk(ListedCheck, CustomerKeyCheck):
    """Every SNS topic encrypts messages at rest with a customer-managed KMS key.

    Scenarios:
    - given a topic whose KmsMasterKeyId is a customer-managed key, then PASS
    - given a topic whose KmsMasterKeyId is a customer key's alias, then PASS
    - given a topic encrypted with alias/aws/sns, then FAIL
    - given a topic without KmsMasterKeyId, then FAIL
    - given GetTopicAttributes is denied, then ERROR for that topic
    """

    metadata = CheckMetadata(
        title="SNS topics are encrypted with a customer-managed KMS key",
        severity=Severity.MEDIUM,
        resource_type="AWS::SNS::Topic",
        rationale="LP-DR-1: messages (alerts, delivery signals) at rest are protected with keys Leadping "
        "controls, rotates and can revoke.",
        remediation="Set the topic's KmsMasterKeyId to the messages key (its key policy must admit the "
        "publishing services). Infra: the messaging component passes the key to every Topic.",
    )

    listing, arn_of = sns.topics, lambda topic, *_: topic

    def key_use(self, ctx, item):
        attributes = sns.attributes(ctx.reader, item.arn)
        if attributes is None:
            return None  # deleted since it was listed
        key_id = attributes.get("KmsMasterKeyId")
        return KeyUse(key_id, unencrypted=None if key_id else "not encrypted at rest (no KmsMasterKeyId)")
