from __future__ import annotations

from compliance_checks.core import Check, CheckContext, CheckMetadata, ReadError, Severity, errored, failed, passed
from compliance_checks.services import kms, s3


class S3BucketDefaultEncryptionKms(Check):
    """Every bucket encrypts by default with SSE-KMS under a customer-managed key, with bucket keys.

    Scenarios:
    - given a bucket with SSE-KMS, a customer-managed key and BucketKeyEnabled, then PASS
    - given a bucket with SSE-S3 (AES256) only, then FAIL
    - given a bucket with SSE-KMS under the AWS-managed aws/s3 key (no key id), then FAIL
    - given a bucket with SSE-KMS and a customer key but bucket keys off, then FAIL
    - given a bucket without a default encryption configuration, then FAIL
    - given GetBucketEncryption is denied, then ERROR for that bucket
    """

    metadata = CheckMetadata(
        title="S3 buckets encrypt by default with a customer-managed KMS key and bucket keys",
        severity=Severity.HIGH,
        resource_type="AWS::S3::Bucket",
        rationale="LP-DR-1: data at rest is protected with keys Leadping controls, rotates and can revoke.",
        remediation="Set the bucket's default encryption to aws:kms with the data class's customer key "
        "and BucketKeyEnabled (infra: SecureBucket does this).",
    )

    def evaluate(self, ctx: CheckContext):
        for bucket in s3.buckets(ctx.reader):
            try:
                config = s3.encryption(ctx.reader, bucket)
            except ReadError as error:
                yield errored(bucket.arn, error, region=bucket.region)
                continue
            if not config or not config.get("Rules"):
                yield failed(bucket.arn, "no default encryption configuration", region=bucket.region)
                continue
            rule = config["Rules"][0]
            default = rule.get("ApplyServerSideEncryptionByDefault", {})
            algorithm = default.get("SSEAlgorithm")
            key_id = default.get("KMSMasterKeyID")
            evidence = {
                "sse_algorithm": algorithm,
                "kms_key": key_id,
                "bucket_key_enabled": rule.get("BucketKeyEnabled", False),
            }
            if algorithm not in ("aws:kms", "aws:kms:dsse"):
                yield failed(
                    bucket.arn, f"default encryption is {algorithm}, not SSE-KMS", region=bucket.region, **evidence
                )
                continue
            try:
                customer, detail = kms.is_customer_managed(ctx.reader, key_id, bucket.region)
            except ReadError as error:
                yield errored(bucket.arn, error, region=bucket.region, **evidence)
                continue
            if not customer:
                yield failed(
                    bucket.arn,
                    f"SSE-KMS does not use a customer-managed key ({detail})",
                    region=bucket.region,
                    **evidence,
                )
            elif not rule.get("BucketKeyEnabled"):
                yield failed(
                    bucket.arn,
                    "SSE-KMS with a customer key, but S3 bucket keys are off",
                    region=bucket.region,
                    **evidence,
                )
            else:
                yield passed(
                    bucket.arn, f"SSE-KMS with customer key {detail} and bucket keys", region=bucket.region, **evidence
                )
