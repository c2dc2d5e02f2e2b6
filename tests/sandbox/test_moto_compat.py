"""The sandbox's moto layer does what the AWS API reference documents, including its errors.

Each test runs in an in-process moto account with the fixes applied (``sandbox.moto_compat.fixes``);
the served sandbox dispatches to the same response classes (tests/sandbox/test_cli.py audits it).
"""

from __future__ import annotations

from collections.abc import Iterator

import boto3
import botocore.exceptions
import pytest
from moto import mock_aws

from sandbox.api import isolated_environment
from sandbox.moto_compat import fixes

REGION, OTHER = "us-east-1", "us-west-2"
ACCOUNT = "123456789012"
FSBP = f"arn:aws:securityhub:{REGION}::standards/aws-foundational-security-best-practices/v/1.0.0"
CIS = "arn:aws:securityhub:::ruleset/cis-aws-foundations-benchmark/v/1.2.0"


@pytest.fixture(autouse=True)
def account() -> Iterator[None]:
    with isolated_environment(REGION), mock_aws(), fixes():
        yield


def client(service: str, region: str = REGION):
    return boto3.client(service, region_name=region)


def error_code(call) -> str:
    with pytest.raises(botocore.exceptions.ClientError) as raised:
        call()
    return raised.value.response["Error"]["Code"]


# -- EC2: the default EBS key, per region -------------------------------------------------------


def test_the_default_ebs_key_is_the_aws_managed_one_until_set_then_per_region():
    home, other = client("ec2"), client("ec2", OTHER)
    assert home.get_ebs_default_kms_key_id()["KmsKeyId"] == f"arn:aws:kms:{REGION}:{ACCOUNT}:alias/aws/ebs"
    key = client("kms").create_key()["KeyMetadata"]["Arn"]
    home.modify_ebs_default_kms_key_id(KmsKeyId=key)
    assert home.get_ebs_default_kms_key_id()["KmsKeyId"] == key
    assert other.get_ebs_default_kms_key_id()["KmsKeyId"] == f"arn:aws:kms:{OTHER}:{ACCOUNT}:alias/aws/ebs"
    assert home.reset_ebs_default_kms_key_id()["KmsKeyId"].endswith(":alias/aws/ebs")
    assert home.get_ebs_default_kms_key_id()["KmsKeyId"].endswith(":alias/aws/ebs")


def test_an_encrypted_volume_without_a_key_leaves_the_default_on_the_aws_managed_key():
    ec2 = client("ec2")
    volume = ec2.create_volume(Size=1, AvailabilityZone=f"{REGION}a", Encrypted=True)
    assert client("kms").describe_key(KeyId=volume["KmsKeyId"])["KeyMetadata"]["KeyManager"] == "AWS"
    assert ec2.get_ebs_default_kms_key_id()["KmsKeyId"].endswith(":alias/aws/ebs")


# -- S3: ListBuckets answers the region and pages in name order --------------------------------------


def _buckets_in_two_regions() -> None:
    for name in ("b-3", "b-1", "b-2"):
        client("s3").create_bucket(Bucket=name)
    client("s3", OTHER).create_bucket(Bucket="a-west", CreateBucketConfiguration={"LocationConstraint": OTHER})


def test_list_buckets_answers_each_region_only_when_the_request_has_a_parameter():
    _buckets_in_two_regions()
    assert all("BucketRegion" not in b for b in client("s3").list_buckets()["Buckets"])
    regions = {b["Name"]: b["BucketRegion"] for b in client("s3").list_buckets(MaxBuckets=10)["Buckets"]}
    assert regions == {"a-west": OTHER, "b-1": REGION, "b-2": REGION, "b-3": REGION}
    in_other = client("s3").list_buckets(BucketRegion=OTHER)["Buckets"]
    assert [(b["Name"], b["BucketRegion"]) for b in in_other] == [("a-west", OTHER)]


