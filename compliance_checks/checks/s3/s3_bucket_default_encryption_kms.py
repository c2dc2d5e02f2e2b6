from __future__ import annotations

from compliance_checks.kit import BucketCheck, CheckMetadata, CustomerKeyCheck, KeyUse, Severity, s3


class S3BucketDefaultEncryptionKms(BucketCheck, CustomerKeyCheck):
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

    encrypted_what = "SSE-KMS"

    def key_use(self, ctx, item):
        config = s3.encryption(ctx.reader, item)
        if not config or not config.get("Rules"):
            return KeyUse(None, unencrypted="no default encryption configuration")
        rule = config["Rules"][0]
        default = rule.get("ApplyServerSideEncryptionByDefault", {})
        algorithm, bucket_keys = default.get("SSEAlgorithm"), rule.get("BucketKeyEnabled", False)
        evidence = {"sse_algorithm": algorithm, "bucket_key_enabled": bucket_keys}
        kms = algorithm in ("aws:kms", "aws:kms:dsse")
        unencrypted = None if kms else f"default encryption is {algorithm}, not SSE-KMS"
        lacking = None if bucket_keys else "SSE-KMS with a customer key, but S3 bucket keys are off"
        return KeyUse(default.get("KMSMasterKeyID"), evidence, unencrypted, lacking=lacking)
