"""Building buckets in moto for the S3 checks' scenarios."""

from __future__ import annotations

import json
from typing import Any

import boto3

from tests.compliance_checks.conftest import REGION

ALL_BLOCKED = {
    "BlockPublicAcls": True,
    "IgnorePublicAcls": True,
    "BlockPublicPolicy": True,
    "RestrictPublicBuckets": True,
}


def s3_client():
    return boto3.client("s3", region_name=REGION)


def bucket(name: str, *, tags: dict[str, str] | None = None, object_lock: bool = False, **options: Any) -> str:
    client = s3_client()
    client.create_bucket(Bucket=name, ObjectLockEnabledForBucket=object_lock)
    if tags:
        client.put_bucket_tagging(Bucket=name, Tagging={"TagSet": [{"Key": k, "Value": v} for k, v in tags.items()]})
    if "policy" in options:
        client.put_bucket_policy(Bucket=name, Policy=json.dumps(options["policy"]))
    if "versioning" in options:
        client.put_bucket_versioning(Bucket=name, VersioningConfiguration={"Status": options["versioning"]})
    return f"arn:aws:s3:::{name}"


def policy(*statements: dict[str, Any]) -> dict[str, Any]:
    return {"Version": "2012-10-17", "Statement": list(statements)}


def tls_deny(name: str, **overrides: Any) -> dict[str, Any]:
    statement = {
        "Sid": "TlsOnly",
        "Effect": "Deny",
        "Principal": "*",
        "Action": "s3:*",
        "Resource": [f"arn:aws:s3:::{name}", f"arn:aws:s3:::{name}/*"],
        "Condition": {"Bool": {"aws:SecureTransport": "false"}},
    }
    statement.update(overrides)
    return statement


def trail_to(bucket_name: str, name: str = "org-trail") -> None:
    boto3.client("cloudtrail", region_name=REGION).create_trail(Name=name, S3BucketName=bucket_name)