def test_list_buckets_pages_in_name_order_with_a_continuation_token_until_the_last_page():
    _buckets_in_two_regions()
    first = client("s3").list_buckets(MaxBuckets=3)
    assert [b["Name"] for b in first["Buckets"]] == ["a-west", "b-1", "b-2"]
    last = client("s3").list_buckets(MaxBuckets=3, ContinuationToken=first["ContinuationToken"])
    assert [b["Name"] for b in last["Buckets"]] == ["b-3"]
    assert "ContinuationToken" not in last
    pages = client("s3").get_paginator("list_buckets").paginate(PaginationConfig={"PageSize": 2})
    assert [[b["Name"] for b in page["Buckets"]] for page in pages] == [["a-west", "b-1"], ["b-2", "b-3"]]


def test_list_buckets_refuses_more_than_ten_thousand_per_page():
    assert error_code(lambda: client("s3").list_buckets(MaxBuckets=10_001)) == "InvalidArgument"


# -- Backup: selections and the Region's opt-in ---------------------------------------------------


def _plan() -> str:
    rule = {"RuleName": "daily", "TargetBackupVaultName": "vault"}
    return client("backup").create_backup_plan(BackupPlan={"BackupPlanName": "plan", "Rules": [rule]})["BackupPlanId"]


SELECTION = {
    "SelectionName": "data-stores",
    "IamRoleArn": f"arn:aws:iam::{ACCOUNT}:role/backup",
    "ListOfTags": [{"ConditionType": "STRINGEQUALS", "ConditionKey": "leadping:data-store", "ConditionValue": "true"}],
}


def test_a_backup_selection_is_created_listed_read_and_deleted():
    backup, plan = client("backup"), _plan()
    created = backup.create_backup_selection(BackupPlanId=plan, BackupSelection=SELECTION)
    (listed,) = backup.list_backup_selections(BackupPlanId=plan)["BackupSelectionsList"]
    assert (listed["SelectionId"], listed["SelectionName"]) == (created["SelectionId"], "data-stores")
    stored = backup.get_backup_selection(BackupPlanId=plan, SelectionId=created["SelectionId"])
    assert stored["BackupSelection"] == SELECTION
    backup.delete_backup_selection(BackupPlanId=plan, SelectionId=created["SelectionId"])
    assert backup.list_backup_selections(BackupPlanId=plan)["BackupSelectionsList"] == []


def test_backup_selection_errors_are_the_documented_ones():
    backup, plan = client("backup"), _plan()
    backup.create_backup_selection(BackupPlanId=plan, BackupSelection=SELECTION)
    assert error_code(lambda: backup.create_backup_selection(BackupPlanId=plan, BackupSelection=SELECTION)) == (
        "AlreadyExistsException"
    )
    assert error_code(lambda: backup.list_backup_selections(BackupPlanId="no-such-plan")) == "ResourceNotFoundException"
    assert error_code(lambda: backup.get_backup_selection(BackupPlanId=plan, SelectionId="nope")) == (
        "ResourceNotFoundException"
    )
    nameless = {**SELECTION, "SelectionName": "not a valid name!"}
    assert error_code(lambda: backup.create_backup_selection(BackupPlanId=plan, BackupSelection=nameless)) == (
        "InvalidParameterValueException"
    )


def test_using_backup_in_a_region_opts_it_in_to_every_type_and_updates_change_only_what_they_name():
    backup = client("backup")
    assert not any(backup.describe_region_settings()["ResourceTypeOptInPreference"].values())
    _plan()
    settings = backup.describe_region_settings()
    assert all(settings["ResourceTypeOptInPreference"].values())
    assert settings["ResourceTypeManagementPreference"]["DynamoDB"] is False
    backup.update_region_settings(ResourceTypeOptInPreference={"S3": False})
    after = backup.describe_region_settings()["ResourceTypeOptInPreference"]
    assert after["S3"] is False
    assert after["RDS"] is True
    assert not any(client("backup", OTHER).describe_region_settings()["ResourceTypeOptInPreference"].values())
    assert error_code(lambda: backup.update_region_settings(ResourceTypeOptInPreference={"Nope": True})) == (
        "InvalidParameterValueException"
    )


