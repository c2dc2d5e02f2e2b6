from __future__ import annotations

from compliance_checks.kit import CheckMetadata, RegionCheck, Severity, ec2, failed, kms, passed


class Ec2EbsEncryptionByDefault(RegionCheck):
    """In every audited region, EBS encryption by default is on and its default key is customer-managed.

    Scenarios:
    - given encryption by default on with a customer-managed default key, then PASS
    - given encryption by default off, then FAIL
    - given encryption by default on with the AWS-managed alias/aws/ebs key, then FAIL
    - given GetEbsEncryptionByDefault is denied, then ERROR for the region
    """

    metadata = CheckMetadata(
        title="EBS encryption by default is on with a customer-managed key",
        severity=Severity.MEDIUM,
        resource_type="AWS::::Account",
        rationale="LP-DR-1: every new volume and snapshot is encrypted with a key Leadping controls (FSBP EC2.7).",
        remediation="Enable EBS encryption by default in the region and set the default KMS key to a customer key "
        "(infra: the account baseline does).",
    )

    def scope(self, ctx, region):
        account = ctx.reader.account_id_or_unknown()
        return f"arn:{ctx.reader.partition()}:ec2:{region}:{account}:ebs-encryption-by-default"

    def judge(self, ctx, item):
        arn, region = item.arn, item.region
        if not ec2.ebs_encryption_by_default(ctx.reader, region):
            return failed(arn, "EBS encryption by default is off", region=region, enabled=False)
        key = ec2.ebs_default_kms_key(ctx.reader, region)
        customer, detail = kms.is_customer_managed(ctx.reader, key, region)
        evidence = {"enabled": True, "default_kms_key": key}
        if customer:
            return passed(arn, f"on, with customer key {detail}", region=region, **evidence)
        return failed(arn, f"on, but the default key is not customer-managed ({detail})", region=region, **evidence)
