"""SQS: queues (customer key, redrive, policy) and queue policies."""

from __future__ import annotations

from sandbox.handlers.base import Context, Inputs, Outputs, handles, policy_text

# pulumi-aws queue inputs and the SQS attribute each sets.
_ATTRIBUTES = {
    "delaySeconds": "DelaySeconds",
    "maxMessageSize": "MaximumMessageSize",
    "messageRetentionSeconds": "MessageRetentionPeriod",
    "receiveWaitTimeSeconds": "ReceiveMessageWaitTimeSeconds",
    "visibilityTimeoutSeconds": "VisibilityTimeout",
    "redrivePolicy": "RedrivePolicy",
    "redriveAllowPolicy": "RedriveAllowPolicy",
    "contentBasedDeduplication": "ContentBasedDeduplication",
    "deduplicationScope": "DeduplicationScope",
    "fifoThroughputLimit": "FifoThroughputLimit",
    "kmsMasterKeyId": "KmsMasterKeyId",
    "kmsDataKeyReusePeriodSeconds": "KmsDataKeyReusePeriodSeconds",
    "sqsManagedSseEnabled": "SqsManagedSseEnabled",
}


def _attribute(value: object) -> str:
    return str(value).lower() if isinstance(value, bool) else str(value)


def _check_redrive_allow(ctx: Context, stored: dict[str, str], wanted: dict[str, str]) -> None:
    """moto keeps a RedriveAllowPolicy it is given but GetQueueAttributes never returns it."""
    if wanted.get("RedriveAllowPolicy") and "RedriveAllowPolicy" not in stored:
        ctx.gap(
            "sqs:SetQueueAttributes",
            "moto does not return the queue's RedriveAllowPolicy (GetQueueAttributes), so nobody can read it back",
            resource_id=stored.get("QueueArn"),
        )


@handles("aws:sqs/queue:Queue")
def queue(inputs: Inputs, ctx: Context) -> tuple[str, Outputs]:
    sqs = ctx.client("sqs")
    tags = ctx.tags(inputs)
    fifo = bool(inputs.get("fifoQueue"))
    name = ctx.physical_name(
        inputs.get("name"), inputs.get("namePrefix"), max_length=80, suffix=".fifo" if fifo else ""
    )
    attributes = {api: _attribute(inputs[key]) for key, api in _ATTRIBUTES.items() if inputs.get(key) is not None}
    if fifo:
        attributes["FifoQueue"] = "true"
    if inputs.get("policy"):
        attributes["Policy"] = policy_text(inputs["policy"])
    params: dict = {"QueueName": name, "Attributes": attributes}
    if tags:
        params["tags"] = tags
    url = sqs.create_queue(**params)["QueueUrl"]
    stored = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["All"])["Attributes"]
    arn = stored["QueueArn"]
    if attributes.get("KmsMasterKeyId") and stored.get("KmsMasterKeyId") != attributes["KmsMasterKeyId"]:
        ctx.gap(
            "sqs:CreateQueue",
            "moto did not store the queue's KMS key",
            checks=("sqs_queue_encrypted_cmk",),
            resource_id=arn,
        )
    _check_redrive_allow(ctx, stored, attributes)
    # The provider's id of a queue is its URL.
    return url, {"arn": arn, "url": url, "name": name, "tagsAll": tags}


@handles("aws:sqs/queuePolicy:QueuePolicy")
def queue_policy(inputs: Inputs, ctx: Context) -> tuple[str, Outputs]:
    url = inputs["queueUrl"]
    ctx.client("sqs").set_queue_attributes(QueueUrl=url, Attributes={"Policy": policy_text(inputs["policy"])})
    return url, {}


@handles("aws:sqs/redriveAllowPolicy:RedriveAllowPolicy")
def redrive_allow_policy(inputs: Inputs, ctx: Context) -> tuple[str, Outputs]:
    url = inputs["queueUrl"]
    sqs = ctx.client("sqs")
    attributes = {"RedriveAllowPolicy": policy_text(inputs["redriveAllowPolicy"])}
    sqs.set_queue_attributes(QueueUrl=url, Attributes=attributes)
    stored = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["All"])["Attributes"]
    _check_redrive_allow(ctx, stored, attributes)
    return url, {}


@handles("aws:sqs/redrivePolicy:RedrivePolicy")
def redrive_policy(inputs: Inputs, ctx: Context) -> tuple[str, Outputs]:
    url = inputs["queueUrl"]
    ctx.client("sqs").set_queue_attributes(
        QueueUrl=url, Attributes={"RedrivePolicy": policy_text(inputs["redrivePolicy"])}
    )
    return url, {}
