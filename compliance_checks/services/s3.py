"""S3 inventory: buckets with their region, and per-bucket configuration reads."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

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
