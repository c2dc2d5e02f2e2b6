"""Pure functions that build IAM, key and resource policy documents (JSON-ready dicts).

No Pulumi here: every function takes plain strings and returns a dict, so each can be tested
without the mock runtime and reused by the components, which wrap them in ``Output.apply``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from compliance_checks import conventions

Policy = dict[str, Any]
Statement = dict[str, Any]

KMS_USE_ACTIONS = ("kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:DescribeKey")
GITHUB_OIDC_HOST = "token.actions.githubusercontent.com"
GITHUB_OIDC_AUDIENCE = "sts.amazonaws.com"
# AWS's managed full-administrator policy (Action "*" on Resource "*"): the break-glass role's.
ADMINISTRATOR_ACCESS = "arn:aws:iam::aws:policy/AdministratorAccess"

# Elastic Load Balancing writes access logs from a per-region AWS account in the regions that
# existed before August 2022; newer regions use the logdelivery service principal instead.
ELB_LOG_ACCOUNTS = {
    "us-east-1": "127311923021",
    "us-east-2": "033677994240",
    "us-west-1": "027434742980",
    "us-west-2": "797873946194",
    "af-south-1": "098369216593",
    "ca-central-1": "985666609251",
    "eu-central-1": "054676820928",
    "eu-west-1": "156460612806",
    "eu-west-2": "652711504416",
    "eu-south-1": "635631232127",
    "eu-west-3": "009996457667",
    "eu-north-1": "897822967062",
    "ap-east-1": "754344448648",
    "ap-northeast-1": "582318560864",
    "ap-northeast-2": "600734575887",
    "ap-northeast-3": "383597477331",
    "ap-southeast-1": "114774131450",
    "ap-southeast-2": "783225319266",
    "ap-south-1": "718504428378",
    "me-south-1": "076674570225",
    "sa-east-1": "507241528517",
}


def document(statements: Iterable[Statement]) -> Policy:
    return {"Version": "2012-10-17", "Statement": list(statements)}


def account_root(account_id: str, partition: str = "aws") -> str:
    return f"arn:{partition}:iam::{account_id}:root"


def role_arn(account_id: str, name: str, partition: str = "aws") -> str:
    return f"arn:{partition}:iam::{account_id}:role/{name}"


# --- KMS ---------------------------------------------------------------------------------------


def key_policy(
    account_id: str,
    region: str,
    *,
    service_principals: Sequence[str] = (),
    via_services: Sequence[str] = (),
    cloudwatch_logs: bool = False,
    partition: str = "aws",
) -> Policy:
    """The key policy of a customer-managed data key (LP-DR-1).

    The account keeps administrative control (without it a key can become unmanageable), IAM
    policies in the account decide who may use the key, and the AWS services that encrypt
    this data class on Leadping's behalf are admitted only for this account (confused-deputy
    guard). ``via_services`` admits principals of the account only through those services.
    ``cloudwatch_logs`` admits the regional CloudWatch Logs service for this account's log
    groups only (it signs with an encryption context, not a source account).
    """
    statements: list[Statement] = [
        {
            "Sid": "AccountAdministersTheKey",
            "Effect": "Allow",
            "Principal": {"AWS": account_root(account_id, partition)},
            "Action": "kms:*",
            "Resource": "*",
        }
    ]
    if service_principals:
        statements.append(
            {
                "Sid": "ServicesEncryptForThisAccount",
                "Effect": "Allow",
                "Principal": {"Service": sorted(set(service_principals))},
                "Action": list(KMS_USE_ACTIONS),
                "Resource": "*",
                "Condition": {"StringEquals": {"aws:SourceAccount": account_id}},
            }
        )
    if cloudwatch_logs:
        statements.append(
            {
                "Sid": "CloudWatchLogsEncryptsThisAccountsLogGroups",
                "Effect": "Allow",
                "Principal": {"Service": f"logs.{region}.amazonaws.com"},
                "Action": list(KMS_USE_ACTIONS),
                "Resource": "*",
                "Condition": {
                    "ArnLike": {
                        "kms:EncryptionContext:aws:logs:arn": f"arn:{partition}:logs:{region}:{account_id}:log-group:*"
                    }
                },
            }
        )
    if via_services:
        statements.append(
            {
                "Sid": "AccountPrincipalsThroughServices",
                "Effect": "Allow",
                "Principal": {"AWS": "*"},
                "Action": list(KMS_USE_ACTIONS),
                "Resource": "*",
                "Condition": {
                    "StringEquals": {
                        "kms:CallerAccount": account_id,
                        "kms:ViaService": sorted(f"{s}.{region}.amazonaws.com" for s in via_services),
                    }
                },
            }
        )
    return document(statements)


# --- S3 ----------------------------------------------------------------------------------------


def deny_insecure_transport(bucket_arn: str) -> Statement:
    """LP-TX-1: no request to the bucket or its objects over plain HTTP, from anyone."""
    return {
        "Sid": "DenyInsecureTransport",
        "Effect": "Deny",
        "Principal": "*",
        "Action": "s3:*",
        "Resource": [bucket_arn, f"{bucket_arn}/*"],
        "Condition": {"Bool": {"aws:SecureTransport": "false"}},
    }


def bucket_policy(bucket_arn: str, statements: Iterable[Statement] = ()) -> Policy:
    """A bucket policy: the TLS-only deny first, then whatever the bucket's writers need."""
    return document([deny_insecure_transport(bucket_arn), *statements])


