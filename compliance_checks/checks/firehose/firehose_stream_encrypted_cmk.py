from __future__ import annotations

from compliance_checks.checks.firehose._encryption import encryption_gaps
from compliance_checks.kit import CheckMetadata, ResourceCheck, Severity, failed, firehose, passed, regional


class FirehoseStreamEncryptedCmk(ResourceCheck):
    """Every Firehose delivery stream keeps records under customer-managed keys, in the stream and in S3.

    A DirectPut stream has server-side encryption ENABLED with KeyType CUSTOMER_MANAGED_CMK (a
    customer key); a Kinesis-sourced stream, which Firehose cannot encrypt itself, needs its source
    stream KMS-encrypted with a customer key; other sources (MSK, database) are not verifiable here
    and fail. Every S3 configuration the stream writes to (the S3 or extended S3 destination and any
    backup bucket in use) has a KMSEncryptionConfig with a customer-managed key.

    Scenarios:
    - given a DirectPut stream with CUSTOMER_MANAGED_CMK and an S3 destination with a customer key, then PASS
    - given a stream with AWS_OWNED_CMK server-side encryption, then FAIL
    - given a stream without server-side encryption, then FAIL
    - given an encrypted stream whose S3 destination has NoEncryption, then FAIL
    - given a Kinesis-sourced stream whose source stream is KMS-encrypted with a customer key, then PASS
    - given DescribeDeliveryStream is denied, then ERROR for that stream
    """

    regional = True
    metadata = CheckMetadata(
        title="Firehose streams are encrypted with customer-managed KMS keys",
        severity=Severity.MEDIUM,
        resource_type="AWS::KinesisFirehose::DeliveryStream",
        rationale="LP-DR-1, LP-LOG-2: application logs in transit to the archive rest under keys Leadping "
        "controls (FSBP DataFirehose.1).",
        remediation="StartDeliveryStreamEncryption with KeyType CUSTOMER_MANAGED_CMK and the logs key, and set "
        "the S3 destination's KMSEncryptionConfig to the same key. Infra: the log archive component's stream.",
    )

    def resources(self, ctx):
        account = ctx.reader.account_id
        return regional(
            ctx,
            firehose.stream_names,
            lambda name, region, partition: f"arn:{partition}:firehose:{region}:{account}:deliverystream/{name}",
        )

    def judge(self, ctx, item):
        description = firehose.describe(ctx.reader, item.raw, item.region)
        if description is None:
            return None  # deleted since it was listed
        gaps = encryption_gaps(ctx.reader, description, item.region)
        arn = description.get("DeliveryStreamARN", item.arn)
        evidence = {
            "source": description.get("DeliveryStreamType"),
            "encryption": description.get("DeliveryStreamEncryptionConfiguration"),
        }
        if gaps:
            return failed(arn, "; ".join(gaps), region=item.region, gaps=gaps, **evidence)
        return passed(
            arn, "records encrypted with customer keys in the stream and in S3", region=item.region, **evidence
        )
