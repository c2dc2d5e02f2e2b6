"""The signals LP-MON-1 requires an alarm for, defined by what they must catch.

A CloudTrail-based signal is defined by sample CloudTrail records rather than by pattern text: a
metric filter serves the signal when its pattern (evaluated as CloudWatch Logs would) counts some
of the records the signal must catch and none of the routine records it must not (so a filter
that counts every event is no signal). The records follow the CIS AWS Foundations benchmark's
monitoring section (and FSBP CloudWatch.1-14): root use, unauthorized calls (EC2's
``*UnauthorizedOperation`` and ``AccessDenied*`` codes), console sign-in without MFA, the IAM
policy, CloudTrail, KMS and security-group change events. Every record must be caught by some
alarmed filter; one filter per signal is usual, several are fine.

A metric-based signal is defined by the AWS metrics whose alarm serves it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

_ACCOUNT = "111122223333"


def _record(source: str, name: str, *, identity: str = "AssumedRole", read_only: bool = False, **extra: Any):
    principal = {
        "Root": {"type": "Root", "arn": f"arn:aws:iam::{_ACCOUNT}:root", "principalId": _ACCOUNT},
        "IAMUser": {"type": "IAMUser", "arn": f"arn:aws:iam::{_ACCOUNT}:user/alice", "userName": "alice"},
        "AssumedRole": {"type": "AssumedRole", "arn": f"arn:aws:sts::{_ACCOUNT}:assumed-role/operator/alice"},
    }[identity]
    record: dict[str, Any] = {
        "eventVersion": "1.09",
        "userIdentity": {**principal, "accountId": _ACCOUNT},
        "eventTime": "2025-01-01T00:00:00Z",
        "eventSource": source,
        "eventName": name,
        "awsRegion": "us-east-1",
        "sourceIPAddress": "203.0.113.10",
        "userAgent": "aws-cli/2.15",
        "requestParameters": {},
        "responseElements": None,
        "readOnly": read_only,
        "eventType": "AwsApiCall",
        "managementEvent": True,
        "eventCategory": "Management",
        "recipientAccountId": _ACCOUNT,
    }
    record.update(extra)
    return f"{source} {name}", record


def _sign_in(identity: str, mfa: str):
    return _record(
        "signin.amazonaws.com",
        "ConsoleLogin",
        identity=identity,
        eventType="AwsConsoleSignIn",
        responseElements={"ConsoleLogin": "Success"},
        additionalEventData={"LoginTo": "https://console.aws.amazon.com/", "MobileVersion": "No", "MFAUsed": mfa},
    )


def _writes(source: str, names: str):
    """The records of the write events ``names`` (space-separated) of ``source``."""
    return tuple(_record(source, name) for name in names.split())


@dataclass(frozen=True)
class LogSignal:
    key: str
    title: str
    must_catch: tuple[tuple[str, Mapping[str, Any]], ...]  # (label, CloudTrail record)
    must_not_catch: tuple[tuple[str, Mapping[str, Any]], ...]


@dataclass(frozen=True)
class MetricSignal:
    key: str
    title: str
    metrics: frozenset[tuple[str, str]]  # (namespace, metric name)
    # (namespace, metric name) that serve the signal only on a dead-letter queue (QueueName dimension).
    dead_letter_metrics: frozenset[tuple[str, str]] = field(default_factory=frozenset)


_ROUTINE = _record("s3.amazonaws.com", "ListBuckets", read_only=True)

LOG_SIGNALS = (
    LogSignal(
        "root-account-use",
        "root account use",
        (
            _sign_in("Root", "Yes"),
            _record("iam.amazonaws.com", "CreateAccessKey", identity="Root"),
        ),
        (_ROUTINE, _record("iam.amazonaws.com", "CreateAccessKey")),
    ),
    LogSignal(
        "unauthorized-api-calls",
        "unauthorized API calls",
        (
            _record("ec2.amazonaws.com", "RunInstances", errorCode="Client.UnauthorizedOperation"),
            _record("iam.amazonaws.com", "ListUsers", read_only=True, errorCode="AccessDenied"),
            _record("kms.amazonaws.com", "Decrypt", read_only=True, errorCode="AccessDeniedException"),
        ),
        (
            _ROUTINE,
            _record("ec2.amazonaws.com", "DescribeInstances", read_only=True, errorCode="RequestLimitExceeded"),
        ),
    ),
    LogSignal(
        "console-sign-in-without-mfa",
        "console sign-in without MFA",
        (_sign_in("IAMUser", "No"),),
        (_ROUTINE, _sign_in("IAMUser", "Yes")),
    ),
    LogSignal(
        "iam-policy-changes",
        "IAM policy changes",
        _writes(
            "iam.amazonaws.com",
            "DeleteGroupPolicy DeleteRolePolicy DeleteUserPolicy PutGroupPolicy PutRolePolicy PutUserPolicy "
            "CreatePolicy DeletePolicy CreatePolicyVersion DeletePolicyVersion AttachRolePolicy DetachRolePolicy "
            "AttachUserPolicy DetachUserPolicy AttachGroupPolicy DetachGroupPolicy",
        ),
        (_ROUTINE, _record("iam.amazonaws.com", "GetPolicy", read_only=True)),
    ),
    LogSignal(
        "cloudtrail-configuration-changes",
        "CloudTrail configuration changes",
        _writes("cloudtrail.amazonaws.com", "CreateTrail UpdateTrail DeleteTrail StartLogging StopLogging"),
        (_ROUTINE, _record("cloudtrail.amazonaws.com", "DescribeTrails", read_only=True)),
    ),
    LogSignal(
        "kms-key-disable-or-deletion",
        "KMS key disabled or scheduled for deletion",
        _writes("kms.amazonaws.com", "DisableKey ScheduleKeyDeletion"),
        (_ROUTINE, _record("kms.amazonaws.com", "Decrypt", read_only=True)),
    ),
    LogSignal(
        "security-group-changes",
        "security group changes",
        _writes(
            "ec2.amazonaws.com",
            "AuthorizeSecurityGroupIngress AuthorizeSecurityGroupEgress RevokeSecurityGroupIngress "
            "RevokeSecurityGroupEgress CreateSecurityGroup DeleteSecurityGroup",
        ),
        (_ROUTINE, _record("ec2.amazonaws.com", "DescribeSecurityGroups", read_only=True)),
    ),
)

METRIC_SIGNALS = (
    MetricSignal(
        "load-balancer-5xx",
        "load balancer 5xx responses",
        frozenset(
            {("AWS/ApplicationELB", "HTTPCode_ELB_5XX_Count"), ("AWS/ApplicationELB", "HTTPCode_Target_5XX_Count")}
        ),
    ),
    MetricSignal(
        "api-latency",
        "API latency",
        frozenset({("AWS/ApiGateway", "Latency"), ("AWS/ApiGateway", "IntegrationLatency")}),
    ),
    # Delivery failures: SNS notifications that failed, or messages waiting on a dead-letter queue
    # (a queue another queue's RedrivePolicy targets), i.e. messages that could not be processed.
    MetricSignal(
        "message-delivery-failures",
        "message delivery failures",
        frozenset({("AWS/SNS", "NumberOfNotificationsFailed")}),
        frozenset({("AWS/SQS", "ApproximateNumberOfMessagesVisible")}),
    ),
)