def log_archive_write_statements(
    bucket_arn: str,
    account_id: str,
    region: str,
    *,
    firehose_role_arn: str,
    trail_arn: str,
    partition: str = "aws",
) -> list[Statement]:
    """What the log-archive bucket admits: the AWS log delivery services and the Firehose role.

    CloudTrail, VPC flow logs (delivery.logs) and ELB write only under this account's
    ``AWSLogs/<account>/`` keys; CloudTrail is pinned to this stack's trail (source ARN).
    Bucket ownership is enforced, so no ACL condition is needed on the writes.
    """
    account_logs = f"{bucket_arn}/*AWSLogs/{account_id}/*"
    statements: list[Statement] = [
        {
            "Sid": "CloudTrailReadsBucketAcl",
            "Effect": "Allow",
            "Principal": {"Service": "cloudtrail.amazonaws.com"},
            "Action": "s3:GetBucketAcl",
            "Resource": bucket_arn,
            "Condition": {"StringEquals": {"aws:SourceArn": trail_arn}},
        },
        {
            "Sid": "CloudTrailWrites",
            "Effect": "Allow",
            "Principal": {"Service": "cloudtrail.amazonaws.com"},
            "Action": "s3:PutObject",
            "Resource": account_logs,
            "Condition": {"StringEquals": {"aws:SourceArn": trail_arn}},
        },
        {
            "Sid": "LogDeliveryReadsBucketAcl",
            "Effect": "Allow",
            "Principal": {"Service": "delivery.logs.amazonaws.com"},
            "Action": ["s3:GetBucketAcl", "s3:ListBucket"],
            "Resource": bucket_arn,
            "Condition": {"StringEquals": {"aws:SourceAccount": account_id}},
        },
        {
            "Sid": "LogDeliveryWrites",
            "Effect": "Allow",
            "Principal": {"Service": "delivery.logs.amazonaws.com"},
            "Action": "s3:PutObject",
            "Resource": account_logs,
            "Condition": {"StringEquals": {"aws:SourceAccount": account_id}},
        },
        {
            "Sid": "FirehoseRoleWrites",
            "Effect": "Allow",
            # The role is named, not referenced: naming it as Principal would fail while it
            # does not exist yet, and the archive is created before the log pipeline.
            "Principal": {"AWS": account_root(account_id, partition)},
            "Action": ["s3:PutObject", "s3:GetBucketLocation", "s3:ListBucket", "s3:AbortMultipartUpload"],
            "Resource": [bucket_arn, f"{bucket_arn}/firehose/*"],
            "Condition": {"ArnEquals": {"aws:PrincipalArn": firehose_role_arn}},
        },
    ]
    elb_account = ELB_LOG_ACCOUNTS.get(region)
    elb_principal = (
        {"AWS": f"arn:{partition}:iam::{elb_account}:root"}
        if elb_account
        else {"Service": "logdelivery.elasticloadbalancing.amazonaws.com"}
    )
    statements.append(
        {
            "Sid": "LoadBalancerAccessLogsWrite",
            "Effect": "Allow",
            "Principal": elb_principal,
            "Action": "s3:PutObject",
            "Resource": f"{bucket_arn}/alb/AWSLogs/{account_id}/*",
        }
    )
    return statements


def access_log_write_statements(bucket_arn: str, account_id: str, source_bucket_arns: Sequence[str]) -> Statement:
    """S3 server access logging writes through the logging service principal, only for our buckets."""
    return {
        "Sid": "S3ServerAccessLogsWrite",
        "Effect": "Allow",
        "Principal": {"Service": "logging.s3.amazonaws.com"},
        "Action": "s3:PutObject",
        "Resource": f"{bucket_arn}/*",
        "Condition": {
            "StringEquals": {"aws:SourceAccount": account_id},
            "ArnLike": {"aws:SourceArn": sorted(source_bucket_arns)},
        },
    }


# --- Trust policies ----------------------------------------------------------------------------


def service_trust(service: str, account_id: str | None = None) -> Policy:
    """A role an AWS service assumes; with ``account_id``, only on behalf of this account."""
    statement: Statement = {
        "Effect": "Allow",
        "Principal": {"Service": service},
        "Action": "sts:AssumeRole",
    }
    if account_id:
        statement["Condition"] = {"StringEquals": {"aws:SourceAccount": account_id}}
    return document([statement])


