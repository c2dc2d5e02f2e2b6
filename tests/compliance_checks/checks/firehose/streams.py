"""Builders of Firehose state for the scenarios.

moto keeps DeliveryStreamEncryptionConfigurationInput as given at creation, without the Status AWS
reports, so encryption is turned on the way an operator would on an existing stream:
StartDeliveryStreamEncryption, after which moto (like AWS) reports Status ENABLED.
"""

from __future__ import annotations

from typing import Any

import boto3

from tests.compliance_checks.conftest import ACCOUNT_ID, REGION

ROLE = f"arn:aws:iam::{ACCOUNT_ID}:role/firehose-delivery"


def customer_key() -> str:
    return boto3.client("kms", region_name=REGION).create_key()["KeyMetadata"]["Arn"]


def s3_destination(bucket: str, key: str | None) -> dict[str, Any]:
    encryption = {"KMSEncryptionConfig": {"AWSKMSKeyARN": key}} if key else {"NoEncryptionConfig": "NoEncryption"}
    return {"RoleARN": ROLE, "BucketARN": f"arn:aws:s3:::{bucket}", "EncryptionConfiguration": encryption}


def stream(
    name: str,
    bucket: str,
    *,
    bucket_key: str | None,
    sse: dict[str, str] | None,
    **kwargs: Any,
) -> str:
    client = boto3.client("firehose", region_name=REGION)
    arn = client.create_delivery_stream(
        DeliveryStreamName=name, ExtendedS3DestinationConfiguration=s3_destination(bucket, bucket_key), **kwargs
    )["DeliveryStreamARN"]
    if sse:
        client.start_delivery_stream_encryption(DeliveryStreamName=name, DeliveryStreamEncryptionConfigurationInput=sse)
    return arn


def encrypted_stream(name: str, bucket: str) -> str:
    key = customer_key()
    return stream(name, bucket, bucket_key=key, sse={"KeyType": "CUSTOMER_MANAGED_CMK", "KeyARN": key})
