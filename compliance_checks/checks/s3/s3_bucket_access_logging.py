from __future__ import annotations

from compliance_checks.kit import DATA_STORE, CheckMetadata, ResourceCheck, Severity, errored, failed, passed, s3


class S3BucketAccessLogging(ResourceCheck):
    """Data buckets write S3 server access logs (FSBP S3.9).

    In scope: buckets tagged ``leadping:data-store=true`` (CONTROLS: "S3 server access logging on data
    buckets"); other buckets get no result. Logging must name a target bucket.

    Scenarios:
    - given a data bucket logging to the log archive, then PASS
    - given a data bucket without server access logging, then FAIL
    - given an untagged bucket without logging, then no result
    - given GetBucketLogging is denied, then ERROR for that bucket
    """

    metadata = CheckMetadata(
        title="Data buckets have server access logging",
        severity=Severity.MEDIUM,
        resource_type="AWS::S3::Bucket",
        rationale="LP-LOG-1: security-relevant events are logged; access logs record every request to a data "
        "bucket, including ones CloudTrail data events do not cover.",
        remediation="Enable server access logging to the log-archive bucket with a per-bucket prefix (infra: "
        "SecureBucket's logging target).",
    )

    def evaluate(self, ctx):
        data, unreadable = s3.buckets_tagged(ctx.reader, DATA_STORE)
        yield from (errored(bucket.arn, error, region=bucket.region) for bucket, error in unreadable.items())
        yield from self.judge_all(ctx, data)

    def judge(self, ctx, bucket):
        target = s3.logging(ctx.reader, bucket)
        if target and target.get("TargetBucket"):
            where = f"s3://{target['TargetBucket']}/{target.get('TargetPrefix', '')}"
            return passed(bucket.arn, f"server access logs go to {where}", region=bucket.region, target=where)
        return failed(bucket.arn, "server access logging is off", region=bucket.region, target=None)
