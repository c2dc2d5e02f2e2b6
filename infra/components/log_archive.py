"""The log archive (LP-LOG-2) and the bucket that receives S3 server access logs (LP-LOG-1)."""

from __future__ import annotations

from dataclasses import dataclass, field

import pulumi

from compliance_checks import conventions
from infra import policy_documents
from infra.components.secure_bucket import LifecycleTier, SecureBucket, SecureBucketArgs

ARCHIVE_TIERS = (LifecycleTier(90, "GLACIER"), LifecycleTier(365, "DEEP_ARCHIVE"))
ACCESS_LOG_TIERS = (LifecycleTier(90, "GLACIER_IR"),)


def trail_name(name_prefix: str) -> str:
    return f"{name_prefix}-trail"


def firehose_role_name(name_prefix: str) -> str:
    return f"{name_prefix}-firehose-archive"


@dataclass(frozen=True)
class LogArchiveArgs:
    name_prefix: str
    account_id: pulumi.Input[str]
    region: str
    logs_key_arn: pulumi.Input[str]
    # Object Lock default retention of the archive (compliance mode): the stack's log retention.
    retention_days: int
    tags: dict[str, str] = field(default_factory=dict)


class LogArchive(pulumi.ComponentResource):
    """Two secure buckets.

    ``archive``: where CloudTrail, VPC flow logs, load balancer logs and the Firehose stream land;
    Object Lock in compliance mode, lifecycle to Glacier and Deep Archive, tagged log-archive.
    ``access_logs``: the target of S3 server access logging, which S3 cannot deliver into a bucket
    with an Object Lock default retention. It does not log its own access (that would log the
    delivery of its own logs without end); the archive logs into it.
    """

    def __init__(self, name: str, args: LogArchiveArgs, opts: pulumi.ResourceOptions | None = None):
        super().__init__("leadping:logging:LogArchive", name, None, opts)
        prefix = args.name_prefix
        account = pulumi.Output.from_input(args.account_id)
        self.trail_arn = account.apply(lambda a: f"arn:aws:cloudtrail:{args.region}:{a}:trail/{trail_name(prefix)}")
        self.firehose_role_arn = account.apply(lambda a: policy_documents.role_arn(a, firehose_role_name(prefix)))
        self.access_logs = SecureBucket(
            f"{name}-access-logs",
            SecureBucketArgs(
                bucket_name=account.apply(lambda a: f"{prefix}-access-logs-{a}"),
                kms_key_arn=args.logs_key_arn,
                data_class="logs",
                access_log_bucket=None,
                transitions=ACCESS_LOG_TIERS,
                extra_policy_statements=lambda arn, a, src: [policy_documents.access_log_write_statements(arn, a, src)],
                extra_policy_inputs=(
                    account,
                    account.apply(lambda a: [f"arn:aws:s3:::{prefix}-*-{a}"]),
                ),
                tags=args.tags,
            ),
            opts=pulumi.ResourceOptions(parent=self),
        )
        self.archive = SecureBucket(
            f"{name}-archive",
            SecureBucketArgs(
                bucket_name=account.apply(lambda a: f"{prefix}-log-archive-{a}"),
                kms_key_arn=args.logs_key_arn,
                data_class="logs",
                access_log_bucket=self.access_logs.name,
                transitions=ARCHIVE_TIERS,
                # Versions stay until Object Lock lets them go; lifecycle moves them to cold storage.
                noncurrent_version_expiration_days=None,
                object_lock_days=args.retention_days,
                extra_policy_statements=lambda arn, a, trail, firehose: policy_documents.log_archive_write_statements(
                    arn, a, args.region, firehose_role_arn=firehose, trail_arn=trail
                ),
                extra_policy_inputs=(account, self.trail_arn, self.firehose_role_arn),
                tags={**args.tags, conventions.LOG_ARCHIVE: conventions.TRUE},
            ),
            opts=pulumi.ResourceOptions(parent=self),
        )
        self.register_outputs(
            {
                "archive_bucket": self.archive.name,
                "archive_bucket_arn": self.archive.arn,
                "access_log_bucket": self.access_logs.name,
            }
        )
