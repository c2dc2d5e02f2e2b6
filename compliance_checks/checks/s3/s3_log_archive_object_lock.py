from __future__ import annotations

from compliance_checks.kit import CheckMetadata, LogArchiveCheck, Severity, failed, passed, s3


class S3LogArchiveObjectLock(LogArchiveCheck):
    """The log-archive bucket has Object Lock in COMPLIANCE mode with a default retention.

    The archive is the bucket tagged ``leadping:log-archive=true``, else the bucket(s) the CloudTrail
    trails deliver to (in the audited regions). GOVERNANCE mode fails: principals with
    s3:BypassGovernanceRetention can delete locked logs. No archive found fails on the account.

    Scenarios:
    - given the tagged archive with Object Lock COMPLIANCE and 365 days default retention, then PASS
    - given the archive with GOVERNANCE mode, then FAIL
    - given the archive with Object Lock enabled but no default retention, then FAIL
    - given the archive without Object Lock, then FAIL
    - given no tagged archive, the trail's bucket is judged
    - given no tagged archive and no trail, then FAIL on the account
    - given GetObjectLockConfiguration is denied, then ERROR for the archive
    """

    metadata = CheckMetadata(
        title="The log archive has Object Lock in compliance mode",
        severity=Severity.HIGH,
        resource_type="AWS::S3::Bucket",
        rationale="LP-LOG-2: the evidence must survive for compliance review and incident investigation; "
        "compliance-mode Object Lock stops anyone, root included, from deleting or overwriting logs.",
        remediation="Create the archive with Object Lock enabled and set a default retention in COMPLIANCE "
        "mode (infra: the log archive component); Object Lock can only be enabled on a bucket created for it "
        "or through AWS support.",
    )

    def evaluate(self, ctx):
        results = list(super().evaluate(ctx))
        if not results:  # no archive bucket at all, not even one that could not be read
            scope = f"arn:aws:::account/{ctx.reader.account_id_or_unknown()}"
            yield failed(scope, "no log archive: no bucket tagged leadping:log-archive=true and no CloudTrail bucket")
        yield from results

    def judge(self, ctx, item):
        bucket, archive = item.raw
        config = s3.object_lock(ctx.reader, bucket)
        retention = ((config or {}).get("Rule") or {}).get("DefaultRetention") or {}
        mode, days, years = retention.get("Mode"), retention.get("Days") or 0, retention.get("Years") or 0
        evidence = {"found_by": archive.source, "mode": mode, "days": days, "years": years}
        if not config or config.get("ObjectLockEnabled") != "Enabled":
            problem = "Object Lock is not enabled"
        elif not mode or (days <= 0 and years <= 0):
            problem = "Object Lock has no default retention period"
        elif mode != "COMPLIANCE":
            problem = f"default retention mode is {mode}, not COMPLIANCE"
        else:
            period = f"{days} days" if days else f"{years} years"
            return passed(bucket.arn, f"Object Lock COMPLIANCE, {period} by default", region=bucket.region, **evidence)
        return failed(bucket.arn, problem, region=bucket.region, **evidence)
