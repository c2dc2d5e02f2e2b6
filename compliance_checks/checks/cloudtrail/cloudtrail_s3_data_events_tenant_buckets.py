from __future__ import annotations

from compliance_checks.kit import (
    TENANT_DATA,
    TRUE,
    Check,
    CheckMetadata,
    ReadError,
    Severity,
    cloudtrail,
    errored,
    rules,
    s3,
    verdict,
)


class CloudTrailS3DataEventsTenantBuckets(Check):
    """Every tenant bucket (tagged leadping:tenant-data=true) has its object reads and writes recorded
    by a logging trail (one result per tenant bucket).

    A trail counts for a bucket when it is logging, applies to the bucket's region (multi-region or
    homed there), and its selectors cover every object of the bucket: basic DataResources of type
    AWS::S3::Object with arn:aws:s3 / arn:aws:s3::: / arn:aws:s3:::<bucket>/, or advanced selectors
    with eventCategory Data, resources.type AWS::S3::Object and a resources.ARN condition that
    admits the whole bucket. A prefix of the bucket only, or a selector narrowed by event name or
    other fields, does not count. Read and write may be covered by different selectors or trails.
    The rule is compliance_checks.rules.cloudtrail.tenant_data_events, which the gate applies to the plan.

    Scenarios:
    - given a logging trail with a basic selector for the tenant bucket (All), then PASS
    - given a logging trail with an advanced selector StartsWith arn:aws:s3:::<bucket>/, then PASS
    - given a selector recording only write events of the bucket, then FAIL
    - given a selector for a prefix of the bucket only, then FAIL
    - given a selector for the bucket on a trail whose logging is stopped, then FAIL
    - given no selector for the bucket, then FAIL, while an untagged bucket is not judged
    - given GetEventSelectors is denied and no other trail covers the bucket, then ERROR
    """

    metadata = CheckMetadata(
        title="S3 data events are recorded for tenant-data buckets",
        severity=Severity.HIGH,
        resource_type="AWS::S3::Bucket",
        rationale="LP-LOG-1: who read or wrote which tenant object is recorded for investigation and "
        "compliance review (FSBP S3.22, S3.23).",
        remediation="Add an advanced event selector (eventCategory Data, resources.type AWS::S3::Object, "
        "resources.ARN StartsWith arn:aws:s3:::<bucket>/) to the multi-region trail. Infra: the log archive "
        "component's trail lists the tenant buckets.",
    )

    def evaluate(self, ctx):
        trails: list[rules.cloudtrail.Trail] | None = None
        unread: dict[str, ReadError] = {}
        for bucket in s3.buckets(ctx.reader):
            try:
                if s3.tags(ctx.reader, bucket).get(TENANT_DATA) != TRUE:
                    continue
            except ReadError as error:
                yield errored(bucket.arn, error, region=bucket.region)
                continue
            if trails is None:
                trails = self._trails(ctx, unread)
            judged = rules.cloudtrail.tenant_data_events(
                rules.cloudtrail.Bucket(bucket.name, bucket.region), trails, ctx.reader.partition()
            )
            if unread and not judged.compliant:
                error = next(iter(unread.values()))
                yield errored(bucket.arn, error, region=bucket.region, unread_trails=sorted(unread), **judged.evidence)
            else:
                yield verdict(bucket.arn, judged, region=bucket.region)

    @staticmethod
    def _trails(ctx, unread: dict[str, ReadError]) -> list[rules.cloudtrail.Trail]:
        """Every trail, its selectors read only when it is logging (a stopped trail records nothing)."""
        found = []
        listed = cloudtrail.listing(ctx.reader)
        for region, error in listed.unread:
            unread[f"trails of {region}"] = error  # a trail covering the bucket may be among them
        for trail in listed.trails:
            try:
                status = cloudtrail.status(ctx.reader, trail)
                read = cloudtrail.selectors(ctx.reader, trail) if status.get("IsLogging") else ()
                found.append(rules.cloudtrail.Trail.from_aws(trail, status, *read))
            except ReadError as error:
                unread[trail["TrailARN"]] = error
        return found
