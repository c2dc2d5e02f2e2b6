"""Scenarios of firehose_stream_encrypted_cmk (LP-DR-1, LP-LOG-2)."""

from __future__ import annotations

import boto3

from compliance_checks.core import Status
from tests.compliance_checks.checks.firehose.streams import ROLE, customer_key, encrypted_stream, stream
from tests.compliance_checks.conftest import REGION, by_resource, run_check

CHECK = "firehose_stream_encrypted_cmk"


def test_given_customer_managed_sse_and_an_s3_destination_with_a_customer_key_then_pass(reader):
    arn = encrypted_stream("app-logs", "log-archive")
    result = by_resource(run_check(CHECK, reader))[arn]
    assert result.status is Status.PASS
    assert result.evidence["encryption"]["KeyType"] == "CUSTOMER_MANAGED_CMK"


def test_given_aws_owned_sse_then_fail(reader):
    good = encrypted_stream("good", "log-archive")
    bad = stream("aws-owned", "log-archive", bucket_key=customer_key(), sse={"KeyType": "AWS_OWNED_CMK"})
    results = by_resource(run_check(CHECK, reader))
    assert results[bad].status is Status.FAIL
    assert "AWS_OWNED_CMK" in results[bad].message
    assert results[good].status is Status.PASS


def test_given_no_server_side_encryption_then_fail(reader):
    arn = stream("plain", "log-archive", bucket_key=customer_key(), sse=None)
    result = by_resource(run_check(CHECK, reader))[arn]
    assert result.status is Status.FAIL
    assert "server-side encryption is off" in result.message


def test_given_sse_stopped_then_fail(reader):
    arn = encrypted_stream("stopped", "log-archive")
    boto3.client("firehose", region_name=REGION).stop_delivery_stream_encryption(DeliveryStreamName="stopped")
    result = by_resource(run_check(CHECK, reader))[arn]
    assert result.status is Status.FAIL
    assert "DISABLED" in result.message


def test_given_an_s3_destination_without_encryption_then_fail(reader):
    key = customer_key()
    arn = stream("no-s3-kms", "log-archive", bucket_key=None, sse={"KeyType": "CUSTOMER_MANAGED_CMK", "KeyARN": key})
    result = by_resource(run_check(CHECK, reader))[arn]
    assert result.status is Status.FAIL
    assert "arn:aws:s3:::log-archive without a KMS key" in result.message


def test_given_a_kinesis_source_encrypted_with_a_customer_key_then_pass(reader):
    kinesis = boto3.client("kinesis", region_name=REGION)
    kinesis.create_stream(StreamName="app-events", ShardCount=1)
    source = kinesis.describe_stream_summary(StreamName="app-events")["StreamDescriptionSummary"]["StreamARN"]
    key = customer_key()
    kinesis.start_stream_encryption(StreamName="app-events", EncryptionType="KMS", KeyId=key)
    arn = stream(
        "from-kinesis",
        "log-archive",
        bucket_key=key,
        sse=None,
        DeliveryStreamType="KinesisStreamAsSource",
        KinesisStreamSourceConfiguration={"KinesisStreamARN": source, "RoleARN": ROLE},
    )
    result = by_resource(run_check(CHECK, reader))[arn]
    assert result.status is Status.PASS


def test_given_describe_delivery_stream_is_denied_then_error(reader, deny):
    arn = encrypted_stream("denied", "log-archive")
    deny("firehose", "DescribeDeliveryStream")
    result = by_resource(run_check(CHECK, reader))[arn]
    assert result.status is Status.ERROR
    assert result.evidence["error_kind"] == "access-denied"
