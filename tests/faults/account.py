"""A small account planted in a moto server for the fault suite: a bit of everything the checks
read, in two regions, some compliant and some not, so that every fault meets PASS and FAIL verdicts
(buckets, log groups, keys, topics, queues, a table, secrets, parameters, roles, a user, an alarm,
trails)."""

from __future__ import annotations

import json

import boto3

from infra import policy_documents

HOME, OTHER = "us-east-1", "eu-west-1"
REGIONS = (HOME, OTHER)
# Not credentials: moto's server accepts any; named so that nobody takes them for a secret.
FAKE_KEY_ID, FAKE_SECRET = "fault-suite-key-id", "fault-suite-secret"

BUCKET_HOME, BUCKET_PLAIN, BUCKET_OTHER = "fault-data-home", "fault-plain-home", "fault-data-other"


def session() -> boto3.Session:
    return boto3.Session(region_name=HOME, aws_access_key_id=FAKE_KEY_ID, aws_secret_access_key=FAKE_SECRET)


def _region(s: boto3.Session, endpoint: str, region: str) -> dict[str, str]:
    keys: dict[str, str] = {}
    kms = s.client("kms", region_name=region, endpoint_url=endpoint)
    for name, rotate in (("rotating", True), ("stale", False)):
        key = kms.create_key(Description=f"fault {name}")["KeyMetadata"]
        if rotate:
            kms.enable_key_rotation(KeyId=key["KeyId"])
        keys[name] = key["Arn"]

    logs = s.client("logs", region_name=region, endpoint_url=endpoint)
    logs.create_log_group(logGroupName="/fault/app", kmsKeyId=keys["rotating"])
    logs.put_retention_policy(logGroupName="/fault/app", retentionInDays=400)
    logs.create_log_group(logGroupName="/fault/short")
    logs.put_retention_policy(logGroupName="/fault/short", retentionInDays=7)

    sns = s.client("sns", region_name=region, endpoint_url=endpoint)
    alarms = sns.create_topic(Name="fault-alarms", Attributes={"KmsMasterKeyId": keys["rotating"]})["TopicArn"]
    sns.subscribe(TopicArn=alarms, Protocol="email", Endpoint="security@example.com")
    sns.create_topic(Name="fault-plain")

    sqs = s.client("sqs", region_name=region, endpoint_url=endpoint)
    sqs.create_queue(QueueName="fault-queue", Attributes={"KmsMasterKeyId": keys["rotating"]})
    sqs.create_queue(QueueName="fault-plain")

    secrets = s.client("secretsmanager", region_name=region, endpoint_url=endpoint)
    secrets.create_secret(Name="fault/db", SecretString="not-a-secret", KmsKeyId=keys["rotating"])
    ssm = s.client("ssm", region_name=region, endpoint_url=endpoint)
    ssm.put_parameter(Name="/fault/setting", Value="blue", Type="String")

    cloudwatch = s.client("cloudwatch", region_name=region, endpoint_url=endpoint)
    cloudwatch.put_metric_alarm(
        AlarmName="fault-errors",
        MetricName="Errors",
        Namespace="AWS/Lambda",
        Statistic="Sum",
        Period=300,
        EvaluationPeriods=1,
        Threshold=1,
        ComparisonOperator="GreaterThanOrEqualToThreshold",
        AlarmActions=[alarms],
    )
    return keys


def _buckets(s: boto3.Session, endpoint: str, keys: dict[str, dict[str, str]]) -> None:
    for name, region, key, bucket_key in (
        (BUCKET_HOME, HOME, keys[HOME]["rotating"], True),
        (BUCKET_PLAIN, HOME, None, False),
        (BUCKET_OTHER, OTHER, keys[OTHER]["stale"], False),
    ):
        s3 = s.client("s3", region_name=region, endpoint_url=endpoint)
        if region == HOME:
            s3.create_bucket(Bucket=name)
        else:
            s3.create_bucket(Bucket=name, CreateBucketConfiguration={"LocationConstraint": region})
        if key:
            s3.put_bucket_encryption(
                Bucket=name,
                ServerSideEncryptionConfiguration={
                    "Rules": [
                        {
                            "ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "aws:kms", "KMSMasterKeyID": key},
                            "BucketKeyEnabled": bucket_key,
                        }
                    ]
                },
            )
            s3.put_bucket_policy(Bucket=name, Policy=json.dumps(policy_documents.bucket_policy(f"arn:aws:s3:::{name}")))
            s3.put_bucket_tagging(
                Bucket=name,
                Tagging={"TagSet": [{"Key": "leadping:data-store", "Value": "true"}]},
            )
            s3.put_bucket_versioning(Bucket=name, VersioningConfiguration={"Status": "Enabled"})


def _iam(s: boto3.Session, endpoint: str) -> None:
    iam = s.client("iam", endpoint_url=endpoint)
    trust = policy_documents.service_trust("lambda.amazonaws.com")
    granted = {
        "api": {"Effect": "Allow", "Action": "sqs:ReceiveMessage", "Resource": "arn:aws:sqs:*:*:fault-queue"},
        "workers": {"Effect": "Allow", "Action": "s3:*", "Resource": "*"},  # wildcard data access: FAIL
    }
    for workload, statement in granted.items():
        name = f"fault-{workload}"
        tags = [{"Key": "leadping:workload", "Value": workload}]
        iam.create_role(RoleName=name, AssumeRolePolicyDocument=json.dumps(trust), Tags=tags)
        document = json.dumps(policy_documents.document([statement]))
        iam.put_role_policy(RoleName=name, PolicyName="access", PolicyDocument=document)
    iam.create_user(UserName="fault-human")
    iam.create_access_key(UserName="fault-human")


def _trails(s: boto3.Session, endpoint: str) -> None:
    """A multi-region trail homed in HOME and a single-region trail in OTHER, each with its bucket."""
    for name, region, multi_region in (("fault-trail", HOME, True), ("fault-local-trail", OTHER, False)):
        s3 = s.client("s3", region_name=region, endpoint_url=endpoint)
        location = {} if region == HOME else {"CreateBucketConfiguration": {"LocationConstraint": region}}
        s3.create_bucket(Bucket=f"{name}-logs", **location)
        cloudtrail = s.client("cloudtrail", region_name=region, endpoint_url=endpoint)
        cloudtrail.create_trail(
            Name=name,
            S3BucketName=f"{name}-logs",
            IsMultiRegionTrail=multi_region,
            EnableLogFileValidation=multi_region,
        )
        cloudtrail.start_logging(Name=name)


def plant(endpoint: str, s: boto3.Session) -> None:
    """Creates the account's resources through ``endpoint`` (the moto server itself, not the proxy)."""
    keys = {region: _region(s, endpoint, region) for region in REGIONS}
    _buckets(s, endpoint, keys)
    _iam(s, endpoint)
    _trails(s, endpoint)
    dynamodb = s.client("dynamodb", endpoint_url=endpoint)
    dynamodb.create_table(
        TableName="fault-leads",
        KeySchema=[{"AttributeName": "businessId", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "businessId", "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST",
        SSESpecification={"Enabled": True, "SSEType": "KMS", "KMSMasterKeyId": keys[HOME]["rotating"]},
        Tags=[{"Key": "leadping:data-store", "Value": "true"}, {"Key": "leadping:tenant-data", "Value": "true"}],
    )
