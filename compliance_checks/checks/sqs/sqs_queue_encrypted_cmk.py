from __future__ import annotations

from compliance_checks.core import Check, CheckContext, CheckMetadata, ReadError, Severity, errored, failed, passed
from compliance_checks.services import kms, sqs


class SqsQueueEncryptedCmk(Check):
    """Every SQS queue encrypts messages at rest with a customer-managed KMS key.

    SQS-managed encryption (SqsManagedSseEnabled, SSE-SQS) uses keys Leadping neither controls
    nor can revoke, so it does not satisfy the control on its own.

    Scenarios:
    - given a queue whose KmsMasterKeyId is a customer-managed key, then PASS
    - given a queue with SqsManagedSseEnabled only, then FAIL
    - given a queue encrypted with alias/aws/sqs, then FAIL
    - given GetQueueAttributes is denied, then ERROR for that queue
    """

    regional = True
    metadata = CheckMetadata(
        title="SQS queues are encrypted with a customer-managed KMS key",
        severity=Severity.MEDIUM,
        resource_type="AWS::SQS::Queue",
        rationale="LP-DR-1: queued messages (leads, deliveries) at rest are protected with keys Leadping "
        "controls, rotates and can revoke.",
        remediation="Set the queue's KmsMasterKeyId to the messages key (SSE-KMS) instead of SSE-SQS. Infra: "
        "the messaging component passes the key to every Queue, dead-letter queues included.",
    )

    def evaluate(self, ctx: CheckContext):
        for region in ctx.reader.regions:
            for url in sqs.queue_urls(ctx.reader, region):
                arn = sqs.queue_arn(url, region, ctx.reader.partition())
                try:
                    attributes = sqs.attributes(ctx.reader, url, region)
                except ReadError as error:
                    yield errored(arn, error, region=region)
                    continue
                if attributes is None:
                    continue  # deleted since it was listed
                key_id = attributes.get("KmsMasterKeyId")
                evidence = {"kms_key": key_id, "sqs_managed_sse": attributes.get("SqsManagedSseEnabled") == "true"}
                try:
                    customer, detail = kms.is_customer_managed(ctx.reader, key_id, region)
                except ReadError as error:
                    yield errored(arn, error, region=region, **evidence)
                    continue
                if customer:
                    yield passed(arn, f"encrypted with customer key {detail}", region=region, **evidence)
                elif not key_id:
                    how = "SQS-managed keys (SSE-SQS) only" if evidence["sqs_managed_sse"] else "no encryption"
                    yield failed(arn, f"not encrypted with a customer-managed key: {how}", region=region, **evidence)
                else:
                    yield failed(
                        arn, f"not encrypted with a customer-managed key ({detail})", region=region, **evidence
                    )
