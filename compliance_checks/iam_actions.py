"""From an AWS API operation to the IAM action that authorises it, and what counts as read-only.

The default rule is ``<iam prefix>:<OperationName>``; the tables below hold the exceptions (the
IAM prefix of a boto3 service that differs from its name, and operations whose action has another
name). The least-privilege test records every operation an audit calls and maps it here, so a
wrong or missing entry shows as an undeclared permission.
"""

from __future__ import annotations

# boto3 service name -> IAM action prefix, where they differ.
SERVICE_PREFIXES: dict[str, str] = {
    "elbv2": "elasticloadbalancing",
    "elb": "elasticloadbalancing",
    "apigatewayv2": "apigateway",
    "stepfunctions": "states",
    "resourcegroupstaggingapi": "tag",
    "s3control": "s3",
    "sesv2": "ses",
    "opensearch": "es",
    "emr": "elasticmapreduce",
    "application-autoscaling": "application-autoscaling",
    "cognito-idp": "cognito-idp",
    "sso-admin": "sso",
    "logs": "logs",
    "cloudwatch": "cloudwatch",
}

# API Gateway authorises by HTTP method on the resource path, not by operation name.
HTTP_METHOD_SERVICES = frozenset({"apigateway", "apigatewayv2"})

# (boto3 service name, OperationName) -> IAM action, where the action is not the operation name.
OPERATION_ACTIONS: dict[tuple[str, str], str] = {
    ("s3", "ListBuckets"): "s3:ListAllMyBuckets",
    ("s3", "HeadBucket"): "s3:ListBucket",
    ("s3", "ListObjects"): "s3:ListBucket",
    ("s3", "ListObjectsV2"): "s3:ListBucket",
    ("s3", "ListObjectVersions"): "s3:ListBucketVersions",
    ("s3", "GetBucketEncryption"): "s3:GetEncryptionConfiguration",
    ("s3", "GetPublicAccessBlock"): "s3:GetBucketPublicAccessBlock",
    ("s3", "GetBucketLifecycle"): "s3:GetLifecycleConfiguration",
    ("s3", "GetBucketLifecycleConfiguration"): "s3:GetLifecycleConfiguration",
    ("s3", "GetObjectLockConfiguration"): "s3:GetBucketObjectLockConfiguration",
    ("s3", "GetBucketReplication"): "s3:GetReplicationConfiguration",
    ("s3", "GetBucketNotificationConfiguration"): "s3:GetBucketNotification",
    ("s3", "GetBucketCors"): "s3:GetBucketCORS",
    ("s3", "GetBucketAccelerateConfiguration"): "s3:GetAccelerateConfiguration",
    ("s3", "GetBucketAnalyticsConfiguration"): "s3:GetAnalyticsConfiguration",
    ("s3", "GetBucketInventoryConfiguration"): "s3:GetInventoryConfiguration",
    ("s3", "GetBucketMetricsConfiguration"): "s3:GetMetricsConfiguration",
    ("s3", "GetBucketIntelligentTieringConfiguration"): "s3:GetIntelligentTieringConfiguration",
    ("s3control", "GetPublicAccessBlock"): "s3:GetAccountPublicAccessBlock",
}

# Verbs of IAM actions that only read.
READ_ONLY_VERBS = ("Get", "List", "Describe", "Lookup", "BatchGet", "Search", "View")

# Actions that read although their verb does not say so. GenerateCredentialReport only asks IAM to
# build the report the Get call then reads; AWS's own SecurityAudit policy grants it.
READ_ONLY_ACTIONS = frozenset(
    {"apigateway:GET", "iam:GenerateCredentialReport", "iam:GenerateServiceLastAccessedDetails"}
)


# Reads of customer data or secret values: an auditor reads configuration, never these.
DATA_READS = frozenset(
    {
        "secretsmanager:GetSecretValue",
        "secretsmanager:BatchGetSecretValue",
        "kms:Decrypt",
        "s3:GetObject",
        "s3:GetObjectVersion",
        "dynamodb:GetItem",
        "dynamodb:BatchGetItem",
        "dynamodb:Query",
        "dynamodb:Scan",
        "logs:GetLogEvents",
        "logs:FilterLogEvents",
        "sqs:ReceiveMessage",
    }
)


def iam_prefix(service: str) -> str:
    return SERVICE_PREFIXES.get(service, service)


def iam_action(service: str, operation: str, http_method: str | None = None) -> str:
    """The IAM action for one API call, e.g. ("elbv2", "DescribeListeners") -> elasticloadbalancing:..."""
    if service in HTTP_METHOD_SERVICES:
        return f"apigateway:{(http_method or 'GET').upper()}"
    explicit = OPERATION_ACTIONS.get((service, operation))
    if explicit:
        return explicit
    return f"{iam_prefix(service)}:{operation}"


def is_read_only(action: str) -> bool:
    """Whether an auditor may hold the action: it reads configuration (no write, no data read)."""
    if action in DATA_READS:
        return False
    if action in READ_ONLY_ACTIONS:
        return True
    _, _, name = action.partition(":")
    return any(name.startswith(verb) and name[len(verb) : len(verb) + 1].isupper() for verb in READ_ONLY_VERBS)