def workload_trust(account_id: str, compute_service: str, own_role_arn: str, partition: str = "aws") -> Policy:
    """Trust of a tenant workload role (LP-AC-2, LP-AC-3).

    The workload's compute service assumes the role for its own identity. To touch tenant data
    the workload then assumes the role again with the session tag ``business_id`` of the
    business it serves (``sts:TagSession``); the tenant-scoped statements compare that tag, so a
    session without it reaches no tenant data. Only this role may do the re-assumption, and
    only with ``business_id`` as its one session tag.
    """
    return document(
        [
            {
                "Sid": "ComputeServiceAssumes",
                "Effect": "Allow",
                "Principal": {"Service": compute_service},
                "Action": "sts:AssumeRole",
                "Condition": {"StringEquals": {"aws:SourceAccount": account_id}},
            },
            {
                "Sid": "TenantSessionWithBusinessIdTag",
                "Effect": "Allow",
                "Principal": {"AWS": account_root(account_id, partition)},
                "Action": ["sts:AssumeRole", "sts:TagSession"],
                "Condition": {
                    "ArnEquals": {"aws:PrincipalArn": own_role_arn},
                    "Null": {f"aws:RequestTag/{conventions.TENANT_PARTITION_KEY}": "false"},
                    "ForAllValues:StringEquals": {"aws:TagKeys": [conventions.TENANT_PARTITION_KEY]},
                },
            },
        ]
    )


def github_oidc_trust(provider_arn: str, repository: str, branch: str) -> Policy:
    """LP-PA-1: only the repository's protected branch, through GitHub's OIDC provider."""
    return document(
        [
            {
                "Sid": "GitHubActionsOnProtectedBranch",
                "Effect": "Allow",
                "Principal": {"Federated": provider_arn},
                "Action": "sts:AssumeRoleWithWebIdentity",
                "Condition": {
                    "StringEquals": {
                        f"{GITHUB_OIDC_HOST}:aud": GITHUB_OIDC_AUDIENCE,
                        f"{GITHUB_OIDC_HOST}:sub": f"repo:{repository}:ref:refs/heads/{branch}",
                    }
                },
            }
        ]
    )


def human_role_trust(
    principals: Sequence[str], account_id: str, *, require_mfa: bool, partition: str = "aws"
) -> Policy:
    """Roles people assume (auditor, break-glass); the account root when no principal is named.

    ``require_mfa`` pins the session to an MFA-authenticated caller (break-glass, LP-PA-1).
    """
    statement: Statement = {
        "Sid": "NamedPrincipalsWithMfa" if require_mfa else "NamedPrincipals",
        "Effect": "Allow",
        "Principal": {"AWS": sorted(principals) or account_root(account_id, partition)},
        "Action": "sts:AssumeRole",
    }
    if require_mfa:
        statement["Condition"] = {"Bool": {"aws:MultiFactorAuthPresent": "true"}}
    return document([statement])


# --- Workload permissions ----------------------------------------------------------------------

TENANT_TABLE_ACTIONS = (
    "dynamodb:GetItem",
    "dynamodb:BatchGetItem",
    "dynamodb:Query",
    "dynamodb:PutItem",
    "dynamodb:UpdateItem",
    "dynamodb:DeleteItem",
    "dynamodb:BatchWriteItem",
    "dynamodb:ConditionCheckItem",
)
TENANT_OBJECT_ACTIONS = ("s3:GetObject", "s3:GetObjectVersion", "s3:PutObject", "s3:DeleteObject")


def database_user_arn(region: str, account_id: str, resource_id: str, user: str, partition: str = "aws") -> str:
    """IAM database authentication: the ARN naming one database user of one instance."""
    return f"arn:{partition}:rds-db:{region}:{account_id}:dbuser:{resource_id}/{user}"


def tenant_prefix_arn(bucket_name: str, partition: str = "aws") -> str:
    return f"arn:{partition}:s3:::{bucket_name}/{conventions.TENANT_PREFIX}${{aws:PrincipalTag/business_id}}/*"


