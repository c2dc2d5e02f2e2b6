from __future__ import annotations

from compliance_checks.kit import CheckMetadata, RegionCheck, Severity, failed, guardduty, passed


class GuardDutyEnabledAllRegions(RegionCheck):
    """GuardDuty has an enabled detector in every audited region (one result per region).

    Scenarios:
    - given an enabled detector in the region, then PASS
    - given no detector in the region, then FAIL
    - given a suspended (DISABLED) detector, then FAIL
    - given two regions audited and a detector in only one, then PASS there and FAIL in the other
    - given ListDetectors is denied in a region, then ERROR for that region
    """

    metadata = CheckMetadata(
        title="GuardDuty is enabled in every audited region",
        severity=Severity.HIGH,
        resource_type="AWS::GuardDuty::Detector",
        rationale="LP-MON-1: suspicious usage and abuse indicators are detected in every enabled region, "
        "including the ones Leadping does not deploy to (FSBP GuardDuty.1).",
        remediation="Create (or re-enable) the GuardDuty detector in the region, ideally for the whole "
        "organization from the delegated administrator account.",
    )

    def scope(self, ctx, region):
        return f"arn:{ctx.reader.partition()}:guardduty:{region}:{ctx.reader.account_id}:detector"

    def judge(self, ctx, item):
        region = item.region
        detectors = {
            i: guardduty.detector(ctx.reader, i, region) or {} for i in guardduty.detector_ids(ctx.reader, region)
        }
        if not detectors:
            return failed(item.arn, "no GuardDuty detector in the region", region=region, detectors=[])
        statuses = {i: d.get("Status") for i, d in detectors.items()}
        enabled = sorted(i for i, status in statuses.items() if status == "ENABLED")
        if enabled:
            arn = guardduty.detector_arn(ctx.reader, enabled[0], region)
            return passed(arn, "GuardDuty detector enabled", region=region, detectors=statuses)
        arn = guardduty.detector_arn(ctx.reader, sorted(statuses)[0], region)
        return failed(arn, "GuardDuty detector suspended (DISABLED)", region=region, detectors=statuses)
