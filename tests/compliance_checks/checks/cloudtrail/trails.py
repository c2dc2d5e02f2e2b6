"""Builders of CloudTrail state for the scenarios (shared with the CloudWatch alarm scenarios)."""

from __future__ import annotations

from typing import Any

import boto3

from tests.compliance_checks.conftest import ACCOUNT_ID, REGION


def bucket(name: str, region: str = REGION, tags: dict[str, str] | None = None) -> str:
    client = boto3.client("s3", region_name=region)
    if region == "us-east-1":
        client.create_bucket(Bucket=name)
    else:
        client.create_bucket(Bucket=name, CreateBucketConfiguration={"LocationConstraint": region})
    if tags:
        client.put_bucket_tagging(Bucket=name, Tagging={"TagSet": [{"Key": k, "Value": v} for k, v in tags.items()]})
    return f"arn:aws:s3:::{name}"


def trail(
    name: str = "leadping-trail",
    *,
    region: str = REGION,
    multi_region: bool = True,
    logging: bool = True,
    selectors: list[dict[str, Any]] | None = None,
    advanced: list[dict[str, Any]] | None = None,
    **settings: Any,
) -> str:
    """A trail delivering to its own new bucket; returns its ARN."""
    bucket(f"{name}-logs", region)
    client = boto3.client("cloudtrail", region_name=region)
    client.create_trail(Name=name, S3BucketName=f"{name}-logs", IsMultiRegionTrail=multi_region, **settings)
    if selectors is not None:
        client.put_event_selectors(TrailName=name, EventSelectors=selectors)
    if advanced is not None:
        client.put_event_selectors(TrailName=name, AdvancedEventSelectors=advanced)
    if logging:
        client.start_logging(Name=name)
    return f"arn:aws:cloudtrail:{region}:{ACCOUNT_ID}:trail/{name}"


def customer_key(region: str = REGION) -> str:
    return boto3.client("kms", region_name=region).create_key()["KeyMetadata"]["Arn"]