def tenant_data_statements(
    table_arns: Sequence[str], bucket_names: Sequence[str], partition: str = "aws"
) -> list[Statement]:
    """LP-AC-3: tenant tables and buckets, only the items and keys of the session's business."""
    statements: list[Statement] = []
    if table_arns:
        statements.append(
            {
                "Sid": "TenantTableItemsOfTheSessionsBusiness",
                "Effect": "Allow",
                "Action": list(TENANT_TABLE_ACTIONS),
                "Resource": sorted([*table_arns, *(f"{arn}/index/*" for arn in table_arns)]),
                "Condition": {
                    "ForAllValues:StringEquals": {"dynamodb:LeadingKeys": ["${aws:PrincipalTag/business_id}"]}
                },
            }
        )
    if bucket_names:
        statements.append(
            {
                "Sid": "TenantObjectsOfTheSessionsBusiness",
                "Effect": "Allow",
                "Action": list(TENANT_OBJECT_ACTIONS),
                "Resource": sorted(tenant_prefix_arn(b, partition) for b in bucket_names),
            }
        )
        statements.append(
            {
                "Sid": "ListOnlyTheSessionsBusinessPrefix",
                "Effect": "Allow",
                "Action": "s3:ListBucket",
                "Resource": sorted(f"arn:{partition}:s3:::{b}" for b in bucket_names),
                "Condition": {
                    "StringLike": {"s3:prefix": [f"{conventions.TENANT_PREFIX}${{aws:PrincipalTag/business_id}}/*"]}
                },
            }
        )
    return statements


def key_use_statement(key_arns: Sequence[str], actions: Sequence[str] = KMS_USE_ACTIONS) -> Statement:
    return {"Sid": "UseDataKeys", "Effect": "Allow", "Action": list(actions), "Resource": sorted(set(key_arns))}


def queue_statement(sid: str, queue_arns: Sequence[str], actions: Sequence[str]) -> Statement:
    return {"Sid": sid, "Effect": "Allow", "Action": list(actions), "Resource": sorted(queue_arns)}


def workload_policy(
    *,
    table_arns: Sequence[str] = (),
    bucket_names: Sequence[str] = (),
    key_arns: Sequence[str] = (),
    send_queue_arns: Sequence[str] = (),
    consume_queue_arns: Sequence[str] = (),
    log_group_arns: Sequence[str] = (),
    database_user_arns: Sequence[str] = (),
    partition: str = "aws",
) -> Policy:
    """The permissions of one tenant workload role: named resources only, tenant-scoped data."""
    statements = tenant_data_statements(table_arns, bucket_names, partition)
    if database_user_arns:
        statements.append(
            {
                "Sid": "ConnectAsOwnDatabaseUser",
                "Effect": "Allow",
                "Action": "rds-db:connect",
                "Resource": sorted(database_user_arns),
            }
        )
    if key_arns:
        statements.append(key_use_statement(key_arns))
    if send_queue_arns:
        statements.append(queue_statement("SendWork", send_queue_arns, ["sqs:SendMessage", "sqs:GetQueueUrl"]))
    if consume_queue_arns:
        statements.append(
            queue_statement(
                "ConsumeWork",
                consume_queue_arns,
                [
                    "sqs:ReceiveMessage",
                    "sqs:DeleteMessage",
                    "sqs:ChangeMessageVisibility",
                    "sqs:GetQueueAttributes",
                    "sqs:GetQueueUrl",
                ],
            )
        )
    if log_group_arns:
        statements.append(
            {
                "Sid": "WriteOwnLogs",
                "Effect": "Allow",
                "Action": ["logs:CreateLogStream", "logs:PutLogEvents"],
                "Resource": sorted(f"{arn}:*" for arn in log_group_arns),
            }
        )
    return document(statements)


def permission_boundary(
    account_id: str, region: str, name_prefix: str, environment: str, partition: str = "aws"
) -> Policy:
    """The ceiling of every tenant workload role (LP-PA-1): this stack's resources, no IAM.

    Even a mistaken grant on a workload role cannot reach another environment's data, change
    IAM, read a secret outside the stack's path or turn off the audit trail.
    """
    arn = f"arn:{partition}"
    return document(
        [
            {
                "Sid": "StackDataOnly",
                "Effect": "Allow",
                "Action": [
                    *TENANT_TABLE_ACTIONS,
                    *TENANT_OBJECT_ACTIONS,
                    "s3:ListBucket",
                    "sqs:SendMessage",
                    "sqs:ReceiveMessage",
                    "sqs:DeleteMessage",
                    "sqs:ChangeMessageVisibility",
                    "sqs:GetQueueAttributes",
                    "sqs:GetQueueUrl",
                    "secretsmanager:GetSecretValue",
                    "secretsmanager:DescribeSecret",
                    "logs:CreateLogStream",
                    "logs:PutLogEvents",
                    "rds-db:connect",
                ],
                "Resource": [
                    f"{arn}:dynamodb:{region}:{account_id}:table/{name_prefix}-*",
                    f"{arn}:s3:::{name_prefix}-*",
                    f"{arn}:sqs:{region}:{account_id}:{name_prefix}-*",
                    f"{arn}:secretsmanager:{region}:{account_id}:secret:{name_prefix}/*",
                    f"{arn}:logs:{region}:{account_id}:log-group:/leadping/*",
                    f"{arn}:rds-db:{region}:{account_id}:dbuser:*/*",
                ],
            },
            {
                "Sid": "StackKeysOnly",
                "Effect": "Allow",
                "Action": list(KMS_USE_ACTIONS),
                "Resource": f"{arn}:kms:{region}:{account_id}:key/*",
                "Condition": {"StringEquals": {f"aws:ResourceTag/{conventions.ENVIRONMENT}": environment}},
            },
            {
                "Sid": "AssumeOwnRoleForTenantSession",
                "Effect": "Allow",
                "Action": ["sts:AssumeRole", "sts:TagSession"],
                "Resource": f"{arn}:iam::{account_id}:role/{name_prefix}-*",
            },
            {
                "Sid": "NeverAdministerIdentityOrAudit",
                "Effect": "Deny",
                "Action": [
                    "iam:*",
                    "organizations:*",
                    "account:*",
                    "cloudtrail:StopLogging",
                    "cloudtrail:DeleteTrail",
                    "kms:ScheduleKeyDeletion",
                    "kms:DisableKey",
                    "kms:PutKeyPolicy",
                ],
                "Resource": "*",
            },
        ]
    )


