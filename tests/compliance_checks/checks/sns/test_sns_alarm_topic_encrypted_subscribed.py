"""Scenarios of sns_alarm_topic_encrypted_subscribed (LP-MON-1)."""

from __future__ import annotations

import boto3

from compliance_checks.core import Status
from compliance_checks.known_gaps import AWAITING_PERSON, MANUAL, KnownGap, apply_known_gaps
from compliance_checks.reader import Reader
from tests.compliance_checks.conftest import ACCOUNT_ID, REGION, by_resource, deny_operation, run_check

CHECK = "sns_alarm_topic_encrypted_subscribed"


def _topic(
    name: str,
    *,
    encrypted: bool = True,
    subscribed: bool = True,
    protocol: str = "email",
    endpoint: str = "security@example.com",
) -> str:
    attributes = {}
    if encrypted:
        attributes["KmsMasterKeyId"] = boto3.client("kms", region_name=REGION).create_key()["KeyMetadata"]["Arn"]
    client = boto3.client("sns", region_name=REGION)
    arn = client.create_topic(Name=name, Attributes=attributes)["TopicArn"]
    if subscribed:
        client.subscribe(TopicArn=arn, Protocol=protocol, Endpoint=endpoint)
    return arn


def _alarm(name: str, topic: str) -> None:
    boto3.client("cloudwatch", region_name=REGION).put_metric_alarm(
        AlarmName=name,
        Namespace="AWS/ApiGateway",
        MetricName="Latency",
        Statistic="Average",
        Period=300,
        EvaluationPeriods=1,
        Threshold=2000,
        ComparisonOperator="GreaterThanThreshold",
        AlarmActions=[topic],
    )


def test_given_an_encrypted_topic_with_a_confirmed_subscription_then_pass(reader):
    topic = _topic("security-alarms")
    _alarm("api-latency", topic)
    result = by_resource(run_check(CHECK, reader))[topic]
    assert result.status is Status.PASS
    assert result.evidence["confirmed_protocols"] == ["email"]
    assert result.evidence["alarms"] == ["api-latency"]


def test_given_an_unencrypted_alarm_topic_then_fail(reader):
    good = _topic("security-alarms")
    bad = _topic("plain-alarms", encrypted=False)
    _alarm("api-latency", good)
    _alarm("api-latency-2", bad)
    results = by_resource(run_check(CHECK, reader))
    assert results[bad].status is Status.FAIL
    assert "customer-managed" in results[bad].message
    assert results[good].status is Status.PASS


def test_given_an_alarm_topic_without_subscription_then_fail(reader):
    topic = _topic("security-alarms", subscribed=False)
    _alarm("api-latency", topic)
    result = by_resource(run_check(CHECK, reader))[topic]
    assert result.status is Status.FAIL
    assert result.message == "no confirmed subscription"


def _pending(reader) -> None:
    """moto confirms every subscription at once; AWS lists an unconfirmed subscription with
    SubscriptionArn "PendingConfirmation", which this rewrites moto's answer to."""

    def pending(parsed, **_):
        for subscription in parsed.get("Subscriptions", []):
            subscription["SubscriptionArn"] = "PendingConfirmation"

    reader.client("sns", REGION).meta.events.register("after-call.sns.ListSubscriptionsByTopic", pending)


def test_given_only_a_subscription_pending_confirmation_then_fail(reader):
    topic = _topic("security-alarms", protocol="https", endpoint="https://hooks.example.com/alarms")
    _alarm("api-latency", topic)
    _pending(reader)
    result = by_resource(run_check(CHECK, reader))[topic]
    assert result.status is Status.FAIL
    assert "1 pending confirmation" in result.message
    assert AWAITING_PERSON not in result.evidence  # an endpoint confirms itself, not a person


def test_given_an_encrypted_topic_whose_only_subscription_is_an_email_pending_then_fail_awaiting_a_person(reader):
    topic = _topic("security-alarms")
    _alarm("api-latency", topic)
    _pending(reader)
    result = by_resource(run_check(CHECK, reader))[topic]
    assert result.status is Status.FAIL
    assert result.evidence["pending_protocols"] == ["email"]
    assert "email" in result.evidence[AWAITING_PERSON]
    gap = KnownGap(CHECK, topic, "the recipient confirms", kind=MANUAL, evidence_to_attach="the confirmed listing")
    (manual,) = apply_known_gaps(CHECK, [result], [gap])
    assert manual.status is Status.MANUAL


def test_given_an_unencrypted_topic_whose_only_subscription_is_an_email_pending_then_fail_not_only_awaiting(reader):
    topic = _topic("security-alarms", encrypted=False)
    _alarm("api-latency", topic)
    _pending(reader)
    result = by_resource(run_check(CHECK, reader))[topic]
    assert result.status is Status.FAIL
    assert AWAITING_PERSON not in result.evidence
    gap = KnownGap(CHECK, topic, "the recipient confirms", kind=MANUAL, evidence_to_attach="the confirmed listing")
    assert apply_known_gaps(CHECK, [result], [gap]) == [result]


def test_given_an_alarm_whose_topic_does_not_exist_then_fail(reader):
    topic = f"arn:aws:sns:{REGION}:{ACCOUNT_ID}:deleted-topic"
    _alarm("api-latency", topic)
    result = by_resource(run_check(CHECK, reader))[topic]
    assert result.status is Status.FAIL
    assert "does not exist" in result.message


def test_a_topic_no_alarm_notifies_is_not_judged(reader):
    unrelated = _topic("marketing", encrypted=False, subscribed=False)
    assert unrelated not in by_resource(run_check(CHECK, reader))


def test_given_list_subscriptions_by_topic_is_denied_then_error(reader, deny):
    topic = _topic("security-alarms")
    _alarm("api-latency", topic)
    deny("sns", "ListSubscriptionsByTopic", code="AuthorizationError")
    result = by_resource(run_check(CHECK, reader))[topic]
    assert result.status is Status.ERROR
    assert result.evidence["error_kind"] == "access-denied"


def test_given_describe_alarms_failing_in_one_of_two_regions_then_error_there_and_the_other_topics_judged(session):
    topic = _topic("security-alarms")
    _alarm("api-latency", topic)
    reader = Reader(session, [REGION, "eu-west-1"])
    deny_operation(reader, "cloudwatch", "DescribeAlarms", regions=("eu-west-1",))
    results = by_resource(run_check(CHECK, reader))
    assert results[topic].status is Status.PASS
    unknown = results[f"arn:aws:cloudwatch:eu-west-1:{ACCOUNT_ID}:alarm:*"]
    assert (unknown.status, unknown.region) == (Status.ERROR, "eu-west-1")
