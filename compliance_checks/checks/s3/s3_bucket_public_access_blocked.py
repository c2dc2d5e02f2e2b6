from __future__ import annotations

from compliance_checks.kit import BucketCheck, CheckMetadata, Severity, failed, passed, s3


class S3BucketPublicAccessBlocked(BucketCheck):
    """Every bucket blocks public access: the four public access block settings are on for the
    bucket, either in its own configuration or in the account's (FSBP S3.1, S3.8).

    S3 applies the stricter of the bucket and account settings, so each flag counts as on when it is
    on at either level. The account configuration is read only for buckets that do not block
    everything themselves.

    Scenarios:
    - given a bucket with all four flags on, then PASS
    - given a bucket without a configuration in an account that blocks all four, then PASS
    - given a bucket with BlockPublicPolicy off and no account block, then FAIL
    - given a bucket without a configuration and no account block, then FAIL
    - given bucket and account each block two different flags (four together), then PASS
    - given GetBucketPublicAccessBlock is denied, then ERROR for that bucket
    - given the account block is needed and GetAccountPublicAccessBlock is denied, then ERROR
    """

    metadata = CheckMetadata(
        title="Buckets block public access",
        severity=Severity.HIGH,
        resource_type="AWS::S3::Bucket",
        rationale="LP-LOG-2: the log archive (and every bucket) has no public access; the public access block "
        "overrides any ACL or policy that would make data public.",
        remediation="Turn on BlockPublicAcls, IgnorePublicAcls, BlockPublicPolicy and RestrictPublicBuckets on "
        "the bucket (infra: SecureBucket) or for the whole account.",
    )

    def judge(self, ctx, item):
        own = s3.public_access_block(ctx.reader, item)
        on = all(own.get(f) for f in s3.PUBLIC_ACCESS_FLAGS)
        account = {} if on else s3.account_public_access_block(ctx.reader)
        off = [f for f in s3.PUBLIC_ACCESS_FLAGS if not (own.get(f) or account.get(f))]
        evidence = {"bucket": {f: bool(own.get(f)) for f in s3.PUBLIC_ACCESS_FLAGS}, "account": account or None}
        if off:
            return failed(item.arn, f"public access not blocked: {', '.join(off)} off", region=item.region, **evidence)
        return passed(item.arn, "all four public access block settings are on", region=item.region, **evidence)
