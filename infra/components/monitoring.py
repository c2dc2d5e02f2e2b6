"""Detection and alarms (LP-MON-1).

GuardDuty and Security Hub (with AWS Foundational Security Best Practices) in the stack's region;
CloudWatch metric filters on the CloudTrail log group with an alarm each for the CIS-style
security events; alarms on load balancer 5xx, API p99 latency and dead-letter queues (message
delivery failures). Everything notifies one SNS topic, encrypted with the logs key (alarms are
operational log data), with an email subscriber. High-severity GuardDuty findings go there too.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

import pulumi
import pulumi_aws as aws

from compliance_checks import conventions
from infra import policy_documents
from infra.components._outputs import child, policy_json

FSBP = "standards/aws-foundational-security-best-practices/v/1.0.0"
GUARDDUTY_FEATURES = ("S3_DATA_EVENTS", "RDS_LOGIN_EVENTS", "LAMBDA_NETWORK_LOGS", "EBS_MALWARE_PROTECTION")

# Metric filter patterns on CloudTrail events (after the CIS AWS Foundations Benchmark).
SECURITY_EVENT_PATTERNS = {
    "root-account-use": (
        '{ $.userIdentity.type = "Root" && $.userIdentity.invokedBy NOT EXISTS && $.eventType != "AwsServiceEvent" }'
    ),
    "unauthorized-api-calls": '{ ($.errorCode = "*UnauthorizedOperation") || ($.errorCode = "AccessDenied*") }',
    "console-signin-without-mfa": (
        '{ ($.eventName = "ConsoleLogin") && ($.additionalEventData.MFAUsed != "Yes") '
        '&& ($.userIdentity.type = "IAMUser") && ($.responseElements.ConsoleLogin = "Success") }'
    ),
    "iam-policy-changes": (
        "{ ($.eventName = DeleteGroupPolicy) || ($.eventName = DeleteRolePolicy) || ($.eventName = DeleteUserPolicy) "
        "|| ($.eventName = PutGroupPolicy) || ($.eventName = PutRolePolicy) || ($.eventName = PutUserPolicy) "
        "|| ($.eventName = CreatePolicy) || ($.eventName = DeletePolicy) || ($.eventName = CreatePolicyVersion) "
        "|| ($.eventName = DeletePolicyVersion) || ($.eventName = AttachRolePolicy) "
        "|| ($.eventName = DetachRolePolicy) "
        "|| ($.eventName = AttachUserPolicy) || ($.eventName = DetachUserPolicy) || ($.eventName = AttachGroupPolicy) "
        "|| ($.eventName = DetachGroupPolicy) }"
    ),
    "cloudtrail-config-changes": (
        "{ ($.eventName = CreateTrail) || ($.eventName = UpdateTrail) || ($.eventName = DeleteTrail) "
        "|| ($.eventName = StartLogging) || ($.eventName = StopLogging) || ($.eventName = PutEventSelectors) }"
    ),
    "kms-key-disable-or-deletion": (
        "{ ($.eventSource = kms.amazonaws.com) && (($.eventName = DisableKey) || ($.eventName = ScheduleKeyDeletion)) }"
    ),
    "security-group-changes": (
        "{ ($.eventName = AuthorizeSecurityGroupIngress) || ($.eventName = AuthorizeSecurityGroupEgress) "
        "|| ($.eventName = RevokeSecurityGroupIngress) || ($.eventName = RevokeSecurityGroupEgress) "
        "|| ($.eventName = CreateSecurityGroup) || ($.eventName = DeleteSecurityGroup) "
        "|| ($.eventName = ModifySecurityGroupRules) }"
    ),
}


@dataclass(frozen=True)
class MonitoringArgs:
    name_prefix: str
    environment: str
    account_id: pulumi.Input[str]
    region: str
    alarm_email: str
    logs_key_arn: pulumi.Input[str]
    trail_log_group_name: pulumi.Input[str]
    load_balancer_arn_suffix: pulumi.Input[str]
    api_name: pulumi.Input[str]  # a REST API's metrics are dimensioned by its name and stage
    api_stage: pulumi.Input[str]
    # Dead-letter queues whose depth means a message was not delivered: role -> queue name.
    dead_letter_queues: dict[str, pulumi.Input[str]]
    # Other regions the stack uses (the backup copy region): detection runs there too.
    additional_regions: tuple[str, ...] = ()
    api_latency_p99_ms: int = 2000
    alb_5xx_per_5_minutes: int = 10
    tags: dict[str, str] = field(default_factory=dict)


class Monitoring(pulumi.ComponentResource):
    topic: aws.sns.Topic
    alarms: dict[str, aws.cloudwatch.MetricAlarm]

    def __init__(self, name: str, args: MonitoringArgs, opts: pulumi.ResourceOptions | None = None):
        super().__init__("leadping:monitoring:Monitoring", name, None, opts)
        self._detections(name, args)
        self._topic(name, args)
        self._guardduty_findings(name, args)
        self.alarms = {}
        self._security_event_alarms(name, args)
        self._alb_5xx_alarm(name, args)
        self._api_latency_alarm(name, args)
        self._delivery_failure_alarms(name, args)
        self.register_outputs(
            {
                "topic_arn": self.topic.arn,
                "detector_id": self.detector.id,
                "alarms": {k: a.name for k, a in self.alarms.items()},
            }
        )

    def _detections(self, name: str, args: MonitoringArgs) -> None:
        """Detection in the stack's region and in each additional region."""
        self.detector = self._detection(name, args.region, None, args.tags)
        for region in args.additional_regions:
            # An explicit provider per region: detection where the stack keeps data (backup copies).
            provider = aws.Provider(f"{name}-{region}", region=region, opts=child(self))
            self._detection(f"{name}-{region}", region, provider, args.tags)

    def _topic(self, name: str, args: MonitoringArgs) -> None:
        """The alarm topic, encrypted with the logs key, with its policy and email subscriber."""
        self.topic = aws.sns.Topic(
            f"{name}-alarms",
            name=f"{args.name_prefix}-security-alarms",
            kms_master_key_id=args.logs_key_arn,
            tags={**args.tags, conventions.DATA_CLASS: "logs"},
            opts=child(self),
        )
        aws.sns.TopicPolicy(
            f"{name}-alarms-policy",
            arn=self.topic.arn,
            policy=policy_json(policy_documents.alarm_topic_policy, self.topic.arn, args.account_id),
            opts=child(self),
        )
        aws.sns.TopicSubscription(
            f"{name}-alarms-email",
            topic=self.topic.arn,
            protocol="email",
            endpoint=args.alarm_email,
            opts=child(self),
        )

    def _guardduty_findings(self, name: str, args: MonitoringArgs) -> None:
        """High-severity GuardDuty findings to the alarm topic."""
        findings = aws.cloudwatch.EventRule(
            f"{name}-guardduty-findings",
            name=f"{args.name_prefix}-guardduty-high-findings",
            description="High-severity GuardDuty findings to the alarm topic",
            event_pattern=json.dumps(
                {
                    "source": ["aws.guardduty"],
                    "detail-type": ["GuardDuty Finding"],
                    "detail": {"severity": [{"numeric": [">=", 7]}]},
                }
            ),
            tags=args.tags,
            opts=child(self),
        )
        aws.cloudwatch.EventTarget(
            f"{name}-guardduty-findings-topic", rule=findings.name, arn=self.topic.arn, opts=child(self)
        )

    def _security_event_alarms(self, name: str, args: MonitoringArgs) -> None:
        """A metric filter on the CloudTrail log group and an alarm for each security event."""
        namespace = f"Leadping/{args.environment}/Security"
        for event, pattern in SECURITY_EVENT_PATTERNS.items():
            metric = "".join(part.capitalize() for part in event.split("-"))
            aws.cloudwatch.LogMetricFilter(
                f"{name}-{event}-filter",
                name=f"{args.name_prefix}-{event}",
                log_group_name=args.trail_log_group_name,
                pattern=pattern,
                metric_transformation={"name": metric, "namespace": namespace, "value": "1", "default_value": "0"},
                opts=child(self),
            )
            self.alarms[event] = aws.cloudwatch.MetricAlarm(
                f"{name}-{event}-alarm",
                name=f"{args.name_prefix}-{event}",
                alarm_description=f"CloudTrail recorded {event.replace('-', ' ')}",
                namespace=namespace,
                metric_name=metric,
                statistic="Sum",
                period=300,
                evaluation_periods=1,
                threshold=1,
                comparison_operator="GreaterThanOrEqualToThreshold",
                treat_missing_data="notBreaching",
                alarm_actions=[self.topic.arn],
                tags=args.tags,
                opts=child(self),
            )

    def _alb_5xx_alarm(self, name: str, args: MonitoringArgs) -> None:
        """The load balancer answering with 5xx errors."""
        self.alarms["alb-5xx"] = aws.cloudwatch.MetricAlarm(
            f"{name}-alb-5xx-alarm",
            name=f"{args.name_prefix}-alb-5xx",
            alarm_description="The load balancer is answering with 5xx errors",
            namespace="AWS/ApplicationELB",
            metric_name="HTTPCode_ELB_5XX_Count",
            dimensions={"LoadBalancer": args.load_balancer_arn_suffix},
            statistic="Sum",
            period=300,
            evaluation_periods=1,
            threshold=args.alb_5xx_per_5_minutes,
            comparison_operator="GreaterThanOrEqualToThreshold",
            treat_missing_data="notBreaching",
            alarm_actions=[self.topic.arn],
            ok_actions=[self.topic.arn],
            tags=args.tags,
            opts=child(self),
        )

    def _api_latency_alarm(self, name: str, args: MonitoringArgs) -> None:
        """The API's p99 latency above its threshold."""
        self.alarms["api-latency"] = aws.cloudwatch.MetricAlarm(
            f"{name}-api-latency-alarm",
            name=f"{args.name_prefix}-api-latency-p99",
            alarm_description=f"API p99 latency above {args.api_latency_p99_ms} ms",
            namespace="AWS/ApiGateway",
            metric_name="Latency",
            dimensions={"ApiName": args.api_name, "Stage": args.api_stage},
            extended_statistic="p99",
            period=300,
            evaluation_periods=3,
            datapoints_to_alarm=2,
            threshold=args.api_latency_p99_ms,
            comparison_operator="GreaterThanThreshold",
            treat_missing_data="notBreaching",
            alarm_actions=[self.topic.arn],
            ok_actions=[self.topic.arn],
            tags=args.tags,
            opts=child(self),
        )

    def _delivery_failure_alarms(self, name: str, args: MonitoringArgs) -> None:
        """Messages waiting in a dead-letter queue: a delivery failed."""
        for role, queue_name in args.dead_letter_queues.items():
            self.alarms[f"{role}-delivery-failures"] = aws.cloudwatch.MetricAlarm(
                f"{name}-{role}-dlq-alarm",
                name=f"{args.name_prefix}-{role}-delivery-failures",
                alarm_description=f"Messages that could not be delivered ({role}) are waiting in the dead-letter queue",
                namespace="AWS/SQS",
                metric_name="ApproximateNumberOfMessagesVisible",
                dimensions={"QueueName": queue_name},
                statistic="Maximum",
                period=300,
                evaluation_periods=1,
                threshold=1,
                comparison_operator="GreaterThanOrEqualToThreshold",
                treat_missing_data="notBreaching",
                alarm_actions=[self.topic.arn],
                tags=args.tags,
                opts=child(self),
            )

    def _detection(
        self, name: str, region: str, provider: aws.Provider | None, tags: dict[str, str]
    ) -> aws.guardduty.Detector:
        """GuardDuty with its protection features, and Security Hub with FSBP, in one region."""
        detector = aws.guardduty.Detector(
            f"{name}-guardduty",
            enable=True,
            finding_publishing_frequency="FIFTEEN_MINUTES",
            tags=tags,
            opts=child(self, provider=provider),
        )
        for feature in GUARDDUTY_FEATURES:
            aws.guardduty.DetectorFeature(
                f"{name}-guardduty-{feature.lower().replace('_', '-')}",
                detector_id=detector.id,
                name=feature,
                status="ENABLED",
                opts=child(self, provider=provider),
            )
        hub = aws.securityhub.Account(
            f"{name}-security-hub",
            enable_default_standards=False,
            control_finding_generator="SECURITY_CONTROL",
            auto_enable_controls=True,
            opts=child(self, provider=provider),
        )
        aws.securityhub.StandardsSubscription(
            f"{name}-fsbp",
            standards_arn=f"arn:aws:securityhub:{region}::{FSBP}",
            opts=child(self, provider=provider, depends_on=[hub]),
        )
        return detector
