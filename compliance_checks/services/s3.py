"""S3 inventory: buckets with their region, and per-bucket configuration reads."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from compliance_checks.conventions import LOG_ARCHIVE
from compliance_checks.core import ReadError
from compliance_checks.reader import Reader


@dataclass(frozen=True)
class Bucket:
    name: str
    region: str

    @property
    def arn(self) -> str:
        return f"arn:aws:s3:::{self.name}"


def buckets(reader: Reader) -> list[Bucket]:
    """Every bucket of the account in the audited regions (ListBuckets is global)."""
    listed = reader.paginate("s3", "list_buckets", "Buckets")
    found = []
    for item in listed:
        name = item["Name"]
        region = item.get("BucketRegion") or bucket_region(reader, name)
        if region in reader.regions:
            found.append(Bucket(name, region))
    return found


def bucket_region(reader: Reader, name: str) -> str:
    location = reader.call("s3", "get_bucket_location", Bucket=name) or {}
    # us-east-1 answers None, eu-west-1 may answer the legacy "EU".
    constraint = location.get("LocationConstraint")
    return {None: "us-east-1", "": "us-east-1", "EU": "eu-west-1"}.get(constraint, constraint)


def encryption(reader: Reader, bucket: Bucket) -> dict[str, Any] | None:
    response = reader.call(
        "s3",
        "get_bucket_encryption",
        region=bucket.region,
        missing=("ServerSideEncryptionConfigurationNotFoundError",),
        Bucket=bucket.name,
    )
    return None if response is None else response.get("ServerSideEncryptionConfiguration", {})


def policy(reader: Reader, bucket: Bucket) -> str | None:
    response = reader.call(
        "s3", "get_bucket_policy", region=bucket.region, missing=("NoSuchBucketPolicy",), Bucket=bucket.name
    )
    return None if response is None else response.get("Policy")


def tags(reader: Reader, bucket: Bucket) -> dict[str, str]:
    response = reader.call(
        "s3", "get_bucket_tagging", region=bucket.region, missing=("NoSuchTagSet",), Bucket=bucket.name
    )
    return {t["Key"]: t["Value"] for t in (response or {}).get("TagSet", [])}


def buckets_tagged(reader: Reader, key: str, value: str = "true") -> tuple[list[Bucket], dict[Bucket, ReadError]]:
    """The buckets whose tag ``key`` equals ``value`` (case-insensitively), and the buckets whose tags
    could not be read (a check reports those as ERROR rather than leaving them out)."""
    tagged, unreadable = [], {}
    for bucket in buckets(reader):
        try:
            found = tags(reader, bucket).get(key)
        except ReadError as error:
            unreadable[bucket] = error
            continue
        if found is not None and found.strip().lower() == value.lower():
            tagged.append(bucket)
    return tagged, unreadable


PUBLIC_ACCESS_FLAGS = ("BlockPublicAcls", "IgnorePublicAcls", "BlockPublicPolicy", "RestrictPublicBuckets")


def public_access_block(reader: Reader, bucket: Bucket) -> dict[str, bool]:
    """The bucket's public access block flags ({} when it has none)."""
    response = reader.call(
        "s3",
        "get_public_access_block",
        region=bucket.region,
        missing=("NoSuchPublicAccessBlockConfiguration",),
        Bucket=bucket.name,
    )
    return dict((response or {}).get("PublicAccessBlockConfiguration", {}))


def account_public_access_block(reader: Reader) -> dict[str, bool]:
    """The account-level public access block flags ({} when there is none)."""
    response = reader.call(
        "s3control",
        "get_public_access_block",
        missing=("NoSuchPublicAccessBlockConfiguration",),
        AccountId=reader.account_id,
    )
    return dict((response or {}).get("PublicAccessBlockConfiguration", {}))


def versioning(reader: Reader, bucket: Bucket) -> dict[str, Any]:
    """GetBucketVersioning's answer: Status absent (never enabled), "Enabled" or "Suspended"."""
    response = reader.call("s3", "get_bucket_versioning", region=bucket.region, Bucket=bucket.name) or {}
    return {k: v for k, v in response.items() if k != "ResponseMetadata"}


def logging(reader: Reader, bucket: Bucket) -> dict[str, Any] | None:
    """The bucket's server access logging target (LoggingEnabled), or None when logging is off."""
    response = reader.call("s3", "get_bucket_logging", region=bucket.region, Bucket=bucket.name) or {}
    return response.get("LoggingEnabled")


def object_lock(reader: Reader, bucket: Bucket) -> dict[str, Any] | None:
    response = reader.call(
        "s3",
        "get_object_lock_configuration",
        region=bucket.region,
        missing=("ObjectLockConfigurationNotFoundError",),
        Bucket=bucket.name,
    )
    return None if response is None else response.get("ObjectLockConfiguration", {})


def lifecycle_rules(reader: Reader, bucket: Bucket) -> list[dict[str, Any]]:
    response = reader.call(
        "s3",
        "get_bucket_lifecycle_configuration",
        region=bucket.region,
        missing=("NoSuchLifecycleConfiguration",),
        Bucket=bucket.name,
    )
    return list((response or {}).get("Rules", []))


ARCHIVE_PERMISSIONS = (
    "s3:ListAllMyBuckets",
    "s3:GetBucketLocation",
    "s3:GetBucketTagging",
    "cloudtrail:DescribeTrails",
)


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
    names: dict[str, None] = {}
    for region in reader.regions:
        response = reader.call("cloudtrail", "describe_trails", region=region, includeShadowTrails=True) or {}
        for trail in response.get("trailList", []):
            if trail.get("S3BucketName"):
                names[trail["S3BucketName"]] = None
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
