"""The audit trail and the application log pipeline (LP-LOG-1, LP-LOG-2).

- A multi-region CloudTrail trail with log file validation, KMS encryption, delivery to an
  encrypted CloudWatch log group, and S3 data events on the tenant-data buckets.
- The application log group, streamed by a subscription filter into an encrypted Firehose
  delivery stream that writes into the log archive with the logs key.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pulumi
import pulumi_aws as aws

from compliance_checks import conventions
from infra import policy_documents
from infra.components._outputs import child, policy_json
from infra.components.log_archive import firehose_role_name, trail_name


@dataclass(frozen=True)
class LogPipelineArgs:
    name_prefix: str
    environment: str
    account_id: pulumi.Input[str]
    region: str
    logs_key_arn: pulumi.Input[str]
    log_retention_days: int
    archive_bucket: pulumi.Input[str]
    archive_bucket_arn: pulumi.Input[str]
    # The archive's bucket policy: the trail and Firehose can only write once it is in place.
    archive_ready: list[pulumi.Resource]
    tenant_bucket_arns: list[pulumi.Input[str]]
    tags: dict[str, str] = field(default_factory=dict)


def log_tags(args: LogPipelineArgs) -> dict[str, str]:
    """The pipeline's tags on what holds logs."""
    return {**args.tags, conventions.DATA_CLASS: "logs"}


