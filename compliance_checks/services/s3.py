"""S3 inventory: buckets with their region, and per-bucket configuration reads."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from compliance_checks.conventions import LOG_ARCHIVE
from compliance_checks.core import ReadError, map_each
from compliance_checks.reader import Reader
from compliance_checks.services import cloudtrail


@dataclass(frozen=True)
class Bucket:
    name: str
    region: str
    # Why the bucket's region could not be read: every read of the bucket raises it, so each check
    # reports this bucket as ERROR and judges the others.
    unlocated: ReadError | None = field(default=None, compare=False)

    @property
    def arn(self) -> str:
        return f"arn:aws:s3:::{self.name}"


# ListBuckets answers each bucket's BucketRegion only "if the request contains at least one valid
# parameter" (S3 API reference): asking for pages of MaxBuckets makes the listing carry every
# region, so no bucket costs a GetBucketLocation. 10,000 is the largest page AWS gives.
LIST_PAGE_SIZE = 10_000


def buckets(reader: Reader) -> list[Bucket]:
    """Every bucket of the account in the audited regions (ListBuckets is global), and every bucket
    whose region cannot be read (it may be in one of them). The region comes from the listing; only
    an endpoint that does not answer it (an older S3-compatible one) costs a GetBucketLocation."""
    listed = reader.paginate("s3", "list_buckets", "Buckets", PaginationConfig={"PageSize": LIST_PAGE_SIZE})
    found = []
    for item in listed:
        name = item["Name"]
        try:
            region = item.get("BucketRegion") or bucket_region(reader, name)
        except ReadError as error:
            found.append(Bucket(name, reader.home_region, error))
            continue
        if region in reader.regions:
            found.append(Bucket(name, region))
    return found


def _read(
    reader: Reader, bucket: Bucket, operation: str, *, missing: tuple[str, ...] = (), expect: tuple[str, ...] = ()
) -> dict[str, Any] | None:
    """One read of one bucket, in its region; a bucket whose region is unknown raises why."""
    if bucket.unlocated is not None:
        raise bucket.unlocated
    return reader.call("s3", operation, region=bucket.region, missing=missing, expect=expect, Bucket=bucket.name)


def bucket_region(reader: Reader, name: str) -> str:
    location = reader.call("s3", "get_bucket_location", Bucket=name) or {}
    # us-east-1 answers None, eu-west-1 may answer the legacy "EU".
    constraint = location.get("LocationConstraint")
    return {None: "us-east-1", "": "us-east-1", "EU": "eu-west-1"}.get(constraint, constraint)


def encryption(reader: Reader, bucket: Bucket) -> dict[str, Any] | None:
    response = _read(
        reader,
        bucket,
        "get_bucket_encryption",
        missing=("ServerSideEncryptionConfigurationNotFoundError",),
        expect=("ServerSideEncryptionConfiguration",),
    )
    return None if response is None else response.get("ServerSideEncryptionConfiguration", {})


def policy(reader: Reader, bucket: Bucket) -> str | None:
    """The bucket policy's JSON text (None when the bucket has none). The policy is the answer's raw
    body, which botocore does not parse: one that is not a JSON object is a failed read."""
    response = _read(reader, bucket, "get_bucket_policy", missing=("NoSuchBucketPolicy",), expect=("Policy",))
    if response is None:
        return None
    text = response["Policy"]
    try:
        if isinstance(json.loads(text), dict):
            return text
    except ValueError:
        pass
    raise ReadError(
        ReadError.MALFORMED, "s3:get_bucket_policy", "unusable answer: the policy is not JSON", bucket.region
    )


def tags(reader: Reader, bucket: Bucket) -> dict[str, str]:
    response = _read(reader, bucket, "get_bucket_tagging", missing=("NoSuchTagSet",), expect=("TagSet",))
    return {t["Key"]: t["Value"] for t in (response or {}).get("TagSet", [])}


def buckets_tagged(reader: Reader, key: str, value: str = "true") -> tuple[list[Bucket], dict[Bucket, ReadError]]:
    """The buckets whose tag ``key`` equals ``value`` (case-insensitively), and the buckets whose tags
    could not be read (a check reports those as ERROR rather than leaving them out)."""
    listed = buckets(reader)

    def tag(bucket: Bucket) -> str | ReadError | None:
        try:
            return tags(reader, bucket).get(key)
        except ReadError as error:
            return error

    tagged, unreadable = [], {}
    for bucket, found in zip(listed, map_each(tag, listed), strict=True):
        if isinstance(found, ReadError):
            unreadable[bucket] = found
        elif found is not None and found.strip().lower() == value.lower():
            tagged.append(bucket)
    return tagged, unreadable


PUBLIC_ACCESS_FLAGS = ("BlockPublicAcls", "IgnorePublicAcls", "BlockPublicPolicy", "RestrictPublicBuckets")


def public_access_block(reader: Reader, bucket: Bucket) -> dict[str, bool]:
    """The bucket's public access block flags ({} when it has none)."""
    response = _read(
        reader,
        bucket,
        "get_public_access_block",
        missing=("NoSuchPublicAccessBlockConfiguration",),
        expect=("PublicAccessBlockConfiguration",),
    )
    return dict((response or {}).get("PublicAccessBlockConfiguration", {}))