# -- Security Hub: standards -------------------------------------------------------------------


def test_security_hub_enables_the_default_standards_unless_told_not_to():
    client("securityhub").enable_security_hub()
    enabled = client("securityhub").get_enabled_standards()["StandardsSubscriptions"]
    assert {s["StandardsArn"] for s in enabled} == {FSBP, CIS}
    assert {s["StandardsStatus"] for s in enabled} == {"READY"}
    other = client("securityhub", OTHER)
    other.enable_security_hub(EnableDefaultStandards=False)
    assert other.get_enabled_standards()["StandardsSubscriptions"] == []


def test_a_standard_is_enabled_pending_then_ready_and_disabled():
    hub = client("securityhub")
    hub.enable_security_hub(EnableDefaultStandards=False)
    (answered,) = hub.batch_enable_standards(StandardsSubscriptionRequests=[{"StandardsArn": FSBP}])[
        "StandardsSubscriptions"
    ]
    assert answered["StandardsStatus"] == "PENDING"
    assert answered["StandardsSubscriptionArn"] == (
        f"arn:aws:securityhub:{REGION}:{ACCOUNT}:subscription/aws-foundational-security-best-practices/v/1.0.0"
    )
    (stored,) = hub.get_enabled_standards()["StandardsSubscriptions"]
    assert stored["StandardsStatus"] == "READY"
    assert FSBP in {s["StandardsArn"] for s in hub.describe_standards()["Standards"]}
    hub.batch_disable_standards(StandardsSubscriptionArns=[answered["StandardsSubscriptionArn"]])
    assert hub.get_enabled_standards()["StandardsSubscriptions"] == []


def test_security_hub_standard_errors_are_the_documented_ones():
    hub = client("securityhub")
    assert error_code(lambda: hub.get_enabled_standards()) == "InvalidAccessException"  # not enabled
    hub.enable_security_hub(EnableDefaultStandards=False)
    unknown = [{"StandardsArn": "arn:aws:securityhub:us-east-1::standards/made-up/v/1.0.0"}]
    assert error_code(lambda: hub.batch_enable_standards(StandardsSubscriptionRequests=unknown)) == (
        "InvalidInputException"
    )
    hub.update_security_hub_configuration(AutoEnableControls=False)
    assert hub.describe_hub()["AutoEnableControls"] is False


# -- RDS: the rotation of the master-user secret it manages -----------------------------------


def test_rds_turns_on_the_rotation_of_the_master_user_secret_it_manages():
    client("rds").create_db_instance(
        DBInstanceIdentifier="db",
        Engine="postgres",
        DBInstanceClass="db.t4g.micro",
        MasterUsername="leadping",
        ManageMasterUserPassword=True,
        AllocatedStorage=20,
    )
    (secret,) = client("secretsmanager").list_secrets()["SecretList"]
    assert secret["OwningService"] == "rds"
    assert secret["RotationEnabled"] is True
    assert secret["RotationRules"] == {"AutomaticallyAfterDays": 7}
    assert "RotationLambdaARN" not in secret  # managed rotation: no function
    assert "LastRotatedDate" not in secret  # not rotated yet


# -- SNS: subscriptions a recipient confirms ----------------------------------------------------


