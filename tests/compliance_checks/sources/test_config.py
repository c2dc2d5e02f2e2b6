"""``--source config``: AWS Config's recorded items answer the S3 bucket reads, in bulk, with the
verdicts the per-bucket API reads give; what Config does not hold is read live, and a Config that
cannot be read is ERROR, never "not configured".

Each test runs in an in-process moto account with the sandbox's fixes (which record a bucket's
encryption and versioning in its Config item, as AWS Config does).
"""

from __future__ import annotations

import json
from collections.abc import Iterator

import boto3
import pytest
from botocore.awsrequest import AWSResponse
from moto import mock_aws

from compliance_checks import cli
from compliance_checks.core import Status
from compliance_checks.iam_actions import is_read_only
from compliance_checks.reader import Reader
from compliance_checks.sources import LIVE
from compliance_checks.sources.config import PERMISSIONS, TRANSLATIONS, ConfigSource
from sandbox.api import isolated_environment
from sandbox.moto_compat import fixes
from tests.compliance_checks.conftest import ACCOUNT_ID, REGION, deny_operation, run_check

S3_CHECKS = (
    "s3_bucket_default_encryption_kms",
    "s3_bucket_policy_tls_only",
    "s3_bucket_public_access_blocked",
    "s3_bucket_versioning_enabled",
)


@pytest.fixture
def account() -> Iterator[None]:
    with isolated_environment(REGION), mock_aws(), fixes():
        yield


def record(region: str = REGION, session: boto3.Session | None = None, account: str = ACCOUNT_ID) -> None:
    """Turns on AWS Config's recorder in ``region`` (of ``session``'s account), as an account that
    records all resources."""
    config = (session or boto3.Session()).client("config", region_name=region)
    config.put_configuration_recorder(
        ConfigurationRecorder={
            "name": "default",
            "roleARN": f"arn:aws:iam::{account}:role/config-recorder",
            "recordingGroup": {"allSupported": True, "includeGlobalResourceTypes": True},
        }
    )
    config.put_delivery_channel(DeliveryChannel={"name": "default", "s3BucketName": "config-delivery"})
    config.start_configuration_recorder(ConfigurationRecorderName="default")


def tls_only(name: str) -> str:
    statement = {
        "Sid": "TlsOnly",
        "Effect": "Deny",
        "Principal": "*",
        "Action": "s3:*",
        "Resource": [f"arn:aws:s3:::{name}", f"arn:aws:s3:::{name}/*"],
        "Condition": {"Bool": {"aws:SecureTransport": "false"}},
    }
    return json.dumps({"Version": "2012-10-17", "Statement": [statement]})


def buckets() -> None:
    """A compliant bucket, one encrypted with S3's own key and no policy, one with nothing set."""
    s3 = boto3.client("s3", region_name=REGION)
    key = boto3.client("kms", region_name=REGION).create_key()["KeyMetadata"]["Arn"]
    for name in ("config-delivery", "good-data", "aes-data", "bare-data"):
        s3.create_bucket(Bucket=name)
    s3.put_bucket_encryption(
        Bucket="good-data",
        ServerSideEncryptionConfiguration={
            "Rules": [
                {
                    "ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "aws:kms", "KMSMasterKeyID": key},
                    "BucketKeyEnabled": True,
                }
            ]
        },
    )
    s3.put_bucket_policy(Bucket="good-data", Policy=tls_only("good-data"))
    flags = dict.fromkeys(("BlockPublicAcls", "IgnorePublicAcls", "BlockPublicPolicy", "RestrictPublicBuckets"), True)
    s3.put_public_access_block(Bucket="good-data", PublicAccessBlockConfiguration=flags)
    s3.put_bucket_versioning(Bucket="good-data", VersioningConfiguration={"Status": "Enabled"})
    for name in ("good-data", "aes-data"):
        s3.put_bucket_tagging(Bucket=name, Tagging={"TagSet": [{"Key": "leadping:data-store", "Value": "true"}]})
    s3.put_bucket_encryption(
        Bucket="aes-data",
        ServerSideEncryptionConfiguration={
            "Rules": [{"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"}}]
        },
    )


def verdicts(reader: Reader) -> dict[tuple[str, str], tuple[Status, str]]:
    found = {}
    for check_id in S3_CHECKS:
        for result in run_check(check_id, reader):
            found[(check_id, result.resource_id)] = (result.status, result.message)
    return found


def api_reader() -> Reader:
    return Reader(boto3.Session(region_name=REGION), [REGION])


def config_reader(aggregator: str | None = None) -> Reader:
    return Reader(boto3.Session(region_name=REGION), [REGION], source=ConfigSource(aggregator))


