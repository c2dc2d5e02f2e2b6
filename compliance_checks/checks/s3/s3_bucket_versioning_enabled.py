from __future__ import annotations

from compliance_checks.kit import (
    DATA_STORE,
    CheckMetadata,
    Listed,
    ReadError,
    ResourceCheck,
    Severity,
    account_scope,
    errored,
    failed,
    passed,
    s3,
)


class S3BucketVersioningEnabled(ResourceCheck):
    """Data buckets and the log archive keep every object version (FSBP S3.14).

    In scope: buckets tagged ``leadping:data-store=true`` (CONTROLS LP-BK-1: "versioning on data
    buckets") and the log-archive bucket (LP-LOG-2: "versioned"; tagged ``leadping:log-archive=true``,
    else the buckets CloudTrail delivers to). Other buckets get no result: CONTROLS asks nothing of
    them. Versioning must be Enabled; Suspended or never enabled fails.

    Scenarios:
    - given a data bucket with versioning Enabled, then PASS
    - given a data bucket whose versioning was never enabled, then FAIL
    - given a data bucket with versioning Suspended, then FAIL
    - given the log archive (found through the CloudTrail trail) without versioning, then FAIL
    - given a bucket that is neither a data store nor the archive, then no result
    - given GetBucketVersioning is denied, then ERROR for that bucket
    - given GetBucketTagging is denied, then ERROR for that bucket
    - given no tagged archive and DescribeTrails failing, then ERROR for the archive and the data buckets judged
    """

    metadata = CheckMetadata(
        title="Data buckets and the log archive have versioning enabled",
        severity=Severity.MEDIUM,
        resource_type="AWS::S3::Bucket",
        rationale="LP-BK-1, LP-LOG-2: versioning lets a deleted or overwritten object be recovered; the log "
        "archive must keep what was written to it.",
        remediation="Enable versioning on the bucket (infra: SecureBucket enables it for data buckets and the "
        "log archive).",
    )

    def evaluate(self, ctx):
        data, unreadable = s3.buckets_tagged(ctx.reader, DATA_STORE)
        try:
            archive = s3.log_archive(ctx.reader)
        except ReadError as error:  # the archive is unknown; the data buckets are still judged
            yield errored(f"{account_scope(ctx.reader.account_id_or_unknown())}/log-archive", error)
            archive = s3.LogArchive((), "unknown")
        errors = {**unreadable, **dict(archive.unreadable)}
        for bucket, error in errors.items():
            yield errored(bucket.arn, error, region=bucket.region)
        in_scope = {b.name: b for b in (*data, *archive.buckets) if b not in errors}
        roles = {b: "log archive" if b in archive.buckets else "data bucket" for b in in_scope.values()}
        yield from self.judge_all(ctx, [Listed(b.arn, b.region, (b, role)) for b, role in roles.items()])

    def judge(self, ctx, item):
        bucket, role = item.raw
        status = s3.versioning(ctx.reader, bucket).get("Status")
        evidence = {"versioning": status, "scope": role}
        if status == "Enabled":
            return passed(bucket.arn, f"{role}: versioning enabled", region=bucket.region, **evidence)
        state = "suspended" if status == "Suspended" else "never enabled"
        return failed(bucket.arn, f"{role}: versioning {state}", region=bucket.region, **evidence)
