"""Firehose inventory: delivery streams per region, their description, the S3 configurations
their destinations write to, and the Kinesis stream a stream reads from."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from compliance_checks.reader import Reader


def stream_names(reader: Reader, region: str) -> list[str]:
    """Every delivery stream of the region (ListDeliveryStreams has no botocore paginator)."""
    names: list[str] = []
    start: str | None = None
    while True:
        params: dict[str, Any] = {"Limit": 100}
        if start:
            params["ExclusiveStartDeliveryStreamName"] = start
        response = (
            reader.call(
                "firehose",
                "list_delivery_streams",
                region=region,
                expect=("DeliveryStreamNames", "HasMoreDeliveryStreams"),
                **params,
            )
            or {}
        )
        batch = list(response.get("DeliveryStreamNames") or [])
        names.extend(batch)
        if not response.get("HasMoreDeliveryStreams") or not batch:
            return names
        start = batch[-1]


def describe(reader: Reader, name: str, region: str) -> dict[str, Any] | None:
    """DeliveryStreamDescription (None when the stream was deleted since it was listed)."""
    response = reader.call(
        "firehose",
        "describe_delivery_stream",
        region=region,
        missing=("ResourceNotFoundException",),
        expect=("DeliveryStreamDescription",),
        DeliveryStreamName=name,
    )
    return None if response is None else response.get("DeliveryStreamDescription", {})


def _collect(path: str, config: Mapping[str, Any], found: list[tuple[str, Mapping[str, Any]]]) -> None:
    if "BucketARN" in config:
        found.append((path, config))
    for key, value in config.items():
        if not isinstance(value, Mapping):
            continue
        if key == "S3BackupDescription" and config.get("S3BackupMode") == "Disabled":
            continue  # configured but unused: nothing is written there
        _collect(f"{path}.{key}", value, found)


def s3_configurations(description: Mapping[str, Any]) -> list[tuple[str, Mapping[str, Any]]]:
    """(where, configuration) of every S3 configuration the stream writes to: the S3 destination
    itself and the backup bucket of any destination (failed or all records)."""
    found: list[tuple[str, Mapping[str, Any]]] = []
    for destination in description.get("Destinations") or []:
        for key, value in destination.items():
            if not isinstance(value, Mapping):
                continue
            # Firehose describes an extended S3 destination twice, once as plain S3.
            if key == "S3DestinationDescription" and "ExtendedS3DestinationDescription" in destination:
                continue
            _collect(key, value, found)
    return found


def destination_buckets(description: Mapping[str, Any]) -> list[str]:
    """ARNs of the buckets the stream delivers its records to (S3 and extended S3 destinations)."""
    buckets = []
    for destination in description.get("Destinations") or []:
        for key in ("ExtendedS3DestinationDescription", "S3DestinationDescription"):
            bucket = (destination.get(key) or {}).get("BucketARN")
            if bucket:
                buckets.append(str(bucket))
                break
    return buckets


def source_stream_arn(description: Mapping[str, Any]) -> str | None:
    source = (description.get("Source") or {}).get("KinesisStreamSourceDescription") or {}
    return source.get("KinesisStreamARN")


def kinesis_stream_summary(reader: Reader, stream_arn: str) -> dict[str, Any] | None:
    """StreamDescriptionSummary of a Kinesis data stream (None when it does not exist)."""
    response = reader.call(
        "kinesis",
        "describe_stream_summary",
        region=stream_arn.split(":")[3],
        missing=("ResourceNotFoundException",),
        expect=("StreamDescriptionSummary",),
        StreamARN=stream_arn,
    )
    return None if response is None else response.get("StreamDescriptionSummary", {})