# -- the same verdicts, from far fewer requests ----------------------------------------------------


def test_given_config_records_the_buckets_then_the_s3_checks_give_the_api_verdicts(account):
    buckets()
    record()
    through_api, through_config = api_reader(), config_reader()
    expected = verdicts(through_api)
    assert {status for status, _ in expected.values()} == {Status.PASS, Status.FAIL}
    assert verdicts(through_config) == expected
    # Config answered every bucket's encryption, policy, public access block and versioning ...
    for operation in ("get_bucket_encryption", "get_bucket_policy", "get_public_access_block", "get_bucket_versioning"):
        assert through_api.requests[("s3", operation)] >= 2  # the versioning check reads only tagged buckets
        assert through_config.requests[("s3", operation)] == 0, operation
    # ... in one request for the region, and said so.
    assert through_config.requests[("config", "batch_get_resource_config")] == 1
    described = through_config.source.describe()
    assert described["answered_from_config"]["s3:get_bucket_encryption"] == 4
    assert described["recording_checked"] is True


def test_given_a_bucket_without_tags_in_its_item_then_its_tags_are_read_live_and_said(account):
    buckets()
    record()
    reader = config_reader()
    run_check("s3_bucket_versioning_enabled", reader)
    described = reader.source.describe()
    assert described["answered_from_config"]["s3:get_bucket_tagging"] == 2  # the two tagged buckets
    assert described["read_live"]["s3:get_bucket_tagging"] == 2  # config-delivery and bare-data
    assert reader.requests[("s3", "get_bucket_tagging")] == 2


def test_given_more_than_a_hundred_buckets_then_config_is_asked_a_hundred_at_a_time(account):
    s3 = boto3.client("s3", region_name=REGION)
    for i in range(150):
        s3.create_bucket(Bucket=f"many-{i:03d}")
    record()
    reader = config_reader()
    results = run_check("s3_bucket_default_encryption_kms", reader)
    assert len(results) == 150
    assert {r.status for r in results} == {Status.FAIL}
    assert reader.requests[("config", "batch_get_resource_config")] == 2
    assert reader.requests[("s3", "get_bucket_encryption")] == 0


def test_given_a_bucket_config_has_not_recorded_then_it_is_read_live_with_the_same_verdict(account):
    buckets()
    record()
    reader = config_reader()

    def without_aes_data(params: dict, model, **_: object):
        # Config answers every key but aes-data's, as for a bucket created since it last recorded.
        answer = boto3.client("config", region_name=REGION).batch_get_resource_config(
            resourceKeys=[k for k in json.loads(params["body"])["resourceKeys"] if k["resourceId"] != "aes-data"]
        )
        return AWSResponse("https://config.amazonaws.com/", 200, {}, None), answer

    reader.client("config", REGION).meta.events.register("before-call.config.BatchGetResourceConfig", without_aes_data)
    expected = {k: v for k, v in verdicts(api_reader()).items() if k[0] == "s3_bucket_default_encryption_kms"}
    results = run_check("s3_bucket_default_encryption_kms", reader)
    found = {("s3_bucket_default_encryption_kms", r.resource_id): (r.status, r.message) for r in results}
    assert found == expected
    assert reader.requests[("s3", "get_bucket_encryption")] == 1
    assert reader.source.describe()["read_live"]["s3:get_bucket_encryption"] == 1


def test_given_an_organization_aggregator_then_the_items_come_through_it(account):
    buckets()
    boto3.client("config", region_name=REGION).put_configuration_aggregator(
        ConfigurationAggregatorName="organization",
        AccountAggregationSources=[{"AccountIds": [ACCOUNT_ID], "AwsRegions": [REGION]}],
    )
    through_aggregator = config_reader("organization")
    assert verdicts(through_aggregator) == verdicts(api_reader())
    assert through_aggregator.requests[("config", "batch_get_aggregate_resource_config")] == 1
    assert through_aggregator.requests[("s3", "get_bucket_encryption")] == 0
    assert through_aggregator.source.describe()["recording_checked"] is False


# -- fail closed -----------------------------------------------------------------------------------


def test_given_config_is_not_recording_then_every_bucket_read_from_it_is_error(account):
    buckets()
    results = run_check("s3_bucket_default_encryption_kms", config_reader())
    assert results
    assert {r.status for r in results} == {Status.ERROR}
    assert all("AWS Config is not recording" in r.message for r in results)


def test_given_batch_get_resource_config_is_denied_then_the_reads_that_needed_it_are_error(account):
    buckets()
    record()
    reader = config_reader()
    deny_operation(reader, "config", "BatchGetResourceConfig")
    results = run_check("s3_bucket_policy_tls_only", reader)
    assert {r.status for r in results} == {Status.ERROR}
    assert all("BatchGetResourceConfig" in r.message or "config:" in r.message for r in results)