def pass_role_statement(role_arns: Sequence[str], services: Sequence[str]) -> Statement:
    """``iam:PassRole`` only on named roles and only to the services that use them (LP-PA-1)."""
    return {
        "Sid": "PassOnlyStackRolesToTheirServices",
        "Effect": "Allow",
        "Action": "iam:PassRole",
        "Resource": sorted(role_arns),
        "Condition": {"StringEquals": {"iam:PassedToService": sorted(set(services))}},
    }


# Services the deploy role manages outright; none of them holds customer data.
DEPLOY_CONTROL_PLANE_SERVICES = (
    "acm",
    "apigateway",
    "application-autoscaling",
    "backup",
    "cloudtrail",
    "cloudwatch",
    "cognito-idp",
    "ec2",
    "elasticloadbalancing",
    "events",
    "firehose",
    "guardduty",
    "lambda",
    "logs",
    "rds",
    "route53",
    "securityhub",
    "sns",
    "sqs",
    "tag",
    "wafv2",
)
PASSED_TO_SERVICES = (
    "apigateway.amazonaws.com",
    "backup.amazonaws.com",
    "cloudtrail.amazonaws.com",
    "ecs-tasks.amazonaws.com",
    "firehose.amazonaws.com",
    "lambda.amazonaws.com",
    "logs.amazonaws.com",
    "monitoring.rds.amazonaws.com",
    "rds.amazonaws.com",
)


def _in_stack_regions(sid: str, actions: Sequence[str], regions: Sequence[str]) -> Statement:
    """Actions on any resource, but only in the stack's regions (IAM, Route 53 and other global
    services answer in us-east-1)."""
    return {
        "Sid": sid,
        "Effect": "Allow",
        "Action": list(actions),
        "Resource": "*",
        "Condition": {"StringEquals": {"aws:RequestedRegion": sorted({*regions, "us-east-1"})}},
    }


def _stack_identities_statement(account_id: str, name_prefix: str, partition: str = "aws") -> Statement:
    """The IAM actions a deploy needs, on this stack's roles and policies and the GitHub OIDC provider."""
    arn = f"arn:{partition}"
    stack_roles = f"{arn}:iam::{account_id}:role/{name_prefix}-*"
    return {
        "Sid": "ManageStackRolesAndPolicies",
        "Effect": "Allow",
        "Action": [
            "iam:GetRole",
            "iam:CreateRole",
            "iam:DeleteRole",
            "iam:UpdateRole",
            "iam:TagRole",
            "iam:UntagRole",
            "iam:UpdateAssumeRolePolicy",
            "iam:PutRolePermissionsBoundary",
            "iam:AttachRolePolicy",
            "iam:DetachRolePolicy",
            "iam:PutRolePolicy",
            "iam:GetRolePolicy",
            "iam:DeleteRolePolicy",
            "iam:ListRolePolicies",
            "iam:ListAttachedRolePolicies",
            "iam:ListInstanceProfilesForRole",
            "iam:CreatePolicy",
            "iam:CreatePolicyVersion",
            "iam:DeletePolicy",
            "iam:DeletePolicyVersion",
            "iam:GetPolicy",
            "iam:GetPolicyVersion",
            "iam:ListPolicyVersions",
            "iam:TagPolicy",
            "iam:GetOpenIDConnectProvider",
            "iam:CreateServiceLinkedRole",
        ],
        "Resource": [
            stack_roles,
            f"{arn}:iam::{account_id}:policy/{name_prefix}-*",
            f"{arn}:iam::{account_id}:oidc-provider/{GITHUB_OIDC_HOST}",
            f"{arn}:iam::{account_id}:role/aws-service-role/*",
        ],
    }


