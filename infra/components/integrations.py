"""Outbound webhooks through EventBridge API destinations, HTTPS only (LP-TX-2).

The application puts an event with detail-type ``webhook.<target>`` on the stack's webhook bus; a
rule per target sends it to the target's API destination, with retries and a dead-letter queue.
Each connection authenticates with an API key read at deploy time from the connected system's
secret (never from the program or the stack file), and EventBridge keeps it encrypted with the
secrets key. When the secret rotates, the next ``pulumi up`` carries the new value over.
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


def _secret_value(secret_string: str) -> str:
    """The credential inside a secret written by the rotation function (``{"value": ...}``)."""
    if not isinstance(secret_string, str):
        return secret_string  # not known yet (preview)
    try:
        document = json.loads(secret_string)
    except ValueError:
        return secret_string
    return document.get("value", secret_string) if isinstance(document, dict) else secret_string


@dataclass(frozen=True)
class WebhooksArgs:
    name_prefix: str
    account_id: pulumi.Input[str]
    targets: tuple[WebhookTarget, ...]
    credential_secret_arn: pulumi.Input[str]
    # Resources that must exist before the credential has a value (the secret's rotation).
    credential_ready: list[pulumi.Resource]
    secrets_key_arn: pulumi.Input[str]
    messages_key_arn: pulumi.Input[str]
    invocation_rate_per_second: int = 20
    tags: dict[str, str] = field(default_factory=dict)


class Webhooks(pulumi.ComponentResource):
    destinations: dict[str, aws.cloudwatch.EventApiDestination]

    def __init__(self, name: str, args: WebhooksArgs, opts: pulumi.ResourceOptions | None = None):
        super().__init__("leadping:integrations:Webhooks", name, None, opts)
        prefix = args.name_prefix
        self.bus = aws.cloudwatch.EventBus(
            f"{name}-bus",
            name=f"{prefix}-webhooks",
            kms_key_identifier=args.messages_key_arn,
            tags={**args.tags, conventions.DATA_CLASS: "messages"},
            opts=child(self),
        )
        self.dead_letter_queue = aws.sqs.Queue(
            f"{name}-dlq",
            name=f"{prefix}-webhooks-dlq",
            kms_master_key_id=args.messages_key_arn,
            message_retention_seconds=14 * 24 * 3600,
            tags={**args.tags, conventions.DATA_CLASS: "messages"},
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
        credential = aws.secretsmanager.get_secret_version_output(
            secret_id=args.credential_secret_arn,
            opts=pulumi.InvokeOutputOptions(parent=self, depends_on=args.credential_ready),
        )
        api_key = pulumi.Output.secret(credential.secret_string.apply(_secret_value))

        self.destinations = {}
        for target in args.targets:
            connection = aws.cloudwatch.EventConnection(
                f"{name}-{target.name}-connection",
                name=f"{prefix}-{target.name}",
                description=f"Credential Leadping presents to the {target.name} webhook",
                authorization_type="API_KEY",
                auth_parameters={"api_key": {"key": API_KEY_HEADER, "value": api_key}},
                kms_key_identifier=args.secrets_key_arn,
                opts=child(self),
            )
            self.destinations[target.name] = aws.cloudwatch.EventApiDestination(
                f"{name}-{target.name}-destination",
                name=f"{prefix}-{target.name}",
                description=f"{target.name} webhook",
                invocation_endpoint=target.url,
                http_method=target.http_method,
                invocation_rate_limit_per_second=args.invocation_rate_per_second,
                connection_arn=connection.arn,
                opts=child(self),
            )

        role = aws.iam.Role(
            f"{name}-invoke-role",
            name=f"{prefix}-webhooks",
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
        for target in args.targets:
            rule = aws.cloudwatch.EventRule(
                f"{name}-{target.name}-rule",
                name=f"{prefix}-{target.name}",
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
        self.register_outputs(
            {
                "bus_name": self.bus.name,
                "destination_arns": {n: d.arn for n, d in self.destinations.items()},
            }
        )