def test_an_email_subscription_stays_pending_until_its_recipient_confirms_with_the_token():
    from moto.sns.models import sns_backends

    from sandbox.moto_compat.sns import confirmation_token

    sns = client("sns")
    topic = sns.create_topic(Name="alarms")["TopicArn"]
    assert sns.subscribe(TopicArn=topic, Protocol="email", Endpoint="security@example.com")["SubscriptionArn"] == (
        "pending confirmation"
    )
    (listed,) = sns.list_subscriptions_by_topic(TopicArn=topic)["Subscriptions"]
    assert listed["SubscriptionArn"] == "PendingConfirmation"
    (subscription,) = sns_backends[ACCOUNT][REGION].subscriptions.values()
    attributes = sns.get_subscription_attributes(SubscriptionArn=subscription.arn)["Attributes"]
    assert attributes["PendingConfirmation"] == "true"
    token = confirmation_token(subscription)  # what AWS e-mails the recipient
    refused = error_code(lambda: sns.confirm_subscription(TopicArn=topic, Token=token[::-1]))
    assert refused == "InvalidParameter"  # a token AWS did not send
    assert sns.confirm_subscription(TopicArn=topic, Token=token)["SubscriptionArn"] == subscription.arn
    (listed,) = sns.list_subscriptions_by_topic(TopicArn=topic)["Subscriptions"]
    assert listed["SubscriptionArn"] == subscription.arn


def test_a_queue_subscription_needs_no_confirmation():
    sns, sqs = client("sns"), client("sqs")
    topic = sns.create_topic(Name="events")["TopicArn"]
    queue = sqs.get_queue_attributes(
        QueueUrl=sqs.create_queue(QueueName="events")["QueueUrl"], AttributeNames=["QueueArn"]
    )["Attributes"]["QueueArn"]
    arn = sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=queue)["SubscriptionArn"]
    assert arn.startswith("arn:aws:sns:")
    (listed,) = sns.list_subscriptions_by_topic(TopicArn=topic)["Subscriptions"]
    assert listed["SubscriptionArn"] == arn


# -- API Gateway (REST): private integrations and regional domains -------------------------------


def test_a_private_integration_keeps_its_vpc_link_and_target():
    apigateway = client("apigateway")
    api = apigateway.create_rest_api(name="api")
    resource = apigateway.create_resource(restApiId=api["id"], parentId=api["rootResourceId"], pathPart="leads")
    apigateway.put_method(restApiId=api["id"], resourceId=resource["id"], httpMethod="GET", authorizationType="NONE")
    target = f"arn:aws:elasticloadbalancing:{REGION}:{ACCOUNT}:loadbalancer/app/alb/1"
    apigateway.put_integration(
        restApiId=api["id"],
        resourceId=resource["id"],
        httpMethod="GET",
        type="HTTP_PROXY",
        integrationHttpMethod="GET",
        uri="https://api.example.com:443/leads",
        connectionType="VPC_LINK",
        connectionId="link1",
        integrationTarget=target,
    )
    stored = apigateway.get_integration(restApiId=api["id"], resourceId=resource["id"], httpMethod="GET")
    assert (stored["connectionId"], stored["integrationTarget"]) == ("link1", target)


@pytest.mark.parametrize(("region", "zone"), [(REGION, "Z1UJRXOUMOOFQ8"), (OTHER, "Z2OJLYMUO9EFXC")])
def test_a_regional_domain_names_its_regions_api_gateway_zone(region, zone):
    created = client("apigateway", region).create_domain_name(
        domainName="api.example.com",
        regionalCertificateArn=f"arn:aws:acm:{region}:{ACCOUNT}:certificate/c",
        endpointConfiguration={"types": ["REGIONAL"]},
        securityPolicy="TLS_1_2",
    )
    assert created["regionalHostedZoneId"] == zone
    assert created["regionalDomainName"].endswith(f".execute-api.{region}.amazonaws.com")


def test_the_served_moto_lists_its_service_modules_once_with_the_same_answer(monkeypatch):
    import os

    from moto import backends

    listed = tuple(backends.list_of_moto_modules())  # the fix's list: same as moto's own
    folder = os.path.dirname(backends.moto.__file__)
    assert listed == tuple(
        name
        for name in sorted(os.listdir(folder))
        if os.path.isdir(os.path.join(folder, name)) and not name.startswith("__")
    )
    assert {"s3", "iam", "kms"} <= set(listed)
    calls = []
    real_listdir = os.listdir
    monkeypatch.setattr(os, "listdir", lambda path: calls.append(path) or real_listdir(path))
    assert tuple(backends.list_of_moto_modules()) == listed
    assert calls == []  # not listed again per request