def ci_deploy_policy(account_id: str, regions: Sequence[str], name_prefix: str, partition: str = "aws") -> Policy:
    """What ``pulumi up`` from CI needs (LP-PA-1): control planes, and data services by name only.

    Data services (S3, DynamoDB, KMS, Secrets Manager) get named configuration actions on this
    stack's resources, never ``service:*`` and never their data-plane reads. Key administration
    (which IAM only authorises on ``*`` for CreateKey, and on ``key/*`` for keys whose ids are not
    known before they exist) comes from the AWS managed ``AWSKeyManagementServicePowerUser``
    policy, which grants no use of a key (no Encrypt, Decrypt or GenerateDataKey).
    ``iam:PassRole`` is limited to this stack's roles and the services they serve.
    """
    arn = f"arn:{partition}"
    stack_roles = f"{arn}:iam::{account_id}:role/{name_prefix}-*"
    return document(
        [
            _in_stack_regions(
                "ManageControlPlanes", [f"{service}:*" for service in DEPLOY_CONTROL_PLANE_SERVICES], regions
            ),
            _stack_identities_statement(account_id, name_prefix, partition),
            pass_role_statement([stack_roles], PASSED_TO_SERVICES),
            {
                "Sid": "ConfigureStackBuckets",
                "Effect": "Allow",
                "Action": [
                    "s3:CreateBucket",
                    "s3:DeleteBucket",
                    "s3:ListBucket",
                    "s3:GetBucket*",
                    "s3:PutBucket*",
                    "s3:DeleteBucketPolicy",
                    "s3:GetEncryptionConfiguration",
                    "s3:PutEncryptionConfiguration",
                    "s3:GetLifecycleConfiguration",
                    "s3:PutLifecycleConfiguration",
                    "s3:GetAccelerateConfiguration",
                    "s3:GetReplicationConfiguration",
                    "s3:GetAnalyticsConfiguration",
                    "s3:GetIntelligentTieringConfiguration",
                    "s3:GetInventoryConfiguration",
                    "s3:GetMetricsConfiguration",
                    "s3:GetObjectLockConfiguration",
                    "s3:PutObjectLockConfiguration",
                ],
                "Resource": f"{arn}:s3:::{name_prefix}-*",
            },
            {
                "Sid": "ConfigureStackTables",
                "Effect": "Allow",
                "Action": [
                    "dynamodb:CreateTable",
                    "dynamodb:UpdateTable",
                    "dynamodb:DeleteTable",
                    "dynamodb:DescribeTable",
                    "dynamodb:DescribeContinuousBackups",
                    "dynamodb:UpdateContinuousBackups",
                    "dynamodb:DescribeTimeToLive",
                    "dynamodb:TagResource",
                    "dynamodb:UntagResource",
                    "dynamodb:ListTagsOfResource",
                ],
                "Resource": f"{arn}:dynamodb:*:{account_id}:table/{name_prefix}-*",
            },
            {
                "Sid": "ConfigureStackSecretsWithoutReadingThem",
                "Effect": "Allow",
                "Action": [
                    "secretsmanager:CreateSecret",
                    "secretsmanager:DeleteSecret",
                    "secretsmanager:DescribeSecret",
                    "secretsmanager:UpdateSecret",
                    "secretsmanager:TagResource",
                    "secretsmanager:UntagResource",
                    "secretsmanager:GetResourcePolicy",
                    "secretsmanager:PutResourcePolicy",
                    "secretsmanager:DeleteResourcePolicy",
                    "secretsmanager:RotateSecret",
                    "secretsmanager:CancelRotateSecret",
                ],
                "Resource": f"{arn}:secretsmanager:*:{account_id}:secret:{name_prefix}/*",
            },
            {
                # RDS (master password) and EventBridge (connection keys) create these secrets;
                # the program only tags them with their system (LP-SEC-2). RDS names its secrets
                # rds!db-<uuid>, with nothing of the stack in the name.
                "Sid": "TagSecretsServicesCreateForTheStack",
                "Effect": "Allow",
                "Action": list(SERVICE_SECRET_TAG_ACTIONS),
                "Resource": [
                    f"{arn}:secretsmanager:*:{account_id}:secret:events!connection/{name_prefix}-*",
                    f"{arn}:secretsmanager:*:{account_id}:secret:rds!db-*",
                ],
            },
        ]
    )


# What the deploy role may do to a secret another service created for the stack: tag it.
SERVICE_SECRET_TAG_ACTIONS = (
    "secretsmanager:DescribeSecret",
    "secretsmanager:TagResource",
    "secretsmanager:UntagResource",
)

# Data-plane reads the deploy role never needs: it configures stores, it does not read them.
DEPLOY_DENIED_DATA_READS = (
    "s3:GetObject",
    "s3:GetObjectVersion",
    "dynamodb:GetItem",
    "dynamodb:BatchGetItem",
    "dynamodb:Query",
    "dynamodb:Scan",
    "secretsmanager:GetSecretValue",
    "rds-data:*",
)


