from __future__ import annotations

import dataclasses
from typing import Any

from compliance_checks.checks.cloudwatch._signals import LOG_SIGNALS, METRIC_SIGNALS, LogSignal, MetricSignal
from compliance_checks.kit import (
    Check,
    CheckMetadata,
    ReadError,
    Result,
    Severity,
    cloudtrail,
    cloudwatch,
    errored,
    failed,
    logs,
    passed,
    sqs,
)


class CloudWatchSecurityAlarmsConfigured(Check):
    """Every security and health signal LP-MON-1 names has an alarm that notifies an SNS topic
    (one result per signal: the alarm's ARN when found, else the account's signal id).

    CloudTrail signals (root use, unauthorized API calls, console sign-in without MFA, IAM policy,
    CloudTrail, KMS key and security-group changes) need a metric filter on a log group that a
    multi-region, logging, all-management-events trail delivers to, whose pattern (evaluated as
    CloudWatch Logs does) counts the signal's CloudTrail records and not routine ones, and an
    alarm on the filter's metric. Load balancer 5xx needs an alarm on AWS/ApplicationELB
    HTTPCode_ELB_5XX_Count or HTTPCode_Target_5XX_Count; API latency on AWS/ApiGateway Latency or
    IntegrationLatency; message delivery failures on AWS/SNS NumberOfNotificationsFailed, or on
    AWS/SQS ApproximateNumberOfMessagesVisible of a dead-letter queue. An alarm notifies when its
    actions are enabled and an ALARM action is an SNS topic, directly or through a composite alarm
    that fires whenever it does.

    Scenarios:
    - given CIS metric filters on the trail's log group with alarms notifying SNS, then PASS for each signal
    - given the root-use filter's alarm has no SNS action, then FAIL for root use only
    - given a filter that counts every event, then FAIL (no signal)
    - given the IAM filter lists only some policy-changing events, then FAIL naming the missing ones
    - given the filters are on a log group no qualifying trail delivers to, then FAIL
    - given a 5xx, latency and SNS-failure alarm, then PASS for the metric signals
    - given an alarm on a dead-letter queue's visible messages, then PASS for delivery failures, and FAIL
      for a queue that is no dead-letter queue
    - given an alarm without action that a composite alarm with an SNS action covers, then PASS
    - given DescribeMetricFilters is denied, then ERROR for the CloudTrail signals
    """

    metadata = CheckMetadata(
        title="CloudWatch alarms notify on security and service-health signals",
        severity=Severity.HIGH,
        resource_type="AWS::CloudWatch::Alarm",
        rationale="LP-MON-1: suspicious usage (root use, denied calls, sign-in without MFA, IAM/CloudTrail/KMS/"
        "security-group changes) and service health (5xx, latency, delivery failures) reach a human "
        "(FSBP CloudWatch.1-14, CIS 4.x).",
        remediation="Create the CIS metric filters on the CloudTrail log group and an alarm per filter metric, "
        "plus 5xx, latency and delivery-failure alarms, all with the security alarm topic as ALARM action. "
        "Infra: the monitoring component.",
    )

    def evaluate(self, ctx):
        groups, elsewhere, trail_errors = self._trail_log_groups(ctx)
        for signal in LOG_SIGNALS:
            yield self._log_signal(ctx, signal, groups, elsewhere, trail_errors)
        for signal in METRIC_SIGNALS:
            yield self._metric_signal(ctx, signal)

    def _signal_id(self, ctx, signal: LogSignal | MetricSignal) -> str:
        return f"arn:{ctx.reader.partition()}:::account/{ctx.reader.account_id}/security-signal/{signal.key}"

    @staticmethod
    def _found(signal, message: str, alarms: list[str], first: str, **evidence) -> Result:
        """PASS on the first alarm that serves the signal (the one the signal's first record reaches)."""
        return passed(first, message, region=first.split(":")[3], signal=signal.key, alarms=alarms, **evidence)

    def _not_found(self, ctx, signal, message: str, errors: list[ReadError], **evidence) -> Result:
        scope = self._signal_id(ctx, signal)
        evidence = {"signal": signal.key, **evidence}
        result = errored(scope, errors[0], **evidence) if errors else failed(scope, message, **evidence)
        return dataclasses.replace(result, resource_type="AWS::::Account")

    def _trail_log_groups(self, ctx) -> tuple[list[tuple[str, str]], list[str], list[ReadError]]:
        """(region, name) of this account's log groups that qualifying trails deliver to; the ARNs of
        such groups in other accounts (an organization trail's), whose filters cannot be read here;
        and the errors reading trails."""
        listed = cloudtrail.listing(ctx.reader)
        groups, elsewhere, errors = set(), set(), [error for _, error in listed.unread]
        for trail in listed.trails:
            arn = trail.get("CloudWatchLogsLogGroupArn")
            if not arn:
                continue
            try:
                if cloudtrail.multi_region_logging_gaps(ctx.reader, trail):
                    continue
            except ReadError as error:
                errors.append(error)
                continue
            if arn.split(":")[4] != ctx.reader.account_id:
                elsewhere.add(arn)
            else:
                groups.add(logs.parse_log_group_arn(arn))
        return sorted(groups), sorted(elsewhere), errors

    def _log_signal(self, ctx, signal: LogSignal, groups, elsewhere, trail_errors) -> Result:
        caught: dict[str, str] = {}  # record label -> alarm ARN
        filters: dict[str, list[str]] = {}  # serving filter -> notifying alarms
        errors, unparsed = list(trail_errors), []
        for region, group in groups:
            try:
                metric_filters = logs.metric_filters(ctx.reader, region, group)
                metric, notifying = cloudwatch.alarms_with_notifications(ctx.reader, region)
            except ReadError as error:
                errors.append(error)
                continue
            for item in metric_filters:
                try:
                    labels = self._catches(signal, item.get("filterPattern", ""))
                except logs.FilterPatternError:
                    unparsed.append(item["filterName"])
                    continue
                if not labels:
                    continue
                watched = {
                    (t.get("metricNamespace"), t.get("metricName")) for t in item.get("metricTransformations", [])
                }
                notified = sorted(
                    a["AlarmArn"]
                    for a in metric
                    if a["AlarmArn"] in notifying
                    and any((m.namespace, m.name) in watched for m in cloudwatch.alarm_metrics(a))
                )
                filters[f"{group}:{item['filterName']}"] = notified
                for label in labels if notified else ():
                    caught.setdefault(label, notified[0])
        missing = [label for label, _ in signal.must_catch if label not in caught]
        evidence = {
            "log_groups": [g for _, g in groups],
            "other_account_log_groups": elsewhere,
            "filters": filters,
            "unparsed_filters": unparsed,
        }
        if not missing:
            message = f"{signal.title}: alarmed metric filter notifies SNS"
            return self._found(
                signal, message, sorted(set(caught.values())), caught[signal.must_catch[0][0]], **evidence
            )
        if not groups and elsewhere:
            message = "the logging trails deliver only to another account's log groups; not verifiable here"
        elif not groups:
            message = "no multi-region logging trail delivers to CloudWatch Logs"
        elif any(filters.values()):
            message = f"{signal.title}: no alarmed metric filter counts {', '.join(missing)}"
        elif filters:
            message = f"{signal.title}: metric filter {', '.join(filters)} has no alarm that notifies an SNS topic"
        else:
            message = f"{signal.title}: no metric filter on {', '.join(g for _, g in groups)} counts these events"
        return self._not_found(ctx, signal, message, errors, missing=missing, **evidence)

    def _catches(self, signal: LogSignal, pattern: str) -> list[str]:
        """Labels of the signal's records the pattern counts; [] when it also counts routine records."""
        if any(logs.pattern_matches(pattern, record) for _, record in signal.must_not_catch):
            return []
        return [label for label, record in signal.must_catch if logs.pattern_matches(pattern, record)]

    def _metric_signal(self, ctx, signal: MetricSignal) -> Result:
        found, silent, errors = [], [], []
        for region in ctx.reader.regions:
            try:
                metric, notifying = cloudwatch.alarms_with_notifications(ctx.reader, region)
                matching = [a for a in metric if self._serves(ctx, signal, a, region)]
            except ReadError as error:
                errors.append(error)
                continue
            found += [a["AlarmArn"] for a in matching if a["AlarmArn"] in notifying]
            silent += [a["AlarmArn"] for a in matching if a["AlarmArn"] not in notifying]
        if found:
            return self._found(signal, f"{signal.title}: alarm notifies SNS", sorted(found), found[0])
        wanted = " or ".join(f"{ns} {name}" for ns, name in sorted(signal.metrics | signal.dead_letter_metrics))
        message = f"{signal.title}: no alarm on {wanted} notifies an SNS topic"
        return self._not_found(ctx, signal, message, errors, alarms_without_sns_action=sorted(silent))

    def _serves(self, ctx, signal: MetricSignal, alarm: dict[str, Any], region: str) -> bool:
        return any(
            (m.namespace, m.name) in signal.metrics
            or (
                (m.namespace, m.name) in signal.dead_letter_metrics
                and m.dimensions.get("QueueName") in sqs.dead_letter_queue_names(ctx.reader, region)
            )
            for m in cloudwatch.alarm_metrics(alarm)
        )