class LogPipeline(pulumi.ComponentResource):
    trail: aws.cloudtrail.Trail
    trail_log_group: aws.cloudwatch.LogGroup
    app_log_group: aws.cloudwatch.LogGroup
    delivery_stream: aws.kinesis.FirehoseDeliveryStream

    def __init__(self, name: str, args: LogPipelineArgs, opts: pulumi.ResourceOptions | None = None):
        super().__init__("leadping:logging:LogPipeline", name, None, opts)
        self._trail(name, args)
        self.app_log_group = self._log_group(name, args, "app", f"/leadping/{args.environment}/app")
        self._delivery_stream(name, args)
        self._subscription(name, args)
        self.register_outputs(
            {
                "trail_arn": self.trail.arn,
                "trail_log_group": self.trail_log_group.name,
                "app_log_group": self.app_log_group.name,
                "delivery_stream_arn": self.delivery_stream.arn,
            }
        )

    def _log_group(self, name: str, args: LogPipelineArgs, role: str, group_name: str) -> aws.cloudwatch.LogGroup:
        """A log group of the pipeline, encrypted with the logs key and retained."""
        return aws.cloudwatch.LogGroup(
            f"{name}-{role}-logs",
            name=group_name,
            retention_in_days=args.log_retention_days,
            kms_key_id=args.logs_key_arn,
            tags=log_tags(args),
            opts=child(self),
        )

    def _trail(self, name: str, args: LogPipelineArgs) -> None:
        """The multi-region trail, delivering to the archive and to its own log group."""
        self.trail_log_group = self._log_group(name, args, "trail", f"/leadping/{args.environment}/cloudtrail")
        trail_role = aws.iam.Role(
            f"{name}-trail-role",
            name=f"{args.name_prefix}-cloudtrail-logs",
            description="CloudTrail delivers to its log group",
            assume_role_policy=policy_json(
                lambda a: policy_documents.service_trust("cloudtrail.amazonaws.com", a), args.account_id
            ),
            tags=args.tags,
            opts=child(self),
        )
        trail_policy = aws.iam.RolePolicy(
            f"{name}-trail-role-policy",
            role=trail_role.id,
            policy=policy_json(policy_documents.cloudtrail_to_logs_policy, self.trail_log_group.arn),
            opts=child(self),
        )
        data_selectors = pulumi.Output.all(*args.tenant_bucket_arns).apply(
            lambda arns: [
                {
                    "name": "Management events",
                    "field_selectors": [{"field": "eventCategory", "equals": ["Management"]}],
                },
                {
                    "name": "Tenant bucket object events",
                    "field_selectors": [
                        {"field": "eventCategory", "equals": ["Data"]},
                        {"field": "resources.type", "equals": ["AWS::S3::Object"]},
                        {"field": "resources.ARN", "starts_withs": sorted(f"{arn}/" for arn in arns)},
                    ],
                },
            ]
        )
        self.trail = aws.cloudtrail.Trail(
            f"{name}-trail",
            name=trail_name(args.name_prefix),
            s3_bucket_name=args.archive_bucket,
            is_multi_region_trail=True,
            include_global_service_events=True,
            enable_log_file_validation=True,
            enable_logging=True,
            kms_key_id=args.logs_key_arn,
            cloud_watch_logs_group_arn=self.trail_log_group.arn.apply(lambda arn: f"{arn}:*"),
            cloud_watch_logs_role_arn=trail_role.arn,
            advanced_event_selectors=data_selectors,
            tags=log_tags(args),
            opts=child(self, depends_on=[*args.archive_ready, trail_policy]),
        )

    def _delivery_stream(self, name: str, args: LogPipelineArgs) -> None:
        """The Firehose stream that writes application logs into the archive, and its error log."""
        delivery_errors = self._log_group(
            name, args, "firehose-errors", f"/leadping/{args.environment}/firehose-errors"
        )
        aws.cloudwatch.LogStream(
            f"{name}-firehose-errors-stream", name="archive", log_group_name=delivery_errors.name, opts=child(self)
        )
        firehose_role = aws.iam.Role(
            f"{name}-firehose-role",
            name=firehose_role_name(args.name_prefix),
            description="Firehose writes application logs into the archive",
            assume_role_policy=policy_json(
                lambda a: policy_documents.service_trust("firehose.amazonaws.com", a), args.account_id
            ),
            tags=args.tags,
            opts=child(self),
        )
        firehose_policy = aws.iam.RolePolicy(
            f"{name}-firehose-role-policy",
            role=firehose_role.id,
            policy=policy_json(
                lambda bucket, key, errors: policy_documents.firehose_delivery_policy(bucket, key, errors, args.region),
                args.archive_bucket_arn,
                args.logs_key_arn,
                delivery_errors.arn,
            ),
            opts=child(self),
        )
        self.delivery_stream = aws.kinesis.FirehoseDeliveryStream(
            f"{name}-app-stream",
            name=f"{args.name_prefix}-app-logs",
            destination="extended_s3",
            server_side_encryption={
                "enabled": True,
                "key_type": "CUSTOMER_MANAGED_CMK",
                "key_arn": args.logs_key_arn,
            },
            extended_s3_configuration={
                "role_arn": firehose_role.arn,
                "bucket_arn": args.archive_bucket_arn,
                "kms_key_arn": args.logs_key_arn,
                "prefix": "firehose/app/!{timestamp:yyyy/MM/dd}/",
                "error_output_prefix": "firehose/errors/!{firehose:error-output-type}/!{timestamp:yyyy/MM/dd}/",
                "buffering_size": 64,
                "buffering_interval": 300,
                "compression_format": "GZIP",
                "cloudwatch_logging_options": {
                    "enabled": True,
                    "log_group_name": delivery_errors.name,
                    "log_stream_name": "archive",
                },
            },
            tags=log_tags(args),
            opts=child(self, depends_on=[*args.archive_ready, firehose_policy]),
        )

    def _subscription(self, name: str, args: LogPipelineArgs) -> None:
        """The subscription filter streaming the application log group into Firehose."""
        subscription_role = aws.iam.Role(
            f"{name}-subscription-role",
            name=f"{args.name_prefix}-logs-to-firehose",
            description="CloudWatch Logs streams the application log group into Firehose",
            assume_role_policy=policy_json(
                lambda a: policy_documents.service_trust(f"logs.{args.region}.amazonaws.com", a), args.account_id
            ),
            tags=args.tags,
            opts=child(self),
        )
        subscription_policy = aws.iam.RolePolicy(
            f"{name}-subscription-role-policy",
            role=subscription_role.id,
            policy=policy_json(policy_documents.logs_to_firehose_policy, self.delivery_stream.arn),
            opts=child(self),
        )
        aws.cloudwatch.LogSubscriptionFilter(
            f"{name}-app-to-archive",
            name=f"{args.name_prefix}-app-to-archive",
            log_group=self.app_log_group.name,
            filter_pattern="",
            destination_arn=self.delivery_stream.arn,
            role_arn=subscription_role.arn,
            opts=child(self, depends_on=[subscription_policy]),
        )