def account_public_access_block(reader: Reader) -> dict[str, bool]:
    """The account-level public access block flags ({} when there is none)."""
    response = reader.call(
        "s3control",
        "get_public_access_block",
        missing=("NoSuchPublicAccessBlockConfiguration",),
        expect=("PublicAccessBlockConfiguration",),
        AccountId=reader.account_id,
    )
    return dict((response or {}).get("PublicAccessBlockConfiguration", {}))


def versioning(reader: Reader, bucket: Bucket) -> dict[str, Any]:
    """GetBucketVersioning's answer: Status absent (never enabled), "Enabled" or "Suspended"."""
    response = _read(reader, bucket, "get_bucket_versioning") or {}
    return {k: v for k, v in response.items() if k != "ResponseMetadata"}


def logging(reader: Reader, bucket: Bucket) -> dict[str, Any] | None:
    """The bucket's server access logging target (LoggingEnabled), or None when logging is off."""
    response = _read(reader, bucket, "get_bucket_logging") or {}
    return response.get("LoggingEnabled")


def object_lock(reader: Reader, bucket: Bucket) -> dict[str, Any] | None:
    response = _read(
        reader,
        bucket,
        "get_object_lock_configuration",
        missing=("ObjectLockConfigurationNotFoundError",),
        expect=("ObjectLockConfiguration",),
    )
    return None if response is None else response.get("ObjectLockConfiguration", {})


def lifecycle_rules(reader: Reader, bucket: Bucket) -> list[dict[str, Any]]:
    response = _read(
        reader,
        bucket,
        "get_bucket_lifecycle_configuration",
        missing=("NoSuchLifecycleConfiguration",),
        expect=("Rules",),
    )
    return list((response or {}).get("Rules", []))


@dataclass(frozen=True)
class LogArchive:
    """The log-archive bucket(s) and how they were found ("tag" or "cloudtrail")."""

    buckets: tuple[Bucket, ...]
    source: str
    unreadable: tuple[tuple[Bucket, ReadError], ...] = ()


def log_archive(reader: Reader) -> LogArchive:
    """Buckets tagged leadping:log-archive=true; when none is, the buckets CloudTrail trails deliver to.

    A trail bucket outside the audited regions or the account is still returned (its region read
    with GetBucketLocation); one whose region cannot be read is returned among ``unreadable``.
    """
    tagged, unreadable = buckets_tagged(reader, LOG_ARCHIVE)
    if tagged:
        return LogArchive(tuple(tagged), "tag", tuple(unreadable.items()))
    # Any region's trails may name the archive: one that cannot be listed leaves it unknown (raises).
    names = dict.fromkeys(t["S3BucketName"] for t in cloudtrail.trails(reader) if t.get("S3BucketName"))
    known = {b.name: b for b in buckets(reader)}
    found, failed = [], list(unreadable.items())
    for name in names:
        if name in known:
            found.append(known[name])
            continue
        try:
            found.append(Bucket(name, bucket_region(reader, name)))
        except ReadError as error:
            failed.append((Bucket(name, reader.home_region), error))
    return LogArchive(tuple(found), "cloudtrail", tuple(failed))
