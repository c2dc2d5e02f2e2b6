"""The auditor needs only what the checks declare, and only reads.

Every AWS operation an audit calls is recorded (botocore ``before-call`` events on the reader's
clients) against a moto account holding one resource of each kind the checks read. Each check runs
alone on a fresh reader, so no memoised read hides what it calls. The test fails when a check
calls an operation whose IAM action it does not declare, or declares an action that is not
read-only.
"""

from __future__ import annotations

import io
import json
import zipfile
from collections import defaultdict

import boto3
import pytest

from compliance_checks import registry
from compliance_checks.conventions import DATA_STORE, LOG_ARCHIVE, SYSTEM, TENANT_DATA, TRUE, WORKLOAD
from compliance_checks.core import CheckContext, Status, execute
from compliance_checks.iam_actions import iam_action, is_read_only
from compliance_checks.permissions import RUNNER_PERMISSIONS, declared_actions
from compliance_checks.reader import Reader
from tests.compliance_checks.conftest import ACCOUNT_ID, REGION

TRUST_LAMBDA = json.dumps(
    {
        "Version": "2012-10-17",
        "Statement": [
            {"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}
        ],
    }
)


def _zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("handler.py", "def handler(event, context):\n    return event\n")
    return buffer.getvalue()


def populate_account(region: str = REGION) -> dict[str, str]:
    """One resource of each kind the checks read, configured enough that every per-resource read happens."""
    made: dict[str, str] = {}
    kms = boto3.client("kms", region_name=region)
    key = kms.create_key(Description="leads", Tags=[{"TagKey": "leadping:data-class", "TagValue": "leads"}])
    key_arn = key["KeyMetadata"]["Arn"]
    kms.create_alias(AliasName="alias/leadping-leads", TargetKeyId=key_arn)
    kms.enable_key_rotation(KeyId=key_arn)
    made["key"] = key_arn

    s3 = boto3.client("s3", region_name=region)
    for bucket, tags in (
        ("leadping-tenant-data", {TENANT_DATA: TRUE, DATA_STORE: TRUE}),
        ("leadping-log-archive", {LOG_ARCHIVE: TRUE}),
    ):
        s3.create_bucket(Bucket=bucket, ObjectLockEnabledForBucket=True)
        s3.put_bucket_tagging(Bucket=bucket, Tagging={"TagSet": [{"Key": k, "Value": v} for k, v in tags.items()]})
        s3.put_bucket_encryption(
            Bucket=bucket,
            ServerSideEncryptionConfiguration={
                "Rules": [
                    {
                        "ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "aws:kms", "KMSMasterKeyID": key_arn},
                        "BucketKeyEnabled": True,
                    }
                ]
            },
        )
        s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Enabled"})
        s3.put_public_access_block(
            Bucket=bucket,
            PublicAccessBlockConfiguration={
                "BlockPublicAcls": True,
                "IgnorePublicAcls": True,
                "BlockPublicPolicy": True,
                "RestrictPublicBuckets": True,
            },
        )
        s3.put_bucket_lifecycle_configuration(
            Bucket=bucket,
            LifecycleConfiguration={
                "Rules": [
                    {
                        "ID": "cold",
                        "Status": "Enabled",
                        "Filter": {"Prefix": ""},
                        "Transitions": [{"Days": 90, "StorageClass": "GLACIER"}],
                    }
                ]
            },
        )
        s3.put_object_lock_configuration(
            Bucket=bucket,
            ObjectLockConfiguration={
                "ObjectLockEnabled": "Enabled",
                "Rule": {"DefaultRetention": {"Mode": "COMPLIANCE", "Days": 365}},
            },
        )
    log_delivery = 'uri="http://acs.amazonaws.com/groups/s3/LogDelivery"'
    s3.put_bucket_acl(Bucket="leadping-log-archive", GrantWrite=log_delivery, GrantReadACP=log_delivery)
    s3.put_bucket_logging(
        Bucket="leadping-tenant-data",
        BucketLoggingStatus={"LoggingEnabled": {"TargetBucket": "leadping-log-archive", "TargetPrefix": "s3/"}},
    )
    # After logging: moto's put_bucket_logging cannot read a target bucket policy with Principal "*".
    for bucket in ("leadping-tenant-data", "leadping-log-archive"):
        s3.put_bucket_policy(
            Bucket=bucket,
            Policy=json.dumps(
                {
                    "Version": "2012-10-17",
                    "Statement": [
                        {
                            "Sid": "TlsOnly",
                            "Effect": "Deny",
                            "Principal": "*",
                            "Action": "s3:*",
                            "Resource": [f"arn:aws:s3:::{bucket}", f"arn:aws:s3:::{bucket}/*"],
                            "Condition": {"Bool": {"aws:SecureTransport": "false"}},
                        }
                    ],
                }
            ),
        )
    made["bucket"] = "arn:aws:s3:::leadping-tenant-data"

    iam = boto3.client("iam", region_name=region)
    boundary = iam.create_policy(
        PolicyName="leadping-boundary",
        PolicyDocument=json.dumps(
            {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}]}
        ),
    )["Policy"]["Arn"]
    data_policy = iam.create_policy(
        PolicyName="leadping-api-data",
        PolicyDocument=json.dumps(
            {
                "Version": "2012-10-17",
                "Statement": [
                    {
                        "Effect": "Allow",
                        "Action": ["dynamodb:GetItem", "dynamodb:Query"],
                        "Resource": f"arn:aws:dynamodb:{region}:{ACCOUNT_ID}:table/leads",
                        "Condition": {
                            "ForAllValues:StringEquals": {"dynamodb:LeadingKeys": ["${aws:PrincipalTag/business_id}"]}
                        },
                    },
                    {"Effect": "Allow", "Action": "iam:PassRole", "Resource": f"arn:aws:iam::{ACCOUNT_ID}:role/api"},
                ],
            }
        ),
    )["Policy"]["Arn"]
    for role, workload in (("api", "api"), ("break-glass", "break-glass"), ("ci-deploy", "ci-deploy")):
        iam.create_role(
            RoleName=role,
            AssumeRolePolicyDocument=TRUST_LAMBDA,
            PermissionsBoundary=boundary,
            MaxSessionDuration=3600,
            Tags=[{"Key": WORKLOAD, "Value": workload}],
        )
        iam.attach_role_policy(RoleName=role, PolicyArn=data_policy)
        iam.put_role_policy(
            RoleName=role,
            PolicyName="inline",
            PolicyDocument=json.dumps(
                {
                    "Version": "2012-10-17",
                    "Statement": [{"Effect": "Allow", "Action": "sqs:SendMessage", "Resource": "*"}],
                }
            ),
        )
    iam.create_open_id_connect_provider(
        Url="https://token.actions.githubusercontent.com", ClientIDList=["sts.amazonaws.com"], ThumbprintList=["a" * 40]
    )
    iam.create_user(UserName="legacy-human")
    iam.create_login_profile(UserName="legacy-human", Password="Fixture-Password-1!")  # test fixture, not a secret
    iam.create_access_key(UserName="legacy-human")
    iam.put_user_policy(
        UserName="legacy-human",
        PolicyName="inline",
        PolicyDocument=json.dumps(
            {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:ListBucket", "Resource": "*"}]}
        ),
    )
    role_arn = f"arn:aws:iam::{ACCOUNT_ID}:role/api"
    made["role"] = role_arn

    dynamodb = boto3.client("dynamodb", region_name=region)
    dynamodb.create_table(
        TableName="leads",
        KeySchema=[
            {"AttributeName": "business_id", "KeyType": "HASH"},
            {"AttributeName": "lead_id", "KeyType": "RANGE"},
        ],
        AttributeDefinitions=[
            {"AttributeName": "business_id", "AttributeType": "S"},
            {"AttributeName": "lead_id", "AttributeType": "S"},
        ],
        BillingMode="PAY_PER_REQUEST",
        SSESpecification={"Enabled": True, "SSEType": "KMS", "KMSMasterKeyId": key_arn},
        DeletionProtectionEnabled=True,
        Tags=[{"Key": TENANT_DATA, "Value": TRUE}, {"Key": DATA_STORE, "Value": TRUE}],
    )
    dynamodb.update_continuous_backups(
        TableName="leads", PointInTimeRecoverySpecification={"PointInTimeRecoveryEnabled": True}
    )

    rds = boto3.client("rds", region_name=region)
    rds.create_db_parameter_group(
        DBParameterGroupName="leadping-pg", DBParameterGroupFamily="postgres16", Description="tls"
    )
    rds.modify_db_parameter_group(
        DBParameterGroupName="leadping-pg",
        Parameters=[{"ParameterName": "rds.force_ssl", "ParameterValue": "1", "ApplyMethod": "immediate"}],
    )
    rds.create_db_instance(
        DBInstanceIdentifier="leadping-db",
        DBInstanceClass="db.t3.micro",
        Engine="postgres",
        MasterUsername="leadping",
        MasterUserPassword="fixture-password",  # test fixture, not a secret
        AllocatedStorage=20,
        StorageEncrypted=True,
        KmsKeyId=key_arn,
        DBParameterGroupName="leadping-pg",
        BackupRetentionPeriod=14,
        DeletionProtection=True,
        Tags=[{"Key": DATA_STORE, "Value": TRUE}],
    )
    rds.create_db_cluster_parameter_group(
        DBClusterParameterGroupName="leadping-cpg", DBParameterGroupFamily="aurora-postgresql16", Description="tls"
    )
    rds.create_db_cluster(
        DBClusterIdentifier="leadping-cluster",
        Engine="aurora-postgresql",
        MasterUsername="leadping",
        MasterUserPassword="fixture-password",  # test fixture, not a secret
        StorageEncrypted=True,
        KmsKeyId=key_arn,
        DBClusterParameterGroupName="leadping-cpg",
        BackupRetentionPeriod=14,
        DeletionProtection=True,
        Tags=[{"Key": DATA_STORE, "Value": TRUE}],
    )

    ec2 = boto3.client("ec2", region_name=region)
    vpc = ec2.describe_vpcs()["Vpcs"][0]["VpcId"]
    subnets = [s["SubnetId"] for s in ec2.describe_subnets(Filters=[{"Name": "vpc-id", "Values": [vpc]}])["Subnets"]]
    group = ec2.create_security_group(GroupName="alb", Description="alb", VpcId=vpc)["GroupId"]
    ec2.authorize_security_group_ingress(
        GroupId=group,
        IpPermissions=[{"IpProtocol": "tcp", "FromPort": 443, "ToPort": 443, "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}],
    )
    ec2.enable_ebs_encryption_by_default()
    logs = boto3.client("logs", region_name=region)
    logs.create_log_group(logGroupName="/leadping/flow-logs", kmsKeyId=key_arn)
    logs.put_retention_policy(logGroupName="/leadping/flow-logs", retentionInDays=365)
    ec2.create_flow_logs(
        ResourceIds=[vpc],
        ResourceType="VPC",
        TrafficType="ALL",
        LogDestinationType="s3",
        LogDestination="arn:aws:s3:::leadping-log-archive",
    )
    logs.create_log_group(logGroupName="/leadping/cloudtrail", kmsKeyId=key_arn)
    logs.put_metric_filter(
        logGroupName="/leadping/cloudtrail",
        filterName="root-use",
        filterPattern='{ $.userIdentity.type = "Root" }',
        metricTransformations=[{"metricName": "RootUse", "metricNamespace": "Leadping", "metricValue": "1"}],
    )

    sns = boto3.client("sns", region_name=region)
    topic = sns.create_topic(Name="security-alarms", Attributes={"KmsMasterKeyId": key_arn})["TopicArn"]
    sns.subscribe(TopicArn=topic, Protocol="email", Endpoint="security@example.com")
    boto3.client("cloudwatch", region_name=region).put_metric_alarm(
        AlarmName="root-use",
        MetricName="RootUse",
        Namespace="Leadping",
        Statistic="Sum",
        Period=300,
        EvaluationPeriods=1,
        Threshold=1,
        ComparisonOperator="GreaterThanOrEqualToThreshold",
        AlarmActions=[topic],
    )
    boto3.client("sqs", region_name=region).create_queue(
        QueueName="leadping-jobs", Attributes={"KmsMasterKeyId": key_arn}
    )

    cloudtrail = boto3.client("cloudtrail", region_name=region)
    cloudtrail.create_trail(
        Name="leadping-trail",
        S3BucketName="leadping-log-archive",
        IsMultiRegionTrail=True,
        EnableLogFileValidation=True,
        KmsKeyId=key_arn,
        CloudWatchLogsLogGroupArn=f"arn:aws:logs:{region}:{ACCOUNT_ID}:log-group:/leadping/cloudtrail:*",
        CloudWatchLogsRoleArn=role_arn,
    )
    cloudtrail.start_logging(Name="leadping-trail")
    cloudtrail.put_event_selectors(
        TrailName="leadping-trail",
        EventSelectors=[
            {
                "ReadWriteType": "All",
                "IncludeManagementEvents": True,
                "DataResources": [{"Type": "AWS::S3::Object", "Values": ["arn:aws:s3:::leadping-tenant-data/"]}],
            }
        ],
    )

    acm = boto3.client("acm", region_name=region)
    certificate = acm.request_certificate(DomainName="api.leadping.example")["CertificateArn"]
    elbv2 = boto3.client("elbv2", region_name=region)
    balancer = elbv2.create_load_balancer(Name="leadping-alb", Subnets=subnets[:2], SecurityGroups=[group])[
        "LoadBalancers"
    ][0]["LoadBalancerArn"]
    target_group = elbv2.create_target_group(Name="api", Protocol="HTTPS", Port=443, VpcId=vpc)["TargetGroups"][0][
        "TargetGroupArn"
    ]
    elbv2.create_listener(
        LoadBalancerArn=balancer,
        Protocol="HTTPS",
        Port=443,
        SslPolicy="ELBSecurityPolicy-TLS13-1-2-2021-06",
        Certificates=[{"CertificateArn": certificate}],
        DefaultActions=[{"Type": "forward", "TargetGroupArn": target_group}],
    )
    elbv2.create_listener(
        LoadBalancerArn=balancer,
        Protocol="HTTP",
        Port=80,
        DefaultActions=[
            {"Type": "redirect", "RedirectConfig": {"Protocol": "HTTPS", "Port": "443", "StatusCode": "HTTP_301"}}
        ],
    )
    made["load_balancer"] = balancer

    apigw2 = boto3.client("apigatewayv2", region_name=region)
    api = apigw2.create_api(Name="leadping-api", ProtocolType="HTTP")["ApiId"]
    authorizer = apigw2.create_authorizer(
        ApiId=api,
        AuthorizerType="JWT",
        IdentitySource=["$request.header.Authorization"],
        Name="jwt",
        JwtConfiguration={"Audience": ["leadping"], "Issuer": "https://issuer.example"},
    )["AuthorizerId"]
    apigw2.create_route(ApiId=api, RouteKey="GET /leads", AuthorizationType="JWT", AuthorizerId=authorizer)
    apigw2.create_route(ApiId=api, RouteKey="GET /health")
    apigw2.create_stage(
        ApiId=api,
        StageName="$default",
        AccessLogSettings={
            "DestinationArn": f"arn:aws:logs:{region}:{ACCOUNT_ID}:log-group:/leadping/api",
            "Format": "$context.requestId",
        },
    )
    apigw2.create_domain_name(
        DomainName="api.leadping.example",
        DomainNameConfigurations=[
            {"CertificateArn": certificate, "SecurityPolicy": "TLS_1_2", "EndpointType": "REGIONAL"}
        ],
    )
    apigw = boto3.client("apigateway", region_name=region)
    rest = apigw.create_rest_api(name="leadping-rest")["id"]
    root = apigw.get_resources(restApiId=rest)["items"][0]["id"]
    resource = apigw.create_resource(restApiId=rest, parentId=root, pathPart="leads")["id"]
    apigw.put_method(restApiId=rest, resourceId=resource, httpMethod="GET", authorizationType="AWS_IAM")
    apigw.put_integration(restApiId=rest, resourceId=resource, httpMethod="GET", type="MOCK")
    deployment = apigw.create_deployment(restApiId=rest)["id"]
    apigw.create_stage(restApiId=rest, stageName="prod", deploymentId=deployment)
    apigw.create_domain_name(
        domainName="rest.leadping.example", regionalCertificateArn=certificate, securityPolicy="TLS_1_2"
    )

    boto3.client("firehose", region_name=region).create_delivery_stream(
        DeliveryStreamName="leadping-app-logs",
        DeliveryStreamEncryptionConfigurationInput={"KeyType": "CUSTOMER_MANAGED_CMK", "KeyARN": key_arn},
        ExtendedS3DestinationConfiguration={
            "RoleARN": role_arn,
            "BucketARN": "arn:aws:s3:::leadping-log-archive",
            "Prefix": "app/",
            "EncryptionConfiguration": {"KMSEncryptionConfig": {"AWSKMSKeyARN": key_arn}},
        },
    )
    boto3.client("guardduty", region_name=region).create_detector(Enable=True)
    securityhub = boto3.client("securityhub", region_name=region)
    securityhub.enable_security_hub(EnableDefaultStandards=True)

    backup = boto3.client("backup", region_name=region)
    backup.create_backup_vault(BackupVaultName="leadping-vault", EncryptionKeyArn=key_arn)
    backup.put_backup_vault_lock_configuration(BackupVaultName="leadping-vault", MinRetentionDays=7)
    backup.create_backup_plan(
        BackupPlan={
            "BackupPlanName": "leadping",
            "Rules": [
                {
                    "RuleName": "daily",
                    "TargetBackupVaultName": "leadping-vault",
                    "ScheduleExpression": "cron(0 5 * * ? *)",
                    "Lifecycle": {"DeleteAfterDays": 35},
                }
            ],
        }
    )
    # moto 5.2 implements no backup selections (create_backup_selection): the plan is all it holds.
    secrets = boto3.client("secretsmanager", region_name=region)
    secret = secrets.create_secret(
        Name="leadping/twilio",
        SecretString="fixture-secret-value",
        KmsKeyId=key_arn,
        Tags=[{"Key": SYSTEM, "Value": "twilio"}],
    )["ARN"]
    secrets.put_resource_policy(
        SecretId=secret,
        ResourcePolicy=json.dumps(
            {
                "Version": "2012-10-17",
                "Statement": [
                    {
                        "Effect": "Allow",
                        "Principal": {"AWS": role_arn},
                        "Action": "secretsmanager:GetSecretValue",
                        "Resource": "*",
                    }
                ],
            }
        ),
    )
    boto3.client("ssm", region_name=region).put_parameter(Name="/leadping/feature-flags", Value="on", Type="String")
    boto3.client("lambda", region_name=region).create_function(
        FunctionName="leadping-api",
        Runtime="python3.12",
        Role=role_arn,
        Handler="handler.handler",
        Code={"ZipFile": _zip()},
        Environment={"Variables": {"LOG_LEVEL": "info"}},
    )
    boto3.client("ecs", region_name=region).register_task_definition(
        family="leadping-worker",
        containerDefinitions=[
            {
                "name": "worker",
                "image": "leadping/worker:1",
                "memory": 512,
                "environment": [{"name": "MODE", "value": "jobs"}],
            }
        ],
    )
    events = boto3.client("events", region_name=region)
    connection = events.create_connection(
        Name="crm",
        AuthorizationType="API_KEY",
        AuthParameters={"ApiKeyAuthParameters": {"ApiKeyName": "x-api-key", "ApiKeyValue": "fixture-api-key"}},
    )["ConnectionArn"]
    events.create_api_destination(
        Name="crm-sync", ConnectionArn=connection, InvocationEndpoint="https://hooks.example/crm", HttpMethod="POST"
    )
    wafv2 = boto3.client("wafv2", region_name=region)
    acl = wafv2.create_web_acl(
        Name="leadping",
        Scope="REGIONAL",
        DefaultAction={"Allow": {}},
        Rules=[
            {
                "Name": "rate",
                "Priority": 0,
                "Statement": {"RateBasedStatement": {"Limit": 2000, "AggregateKeyType": "IP"}},
                "Action": {"Block": {}},
                "VisibilityConfig": {
                    "SampledRequestsEnabled": True,
                    "CloudWatchMetricsEnabled": True,
                    "MetricName": "rate",
                },
            }
        ],
        VisibilityConfig={"SampledRequestsEnabled": True, "CloudWatchMetricsEnabled": True, "MetricName": "leadping"},
    )["Summary"]["ARN"]
    wafv2.associate_web_acl(WebACLArn=acl, ResourceArn=balancer)
    return made


def _record(session: boto3.Session) -> list[tuple[str, str, str]]:
    calls: list[tuple[str, str, str]] = []

    def on_call(model, **_):
        calls.append((model.service_model.service_name, model.name, model.http.get("method", "POST")))

    session.events.register("before-call", on_call)
    return calls


@pytest.fixture
def populated(session: boto3.Session) -> dict[str, str]:
    return populate_account()


def test_every_declared_permission_is_read_only():
    for check_id, check in registry.all_checks().items():
        writes = [a for a in check.metadata.permissions if not is_read_only(a)]
        assert not writes, f"{check_id} declares actions that are not read-only: {writes}"
    assert all(is_read_only(a) for a in RUNNER_PERMISSIONS)


def test_every_call_a_check_makes_is_declared_and_read_only(session, populated):
    calls = _record(session)
    undeclared: dict[str, set[str]] = defaultdict(set)
    errors: dict[str, list[str]] = {}
    called: dict[str, set[str]] = {}
    for check_id, check in registry.all_checks().items():
        reader = Reader(session, [REGION])
        reader.account_id  # noqa: B018 - the runner's own read, not the check's
        calls.clear()
        results = execute(check(), CheckContext(reader=reader))
        actions = {iam_action(service, operation, method) for service, operation, method in calls}
        called[check_id] = actions
        declared = declared_actions([check])
        undeclared[check_id] = {a for a in actions if a not in declared or not is_read_only(a)}
        errors[check_id] = [r.message for r in results if r.status is Status.ERROR]
    missing = {check_id: sorted(actions) for check_id, actions in undeclared.items() if actions}
    assert not missing, f"calls not covered by the check's declared read-only permissions: {missing}"
    # The account holds what each check reads: every check read something beyond the account id.
    assert all(called.values()), [check_id for check_id, actions in called.items() if not actions]


def test_the_action_map_knows_the_renamed_operations():
    assert iam_action("s3", "ListBuckets") == "s3:ListAllMyBuckets"
    assert iam_action("s3", "GetBucketEncryption") == "s3:GetEncryptionConfiguration"
    assert iam_action("s3", "GetBucketLocation") == "s3:GetBucketLocation"
    assert iam_action("s3", "GetPublicAccessBlock") == "s3:GetBucketPublicAccessBlock"
    assert iam_action("s3", "GetBucketLifecycleConfiguration") == "s3:GetLifecycleConfiguration"
    assert iam_action("s3", "GetObjectLockConfiguration") == "s3:GetBucketObjectLockConfiguration"
    assert iam_action("s3", "GetBucketTagging") == "s3:GetBucketTagging"
    assert iam_action("elbv2", "DescribeListeners") == "elasticloadbalancing:DescribeListeners"
    assert iam_action("apigatewayv2", "GetRoutes", "GET") == "apigateway:GET"
    assert iam_action("apigateway", "GetRestApis", "GET") == "apigateway:GET"
    assert iam_action("logs", "DescribeLogGroups") == "logs:DescribeLogGroups"
    assert iam_action("kms", "DescribeKey") == "kms:DescribeKey"


def test_read_only_means_a_reading_verb_and_no_data_read():
    assert is_read_only("s3:GetEncryptionConfiguration")
    assert is_read_only("ec2:DescribeFlowLogs")
    assert is_read_only("iam:GenerateCredentialReport")
    assert is_read_only("apigateway:GET")
    assert not is_read_only("s3:PutBucketPolicy")
    assert not is_read_only("apigateway:POST")
    assert not is_read_only("secretsmanager:GetSecretValue")
    assert not is_read_only("iam:Getaway")
