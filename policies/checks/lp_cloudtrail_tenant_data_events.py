"""LP-LOG-1: the trail records S3 data events for every tenant-data bucket.

Tenant buckets come from the plan's stack context (tagged leadping:tenant-data=true).

Scenarios:
- given basic event selectors with an AWS::S3::Object data resource covering each tenant bucket
  (arn:aws:s3:::<bucket>/, or every bucket), then PASS
- given advanced event selectors for eventCategory Data and resources.type AWS::S3::Object whose
  ARN filter (if any) starts with each tenant bucket, then PASS
- given a trail with management events only, or data events for other buckets, then FAIL
- given a stack without tenant buckets, then not applicable
"""

import lp_common as lp
from checkov.common.models.enums import CheckCategories, CheckResult

ALL_BUCKETS = ("arn:aws:s3", "arn:aws:s3:::")


def _basic_covers(conf, bucket: str, address: str | None) -> bool:
    for selector in lp.blocks(conf, "event_selector"):
        for resource in lp.blocks(selector, "data_resource"):
            if lp.value(resource, "type") != "AWS::S3::Object":
                continue
            for arn in (str(v) for v in lp.values(resource, "values")):
                if arn in ALL_BUCKETS or arn.startswith(f"arn:aws:s3:::{bucket}/"):
                    return True
                if address and arn.startswith(address):
                    return True
    return False


def _advanced_covers(conf, bucket: str, address: str | None) -> bool:
    for selector in lp.blocks(conf, "advanced_event_selector"):
        fields = {lp.value(f, "field"): f for f in lp.blocks(selector, "field_selector")}
        category = fields.get("eventCategory")
        kind = fields.get("resources.type")
        if not category or "Data" not in lp.values(category, "equals"):
            continue
        if not kind or "AWS::S3::Object" not in lp.values(kind, "equals"):
            continue
        arn_filter = fields.get("resources.ARN")
        if arn_filter is None:
            return True
        prefixes = [str(p) for p in lp.values(arn_filter, "starts_with")]
        if any(f"arn:aws:s3:::{bucket}/".startswith(p) or (address and p.startswith(address)) for p in prefixes):
            return True
    return False


class TenantDataEvents(lp.LeadpingCheck):
    def __init__(self) -> None:
        super().__init__(
            name="CloudTrail records S3 data events for the tenant-data buckets",
            id="LP_CLOUDTRAIL_TENANT_DATA_EVENTS",
            categories=[CheckCategories.LOGGING],
            supported_resources=["aws_cloudtrail"],
        )

    def evaluate(self, conf):
        buckets, addresses = self.context("tenant_buckets", "tenant_bucket_addresses")
        if not buckets:
            return CheckResult.UNKNOWN, ""
        missing = [
            bucket
            for bucket in buckets
            if not _basic_covers(conf, bucket, addresses.get(bucket))
            and not _advanced_covers(conf, bucket, addresses.get(bucket))
        ]
        if missing:
            return CheckResult.FAILED, f"no S3 data events for tenant buckets {missing}"
        return CheckResult.PASSED, ""


check = TenantDataEvents()
