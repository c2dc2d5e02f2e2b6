"""What "a Firehose stream encrypted with customer keys" means, shared by the two Firehose checks."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from compliance_checks.reader import Reader
from compliance_checks.services import firehose, kms


def _source_gaps(reader: Reader, description: Mapping[str, Any], region: str) -> list[str]:
    source = description.get("DeliveryStreamType") or "DirectPut"
    if source == "DirectPut":
        config = description.get("DeliveryStreamEncryptionConfiguration") or {}
        status, key_type = config.get("Status"), config.get("KeyType")
        if status != "ENABLED":
            return [f"server-side encryption is {status or 'off'}"]
        if key_type != "CUSTOMER_MANAGED_CMK":
            return [f"server-side encryption uses {key_type}, not a customer-managed key"]
        customer, detail = kms.is_customer_managed(reader, config.get("KeyARN"), region)
        return [] if customer else [f"server-side encryption: {detail}"]
    if source == "KinesisStreamAsSource":
        # Firehose cannot encrypt a Kinesis-sourced stream itself: the records rest in the source stream.
        stream_arn = firehose.source_stream_arn(description)
        summary = firehose.kinesis_stream_summary(reader, stream_arn) if stream_arn else None
        if summary is None:
            return [f"source Kinesis stream {stream_arn} not found"]
        if summary.get("EncryptionType") != "KMS":
            return [f"source Kinesis stream {stream_arn} is not KMS-encrypted"]
        customer, detail = kms.is_customer_managed(reader, summary.get("KeyId"), stream_arn.split(":")[3])
        return [] if customer else [f"source Kinesis stream: {detail}"]
    return [f"the at-rest encryption of a {source} source is not verifiable from Firehose"]


def encryption_gaps(reader: Reader, description: Mapping[str, Any], region: str) -> list[str]:
    """Why the stream's records are not under customer-managed keys, at rest in the stream and in every
    S3 bucket it writes to ([] when they are). Raises ReadError when a key or source cannot be read.

    A DirectPut stream needs server-side encryption ENABLED with a CUSTOMER_MANAGED_CMK; a
    Kinesis-sourced stream needs its source stream KMS-encrypted with a customer key; each S3
    configuration (destination and backup) needs a KMSEncryptionConfig with a customer key.
    """
    gaps = _source_gaps(reader, description, region)
    for where, config in firehose.s3_configurations(description):
        bucket = config.get("BucketARN")
        key = ((config.get("EncryptionConfiguration") or {}).get("KMSEncryptionConfig") or {}).get("AWSKMSKeyARN")
        if not key:
            gaps.append(f"{where} writes to {bucket} without a KMS key")
            continue
        customer, detail = kms.is_customer_managed(reader, key, region)
        if not customer:
            gaps.append(f"{where} writes to {bucket}: {detail}")
    return gaps
