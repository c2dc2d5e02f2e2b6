from __future__ import annotations

from compliance_checks.kit import CheckMetadata, LogGroupCheck, Severity, rules, verdict


class LogsLogGroupRetention(LogGroupCheck):
    """Every log group keeps its events at least the environment's minimum (prod 365 days, dev 30).

    The rule (compliance_checks.rules.logs, shared with the gate) settles "never expire": evidence
    survives, so a group without retentionInDays passes, reported as "never expires" so a cost
    review can still find it.

    Scenarios:
    - given a log group retained for 400 days in prod, then PASS
    - given a log group that never expires events, then PASS
    - given a log group retained for 7 days, then FAIL
    - given a log group retained for 90 days, then FAIL in prod and PASS in dev
    - given DescribeLogGroups is denied, then ERROR for the whole check
    """

    metadata = CheckMetadata(
        title="CloudWatch log groups are retained for the environment's minimum",
        severity=Severity.MEDIUM,
        resource_type="AWS::Logs::LogGroup",
        rationale="LP-LOG-2: logs must survive long enough for compliance review and incident investigation "
        "(prod >= 365 days, dev >= 30).",
        remediation="Set the log group's retention (PutRetentionPolicy) to at least the minimum. Infra: the "
        "logRetentionDays stack setting feeds every LogGroup.",
    )

    def judge(self, ctx, item):
        judged = rules.logs.retention(
            rules.logs.LogGroup.from_aws(item.raw), ctx.expectations.policy.min_log_retention_days
        )
        return verdict(item.arn, judged, region=item.region)
