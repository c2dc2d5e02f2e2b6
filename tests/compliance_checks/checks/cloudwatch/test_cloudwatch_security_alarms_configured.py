"""Scenarios of cloudwatch_security_alarms_configured (LP-MON-1)."""

from __future__ import annotations

import boto3
from botocore.awsrequest import AWSResponse

from compliance_checks.core import Result, Status
from compliance_checks.reader import Reader
from tests.compliance_checks.checks.cloudtrail.trails import trail
from tests.compliance_checks.conftest import ACCOUNT_ID, REGION, run_check

CHECK = "cloudwatch_security_alarms_configured"
GROUP = "leadping-cloudtrail"
NAMESPACE = "Leadping/Security"

# The CIS AWS Foundations benchmark's patterns, as written there (unquoted values and all).
CIS_PATTERNS = {
    "root-account-use": '{ $.userIdentity.type = "Root" && $.userIdentity.invokedBy NOT EXISTS '
    '&& $.eventType != "AwsServiceEvent" }',
    "unauthorized-api-calls": '{ ($.errorCode = "*UnauthorizedOperation") || ($.errorCode = "AccessDenied*") '
    '&& ($.sourceIPAddress!="delivery.logs.amazonaws.com") && ($.eventName!="HeadBucket") }',
    "console-sign-in-without-mfa": '{ ($.eventName = "ConsoleLogin") && ($.additionalEventData.MFAUsed != "Yes") '
    '&& ($.userIdentity.type = "IAMUser") && ($.responseElements.ConsoleLogin = "Success") }',
    "iam-policy-changes": "{($.eventName=DeleteGroupPolicy)||($.eventName=DeleteRolePolicy)||"
    "($.eventName=DeleteUserPolicy)||($.eventName=PutGroupPolicy)||($.eventName=PutRolePolicy)||"
    "($.eventName=PutUserPolicy)||($.eventName=CreatePolicy)||($.eventName=DeletePolicy)||"
    "($.eventName=CreatePolicyVersion)||($.eventName=DeletePolicyVersion)||($.eventName=AttachRolePolicy)||"
    "($.eventName=DetachRolePolicy)||($.eventName=AttachUserPolicy)||($.eventName=DetachUserPolicy)||"
    "($.eventName=AttachGroupPolicy)||($.eventName=DetachGroupPolicy)}",
    "cloudtrail-configuration-changes": "{ ($.eventName = CreateTrail) || ($.eventName = UpdateTrail) || "
    "($.eventName = DeleteTrail) || ($.eventName = StartLogging) || ($.eventName = StopLogging) }",
    "kms-key-disable-or-deletion": "{($.eventSource = kms.amazonaws.com) && "
    "(($.eventName=DisableKey)||($.eventName=ScheduleKeyDeletion)) }",
    "security-group-changes": "{ ($.eventName = AuthorizeSecurityGroupIngress) || "
    "($.eventName = AuthorizeSecurityGroupEgress) || ($.eventName = RevokeSecurityGroupIngress) || "
    "($.eventName = RevokeSecurityGroupEgress) || ($.eventName = CreateSecurityGroup) || "
    "($.eventName = DeleteSecurityGroup) }",
}
METRIC_SIGNALS = ("load-balancer-5xx", "api-latency", "message-delivery-failures")


def _signal_id(key: str) -> str:
    return f"arn:aws:::account/{ACCOUNT_ID}/security-signal/{key}"


def _alarm_arn(name: str) -> str:
    return f"arn:aws:cloudwatch:{REGION}:{ACCOUNT_ID}:alarm:{name}"


def _topic() -> str:
    return boto3.client("sns", region_name=REGION).create_topic(Name="security-alarms")["TopicArn"]


def _trail_into_logs(group: str = GROUP) -> None:
    boto3.client("logs", region_name=REGION).create_log_group(logGroupName=group)
    trail(
        CloudWatchLogsLogGroupArn=f"arn:aws:logs:{REGION}:{ACCOUNT_ID}:log-group:{group}:*",
        CloudWatchLogsRoleArn=f"arn:aws:iam::{ACCOUNT_ID}:role/cloudtrail-to-logs",
    )


def _alarm(name: str, namespace: str, metric: str, actions: list[str], **kwargs) -> str:
    boto3.client("cloudwatch", region_name=REGION).put_metric_alarm(
        AlarmName=name,
        Namespace=namespace,
        MetricName=metric,
        Statistic="Sum",
        Period=300,
        EvaluationPeriods=1,
        Threshold=1,
        ComparisonOperator="GreaterThanOrEqualToThreshold",
        AlarmActions=actions,
        **kwargs,
    )
    return _alarm_arn(name)


def _filter(key: str, pattern: str, actions: list[str] | None, group: str = GROUP) -> str | None:
    boto3.client("logs", region_name=REGION).put_metric_filter(
        logGroupName=group,
        filterName=key,
        filterPattern=pattern,
        metricTransformations=[{"metricName": key, "metricNamespace": NAMESPACE, "metricValue": "1"}],
    )
    return None if actions is None else _alarm(key, NAMESPACE, key, actions)


