from __future__ import annotations

from compliance_checks.core import Check, CheckContext, CheckMetadata, ReadError, Severity, errored, failed, passed
from compliance_checks.services import cloudtrail, kms


class CloudTrailKmsEncrypted(Check):
    """Every trail that applies to an audited region encrypts its log files with a customer-managed key.

    Scenarios:
    - given a trail with a customer-managed KmsKeyId, then PASS
    - given a trail without KmsKeyId (SSE-S3 only), then FAIL
    - given DescribeKey is denied for the trail's key, then ERROR for that trail
    - given DescribeTrails failing in one of two regions, then ERROR there and the other region's trails judged
    """

    metadata = CheckMetadata(
        title="CloudTrail log files are encrypted with a customer-managed KMS key",
        severity=Severity.MEDIUM,
        resource_type="AWS::CloudTrail::Trail",
        rationale="LP-LOG-1, LP-DR-1: audit logs are readable only by principals the logs key admits "
        "(FSBP CloudTrail.2).",
        remediation="Set the trail's KmsKeyId to the logs key (its key policy must admit cloudtrail.amazonaws.com). "
        "Infra: the log archive component's trail.",
    )

    def evaluate(self, ctx: CheckContext):
        listed = cloudtrail.listing(ctx.reader)
        yield from listed.unread_results(ctx.reader)
        for trail in listed.trails:
            arn, region = trail["TrailARN"], cloudtrail.home_region(trail)
            key_id = trail.get("KmsKeyId")
            if not key_id:
                yield failed(arn, "log files are not KMS-encrypted (SSE-S3 only)", region=region, kms_key=None)
                continue
            try:
                customer, detail = kms.is_customer_managed(ctx.reader, key_id, region)
            except ReadError as error:
                yield errored(arn, error, region=region, kms_key=key_id)
                continue
            if customer:
                yield passed(arn, f"log files encrypted with customer key {detail}", region=region, kms_key=key_id)
            else:
                yield failed(
                    arn, f"not encrypted with a customer-managed key ({detail})", region=region, kms_key=key_id
                )
