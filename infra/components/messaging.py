"""The work queue the workers consume, with its dead-letter queue (LP-DR-1: messages key)."""

from __future__ import annotations

import json
from dataclasses import dataclass, field

import pulumi
import pulumi_aws as aws

from compliance_checks import conventions
from infra import policy_documents
from infra.components._outputs import child, policy_json

MAX_RECEIVES = 5
FOURTEEN_DAYS = 14 * 24 * 3600


@dataclass(frozen=True)
class MessagingArgs:
    name_prefix: str
    account_id: pulumi.Input[str]
    messages_key_arn: pulumi.Input[str]
    tags: dict[str, str] = field(default_factory=dict)


class Messaging(pulumi.ComponentResource):
    queue: aws.sqs.Queue
    dead_letter_queue: aws.sqs.Queue

    def __init__(self, name: str, args: MessagingArgs, opts: pulumi.ResourceOptions | None = None):
        super().__init__("leadping:messaging:Messaging", name, None, opts)
        tags = {**args.tags, conventions.DATA_CLASS: "messages"}
        self.dead_letter_queue = aws.sqs.Queue(
            f"{name}-dead-letters",
            name=f"{args.name_prefix}-work-dlq",
            kms_master_key_id=args.messages_key_arn,
            kms_data_key_reuse_period_seconds=300,
            message_retention_seconds=FOURTEEN_DAYS,
            tags=tags,
            opts=child(self),
        )
        self.queue = aws.sqs.Queue(
            f"{name}-work",
            name=f"{args.name_prefix}-work",
            kms_master_key_id=args.messages_key_arn,
            kms_data_key_reuse_period_seconds=300,
            visibility_timeout_seconds=120,
            receive_wait_time_seconds=20,
            redrive_policy=self.dead_letter_queue.arn.apply(
                lambda arn: json.dumps({"deadLetterTargetArn": arn, "maxReceiveCount": MAX_RECEIVES})
            ),
            tags=tags,
            opts=child(self),
        )
        aws.sqs.RedriveAllowPolicy(
            f"{name}-dead-letters-redrive-allow",
            queue_url=self.dead_letter_queue.url,
            redrive_allow_policy=self.queue.arn.apply(
                lambda arn: json.dumps({"redrivePermission": "byQueue", "sourceQueueArns": [arn]})
            ),
            opts=child(self),
        )
        for role, queue in (("work", self.queue), ("dead-letters", self.dead_letter_queue)):
            aws.sqs.QueuePolicy(
                f"{name}-{role}-policy",
                queue_url=queue.url,
                policy=policy_json(policy_documents.queue_policy, queue.arn, args.account_id),
                opts=child(self),
            )
        self.register_outputs({"queue_url": self.queue.url, "dead_letter_queue_url": self.dead_letter_queue.url})
