"""Detection and alarms: one test per property (LP-MON-1)."""

from __future__ import annotations

import pytest

from infra.components.monitoring import SECURITY_EVENT_PATTERNS
from infra.render import RenderedResource, Rendering
from tests.infra.rendered import document, in_home_region, key_class, named, output, statements

SERVICE_ALARMS = ("alb-5xx", "api-latency-p99", "work-delivery-failures", "webhooks-delivery-failures",
                  "secret-rotation-delivery-failures")  # fmt: skip


def alarm(rendering: Rendering, name: str) -> RenderedResource:
    matches = [
        a for a in rendering.of_type("aws:cloudwatch/metricAlarm:MetricAlarm") if a.inputs["name"].endswith(name)
    ]
    assert len(matches) == 1, name
    return matches[0]


def topic(rendering: Rendering) -> RenderedResource:
    (found,) = rendering.of_type("aws:sns/topic:Topic")
    return found


def test_guardduty_detector_is_enabled_with_protection_features(stack):
    (detector,) = in_home_region(stack, "aws:guardduty/detector:Detector")
    assert detector.inputs["enable"] is True
    assert "datasources" not in detector.inputs
    features = {
        f.inputs["name"]: f.inputs["status"] for f in stack.of_type("aws:guardduty/detectorFeature:DetectorFeature")
    }
    assert features["S3_DATA_EVENTS"] == "ENABLED"
    assert all(status == "ENABLED" for status in features.values())


def test_security_hub_subscribes_to_foundational_best_practices(stack):
    (hub,) = in_home_region(stack, "aws:securityhub/account:Account")
    (subscription,) = in_home_region(stack, "aws:securityhub/standardsSubscription:StandardsSubscription")
    assert subscription.inputs["standardsArn"] == (
        "arn:aws:securityhub:us-east-1::standards/aws-foundational-security-best-practices/v/1.0.0"
    )
    assert hub.urn in subscription.dependencies


@pytest.mark.parametrize("event", sorted(SECURITY_EVENT_PATTERNS))
def test_security_event_has_a_metric_filter_on_the_trail_and_an_alarm(stack, event):
    trail_group = named(stack, "aws:cloudwatch/logGroup:LogGroup", "log-pipeline-trail-logs")
    metric_filter = named(stack, "aws:cloudwatch/logMetricFilter:LogMetricFilter", f"monitoring-{event}-filter")
    assert metric_filter.inputs["logGroupName"] == output(trail_group, "name")
    assert metric_filter.inputs["pattern"] == SECURITY_EVENT_PATTERNS[event]
    metric = metric_filter.inputs["metricTransformation"]
    alarmed = alarm(stack, event).inputs
    assert (alarmed["namespace"], alarmed["metricName"]) == (metric["namespace"], metric["name"])
    assert alarmed["threshold"] == 1
    assert alarmed["comparisonOperator"] == "GreaterThanOrEqualToThreshold"


def test_required_security_events_are_all_watched():
    assert set(SECURITY_EVENT_PATTERNS) == {
        "root-account-use",
        "unauthorized-api-calls",
        "console-signin-without-mfa",
        "iam-policy-changes",
        "cloudtrail-config-changes",
        "kms-key-disable-or-deletion",
        "security-group-changes",
    }


def test_load_balancer_5xx_alarm_watches_the_load_balancer(stack):
    (alb,) = stack.of_type("aws:lb/loadBalancer:LoadBalancer")
    inputs = alarm(stack, "alb-5xx").inputs
    assert (inputs["namespace"], inputs["metricName"]) == ("AWS/ApplicationELB", "HTTPCode_ELB_5XX_Count")
    assert inputs["dimensions"] == {"LoadBalancer": output(alb, "arnSuffix")}


def test_api_latency_alarm_watches_p99_of_the_rest_api_stage(stack):
    (api,) = stack.of_type("aws:apigateway/restApi:RestApi")
    (stage,) = stack.of_type("aws:apigateway/stage:Stage")
    inputs = alarm(stack, "api-latency-p99").inputs
    assert (inputs["namespace"], inputs["metricName"], inputs["extendedStatistic"]) == (
        "AWS/ApiGateway", "Latency", "p99"
    )  # fmt: skip
    # A REST API's metrics carry its name and stage (an HTTP API's, its id).
    assert inputs["dimensions"] == {"ApiName": output(api, "name"), "Stage": output(stage, "stageName")}


@pytest.mark.parametrize("queue", ["work", "webhooks", "secret-rotation"])
def test_message_delivery_failures_alarm_on_dead_letter_queue_depth(stack, queue):
    dead_letters = {output(q, "name") for q in stack.of_type("aws:sqs/queue:Queue") if q.inputs["name"].endswith("dlq")}
    inputs = alarm(stack, f"{queue}-delivery-failures").inputs
    assert inputs["metricName"] == "ApproximateNumberOfMessagesVisible"
    assert inputs["dimensions"]["QueueName"] in dead_letters


def test_every_alarm_notifies_the_alarm_topic(stack):
    arn = output(topic(stack), "arn")
    alarms = stack.of_type("aws:cloudwatch/metricAlarm:MetricAlarm")
    assert len(alarms) == len(SECURITY_EVENT_PATTERNS) + len(SERVICE_ALARMS)
    assert all(a.inputs["alarmActions"] == [arn] for a in alarms)


def test_alarm_topic_is_encrypted_and_has_an_email_subscriber(stack):
    assert key_class(stack, topic(stack).inputs["kmsMasterKeyId"]) == "logs"
    (subscription,) = stack.of_type("aws:sns/topicSubscription:TopicSubscription")
    assert subscription.inputs["topic"] == output(topic(stack), "arn")
    assert subscription.inputs["protocol"] == "email"
    assert subscription.inputs["endpoint"] == stack.config["leadping:alarmEmail"]


def test_alarm_topic_admits_only_this_accounts_alarms_and_events(stack):
    (policy,) = stack.of_type("aws:sns/topicPolicy:TopicPolicy")
    by_sid = {s["Sid"]: s for s in statements(document(policy))}
    assert by_sid["AlarmsAndEventsPublish"]["Condition"] == {"StringEquals": {"aws:SourceAccount": "123456789012"}}
    assert by_sid["DenyInsecureTransport"]["Effect"] == "Deny"


def test_high_severity_guardduty_findings_reach_the_alarm_topic(stack):
    rule = named(stack, "aws:cloudwatch/eventRule:EventRule", "monitoring-guardduty-findings")
    target = named(stack, "aws:cloudwatch/eventTarget:EventTarget", "monitoring-guardduty-findings-topic")
    assert '"aws.guardduty"' in rule.inputs["eventPattern"]
    assert target.inputs["arn"] == output(topic(stack), "arn")


def test_prod_runs_detection_in_the_backup_copy_region_too(prod):
    (provider,) = [p for p in prod.of_type("pulumi:providers:aws") if p.name == "monitoring-us-west-2"]
    assert provider.inputs["region"] == prod.config["leadping:backupCopyRegion"]
    for type_token in (
        "aws:guardduty/detector:Detector",
        "aws:securityhub/account:Account",
        "aws:securityhub/standardsSubscription:StandardsSubscription",
    ):
        regional = [r for r in prod.of_type(type_token) if r.provider and r.provider.startswith(provider.urn)]
        assert len(regional) == 1, type_token
    (subscription,) = [
        s
        for s in prod.of_type("aws:securityhub/standardsSubscription:StandardsSubscription")
        if s.provider and s.provider.startswith(provider.urn)
    ]
    assert subscription.inputs["standardsArn"].startswith("arn:aws:securityhub:us-west-2::")
