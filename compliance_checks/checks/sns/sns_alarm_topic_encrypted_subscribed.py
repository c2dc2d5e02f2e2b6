from __future__ import annotations

from compliance_checks.kit import (
    AWAITING_PERSON,
    Check,
    CheckMetadata,
    ReadError,
    Result,
    Severity,
    cloudwatch,
    errored,
    failed,
    kms,
    passed,
    sns,
)

# Subscriptions only a person confirms (by following the link AWS e-mails).
CONFIRMED_BY_A_PERSON = frozenset({"email", "email-json"})


class SnsAlarmTopicEncryptedSubscribed(Check):
    """Every SNS topic a CloudWatch alarm notifies is encrypted with a customer-managed key and has
    at least one confirmed subscription (one result per topic).

    The topics are every SNS target of an alarm action (ALARM, OK or INSUFFICIENT_DATA) of a metric
    or composite alarm in the audited regions. A subscription pending confirmation (e.g. an email
    address that has not clicked the link, shown as SubscriptionArn "PendingConfirmation") delivers
    nothing, so it does not count: a topic with only pending subscriptions fails until someone
    confirms. A topic that no longer exists fails: its alarms notify nobody. When the topic is
    encrypted and an e-mail subscription waiting for its recipient's confirmation is all that is
    missing, the FAIL says so (evidence ``awaiting_person``): only a person can click the link, so an
    audit of a simulated account reports it MANUAL with the evidence to attach
    (``compliance_checks.known_gaps``).

    Scenarios:
    - given an alarm topic with a customer key and a confirmed subscription, then PASS
    - given an alarm topic without encryption, then FAIL
    - given an alarm topic with no subscription, then FAIL
    - given an alarm topic whose only subscription is pending confirmation, then FAIL
    - given an encrypted alarm topic whose only subscription is an e-mail pending confirmation, then FAIL,
      awaiting the person who confirms it
    - given an unencrypted alarm topic whose only subscription is an e-mail pending confirmation, then FAIL,
      not only awaiting a person
    - given an alarm whose topic does not exist, then FAIL
    - given a topic no alarm notifies, then it is not judged
    - given ListSubscriptionsByTopic is denied, then ERROR for that topic
    - given DescribeAlarms failing in one of two regions, then ERROR there and the other region's topics judged
    """

    metadata = CheckMetadata(
        title="Alarm notification topics are encrypted and have a confirmed subscriber",
        severity=Severity.HIGH,
        resource_type="AWS::SNS::Topic",
        rationale="LP-MON-1: alarms reach a human through an encrypted topic; an alarm on a topic without a "
        "confirmed subscriber is silent.",
        remediation="Set the topic's KmsMasterKeyId to a customer key whose policy admits "
        "cloudwatch.amazonaws.com, and confirm the subscription (the alarmEmail stack setting's address "
        "must click the confirmation link).",
    )

    def evaluate(self, ctx):
        topics: dict[str, set[str]] = {}
        for region in ctx.reader.regions:
            try:
                alarms = cloudwatch.metric_alarms(ctx.reader, region) + cloudwatch.composite_alarms(ctx.reader, region)
            except ReadError as error:  # that region's alarm topics are unknown; the others are judged
                account = ctx.reader.account_id_or_unknown()
                yield errored(
                    f"arn:{ctx.reader.partition()}:cloudwatch:{region}:{account}:alarm:*", error, region=region
                )
                continue
            for alarm in alarms:
                for topic in cloudwatch.sns_targets(alarm):
                    topics.setdefault(topic, set()).add(alarm["AlarmName"])
        for topic, alarm_names in sorted(topics.items()):
            region = sns.topic_region(topic)
            named = sorted(alarm_names)
            try:
                yield self._judge(ctx, topic, region, named)
            except ReadError as error:
                yield errored(topic, error, region=region, alarms=named)

    def _judge(self, ctx, topic: str, region: str, alarms: list[str]) -> Result:
        attributes = sns.attributes(ctx.reader, topic)
        if attributes is None:
            return failed(topic, "the topic does not exist: its alarms notify nobody", region=region, alarms=alarms)
        key_id = attributes.get("KmsMasterKeyId")
        customer, detail = kms.is_customer_managed(ctx.reader, key_id, region)
        subscriptions = sns.subscriptions(ctx.reader, topic)
        confirmed = sorted({str(s.get("Protocol")) for s in subscriptions if sns.is_confirmed(s)})
        pending = [str(s.get("Protocol")) for s in subscriptions if s.get("SubscriptionArn") == "PendingConfirmation"]
        evidence: dict = {
            "kms_key": key_id,
            "confirmed_protocols": confirmed,
            "pending_confirmation": len(pending),
            "pending_protocols": sorted(set(pending)),
            "alarms": alarms,
        }
        gaps = []
        if not customer:
            gaps.append(f"not encrypted with a customer-managed key ({detail})")
        if not confirmed:
            waiting = f" ({len(pending)} pending confirmation)" if pending else ""
            gaps.append(f"no confirmed subscription{waiting}")
            by_person = sorted(CONFIRMED_BY_A_PERSON.intersection(pending))
            if customer and by_person:
                evidence[AWAITING_PERSON] = f"the recipient's confirmation of the {', '.join(by_person)} subscription"
        if gaps:
            return failed(topic, "; ".join(gaps), region=region, **evidence)
        return passed(
            topic, f"encrypted with {detail}; confirmed {', '.join(confirmed)} subscription", region=region, **evidence
        )
