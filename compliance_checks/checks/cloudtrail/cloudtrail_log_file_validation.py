from __future__ import annotations

from compliance_checks.kit import CheckMetadata, Severity, TrailCheck, cloudtrail, comply, verdict, violate


class CloudTrailLogFileValidation(TrailCheck):
    """Every trail that applies to an audited region has log file integrity validation on.

    Scenarios:
    - given a trail with LogFileValidationEnabled, then PASS
    - given a trail without log file validation, then FAIL
    - given DescribeTrails is denied, then ERROR for the region's trails
    - given DescribeTrails failing in one of two regions, then ERROR there and the other region's trails judged
    """

    metadata = CheckMetadata(
        title="CloudTrail log file validation is enabled",
        severity=Severity.MEDIUM,
        resource_type="AWS::CloudTrail::Trail",
        rationale="LP-LOG-1: digest files prove the delivered logs were not altered or deleted, so they hold "
        "as evidence (FSBP CloudTrail.4).",
        remediation="Enable log file validation on the trail (UpdateTrail EnableLogFileValidation). Infra: the "
        "log archive component's trail.",
    )

    def judge(self, ctx, trail):
        on = trail.get("LogFileValidationEnabled")
        judged = comply("log file validation enabled") if on else violate("log file validation disabled")
        return verdict(trail["TrailARN"], judged, region=cloudtrail.home_region(trail))