def deploy_boundary(account_id: str, regions: Sequence[str], name_prefix: str, partition: str = "aws") -> Policy:
    """The ceiling of the CI deploy role (LP-PA-1): whatever it is granted later, it acts only in
    the stack's regions, touches IAM only on the stack's own roles and policies, and never reads
    customer data or secret values, creates IAM users or access keys, lifts a permissions
    boundary, or turns off the audit trail and threat detection."""
    services = (*DEPLOY_CONTROL_PLANE_SERVICES, "kms", "s3", "dynamodb", "secretsmanager", "sts")
    stack_roles = role_arn(account_id, f"{name_prefix}-*", partition)
    return document(
        [
            _in_stack_regions("DeployServicesInStackRegions", [f"{s}:*" for s in services], regions),
            _stack_identities_statement(account_id, name_prefix, partition),
            pass_role_statement([stack_roles], PASSED_TO_SERVICES),
            {"Sid": "NeverReadData", "Effect": "Deny", "Action": list(DEPLOY_DENIED_DATA_READS), "Resource": "*"},
            {
                "Sid": "NeverCreateLongLivedCredentials",
                "Effect": "Deny",
                "Action": [
                    "iam:CreateUser",
                    "iam:CreateAccessKey",
                    "iam:CreateLoginProfile",
                    "iam:UpdateLoginProfile",
                    "iam:DeleteRolePermissionsBoundary",
                ],
                "Resource": "*",
            },
            {
                "Sid": "NeverBlindTheAudit",
                "Effect": "Deny",
                "Action": [
                    "cloudtrail:StopLogging",
                    "cloudtrail:DeleteTrail",
                    "guardduty:DeleteDetector",
                    "securityhub:DisableSecurityHub",
                ],
                "Resource": "*",
            },
            {
                "Sid": "NeverChangeItsOwnRole",
                "Effect": "Deny",
                "Action": "iam:*",
                "Resource": role_arn(account_id, f"{name_prefix}-ci-deploy", partition),
            },
        ]
    )


# --- Service roles -----------------------------------------------------------------------------


def cloudtrail_to_logs_policy(log_group_arn: str) -> Policy:
    return document(
        [
            {
                "Sid": "DeliverTrailToLogGroup",
                "Effect": "Allow",
                "Action": ["logs:CreateLogStream", "logs:PutLogEvents"],
                "Resource": f"{log_group_arn}:log-stream:*",
            }
        ]
    )


def firehose_delivery_policy(bucket_arn: str, key_arn: str, log_group_arn: str, region: str) -> Policy:
    return document(
        [
            {
                "Sid": "WriteToArchive",
                "Effect": "Allow",
                "Action": [
                    "s3:AbortMultipartUpload",
                    "s3:GetBucketLocation",
                    "s3:ListBucket",
                    "s3:ListBucketMultipartUploads",
                    "s3:PutObject",
                ],
                "Resource": [bucket_arn, f"{bucket_arn}/firehose/*"],
            },
            {
                "Sid": "EncryptWithLogsKey",
                "Effect": "Allow",
                "Action": ["kms:GenerateDataKey", "kms:Decrypt"],
                "Resource": key_arn,
                "Condition": {"StringEquals": {"kms:ViaService": f"s3.{region}.amazonaws.com"}},
            },
            {
                "Sid": "ReportDeliveryErrors",
                "Effect": "Allow",
                "Action": ["logs:PutLogEvents", "logs:CreateLogStream"],
                "Resource": f"{log_group_arn}:log-stream:*",
            },
        ]
    )


def logs_to_firehose_policy(stream_arn: str) -> Policy:
    return document(
        [
            {
                "Sid": "SubscriptionFilterPutsRecords",
                "Effect": "Allow",
                "Action": ["firehose:PutRecord", "firehose:PutRecordBatch"],
                "Resource": stream_arn,
            }
        ]
    )


