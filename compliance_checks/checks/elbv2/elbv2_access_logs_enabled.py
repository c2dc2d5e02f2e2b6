from __future__ import annotations

from compliance_checks.kit import AlbAttributeCheck, CheckMetadata, Severity, failed, passed

ENABLED = "access_logs.s3.enabled"
BUCKET = "access_logs.s3.bucket"


class Elbv2AccessLogsEnabled(AlbAttributeCheck):
    """Every Application Load Balancer writes access logs to an S3 bucket.

    Scenarios:
    - given an ALB with access_logs.s3.enabled = true and a bucket, then PASS
    - given an ALB with access logs disabled, then FAIL
    - given an ALB with access logs enabled but no bucket, then FAIL
    - given DescribeLoadBalancerAttributes is denied, then ERROR for that load balancer
    """

    regional = True
    metadata = CheckMetadata(
        title="Application Load Balancers write access logs",
        severity=Severity.MEDIUM,
        resource_type="AWS::ElasticLoadBalancingV2::LoadBalancer",
        rationale="LP-LOG-1: requests to the platform are logged for abuse prevention and investigation (FSBP ELB.5).",
        remediation=f"Set {ENABLED}=true and {BUCKET} to the log bucket (infra: the load balancer component does).",
    )

    def judge_attributes(self, lb, attributes):
        enabled, bucket = attributes.get(ENABLED) == "true", attributes.get(BUCKET) or None
        evidence = {"name": lb.name, "enabled": enabled, "bucket": bucket}
        if enabled and bucket:
            return passed(lb.arn, f"access logs go to s3://{bucket}", region=lb.region, **evidence)
        if enabled:
            return failed(lb.arn, "access logs are enabled but no bucket is set", region=lb.region, **evidence)
        return failed(lb.arn, "access logs are disabled", region=lb.region, **evidence)
