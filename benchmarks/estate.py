"""An account of many resources of every kind the checks read, planted in a moto server for the
request benchmarks: ``Estate(endpoint).add(n)`` adds n more of each kind (named by a running count,
so it can be called again). Half of them are configured as Leadping's controls ask and half not, so
that the checks read what they read for a PASS and for a FAIL alike."""

from __future__ import annotations

import io
import json
import zipfile
from collections.abc import Callable
from typing import Any

import boto3

from benchmarks.audit_requests import REGION

ACCOUNT = "123456789012"  # moto's default account


def _zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("index.py", "def handler(event, context):\n    return {}\n")
    return buffer.getvalue()


class Estate:
    def __init__(self, endpoint: str) -> None:
        self.endpoint = endpoint
        self.count = 0
        self._clients: dict[str, Any] = {}
        self._shared: dict[str, str] = {}

    def client(self, service: str) -> Any:
        if service not in self._clients:
            self._clients[service] = boto3.client(service, region_name=REGION, endpoint_url=self.endpoint)
        return self._clients[service]

    def add(self, n: int) -> None:
        if not self._shared:
            self._setup()
        for _ in range(n):
            i, self.count = self.count, self.count + 1
            for plant in self.KINDS:
                plant(self, i, i % 2 == 0)

    # -- what every resource shares ----------------------------------------------------------

    def _setup(self) -> None:
        kms = self.client("kms")
        key = kms.create_key(Description="estate shared")["KeyMetadata"]
        kms.enable_key_rotation(KeyId=key["KeyId"])
        self._shared["key"] = key["Arn"]
        trust = {
            "Version": "2012-10-17",
            "Statement": [
                {"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}
            ],
        }
        role = self.client("iam").create_role(RoleName="estate-exec", AssumeRolePolicyDocument=json.dumps(trust))
        self._shared["role"] = role["Role"]["Arn"]
        self.client("s3").create_bucket(Bucket="estate-archive")
        ec2 = self.client("ec2")
        vpc = ec2.create_vpc(CidrBlock="10.9.0.0/16")["Vpc"]["VpcId"]
        self._shared["vpc"] = vpc
        subnets = [
            ec2.create_subnet(VpcId=vpc, CidrBlock=f"10.9.{k}.0/24", AvailabilityZone=f"{REGION}{zone}")["Subnet"]
            for k, zone in enumerate("ab")
        ]
        self._shared["subnets"] = ",".join(s["SubnetId"] for s in subnets)

    # -- one resource of each kind -------------------------------------------------------------

    def _bucket(self, i: int, good: bool) -> None:
        s3, name = self.client("s3"), f"estate-bucket-{i:05d}"
        s3.create_bucket(Bucket=name)
        s3.put_bucket_tagging(Bucket=name, Tagging={"TagSet": [{"Key": "leadping:tenant-data", "Value": "true"}]})
        if good:
            rule = {
                "ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "aws:kms", "KMSMasterKeyID": self._shared["key"]}
            }
            s3.put_bucket_encryption(Bucket=name, ServerSideEncryptionConfiguration={"Rules": [rule]})
            s3.put_bucket_versioning(Bucket=name, VersioningConfiguration={"Status": "Enabled"})

    def _key(self, i: int, good: bool) -> None:
        key = self.client("kms").create_key(Description=f"estate {i}")["KeyMetadata"]["KeyId"]
        if good:
            self.client("kms").enable_key_rotation(KeyId=key)

    def _log_group(self, i: int, good: bool) -> None:
        name = f"/estate/{i:05d}"
        self.client("logs").create_log_group(logGroupName=name, **({"kmsKeyId": self._shared["key"]} if good else {}))
        self.client("logs").put_retention_policy(logGroupName=name, retentionInDays=400 if good else 7)

    def _table(self, i: int, good: bool) -> None:
        self.client("dynamodb").create_table(
            TableName=f"estate-{i:05d}",
            AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
            KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
            BillingMode="PAY_PER_REQUEST",
            DeletionProtectionEnabled=good,
            **(
                {"SSESpecification": {"Enabled": True, "SSEType": "KMS", "KMSMasterKeyId": self._shared["key"]}}
                if good
                else {}
            ),
        )

    def _topic(self, i: int, good: bool) -> None:
        attributes = {"KmsMasterKeyId": self._shared["key"]} if good else {}
        self.client("sns").create_topic(Name=f"estate-{i:05d}", Attributes=attributes)

    def _queue(self, i: int, good: bool) -> None:
        attributes = {"KmsMasterKeyId": self._shared["key"]} if good else {}
        self.client("sqs").create_queue(QueueName=f"estate-{i:05d}", Attributes=attributes)

    def _secret(self, i: int, good: bool) -> None:
        self.client("secretsmanager").create_secret(
            Name=f"estate/{i:05d}", SecretString="estate-value", **({"KmsKeyId": self._shared["key"]} if good else {})
        )

    def _parameter(self, i: int, good: bool) -> None:
        self.client("ssm").put_parameter(Name=f"/estate/{i:05d}", Value="blue", Type="String")

    def _iam(self, i: int, good: bool) -> None:
        iam = self.client("iam")
        trust = {
            "Version": "2012-10-17",
            "Statement": [
                {"Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT}:root"}, "Action": "sts:AssumeRole"}
            ],
        }
        iam.create_role(RoleName=f"estate-role-{i:05d}", AssumeRolePolicyDocument=json.dumps(trust))
        action = "s3:GetObject" if good else "*"
        document = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": action, "Resource": "*"}]}
        iam.create_policy(PolicyName=f"estate-policy-{i:05d}", PolicyDocument=json.dumps(document))
        iam.create_user(UserName=f"estate-user-{i:05d}")

    def _security_group(self, i: int, good: bool) -> None:
        ec2 = self.client("ec2")
        group = ec2.create_security_group(GroupName=f"estate-{i:05d}", Description="estate", VpcId=self._shared["vpc"])
        cidr = "10.0.0.0/8" if good else "0.0.0.0/0"
        ec2.authorize_security_group_ingress(
            GroupId=group["GroupId"],
            IpPermissions=[{"IpProtocol": "tcp", "FromPort": 22, "ToPort": 22, "IpRanges": [{"CidrIp": cidr}]}],
        )

    def _function(self, i: int, good: bool) -> None:
        self.client("lambda").create_function(
            FunctionName=f"estate-{i:05d}",
            Runtime="python3.12",
            Role=self._shared["role"],
            Handler="index.handler",
            Code={"ZipFile": _zip()},
            Environment={"Variables": {"STAGE": "bench"}},
        )

    def _database(self, i: int, good: bool) -> None:
        self.client("rds").create_db_instance(
            DBInstanceIdentifier=f"estate-{i:05d}",
            DBInstanceClass="db.t4g.micro",
            Engine="postgres",
            AllocatedStorage=20,
            MasterUsername="estate",
            ManageMasterUserPassword=True,
            StorageEncrypted=good,
            DeletionProtection=good,
            BackupRetentionPeriod=14 if good else 1,
        )

    def _trail(self, i: int, good: bool) -> None:
        name = f"estate-{i:05d}"
        self.client("cloudtrail").create_trail(Name=name, S3BucketName="estate-archive", EnableLogFileValidation=good)

    def _task_definition(self, i: int, good: bool) -> None:
        self.client("ecs").register_task_definition(
            family=f"estate-{i:05d}",
            containerDefinitions=[
                {"name": "app", "image": "app:1", "memory": 128, "environment": [{"name": "STAGE", "value": "bench"}]}
            ],
        )

    def _alarm(self, i: int, good: bool) -> None:
        self.client("cloudwatch").put_metric_alarm(
            AlarmName=f"estate-{i:05d}",
            MetricName="Errors",
            Namespace="AWS/Lambda",
            Statistic="Sum",
            Period=300,
            EvaluationPeriods=1,
            Threshold=1,
            ComparisonOperator="GreaterThanOrEqualToThreshold",
        )

    def _vault(self, i: int, good: bool) -> None:
        self.client("backup").create_backup_vault(
            BackupVaultName=f"estate-{i:05d}", **({"EncryptionKeyArn": self._shared["key"]} if good else {})
        )

    def _load_balancer(self, i: int, good: bool) -> None:
        elbv2 = self.client("elbv2")
        balancer = elbv2.create_load_balancer(Name=f"estate-{i:05d}", Subnets=self._shared["subnets"].split(","))
        arn = balancer["LoadBalancers"][0]["LoadBalancerArn"]
        redirect = {
            "Type": "redirect",
            "RedirectConfig": {"Protocol": "HTTPS", "Port": "443", "StatusCode": "HTTP_301"},
        }
        fixed = {"Type": "fixed-response", "FixedResponseConfig": {"StatusCode": "404"}}
        elbv2.create_listener(
            LoadBalancerArn=arn, Protocol="HTTP", Port=80, DefaultActions=[redirect if good else fixed]
        )

    def _rest_api(self, i: int, good: bool) -> None:
        apigateway = self.client("apigateway")
        api = apigateway.create_rest_api(name=f"estate-{i:05d}")["id"]
        root = apigateway.get_resources(restApiId=api)["items"][0]["id"]
        apigateway.put_method(restApiId=api, resourceId=root, httpMethod="GET", authorizationType="NONE")
        apigateway.put_integration(restApiId=api, resourceId=root, httpMethod="GET", type="MOCK")
        apigateway.create_deployment(restApiId=api, stageName="prod")

    def _api_destination(self, i: int, good: bool) -> None:
        events = self.client("events")
        connection = events.create_connection(
            Name=f"estate-{i:05d}",
            AuthorizationType="API_KEY",
            AuthParameters={"ApiKeyAuthParameters": {"ApiKeyName": "x-estate", "ApiKeyValue": "estate-value"}},
        )["ConnectionArn"]
        scheme = "https" if good else "http"
        events.create_api_destination(
            Name=f"estate-{i:05d}",
            ConnectionArn=connection,
            InvocationEndpoint=f"{scheme}://hooks.example.com/{i}",
            HttpMethod="POST",
        )

    KINDS: tuple[Callable[[Estate, int, bool], None], ...] = (
        _bucket,
        _key,
        _log_group,
        _table,
        _topic,
        _queue,
        _secret,
        _parameter,
        _iam,
        _security_group,
        _function,
        _database,
        _trail,
        _task_definition,
        _alarm,
        _vault,
        _load_balancer,
        _rest_api,
        _api_destination,
    )