def rotation_function_policy(
    secret_arns: Sequence[str],
    key_arn: str,
    dead_letter_queue_arn: str,
    log_group_arn: str,
    *,
    connection_arns: Sequence[str] = (),
) -> Policy:
    """The secret-rotation Lambda: its secrets' rotation calls, the secrets key, its DLQ and logs.

    Running in the VPC and tracing come from the AWS managed Lambda VPC-access and X-Ray policies.

    With ``connection_arns`` it also writes rotated keys into those EventBridge connections, which
    keep them in secrets EventBridge manages (``events!connection/...``).
    """
    connections: list[Statement] = []
    if connection_arns:
        connections = [
            {
                "Sid": "WriteRotatedKeysIntoConnections",
                "Effect": "Allow",
                "Action": ["events:UpdateConnection", "events:DescribeConnection"],
                "Resource": sorted(connection_arns),
            },
            {
                "Sid": "EventBridgeManagedConnectionSecrets",
                "Effect": "Allow",
                "Action": [
                    "secretsmanager:CreateSecret",
                    "secretsmanager:UpdateSecret",
                    "secretsmanager:DescribeSecret",
                    "secretsmanager:PutSecretValue",
                ],
                "Resource": "arn:aws:secretsmanager:*:*:secret:events!connection/*",
            },
        ]
    return document(
        [
            *connections,
            {
                "Sid": "RotateTheStacksSecrets",
                "Effect": "Allow",
                "Action": [
                    "secretsmanager:DescribeSecret",
                    "secretsmanager:GetSecretValue",
                    "secretsmanager:PutSecretValue",
                    "secretsmanager:UpdateSecretVersionStage",
                ],
                "Resource": sorted(secret_arns),
            },
            key_use_statement([key_arn], ("kms:Decrypt", "kms:GenerateDataKey", "kms:DescribeKey")),
            {"Sid": "DeadLetters", "Effect": "Allow", "Action": "sqs:SendMessage", "Resource": dead_letter_queue_arn},
            {
                "Sid": "WriteOwnLogs",
                "Effect": "Allow",
                "Action": ["logs:CreateLogStream", "logs:PutLogEvents"],
                "Resource": f"{log_group_arn}:*",
            },
        ]
    )


# --- Resource policies -------------------------------------------------------------------------


def secret_policy(secret_reader_arns: Sequence[str], account_id: str, partition: str = "aws") -> Policy:
    """LP-SEC-2: the secret's value is readable by its consumer role (and its rotation) only.

    The Deny names every other principal, so no identity policy elsewhere in the account (not
    even an administrator's) reads the value; the Allow lets the consumer read it without a
    separate identity grant.
    """
    readers = sorted(set(secret_reader_arns))
    return document(
        [
            {
                "Sid": "OnlyTheConsumerReads",
                "Effect": "Deny",
                "Principal": "*",
                "Action": "secretsmanager:GetSecretValue",
                "Resource": "*",
                "Condition": {"ArnNotEquals": {"aws:PrincipalArn": readers}},
            },
            {
                "Sid": "ConsumerReads",
                "Effect": "Allow",
                "Principal": {"AWS": account_root(account_id, partition)},
                "Action": ["secretsmanager:GetSecretValue", "secretsmanager:DescribeSecret"],
                "Resource": "*",
                "Condition": {"ArnEquals": {"aws:PrincipalArn": readers}},
            },
        ]
    )


def queue_policy(queue_arn: str, account_id: str, publisher_services: Mapping[str, str] | None = None) -> Policy:
    """An SQS queue: TLS only; optionally admit AWS services publishing for this account."""
    statements: list[Statement] = [
        {
            "Sid": "DenyInsecureTransport",
            "Effect": "Deny",
            "Principal": "*",
            "Action": "sqs:*",
            "Resource": queue_arn,
            "Condition": {"Bool": {"aws:SecureTransport": "false"}},
        }
    ]
    for sid, service in sorted((publisher_services or {}).items()):
        statements.append(
            {
                "Sid": sid,
                "Effect": "Allow",
                "Principal": {"Service": service},
                "Action": "sqs:SendMessage",
                "Resource": queue_arn,
                "Condition": {"StringEquals": {"aws:SourceAccount": account_id}},
            }
        )
    return document(statements)


def alarm_topic_policy(topic_arn: str, account_id: str) -> Policy:
    """The alarm topic: CloudWatch and EventBridge of this account publish; TLS only.

    The account's own principals reach the topic through their IAM policies; the topic policy
    names no account principal, so it grants nothing across accounts.
    """
    return document(
        [
            {
                "Sid": "DenyInsecureTransport",
                "Effect": "Deny",
                "Principal": "*",
                "Action": "sns:Publish",
                "Resource": topic_arn,
                "Condition": {"Bool": {"aws:SecureTransport": "false"}},
            },
            {
                "Sid": "AlarmsAndEventsPublish",
                "Effect": "Allow",
                "Principal": {"Service": ["cloudwatch.amazonaws.com", "events.amazonaws.com"]},
                "Action": "sns:Publish",
                "Resource": topic_arn,
                "Condition": {"StringEquals": {"aws:SourceAccount": account_id}},
            },
        ]
    )


def statements_of(policy: Policy) -> list[Statement]:
    """The statements of a document as a list (IAM accepts a single statement object too)."""
    statements = policy.get("Statement", [])
    return [statements] if isinstance(statements, dict) else list(statements)


def as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return list(value) if isinstance(value, list | tuple) else [value]


def grants_everything(statement: Statement) -> bool:
    """True for an Allow of Action ``*`` on Resource ``*`` (the full-administrator shape)."""
    return (
        statement.get("Effect") == "Allow"
        and "*" in as_list(statement.get("Action"))
        and "*" in as_list(statement.get("Resource"))
    )
