from __future__ import annotations

from collections.abc import Iterator

from compliance_checks.core import Check, CheckContext, CheckMetadata, Result, Severity, failed, passed
from compliance_checks.services import logs


class LogsLogGroupRetention(Check):
    """Every log group keeps its events at least the environment's minimum (prod 365 days, dev 30).

    The control's purpose is that evidence survives for compliance review and investigation, so a
    log group that never expires events (no retentionInDays) keeps them long enough and passes; it
    is reported as "never expires" so a cost review can still find it. (This is also how AWS Config's
    cw-loggroup-retention-period-check, behind FSBP CloudWatch.16, judges it.)

    Scenarios:
    - given a log group retained for 400 days in prod, then PASS
    - given a log group that never expires events, then PASS
    - given a log group retained for 7 days, then FAIL
    - given a log group retained for 90 days, then FAIL in prod and PASS in dev
    - given DescribeLogGroups is denied, then ERROR for the whole check
    """

    regional = True
    metadata = CheckMetadata(
        title="CloudWatch log groups are retained for the environment's minimum",
        severity=Severity.MEDIUM,
        resource_type="AWS::Logs::LogGroup",
        rationale="LP-LOG-2: logs must survive long enough for compliance review and incident investigation "
        "(prod >= 365 days, dev >= 30).",
        remediation="Set the log group's retention (PutRetentionPolicy) to at least the minimum. Infra: the "
        "logRetentionDays stack setting feeds every LogGroup.",
        permissions=("logs:DescribeLogGroups",),
    )

    def evaluate(self, ctx: CheckContext) -> Iterator[Result]:
        minimum = ctx.expectations.policy.min_log_retention_days
        for region in ctx.reader.regions:
            for group in logs.log_groups(ctx.reader, region):
                arn = logs.log_group_arn(group)
                days = group.get("retentionInDays")
                evidence = {"retention_days": days, "minimum_days": minimum}
                if days is None:
                    yield passed(arn, "never expires events", region=region, **evidence)
                elif int(days) >= minimum:
                    yield passed(arn, f"retained {days} days (minimum {minimum})", region=region, **evidence)
                else:
                    yield failed(arn, f"retained only {days} days; the minimum is {minimum}", region=region, **evidence)
