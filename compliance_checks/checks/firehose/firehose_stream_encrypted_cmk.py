from __future__ import annotations

from compliance_checks.checks.firehose._encryption import encryption_gaps
from compliance_checks.core import Check, CheckContext, CheckMetadata, ReadError, Severity, errored, failed, passed
from compliance_checks.services import firehose


class FirehoseStreamEncryptedCmk(Check):
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

    def evaluate(self, ctx: CheckContext):
        for region in ctx.reader.regions:
            for name in firehose.stream_names(ctx.reader, region):
                arn = f"arn:{ctx.reader.partition()}:firehose:{region}:{ctx.reader.account_id}:deliverystream/{name}"
                try:
                    description = firehose.describe(ctx.reader, name, region)
                    if description is None:
                        continue  # deleted since it was listed
                    gaps = encryption_gaps(ctx.reader, description, region)
                except ReadError as error:
                    yield errored(arn, error, region=region)
                    continue
                arn = description.get("DeliveryStreamARN", arn)
                evidence = {
                    "source": description.get("DeliveryStreamType"),
                    "encryption": description.get("DeliveryStreamEncryptionConfiguration"),
                }
                if gaps:
                    yield failed(arn, "; ".join(gaps), region=region, gaps=gaps, **evidence)
                else:
                    yield passed(
                        arn, "records encrypted with customer keys in the stream and in S3", region=region, **evidence
                    )
