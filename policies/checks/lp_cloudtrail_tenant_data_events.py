"""LP-LOG-1: the trail records S3 data events (object reads and writes) for every tenant-data bucket.

Tenant buckets come from the plan's stack context (tagged leadping:tenant-data=true). The rule is
compliance_checks.rules.cloudtrail, the live check's: the trail must be logging (enable_logging) and
its selectors must cover every object of each bucket, for read and for write events; a bucket the
plan does not name yet is matched by its address. Each trail is judged on its own.

Scenarios:
- given basic event selectors (read_write_type All) with an AWS::S3::Object data resource covering
  each tenant bucket (arn:aws:s3:::<bucket>/, or every bucket), then PASS
- given advanced event selectors for eventCategory Data and resources.type AWS::S3::Object whose
  ARN filter (if any) starts with each tenant bucket, then PASS
- given a trail with management events only, or data events for other buckets, then FAIL
- given a selector for a prefix of a tenant bucket, or for its write events only, then FAIL
- given a trail whose logging is off, then FAIL
- given a stack without tenant buckets, then not applicable
"""

from lp_common import CheckCategories, LeadpingCheck, rules


class TenantDataEvents(LeadpingCheck):
    def __init__(self) -> None:
        super().__init__(
            name="CloudTrail records S3 data events for the tenant-data buckets",
            id="LP_CLOUDTRAIL_TENANT_DATA_EVENTS",
            categories=[CheckCategories.LOGGING],
            supported_resources=["aws_cloudtrail"],
        )

    def evaluate(self, conf):
        buckets, addresses = self.context("tenant_buckets", "tenant_bucket_addresses")
        references = {address: f"arn:aws:s3:::{bucket}" for bucket, address in addresses.items()}
        trail = rules.cloudtrail.Trail.from_plan(conf, references)
        return rules.cloudtrail.trail_records_tenant_data(trail, [rules.cloudtrail.Bucket(b) for b in buckets])


check = TenantDataEvents()
