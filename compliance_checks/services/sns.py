"""SNS inventory: topics per region, a topic's attributes and its subscriptions."""

from __future__ import annotations

from typing import Any

from compliance_checks.reader import Reader

# What ListSubscriptionsByTopic shows instead of an ARN for a subscription that does not deliver.
UNCONFIRMED_SUBSCRIPTION_ARNS = frozenset({"PendingConfirmation", "Deleted"})


def topic_region(topic_arn: str) -> str:
    return topic_arn.split(":")[3]


def topics(reader: Reader, region: str) -> list[str]:
    """ARNs of every topic in the region."""
    return [t["TopicArn"] for t in reader.paginate("sns", "list_topics", "Topics", region=region)]


def attributes(reader: Reader, topic_arn: str) -> dict[str, str] | None:
    """The topic's attributes (None when the topic does not exist)."""
    response = reader.call(
        "sns",
        "get_topic_attributes",
        region=topic_region(topic_arn),
        missing=("NotFound",),
        expect=("Attributes",),
        TopicArn=topic_arn,
    )
    return None if response is None else response.get("Attributes", {})


def subscriptions(reader: Reader, topic_arn: str) -> list[dict[str, Any]]:
    return reader.paginate(
        "sns", "list_subscriptions_by_topic", "Subscriptions", region=topic_region(topic_arn), TopicArn=topic_arn
    )


def is_confirmed(subscription: dict[str, Any]) -> bool:
    """A subscription delivers once confirmed: its SubscriptionArn is then an ARN."""
    arn = str(subscription.get("SubscriptionArn", ""))
    return arn.startswith("arn:") and arn not in UNCONFIRMED_SUBSCRIPTION_ARNS
