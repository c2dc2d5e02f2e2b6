"""Builders of CloudTrail state for the scenarios (shared with the CloudWatch alarm scenarios)."""

from __future__ import annotations

from typing import Any

import boto3

from compliance_checks.reader import Reader
from tests.compliance_checks.conftest import ACCOUNT_ID, REGION, by_resource, deny_operation, run_check


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


OTHER_REGION = "eu-west-1"


def one_region_unlisted(check_id: str, session: Any, **settings: Any) -> tuple[str, dict[str, Any]]:
    """A single-region trail in REGION (with ``settings``) while DescribeTrails is denied in
    OTHER_REGION; returns the trail's ARN and the check's results by resource."""
    arn = trail(multi_region=False, **settings)
    reader = Reader(session, [REGION, OTHER_REGION])
    deny_operation(reader, "cloudtrail", "DescribeTrails", regions=(OTHER_REGION,))
    return arn, by_resource(run_check(check_id, reader))


def unlisted_scope(region: str = OTHER_REGION) -> str:
    return f"arn:aws:cloudtrail:{region}:{ACCOUNT_ID}:trail/*"
