from __future__ import annotations

from compliance_checks.kit import CheckMetadata, CustomerKeyCheck, KeyUse, Severity, TrailCheck


class CloudTrailKmsEncrypted(TrailCheck, CustomerKeyCheck):
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

    encrypted_what = "log files encrypted"

    def key_use(self, ctx, item):
        key_id = item.get("KmsKeyId")
        return KeyUse(key_id, unencrypted=None if key_id else "log files are not KMS-encrypted (SSE-S3 only)")