def _by_signal(results: list[Result]) -> dict[str, Result]:
    keyed = {}
    for result in results:
        keyed[result.evidence["signal"]] = result
    assert len(keyed) == len(results) == 10, results
    return keyed


def test_given_cis_filters_with_alarms_notifying_sns_then_pass_for_each_signal(reader):
    topic = _topic()
    _trail_into_logs()
    alarms = {key: _filter(key, pattern, [topic]) for key, pattern in CIS_PATTERNS.items()}
    results = _by_signal(run_check(CHECK, reader))
    for key, alarm in alarms.items():
        assert results[key].status is Status.PASS, results[key]
        assert results[key].resource_id == alarm
        assert results[key].region == REGION


def test_given_the_root_filter_alarm_has_no_sns_action_then_fail_for_root_use_only(reader):
    topic = _topic()
    _trail_into_logs()
    for key, pattern in CIS_PATTERNS.items():
        _filter(key, pattern, [] if key == "root-account-use" else [topic])
    results = _by_signal(run_check(CHECK, reader))
    root = results["root-account-use"]
    assert root.status is Status.FAIL
    assert root.resource_id == _signal_id("root-account-use")
    assert root.resource_type == "AWS::::Account"
    assert "no alarm that notifies an SNS topic" in root.message
    assert results["iam-policy-changes"].status is Status.PASS


def test_given_alarm_actions_disabled_then_fail(reader):
    topic = _topic()
    _trail_into_logs()
    _filter("kms-key-disable-or-deletion", CIS_PATTERNS["kms-key-disable-or-deletion"], None)
    _alarm("kms-changes", NAMESPACE, "kms-key-disable-or-deletion", [topic], ActionsEnabled=False)
    assert _by_signal(run_check(CHECK, reader))["kms-key-disable-or-deletion"].status is Status.FAIL


def test_given_a_filter_that_counts_every_event_then_fail(reader):
    topic = _topic()
    _trail_into_logs()
    _filter("everything", '{ $.eventVersion = "*" }', [topic])
    results = _by_signal(run_check(CHECK, reader))
    assert all(results[key].status is Status.FAIL for key in CIS_PATTERNS)


def test_given_the_iam_filter_lists_only_some_events_then_fail_naming_the_missing_ones(reader):
    topic = _topic()
    _trail_into_logs()
    _filter("iam-policy-changes", "{ ($.eventName = PutRolePolicy) || ($.eventName = AttachRolePolicy) }", [topic])
    result = _by_signal(run_check(CHECK, reader))["iam-policy-changes"]
    assert result.status is Status.FAIL
    assert "iam.amazonaws.com DetachRolePolicy" in result.evidence["missing"]
    assert "iam.amazonaws.com PutRolePolicy" not in result.evidence["missing"]


def test_given_a_broader_filter_on_iam_writes_then_pass(reader):
    topic = _topic()
    _trail_into_logs()
    arn = _filter("iam-writes", "{ $.eventSource = iam.amazonaws.com && $.readOnly IS FALSE }", [topic])
    result = _by_signal(run_check(CHECK, reader))["iam-policy-changes"]
    assert result.status is Status.PASS
    assert result.resource_id == arn


def test_given_the_filters_on_a_group_no_qualifying_trail_delivers_to_then_fail(reader):
    topic = _topic()
    _trail_into_logs()
    boto3.client("logs", region_name=REGION).create_log_group(logGroupName="other")
    for key, pattern in CIS_PATTERNS.items():
        _filter(key, pattern, [topic], group="other")
    results = _by_signal(run_check(CHECK, reader))
    assert results["root-account-use"].status is Status.FAIL
    assert "no metric filter on leadping-cloudtrail" in results["root-account-use"].message


def test_given_no_trail_delivers_to_cloudwatch_logs_then_fail(reader):
    trail()
    result = _by_signal(run_check(CHECK, reader))["unauthorized-api-calls"]
    assert result.status is Status.FAIL
    assert result.message == "no multi-region logging trail delivers to CloudWatch Logs"


def test_given_5xx_latency_and_sns_failure_alarms_then_pass_for_the_metric_signals(reader):
    topic = _topic()
    expected = {
        "load-balancer-5xx": _alarm("alb-5xx", "AWS/ApplicationELB", "HTTPCode_Target_5XX_Count", [topic]),
        "api-latency": _alarm("api-latency", "AWS/ApiGateway", "Latency", [topic]),
        "message-delivery-failures": _alarm("sns-failures", "AWS/SNS", "NumberOfNotificationsFailed", [topic]),
    }
    results = _by_signal(run_check(CHECK, reader))
    for key, alarm in expected.items():
        assert results[key].status is Status.PASS
        assert results[key].resource_id == alarm


