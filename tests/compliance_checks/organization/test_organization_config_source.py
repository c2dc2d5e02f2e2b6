"""``audit --organization --source config``: each member's S3 reads answered by that member's AWS Config
recorder (or by an organization aggregator in the management account, ``--config-aggregator``), with
the verdicts of ``--source api``, and the report's ``metadata.source`` counting over every account."""

from __future__ import annotations

import json
from pathlib import Path

import boto3
import pytest
from moto import mock_aws

from compliance_checks import cli
from sandbox.moto_compat import fixes
from tests.compliance_checks.organization.conftest import REGION, ROLE, Organization, build_organization, member_session
from tests.compliance_checks.sources.test_config import record

CHECK = "s3_bucket_default_encryption_kms"


def _world() -> Organization:
    world = build_organization(3, plant=False)
    for index, account in enumerate(world.members):
        session = member_session(account)
        s3 = session.client("s3", region_name=REGION)
        s3.create_bucket(Bucket=f"plain-{account}")  # not encrypted with a customer key: FAIL
        if index == 0:
            key = session.client("kms", region_name=REGION).create_key()["KeyMetadata"]["Arn"]
            s3.create_bucket(Bucket=f"kms-{account}")
            s3.put_bucket_encryption(
                Bucket=f"kms-{account}",
                ServerSideEncryptionConfiguration={
                    "Rules": [
                        {
                            "ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "aws:kms", "KMSMasterKeyID": key},
                            "BucketKeyEnabled": True,
                        }
                    ]
                },
            )
        record(REGION, session, account)
    return world


def _audit(output: Path, *extra: str) -> dict:
    options = ["--member-role", ROLE, "--region", REGION, "--checks", CHECK, "--format", "json"]
    code = cli.main(["audit", "--organization", *options, "--output-dir", str(output), "--quiet", *extra])
    document = json.loads((output / "audit.json").read_text())
    document["exit"] = code
    return document


def _verdicts(document: dict) -> dict[tuple[str, str], str]:
    return {(f["account_id"], f["resource_id"]): f["status"] for f in document["findings"]}


@pytest.fixture
def organization(monkeypatch: pytest.MonkeyPatch):
    with mock_aws(), fixes():
        monkeypatch.setenv("AWS_REGION", REGION)
        yield _world()


def test_given_members_that_record_config_then_their_buckets_are_judged_from_config_as_through_the_api(
    organization: Organization, tmp_path: Path
) -> None:
    through_api = _audit(tmp_path / "api")
    through_config = _audit(tmp_path / "config", "--source", "config")
    assert _verdicts(through_config) == _verdicts(through_api)
    member_buckets = {(a, f"arn:aws:s3:::plain-{a}") for a in organization.members}
    assert member_buckets <= {k for k, status in _verdicts(through_config).items() if status == "FAIL"}
    assert through_config["exit"] == through_api["exit"] == 1
    source = through_config["metadata"]["source"]
    # Every member bucket's encryption came from its own account's recorder (the management account
    # records nothing: its reads, if any, stay errors or live reads, never a silent pass).
    assert source["answered_from_config"]["s3:get_bucket_encryption"] >= len(member_buckets) + 1
    assert "source" not in through_api["metadata"]


def test_given_a_member_that_does_not_record_then_its_buckets_are_error_and_the_others_judged(
    organization: Organization, tmp_path: Path
) -> None:
    silent = organization.members[1]
    member_session(silent).client("config", region_name=REGION).stop_configuration_recorder(
        ConfigurationRecorderName="default"
    )
    document = _audit(tmp_path / "config", "--source", "config")
    statuses = _verdicts(document)
    assert statuses[(silent, f"arn:aws:s3:::plain-{silent}")] == "ERROR"
    others = [a for a in organization.members if a != silent]
    assert all(statuses[(a, f"arn:aws:s3:::plain-{a}")] == "FAIL" for a in others)


def test_given_an_aggregator_in_the_management_account_then_every_members_items_come_through_it(
    organization: Organization, tmp_path: Path
) -> None:
    boto3.client("config", region_name=REGION).put_configuration_aggregator(
        ConfigurationAggregatorName="organization",
        AccountAggregationSources=[{"AccountIds": organization.accounts, "AwsRegions": [REGION]}],
    )
    through_api = _audit(tmp_path / "api")
    through_aggregator = _audit(tmp_path / "aggregator", "--source", "config", "--config-aggregator", "organization")
    assert _verdicts(through_aggregator) == _verdicts(through_api)
    source = through_aggregator["metadata"]["source"]
    assert source["aggregator"] == "organization"
    assert source["recording_checked"] is False
    assert source["answered_from_config"]["s3:get_bucket_encryption"] >= len(organization.members) + 1
