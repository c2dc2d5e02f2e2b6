"""An S3 bucket that is secure by default (LP-DR-1, LP-TX-1, LP-LOG-1, LP-LOG-2, LP-BK-1)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import pulumi
import pulumi_aws as aws

from compliance_checks import conventions
from infra import policy_documents
from infra.components._outputs import child, policy_json

# Receives the bucket ARN, then the resolved ``extra_policy_inputs``.
PolicyStatements = Callable[..., Sequence[dict[str, Any]]]


@dataclass(frozen=True)
class LifecycleTier:
    """Move current objects to ``storage_class`` after ``days``."""

    days: int
    storage_class: str


@dataclass(frozen=True)
class SecureBucketArgs:
    bucket_name: pulumi.Input[str]
    kms_key_arn: pulumi.Input[str]
    data_class: str
    # Where S3 server access logs go; None only for a bucket that must not log into itself.
    access_log_bucket: pulumi.Input[str] | None = None
    access_log_prefix: str = ""
    transitions: tuple[LifecycleTier, ...] = ()
    noncurrent_version_expiration_days: int | None = 90
    # Object Lock in compliance mode with this default retention (the log archive, LP-LOG-2).
    object_lock_days: int | None = None
    # Statements added after the TLS-only deny.
    extra_policy_statements: PolicyStatements | None = None
    extra_policy_inputs: tuple[pulumi.Input[Any], ...] = ()
    tags: dict[str, str] = field(default_factory=dict)


class SecureBucket(pulumi.ComponentResource):
    """Bucket + owner-enforced ownership, public access block, SSE-KMS with bucket keys,
    versioning, TLS-only policy, server access logging, lifecycle and (optionally) Object Lock."""

    bucket: aws.s3.Bucket
    policy: aws.s3.BucketPolicy

    def __init__(self, name: str, args: SecureBucketArgs, opts: pulumi.ResourceOptions | None = None):
        super().__init__("leadping:storage:SecureBucket", name, None, opts)
        locked = args.object_lock_days is not None
        self.bucket = aws.s3.Bucket(
            f"{name}-bucket",
            bucket=args.bucket_name,
            object_lock_enabled=locked or None,
            force_destroy=False,
            tags={**args.tags, conventions.DATA_CLASS: args.data_class},
            opts=child(self),
        )
        ownership, public_access = self._access_controls(name)
        self._encryption(name, args)
        versioning = self._versioning(name, args, locked)
        self._policy(name, args, public_access, ownership)
        self._access_logging(name, args)
        self._lifecycle(name, args, versioning)
        self.register_outputs({"bucket": self.bucket.bucket, "arn": self.bucket.arn})

    def _access_controls(self, name: str) -> tuple[aws.s3.BucketOwnershipControls, aws.s3.BucketPublicAccessBlock]:
        """Owner-enforced object ownership (no ACLs) and the public access block."""
        ownership = aws.s3.BucketOwnershipControls(
            f"{name}-ownership",
            bucket=self.bucket.id,
            rule={"object_ownership": "BucketOwnerEnforced"},
            opts=child(self),
        )
        public_access = aws.s3.BucketPublicAccessBlock(
            f"{name}-public-access",
            bucket=self.bucket.id,
            block_public_acls=True,
            block_public_policy=True,
            ignore_public_acls=True,
            restrict_public_buckets=True,
            opts=child(self),
        )
        return ownership, public_access

    def _encryption(self, name: str, args: SecureBucketArgs) -> None:
        """SSE-KMS with the data class's key and bucket keys."""
        aws.s3.BucketServerSideEncryptionConfiguration(
            f"{name}-encryption",
            bucket=self.bucket.id,
            rules=[
                {
                    "apply_server_side_encryption_by_default": {
                        "sse_algorithm": "aws:kms",
                        "kms_master_key_id": args.kms_key_arn,
                    },
                    "bucket_key_enabled": True,
                }
            ],
            opts=child(self),
        )

    def _versioning(self, name: str, args: SecureBucketArgs, locked: bool) -> aws.s3.BucketVersioning:
        """Versioning and, for a locked bucket, Object Lock in compliance mode."""
        versioning = aws.s3.BucketVersioning(
            f"{name}-versioning",
            bucket=self.bucket.id,
            versioning_configuration={"status": "Enabled"},
            opts=child(self),
        )
        if locked:
            aws.s3.BucketObjectLockConfiguration(
                f"{name}-object-lock",
                bucket=self.bucket.id,
                object_lock_enabled="Enabled",
                rule={"default_retention": {"mode": "COMPLIANCE", "days": args.object_lock_days}},
                opts=child(self, depends_on=[versioning]),
            )
        return versioning

    def _policy(
        self,
        name: str,
        args: SecureBucketArgs,
        public_access: aws.s3.BucketPublicAccessBlock,
        ownership: aws.s3.BucketOwnershipControls,
    ) -> None:
        """The TLS-only bucket policy and the statements the bucket's user adds."""
        extra = args.extra_policy_statements
        self.policy = aws.s3.BucketPolicy(
            f"{name}-policy",
            bucket=self.bucket.id,
            policy=policy_json(
                lambda arn, *rest: policy_documents.bucket_policy(arn, extra(arn, *rest) if extra else ()),
                self.bucket.arn,
                *args.extra_policy_inputs,
            ),
            # S3 refuses a policy while the public access block is still being applied.
            opts=child(self, depends_on=[public_access, ownership]),
        )

    def _access_logging(self, name: str, args: SecureBucketArgs) -> None:
        """Server access logs into the access-log bucket, unless the bucket must not log."""
        if args.access_log_bucket is None:
            return
        aws.s3.BucketLogging(
            f"{name}-access-logging",
            bucket=self.bucket.id,
            target_bucket=args.access_log_bucket,
            target_prefix=args.access_log_prefix or pulumi.Output.concat("s3/", self.bucket.id, "/"),
            target_object_key_format={"partitioned_prefix": {"partition_date_source": "EventTime"}},
            opts=child(self),
        )

    def _lifecycle(self, name: str, args: SecureBucketArgs, versioning: aws.s3.BucketVersioning) -> None:
        """Aborted uploads cleaned up, the cold-storage tiers, noncurrent versions expired."""
        rules: list[dict[str, Any]] = [
            {
                "id": "abort-incomplete-uploads",
                "status": "Enabled",
                "filter": {},
                "abort_incomplete_multipart_upload": {"days_after_initiation": 7},
            }
        ]
        if args.transitions:
            rules.append(
                {
                    "id": "cold-storage",
                    "status": "Enabled",
                    "filter": {},
                    "transitions": [{"days": t.days, "storage_class": t.storage_class} for t in args.transitions],
                }
            )
        if args.noncurrent_version_expiration_days:
            rules.append(
                {
                    "id": "expire-noncurrent-versions",
                    "status": "Enabled",
                    "filter": {},
                    "noncurrent_version_expiration": {"noncurrent_days": args.noncurrent_version_expiration_days},
                }
            )
        aws.s3.BucketLifecycleConfiguration(
            f"{name}-lifecycle",
            bucket=self.bucket.id,
            rules=rules,
            # Lifecycle rules on noncurrent versions need versioning in place first.
            opts=child(self, depends_on=[versioning]),
        )

    @property
    def name(self) -> pulumi.Output[str]:
        return self.bucket.bucket

    @property
    def arn(self) -> pulumi.Output[str]:
        return self.bucket.arn
