from __future__ import annotations

from compliance_checks.kit import CheckMetadata, CustomerKeyCheck, KeyUse, ListedCheck, Severity, sqs


class SqsQueueEncryptedCmk(ListedCheck, CustomerKeyCheck):
    """Every SQS queue encrypts messages at rest with a customer-managed KMS key.

    SQS-managed encryption (SqsManagedSseEnabled, SSE-SQS) uses keys Leadping neither controls
    nor can revoke, so it does not satisfy the control on its own.

    Scenarios:
    - given a queue whose KmsMasterKeyId is a customer-managed key, then PASS
    - given a queue with SqsManagedSseEnabled only, then FAIL
    - given a queue encrypted with alias/aws/sqs, then FAIL
    - given GetQueueAttributes is denied, then ERROR for that queue
    """

    metadata = CheckMetadata(
        title="SQS queues are encrypted with a customer-managed KMS key",
        severity=Severity.MEDIUM,
        resource_type="AWS::SQS::Queue",
        rationale="LP-DR-1: queued messages (leads, deliveries) at rest are protected with keys Leadping "
        "controls, rotates and can revoke.",
        remediation="Set the queue's KmsMasterKeyId to the messages key (SSE-KMS) instead of SSE-SQS. Infra: "
        "the messaging component passes the key to every Queue, dead-letter queues included.",
    )

    listing, arn_of = sqs.queue_urls, sqs.queue_arn

    def key_use(self, ctx, item):
        attributes = sqs.attributes(ctx.reader, item.raw, item.region)
        if attributes is None:
            return None  # deleted since it was listed
        key_id, sse_sqs = attributes.get("KmsMasterKeyId"), attributes.get("SqsManagedSseEnabled") == "true"
        how = "SQS-managed keys (SSE-SQS) only" if sse_sqs else "no encryption"
        unencrypted = None if key_id else f"not encrypted with a customer-managed key: {how}"
        return KeyUse(key_id, {"sqs_managed_sse": sse_sqs}, unencrypted)
