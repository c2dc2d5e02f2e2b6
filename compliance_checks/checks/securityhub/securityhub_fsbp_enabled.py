from __future__ import annotations

from compliance_checks.kit import CheckMetadata, RegionCheck, Severity, failed, passed, securityhub


class SecurityHubFsbpEnabled(RegionCheck):
    """Security Hub is enabled with the AWS Foundational Security Best Practices standard READY, in
    every audited region (one result per region).

    Only StandardsStatus READY passes: PENDING is not evaluating yet, and INCOMPLETE means some of
    the standard's controls could not be enabled (typically AWS Config is not recording), so
    findings are missing; FAILED and DELETING are not running.

    Scenarios:
    - given Security Hub on with the FSBP standard READY, then PASS
    - given Security Hub not enabled, then FAIL
    - given Security Hub on without the FSBP standard, then FAIL
    - given the FSBP standard INCOMPLETE, then FAIL
    - given the endpoint does not implement GetEnabledStandards, then ERROR
    - given DescribeHub is denied, then ERROR for that region
    """

    metadata = CheckMetadata(
        title="Security Hub is enabled with the FSBP standard in every audited region",
        severity=Severity.HIGH,
        resource_type="AWS::SecurityHub::Hub",
        rationale="LP-MON-1: suspicious configuration and usage are surfaced continuously against the AWS "
        "Foundational Security Best Practices the controls cross-reference.",
        remediation="Enable Security Hub in the region and subscribe the AWS Foundational Security Best "
        "Practices standard (BatchEnableStandards); make sure AWS Config records in the region.",
    )

    def scope(self, ctx, region):
        return securityhub.hub_arn(ctx.reader, region)

    def judge(self, ctx, item):
        hub = securityhub.hub(ctx.reader, item.region)
        if hub is None:
            return failed(item.arn, "Security Hub is not enabled", region=item.region)
        arn, region = hub.get("HubArn", item.arn), item.region
        standards = securityhub.enabled_standards(ctx.reader, region)
        fsbp = [s for s in standards if securityhub.FSBP_STANDARD in s.get("StandardsArn", "")]
        statuses = {s["StandardsArn"]: s.get("StandardsStatus") for s in fsbp}
        if not fsbp:
            return failed(arn, "the FSBP standard is not enabled", region=region, fsbp=statuses)
        if any(status == "READY" for status in statuses.values()):
            return passed(arn, "Security Hub on with the FSBP standard READY", region=region, fsbp=statuses)
        reasons = sorted({str((s.get("StandardsStatusReason") or {}).get("StatusReasonCode")) for s in fsbp} - {"None"})
        why = f" ({', '.join(reasons)})" if reasons else ""
        states = ", ".join(sorted(set(map(str, statuses.values()))))
        return failed(arn, f"the FSBP standard is {states}, not READY{why}", region=region, fsbp=statuses)
