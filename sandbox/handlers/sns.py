"""SNS: topics (customer key, policy) and subscriptions."""

from __future__ import annotations

from sandbox.handlers.base import Context, Inputs, Outputs, handles, policy_text, tag_list

# Subscriptions that stay "PendingConfirmation" until a person clicks the link AWS e-mails.
_CONFIRMED_BY_A_PERSON = {"email", "email-json"}
_CONFIRMATION_EVIDENCE = (
    "the real account's ListSubscriptionsByTopic answer for the topic, in which the {protocol} "
    "subscription shows a SubscriptionArn (confirmed), not PendingConfirmation"
)

# Topic inputs that are topic attributes named by capitalising the input (KmsMasterKeyId, ...).
_TOPIC_ATTRIBUTES = (
    "displayName",
    "kmsMasterKeyId",
    "deliveryPolicy",
    "signatureVersion",
    "tracingConfig",
    "archivePolicy",
    "fifoThroughputScope",
    "contentBasedDeduplication",
    "applicationFailureFeedbackRoleArn",
    "applicationSuccessFeedbackRoleArn",
    "applicationSuccessFeedbackSampleRate",
    "firehoseFailureFeedbackRoleArn",
    "firehoseSuccessFeedbackRoleArn",
    "firehoseSuccessFeedbackSampleRate",
    "httpFailureFeedbackRoleArn",
    "httpSuccessFeedbackRoleArn",
    "httpSuccessFeedbackSampleRate",
    "lambdaFailureFeedbackRoleArn",
    "lambdaSuccessFeedbackRoleArn",
    "lambdaSuccessFeedbackSampleRate",
    "sqsFailureFeedbackRoleArn",
    "sqsSuccessFeedbackRoleArn",
    "sqsSuccessFeedbackSampleRate",
)


def _attribute(value: object) -> str:
    return str(value).lower() if isinstance(value, bool) else str(value)


@handles("aws:sns/topic:Topic")
def topic(inputs: Inputs, ctx: Context) -> tuple[str, Outputs]:
    sns = ctx.client("sns")
    tags = ctx.tags(inputs)
    fifo = bool(inputs.get("fifoTopic"))
    name = ctx.physical_name(
        inputs.get("name"), inputs.get("namePrefix"), max_length=256, suffix=".fifo" if fifo else ""
    )
    attributes = {
        key[:1].upper() + key[1:]: _attribute(inputs[key]) for key in _TOPIC_ATTRIBUTES if inputs.get(key) is not None
    }
    if fifo:
        attributes["FifoTopic"] = "true"
    if inputs.get("policy"):
        attributes["Policy"] = policy_text(inputs["policy"])
    if inputs.get("maximumMessageSize"):
        raise ValueError("maximumMessageSize is not simulated")
    params: dict = {"Name": name, "Attributes": attributes}
    if tags:
        params["Tags"] = tag_list(tags)
    arn = sns.create_topic(**params)["TopicArn"]
    stored = sns.get_topic_attributes(TopicArn=arn)["Attributes"]
    if attributes.get("KmsMasterKeyId") and stored.get("KmsMasterKeyId") != attributes["KmsMasterKeyId"]:
        ctx.gap(
            "sns:CreateTopic",
            "moto did not store the topic's KMS key",
            checks=("sns_topic_encrypted_cmk", "sns_alarm_topic_encrypted_subscribed"),
            resource_id=arn,
        )
    return arn, {"arn": arn, "name": name, "owner": ctx.account_id, "tagsAll": tags}


@handles("aws:sns/topicPolicy:TopicPolicy")
def topic_policy(inputs: Inputs, ctx: Context) -> tuple[str, Outputs]:
    arn = inputs["arn"]
    ctx.client("sns").set_topic_attributes(
        TopicArn=arn, AttributeName="Policy", AttributeValue=policy_text(inputs["policy"])
    )
    return arn, {"owner": ctx.account_id}


_SUBSCRIPTION_ATTRIBUTES = (
    "deliveryPolicy",
    "filterPolicy",
    "filterPolicyScope",
    "rawMessageDelivery",
    "redrivePolicy",
    "replayPolicy",
    "subscriptionRoleArn",
)


@handles("aws:sns/topicSubscription:TopicSubscription")
def subscription(inputs: Inputs, ctx: Context) -> tuple[str, Outputs]:
    topic_arn, protocol = inputs["topic"], inputs["protocol"]
    attributes = {
        key[:1].upper() + key[1:]: _attribute(inputs[key])
        for key in _SUBSCRIPTION_ATTRIBUTES
        if inputs.get(key) is not None
    }
    # How long Pulumi waits for a confirmation; not a property of the subscription.
    inputs.ignore("confirmationTimeoutInMinutes", "endpointAutoConfirms")
    response = ctx.client("sns").subscribe(
        TopicArn=topic_arn,
        Protocol=protocol,
        Endpoint=inputs["endpoint"],
        Attributes=attributes,
        ReturnSubscriptionArn=True,
    )
    arn = response["SubscriptionArn"]
    stored = ctx.client("sns").get_subscription_attributes(SubscriptionArn=arn)["Attributes"]
    pending = stored.get("PendingConfirmation") == "true"
    if pending and protocol in _CONFIRMED_BY_A_PERSON:
        ctx.awaits_person(
            "sns:ConfirmSubscription",
            f"the {protocol} subscriber confirms the subscription by following the link AWS e-mails",
            checks=("sns_alarm_topic_encrypted_subscribed",),
            resource_id=topic_arn,
            evidence_to_attach=_CONFIRMATION_EVIDENCE.format(protocol=protocol),
        )
    return arn, {"arn": arn, "ownerId": ctx.account_id, "pendingConfirmation": pending}
