"""Customer-managed KMS keys, one per data class (LP-DR-1)."""

from __future__ import annotations

import json
from dataclasses import dataclass, field

import pulumi
import pulumi_aws as aws

from compliance_checks import conventions
from infra import policy_documents

# The AWS services that encrypt each data class for us (admitted for this account only), and the
# services through which the account's own principals use the key. CloudWatch is on the logs
# key because it publishes alarms to the alarm topic, which is encrypted with the logs key.
_SERVICE_PRINCIPALS: dict[str, tuple[str, ...]] = {
    "leads": ("dynamodb.amazonaws.com", "rds.amazonaws.com"),
    "messages": ("dynamodb.amazonaws.com", "sns.amazonaws.com", "sqs.amazonaws.com"),
    "call-recordings": ("s3.amazonaws.com",),
    "logs": (
        "cloudtrail.amazonaws.com",
        "cloudwatch.amazonaws.com",
        "delivery.logs.amazonaws.com",
        "events.amazonaws.com",
        "firehose.amazonaws.com",
    ),
    "backups": ("backup.amazonaws.com",),
    "secrets": ("secretsmanager.amazonaws.com",),
}
_VIA_SERVICES: dict[str, tuple[str, ...]] = {
    "leads": ("dynamodb", "rds", "s3"),
    "messages": ("dynamodb", "sns", "sqs"),
    "call-recordings": ("s3",),
    "logs": ("s3", "firehose", "sns", "logs"),
    "backups": ("backup",),
    "secrets": ("secretsmanager", "lambda", "events", "sqs"),
}
# CloudWatch Logs encrypts log groups with the logs key (LP-LOG-2).
_CLOUDWATCH_LOGS = ("logs",)


@dataclass(frozen=True)
class DataKeysArgs:
    environment: str
    account_id: pulumi.Input[str]
    region: str
    deletion_window_days: int
    data_classes: tuple[str, ...] = conventions.DATA_CLASSES
    tags: dict[str, str] = field(default_factory=dict)


class DataKeys(pulumi.ComponentResource):
    """One customer-managed, rotating key (with an alias and a key policy) per data class."""

    keys: dict[str, aws.kms.Key]

    def __init__(self, name: str, args: DataKeysArgs, opts: pulumi.ResourceOptions | None = None):
        super().__init__("leadping:security:DataKeys", name, None, opts)
        unknown = set(args.data_classes) - set(conventions.DATA_CLASSES)
        if unknown:
            raise ValueError(f"unknown data classes {sorted(unknown)}; known: {conventions.DATA_CLASSES}")
        self.keys = {}
        for data_class in args.data_classes:
            policy = pulumi.Output.from_input(args.account_id).apply(
                lambda account, dc=data_class: json.dumps(
                    policy_documents.key_policy(
                        account,
                        args.region,
                        service_principals=_SERVICE_PRINCIPALS[dc],
                        via_services=_VIA_SERVICES[dc],
                        cloudwatch_logs=dc in _CLOUDWATCH_LOGS,
                    ),
                    sort_keys=True,
                )
            )
            key = aws.kms.Key(
                f"{name}-{data_class}",
                description=f"Leadping {args.environment} {data_class} data key",
                enable_key_rotation=True,
                rotation_period_in_days=365,
                deletion_window_in_days=args.deletion_window_days,
                key_usage="ENCRYPT_DECRYPT",
                customer_master_key_spec="SYMMETRIC_DEFAULT",
                policy=policy,
                tags={**args.tags, conventions.DATA_CLASS: data_class},
                opts=pulumi.ResourceOptions(parent=self, protect=args.environment == "prod"),
            )
            aws.kms.Alias(
                f"{name}-{data_class}-alias",
                name=f"alias/leadping-{args.environment}-{data_class}",
                target_key_id=key.key_id,
                opts=pulumi.ResourceOptions(parent=self),
            )
            self.keys[data_class] = key
        self.register_outputs({f"{dc}_key_arn": key.arn for dc, key in self.keys.items()})

    def arn(self, data_class: str) -> pulumi.Output[str]:
        return self.keys[data_class].arn