def test_given_a_metric_math_latency_alarm_then_pass(reader):
    topic = _topic()
    boto3.client("cloudwatch", region_name=REGION).put_metric_alarm(
        AlarmName="api-p99",
        EvaluationPeriods=1,
        Threshold=2000,
        ComparisonOperator="GreaterThanThreshold",
        AlarmActions=[topic],
        Metrics=[
            {
                "Id": "latency",
                "MetricStat": {
                    "Metric": {"Namespace": "AWS/ApiGateway", "MetricName": "IntegrationLatency"},
                    "Period": 60,
                    "Stat": "p99",
                },
                "ReturnData": True,
            }
        ],
    )
    assert _by_signal(run_check(CHECK, reader))["api-latency"].resource_id == _alarm_arn("api-p99")


def test_given_a_dead_letter_queue_alarm_then_pass_and_an_ordinary_queue_alarm_then_fail(reader):
    topic = _topic()
    sqs = boto3.client("sqs", region_name=REGION)
    sqs.create_queue(QueueName="ordinary")
    sqs.create_queue(QueueName="deliveries-dlq")
    dlq_arn = f"arn:aws:sqs:{REGION}:{ACCOUNT_ID}:deliveries-dlq"
    sqs.create_queue(
        QueueName="deliveries",
        Attributes={"RedrivePolicy": f'{{"deadLetterTargetArn": "{dlq_arn}", "maxReceiveCount": "5"}}'},
    )
    visible = ("AWS/SQS", "ApproximateNumberOfMessagesVisible")
    _alarm("ordinary-backlog", *visible, [topic], Dimensions=[{"Name": "QueueName", "Value": "ordinary"}])
    result = _by_signal(run_check(CHECK, reader))["message-delivery-failures"]
    assert result.status is Status.FAIL

    arn = _alarm("dlq-messages", *visible, [topic], Dimensions=[{"Name": "QueueName", "Value": "deliveries-dlq"}])
    fresh = Reader(reader.session, reader.regions)
    result = _by_signal(run_check(CHECK, fresh))["message-delivery-failures"]
    assert result.status is Status.PASS
    assert result.resource_id == arn


def test_given_an_alarm_without_action_covered_by_a_composite_alarm_then_pass(reader):
    topic = _topic()
    _alarm("alb-5xx", "AWS/ApplicationELB", "HTTPCode_ELB_5XX_Count", [])
    composite = {
        "AlarmName": "service-health",
        "AlarmArn": _alarm_arn("service-health"),
        "AlarmRule": 'ALARM("alb-5xx") OR ALARM("api-latency")',
        "ActionsEnabled": True,
        "AlarmActions": [topic],
    }

    # moto 5.2 implements neither PutCompositeAlarm nor composite alarms in DescribeAlarms: this
    # answers the composite-alarm read only, and lets the metric-alarm read reach moto.
    def remember_types(params, context, **_):
        context["alarm_types"] = params.get("AlarmTypes")

    def composites(context, **_):
        if context.get("alarm_types") == ["CompositeAlarm"]:
            parsed = {"CompositeAlarms": [composite], "MetricAlarms": [], "ResponseMetadata": {"HTTPStatusCode": 200}}
            return AWSResponse("https://monitoring.amazonaws.com/", 200, {}, None), parsed
        return None

    events = reader.client("cloudwatch", REGION).meta.events
    events.register("before-parameter-build.cloudwatch.DescribeAlarms", remember_types)
    events.register("before-call.cloudwatch.DescribeAlarms", composites)
    result = _by_signal(run_check(CHECK, reader))["load-balancer-5xx"]
    assert result.status is Status.PASS
    assert result.resource_id == _alarm_arn("alb-5xx")


def test_given_describe_metric_filters_is_denied_then_error_for_the_cloudtrail_signals(reader, deny):
    topic = _topic()
    _trail_into_logs()
    for key, pattern in CIS_PATTERNS.items():
        _filter(key, pattern, [topic])
    _alarm("api-latency", "AWS/ApiGateway", "Latency", [topic])
    deny("logs", "DescribeMetricFilters")
    results = _by_signal(run_check(CHECK, reader))
    assert {results[key].status for key in CIS_PATTERNS} == {Status.ERROR}
    assert results["api-latency"].status is Status.PASS
    assert results["load-balancer-5xx"].status is Status.FAIL


def test_given_the_trail_delivers_to_another_accounts_log_group_then_fail_as_not_verifiable_here(reader):
    other = f"arn:aws:logs:{REGION}:999999999999:log-group:org-cloudtrail:*"
    trail(CloudWatchLogsLogGroupArn=other, CloudWatchLogsRoleArn="arn:aws:iam::999999999999:role/ct")
    result = _by_signal(run_check(CHECK, reader))["root-account-use"]
    assert result.status is Status.FAIL
    assert "another account" in result.message
    assert result.evidence["other_account_log_groups"] == [other]
