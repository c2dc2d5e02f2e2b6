from __future__ import annotations

from compliance_checks.kit import BucketCheck, CheckMetadata, Severity, rules, s3, verdict


class S3BucketPolicyTlsOnly(BucketCheck):
    """Every bucket policy denies requests that do not use TLS (FSBP S3.5).

    The policy needs a statement that is a Deny for Principal "*" (or {"AWS": "*"}), on every S3
    action (``s3:*`` or ``*``; a deny of s3:PutObject alone does not do), covering both the bucket ARN
    and ``bucket/*`` (wildcards that cover both count), with exactly the condition
    ``Bool aws:SecureTransport = false``. A statement that adds another condition (say
    ``NumericLessThan s3:TlsVersion``) to the same block denies only requests meeting both, so it
    does not count; a separate TLS-version deny is welcome in addition but never instead. A bucket
    without a policy fails.

    Scenarios:
    - given a policy denying s3:* on the bucket and bucket/* to Principal * without TLS, then PASS
    - given a policy denying "*" on arn:aws:s3:::bucket* to {"AWS": "*"} without TLS, then PASS
    - given no bucket policy, then FAIL
    - given the deny covers only s3:PutObject, then FAIL
    - given the deny covers the bucket ARN but not bucket/*, then FAIL
    - given only a NumericLessThan s3:TlsVersion 1.2 deny, then FAIL
    - given the SecureTransport deny also requires NumericLessThan s3:TlsVersion in the same statement, then FAIL
    - given the TLS-only deny plus a separate TLS-version deny, then PASS
    - given GetBucketPolicy is denied, then ERROR for that bucket
    """

    metadata = CheckMetadata(
        title="Bucket policies deny requests without TLS",
        severity=Severity.HIGH,
        resource_type="AWS::S3::Bucket",
        rationale="LP-TX-1, LP-LOG-2: every bucket policy denies requests where aws:SecureTransport is false for "
        "Principal * on the bucket and its objects.",
        remediation='Add {"Effect": "Deny", "Principal": "*", "Action": "s3:*", "Resource": [bucket ARN, '
        'bucket ARN + "/*"], "Condition": {"Bool": {"aws:SecureTransport": "false"}}} to the bucket policy '
        "(infra: SecureBucket's policy).",
    )

    def judge(self, ctx, bucket):
        return verdict(bucket.arn, rules.s3.tls_only(s3.policy(ctx.reader, bucket), bucket.arn), region=bucket.region)
