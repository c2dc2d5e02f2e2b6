"""The audit trail and the application log pipeline: one test per property (LP-LOG-1, LP-LOG-2)."""

from __future__ import annotations

from infra.render import RenderedResource, Rendering
from tests.infra.rendered import document, key_class, named, output, statements


def trail(rendering: Rendering) -> RenderedResource:
    (found,) = rendering.of_type("aws:cloudtrail/trail:Trail")
    return found


def test_trail_is_multi_region_and_covers_global_services(stack):
    inputs = trail(stack).inputs
    assert inputs["isMultiRegionTrail"] is True
    assert inputs["includeGlobalServiceEvents"] is True
    assert inputs["enableLogging"] is True


def test_trail_validates_log_files(stack):
    assert trail(stack).inputs["enableLogFileValidation"] is True


def test_trail_is_encrypted_with_the_logs_key_into_the_archive(stack):
    inputs = trail(stack).inputs
    assert key_class(stack, inputs["kmsKeyId"]) == "logs"
    archive = named(stack, "aws:s3/bucket:Bucket", "log-archive-archive-bucket")
    assert inputs["s3BucketName"] == output(archive, "bucket")
    archive_policy = named(stack, "aws:s3/bucketPolicy:BucketPolicy", "log-archive-archive-policy")
    assert archive_policy.urn in trail(stack).dependencies


def test_trail_delivers_to_cloudwatch_logs(stack):
    inputs = trail(stack).inputs
    group = named(stack, "aws:cloudwatch/logGroup:LogGroup", "log-pipeline-trail-logs")
    trail_role = named(stack, "aws:iam/role:Role", "log-pipeline-trail-role")
    assert inputs["cloudWatchLogsGroupArn"] == f"{output(group, 'arn')}:*"
    assert inputs["cloudWatchLogsRoleArn"] == output(trail_role, "arn")
    (grant,) = statements(document(named(stack, "aws:iam/rolePolicy:RolePolicy", "log-pipeline-trail-role-policy")))
    assert grant["Resource"] == f"{output(group, 'arn')}:log-stream:*"


def test_trail_records_object_events_of_the_tenant_buckets(stack):
    selectors = {s["name"]: s["fieldSelectors"] for s in trail(stack).inputs["advancedEventSelectors"]}
    data = {f["field"]: f for f in selectors["Tenant bucket object events"]}
    assert data["eventCategory"]["equals"] == ["Data"]
    assert data["resources.type"]["equals"] == ["AWS::S3::Object"]
    tenant_buckets = [
        output(b, "arn")
        for b in stack.of_type("aws:s3/bucket:Bucket")
        if b.inputs["tags"].get("leadping:tenant-data") == "true"
    ]
    assert tenant_buckets
    assert data["resources.ARN"]["startsWiths"] == [f"{arn}/" for arn in sorted(tenant_buckets)]
    assert selectors["Management events"] == [{"field": "eventCategory", "equals": ["Management"]}]


def test_every_log_group_is_retained_and_encrypted_with_the_logs_key(stack):
    retention = int(stack.config["leadping:logRetentionDays"])
    assert retention >= (365 if stack.stack == "prod" else 30)
    groups = stack.of_type("aws:cloudwatch/logGroup:LogGroup")
    assert len(groups) >= 6
    for group in groups:
        assert group.inputs["retentionInDays"] == retention, group.name
        assert key_class(stack, group.inputs["kmsKeyId"]) == "logs", group.name


def test_application_logs_stream_into_the_encrypted_firehose(stack):
    (subscription,) = stack.of_type("aws:cloudwatch/logSubscriptionFilter:LogSubscriptionFilter")
    (stream,) = stack.of_type("aws:kinesis/firehoseDeliveryStream:FirehoseDeliveryStream")
    app = named(stack, "aws:cloudwatch/logGroup:LogGroup", "log-pipeline-app-logs")
    assert subscription.inputs["logGroup"] == output(app, "name")
    assert subscription.inputs["destinationArn"] == output(stream, "arn")
    sse = stream.inputs["serverSideEncryption"]
    assert sse["enabled"] is True
    assert sse["keyType"] == "CUSTOMER_MANAGED_CMK"
    assert key_class(stack, sse["keyArn"]) == "logs"


def test_firehose_writes_into_the_archive_with_the_logs_key(stack):
    (stream,) = stack.of_type("aws:kinesis/firehoseDeliveryStream:FirehoseDeliveryStream")
    destination = stream.inputs["extendedS3Configuration"]
    archive = named(stack, "aws:s3/bucket:Bucket", "log-archive-archive-bucket")
    assert stream.inputs["destination"] == "extended_s3"
    assert destination["bucketArn"] == output(archive, "arn")
    assert key_class(stack, destination["kmsKeyArn"]) == "logs"
    assert destination["prefix"].startswith("firehose/")
    firehose_role = named(stack, "aws:iam/role:Role", "log-pipeline-firehose-role")
    assert destination["roleArn"] == output(firehose_role, "arn")
    # The archive's policy admits exactly this role by name.
    assert output(firehose_role, "arn") == "arn:aws:iam::123456789012:role/" + output(firehose_role, "name")
