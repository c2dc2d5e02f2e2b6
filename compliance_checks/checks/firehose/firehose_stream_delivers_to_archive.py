from __future__ import annotations

import dataclasses

from compliance_checks.checks.firehose._encryption import encryption_gaps
from compliance_checks.kit import (
    LOG_ARCHIVE,
    TRUE,
    Check,
    CheckContext,
    CheckMetadata,
    ReadError,
    Severity,
    cloudtrail,
    errored,
    failed,
    firehose,
    passed,
    s3,
)


class FirehoseStreamDeliversToArchive(Check):
    """Application logs flow through an encrypted Firehose stream into the log-archive bucket.

    The archive is every bucket tagged leadping:log-archive=true; when no bucket carries the tag,
    the buckets CloudTrail trails deliver to. One result for the account: PASS on the first ACTIVE
    stream whose S3 / extended S3 destination is an archive bucket and that meets
    firehose_stream_encrypted_cmk's encryption rule; else FAIL on the account, listing every stream
    into the archive and why it does not count. Streams that deliver elsewhere are not judged here
    (their encryption is judged by firehose_stream_encrypted_cmk).

    Scenarios:
    - given an encrypted ACTIVE stream into the tagged archive bucket, then PASS on that stream
    - given no tagged bucket and an encrypted stream into the CloudTrail bucket, then PASS
    - given a stream into the archive without server-side encryption, then FAIL on the account
    - given encrypted streams that deliver only to other buckets, then FAIL
    - given no archive bucket at all, then FAIL
    - given DescribeDeliveryStream is denied and no stream qualifies, then ERROR
    """

    metadata = CheckMetadata(
        title="An encrypted Firehose stream delivers application logs into the log archive",
        severity=Severity.MEDIUM,
        resource_type="AWS::KinesisFirehose::DeliveryStream",
        rationale="LP-LOG-2: application logs reach the immutable archive (Object Lock) so they survive for "
        "compliance review and investigation, encrypted on the way.",
        remediation="Create a Firehose stream with customer-key server-side encryption whose extended S3 "
        "destination is the log-archive bucket (KMSEncryptionConfig with the logs key), and subscribe the "
        "application log groups to it. Infra: the log archive component.",
    )

    def evaluate(self, ctx: CheckContext):
        account = f"arn:{ctx.reader.partition()}:::account/{ctx.reader.account_id}"
        try:
            archive, found_by = self._archive(ctx)
        except ReadError as error:
            yield dataclasses.replace(errored(account, error), resource_type="AWS::::Account")
            return
        evidence = {"archive_buckets": sorted(archive), "archive_found_by": found_by}
        streams: dict[str, list[str]] = {}
        unread: list[ReadError] = []
        for region in ctx.reader.regions:
            for name in firehose.stream_names(ctx.reader, region):
                try:
                    description = firehose.describe(ctx.reader, name, region)
                    if description is None or not archive & set(firehose.destination_buckets(description)):
                        continue
                    gaps = encryption_gaps(ctx.reader, description, region)
                except ReadError as error:
                    unread.append(error)
                    continue
                if description.get("DeliveryStreamStatus") != "ACTIVE":
                    gaps.append(f"stream is {description.get('DeliveryStreamStatus')}")
                if not gaps:
                    arn = description["DeliveryStreamARN"]
                    yield passed(arn, "an encrypted stream delivers into the log archive", region=region, **evidence)
                    return
                streams[description["DeliveryStreamARN"]] = gaps
        if unread:
            result = errored(account, unread[0], streams_into_archive=streams, **evidence)
        elif not archive:
            message = "no log-archive bucket: none is tagged and no trail delivers to a bucket"
            result = failed(account, message, **evidence)
        else:
            message = "no Firehose stream delivers into the log archive"
            if streams:
                message = "no stream into the log archive is encrypted with customer keys"
            result = failed(account, message, streams_into_archive=streams, **evidence)
        yield dataclasses.replace(result, resource_type="AWS::::Account")

    def _archive(self, ctx: CheckContext) -> tuple[set[str], str]:
        tagged: set[str] = set()
        unread: list[ReadError] = []
        for bucket in s3.buckets(ctx.reader):
            try:
                if s3.tags(ctx.reader, bucket).get(LOG_ARCHIVE) == TRUE:
                    tagged.add(bucket.arn)
            except ReadError as error:
                unread.append(error)
        if tagged:
            return tagged, f"tag {LOG_ARCHIVE}={TRUE}"
        if unread:
            raise unread[0]  # an unreadable bucket may be the tagged archive
        trails = cloudtrail.trails(ctx.reader)
        partition = ctx.reader.partition()
        return {f"arn:{partition}:s3:::{t['S3BucketName']}" for t in trails if t.get("S3BucketName")}, "CloudTrail"
