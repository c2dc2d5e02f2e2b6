"""Outbound webhooks through EventBridge API destinations, HTTPS only (LP-TX-2).

The application puts an event with detail-type ``webhook.<target>`` on the stack's webhook bus; a
rule per target sends it to the target's API destination, with retries and a dead-letter queue.

No credential passes through the program or the Pulumi state. Each connection is created with
a marker that no receiver accepts, and the connected system's secret names the connections it
authenticates (tag ``leadping:eventbridge-connections``): the rotation function writes each new
key into those connections (``events:UpdateConnection``) when it rotates the secret, the first
time right after the secret is created. EventBridge keeps the key in a secret it owns
(``events!connection/...``), encrypted with the secrets key and tagged with the credential system.
Pulumi ignores later changes to the connections' auth parameters, which rotation owns.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

import pulumi
import pulumi_aws as aws

from compliance_checks import conventions
from infra import policy_documents
from infra.components._outputs import child, policy_json
from infra.settings import WebhookTarget

API_KEY_HEADER = "X-Leadping-Webhook-Key"
# Not a credential: what a connection holds until the first rotation writes the real key.
UNSET_UNTIL_ROTATION = "unset-until-first-rotation"


def connection_name(name_prefix: str, target: str) -> str:
    return f"{name_prefix}-{target}"


@dataclass(frozen=True)
class WebhooksArgs:
    name_prefix: str
    account_id: pulumi.Input[str]
    targets: tuple[WebhookTarget, ...]
    # The connected system whose secret's rotation writes the connections' key.
    credential_system: str
    secrets_key_arn: pulumi.Input[str]
    messages_key_arn: pulumi.Input[str]
    invocation_rate_per_second: int = 20
    tags: dict[str, str] = field(default_factory=dict)


class Webhooks(pulumi.ComponentResource):
    destinations: dict[str, aws.cloudwatch.EventApiDestination]

    def __init__(self, name: str, args: WebhooksArgs, opts: pulumi.ResourceOptions | None = None):
        super().__init__("leadping:integrations:Webhooks", name, None, opts)
        tags = {**args.tags, conventions.DATA_CLASS: "messages"}
        self._bus(name, args, tags)
        self._dead_letter_queue(name, args, tags)
        self._destinations(name, args)
        role = self._invoke_role(name, args)
        self._rules(name, args, role)
        self.register_outputs(
            {
                "bus_name": self.bus.name,
                "destination_arns": {n: d.arn for n, d in self.destinations.items()},
            }
        )

    def _bus(self, name: str, args: WebhooksArgs, tags: dict[str, str]) -> None:
        """The webhook event bus, encrypted with the messages key."""
        self.bus = aws.cloudwatch.EventBus(
            f"{name}-bus",
            name=f"{args.name_prefix}-webhooks",
            kms_key_identifier=args.messages_key_arn,
            tags=tags,
            opts=child(self),
        )

    def _dead_letter_queue(self, name: str, args: WebhooksArgs, tags: dict[str, str]) -> None:
        """The queue undeliverable webhook events land in, and its policy."""
        self.dead_letter_queue = aws.sqs.Queue(
            f"{name}-dlq",
            name=f"{args.name_prefix}-webhooks-dlq",
            kms_master_key_id=args.messages_key_arn,
            message_retention_seconds=14 * 24 * 3600,
            tags=tags,
            opts=child(self),
        )
        aws.sqs.QueuePolicy(
            f"{name}-dlq-policy",
            queue_url=self.dead_letter_queue.url,
            policy=policy_json(
                lambda arn, account: policy_documents.queue_policy(
                    arn, account, {"EventBridgeDeadLetters": "events.amazonaws.com"}
                ),
                self.dead_letter_queue.arn,
                args.account_id,
            ),
            opts=child(self),
        )

    def _destinations(self, name: str, args: WebhooksArgs) -> None:
        """Per target: a connection awaiting its key from rotation, and an API destination."""
        self.destinations = {}
        self.connections: dict[str, aws.cloudwatch.EventConnection] = {}
        for target in args.targets:
            connection = self.connections[target.name] = aws.cloudwatch.EventConnection(
                f"{name}-{target.name}-connection",
                name=connection_name(args.name_prefix, target.name),
                description=f"{target.name} webhook; key from the {args.credential_system} secret's rotation",
                authorization_type="API_KEY",
                auth_parameters={"api_key": {"key": API_KEY_HEADER, "value": UNSET_UNTIL_ROTATION}},
                kms_key_identifier=args.secrets_key_arn,
                opts=child(self, ignore_changes=["authParameters"]),
            )
            # EventBridge keeps the key in a secret it creates untagged; it holds the credential
            # system's key, so it names that system (LP-SEC-2).
            aws.secretsmanager.Tag(
                f"{name}-{target.name}-connection-secret-system",
                secret_id=connection.secret_arn,
                key=conventions.SYSTEM,
                value=args.credential_system,
                opts=child(self),
            )
            self.destinations[target.name] = aws.cloudwatch.EventApiDestination(
                f"{name}-{target.name}-destination",
                name=f"{args.name_prefix}-{target.name}",
                description=f"{target.name} webhook",
                invocation_endpoint=target.url,
                http_method=target.http_method,
                invocation_rate_limit_per_second=args.invocation_rate_per_second,
                connection_arn=connection.arn,
                opts=child(self),
            )

    def _invoke_role(self, name: str, args: WebhooksArgs) -> aws.iam.Role:
        """The role the rules call the API destinations with."""
        role = aws.iam.Role(
            f"{name}-invoke-role",
            name=f"{args.name_prefix}-webhooks",
            description="Lets the webhook rules call their API destinations",
            assume_role_policy=policy_json(
                lambda a: policy_documents.service_trust("events.amazonaws.com", a), args.account_id
            ),
            tags=args.tags,
            opts=child(self),
        )
        aws.iam.RolePolicy(
            f"{name}-invoke-policy",
            role=role.id,
            policy=policy_json(
                lambda arns: policy_documents.document(
                    [{"Effect": "Allow", "Action": "events:InvokeApiDestination", "Resource": sorted(arns)}]
                ),
                pulumi.Output.all(*(d.arn for d in self.destinations.values())),
            ),
            opts=child(self),
        )
        return role

    def _rules(self, name: str, args: WebhooksArgs, role: aws.iam.Role) -> None:
        """Per target: a rule on its detail-type, sending to its destination with retries."""
        for target in args.targets:
            rule = aws.cloudwatch.EventRule(
                f"{name}-{target.name}-rule",
                name=f"{args.name_prefix}-{target.name}",
                description=f"Webhook events for {target.name}",
                event_bus_name=self.bus.name,
                event_pattern=json.dumps({"detail-type": [f"webhook.{target.name}"]}),
                tags=args.tags,
                opts=child(self),
            )
            aws.cloudwatch.EventTarget(
                f"{name}-{target.name}-target",
                rule=rule.name,
                event_bus_name=self.bus.name,
                arn=self.destinations[target.name].arn,
                role_arn=role.arn,
                retry_policy={"maximum_retry_attempts": 24, "maximum_event_age_in_seconds": 3600},
                dead_letter_config={"arn": self.dead_letter_queue.arn},
                opts=child(self),
            )
