"""SQS inventory: queues per region and their attributes (one GetQueueAttributes "All" read per
queue, shared by every check that needs any attribute)."""

from __future__ import annotations

import json

from compliance_checks.reader import Reader


def queue_urls(reader: Reader, region: str) -> list[str]:
    return reader.paginate("sqs", "list_queues", "QueueUrls", region=region)


def attributes(reader: Reader, queue_url: str, region: str) -> dict[str, str] | None:
    """Every attribute of the queue (None when it was deleted since it was listed)."""
    response = reader.call(
        "sqs",
        "get_queue_attributes",
        region=region,
        missing=("AWS.SimpleQueueService.NonExistentQueue", "QueueDoesNotExist"),
        expect=("Attributes",),
        QueueUrl=queue_url,
        AttributeNames=["All"],
    )
    return None if response is None else response.get("Attributes", {})


def dead_letter_target(queue_attributes: dict[str, str]) -> str | None:
    """The ARN of the queue's dead-letter queue, from its RedrivePolicy."""
    raw = queue_attributes.get("RedrivePolicy")
    if not raw:
        return None
    try:
        return json.loads(raw).get("deadLetterTargetArn")
    except (ValueError, AttributeError):
        return None


def queue_name(queue_arn: str) -> str:
    return queue_arn.rsplit(":", 1)[-1]


def dead_letter_queue_names(reader: Reader, region: str) -> set[str]:
    """Names of the region's queues that another queue of the region redrives to."""
    names: set[str] = set()
    for url in queue_urls(reader, region):
        target = dead_letter_target(attributes(reader, url, region) or {})
        if target and target.split(":")[3] == region:
            names.add(queue_name(target))
    return names


def queue_arn(queue_url: str, region: str, partition: str = "aws") -> str:
    """The ARN of a queue from its URL (``https://sqs.<region>.amazonaws.com/<account>/<name>``)."""
    account, name = queue_url.rstrip("/").split("/")[-2:]
    return f"arn:{partition}:sqs:{region}:{account}:{name}"