def test_given_an_unknown_aggregator_then_the_reads_are_error(account):
    buckets()
    results = run_check("s3_bucket_default_encryption_kms", config_reader("no-such-aggregator"))
    assert {r.status for r in results} == {Status.ERROR}


# -- the translation from Config's item to the API's answer ----------------------------------------


def _twice(value: object) -> str:
    return json.dumps(json.dumps(value))


@pytest.mark.parametrize(
    ("operation", "supplementary", "answer"),
    [
        (
            "get_bucket_encryption",
            {
                "ServerSideEncryptionConfiguration": json.dumps(
                    {
                        "rules": [
                            {
                                "applyServerSideEncryptionByDefault": {
                                    "sseAlgorithm": "aws:kms",
                                    "kmsMasterKeyID": "k",
                                },
                                "bucketKeyEnabled": True,
                            }
                        ]
                    }
                )
            },
            {
                "ServerSideEncryptionConfiguration": {
                    "Rules": [
                        {
                            "ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "aws:kms", "KMSMasterKeyID": "k"},
                            "BucketKeyEnabled": True,
                        }
                    ]
                }
            },
        ),
        ("get_bucket_encryption", {}, None),
        ("get_bucket_policy", {"BucketPolicy": json.dumps({"policyText": "{}"})}, {"Policy": "{}"}),
        ("get_bucket_policy", {"BucketPolicy": json.dumps({"policyText": None})}, None),
        (
            "get_public_access_block",
            {"PublicAccessBlockConfiguration": _twice({"blockPublicAcls": True, "restrictPublicBuckets": False})},
            {
                "PublicAccessBlockConfiguration": {
                    "BlockPublicAcls": True,
                    "IgnorePublicAcls": False,
                    "BlockPublicPolicy": False,
                    "RestrictPublicBuckets": False,
                }
            },
        ),
        ("get_bucket_versioning", {"BucketVersioningConfiguration": json.dumps({"status": "Off"})}, {}),
        (
            "get_bucket_versioning",
            {"BucketVersioningConfiguration": json.dumps({"status": "Suspended", "isMfaDeleteEnabled": False})},
            {"Status": "Suspended", "MFADelete": "Disabled"},
        ),
        ("get_bucket_versioning", {}, LIVE),
        ("get_bucket_logging", {"BucketLoggingConfiguration": json.dumps({"destinationBucketName": None})}, {}),
        (
            "get_bucket_logging",
            {"BucketLoggingConfiguration": json.dumps({"destinationBucketName": "logs", "logFilePrefix": "a/"})},
            {"LoggingEnabled": {"TargetBucket": "logs", "TargetPrefix": "a/"}},
        ),
        (
            "get_bucket_tagging",
            {"BucketTaggingConfiguration": json.dumps({"tagSets": [{"tags": {"team": "data"}}]})},
            {"TagSet": [{"Key": "team", "Value": "data"}]},
        ),
        ("get_bucket_tagging", {}, LIVE),
    ],
)
def test_a_config_item_translates_into_the_s3_apis_answer(operation, supplementary, answer):
    assert TRANSLATIONS[operation](supplementary, {}) == answer


# -- the command line ------------------------------------------------------------------------------


def test_source_config_on_the_command_line_reports_what_config_answered(account, capsys):
    buckets()
    record()
    code = cli.main(
        ["audit", "--quiet", "--source", "config", "--checks", "s3_bucket_default_encryption_kms", "--format", "json"]
    )
    report = json.loads(capsys.readouterr().out)
    assert code == 1  # aes-data, bare-data and config-delivery are not encrypted with a customer key
    source = report["metadata"]["source"]
    assert source["kind"] == "config"
    assert source["answered_from_config"] == {"s3:get_bucket_encryption": 4}


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--config-aggregator", "organization"], "--config-aggregator goes with --source config"),
        (["--source", "config", "--config-aggregator", " "], "--config-aggregator needs the aggregator's name"),
        (["--source", "config", "--sandbox"], "--source config reads AWS Config's recorder"),
        (["--source", "everything"], "invalid choice: 'everything'"),
    ],
)
def test_bad_source_options_exit_2_in_one_line(account, capsys, args, message):
    try:
        code = cli.main(["audit", "--quiet", *args])
    except SystemExit as exited:
        code = int(exited.code)
    err = capsys.readouterr().err
    assert code == 2
    assert message in err
    assert "Traceback" not in err


def test_the_actions_the_config_source_needs_are_read_only():
    assert PERMISSIONS
    assert all(is_read_only(action) for action in PERMISSIONS)
