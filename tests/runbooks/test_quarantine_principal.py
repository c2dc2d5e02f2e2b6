"""quarantine-principal: scenarios.

Given a role or user, a dry run changes nothing; --apply adds the deny-all inline policy and the
quarantine tag and nothing else; a second --apply is a logged no-op; --release removes exactly
those two and a second --release is a no-op. A principal given by ARN or by an assumed-role
session ARN is found. An unknown principal, another account, a service-linked role, or the
caller itself is refused with exit 2 and nothing changed.
"""

from __future__ import annotations

import json

import boto3
import pytest

from runbooks.actions.quarantine_principal import POLICY_NAME, QUARANTINE_POLICY, TAG
from tests.runbooks.conftest import ACCOUNT_ID, RunCli, iam_state

TRUST = json.dumps(
    {
        "Version": "2012-10-17",
        "Statement": [
            {"Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT_ID}:root"}, "Action": "sts:AssumeRole"}
        ],
    }
)


@pytest.fixture
def principals(session: boto3.Session) -> None:
    iam = session.client("iam")
    iam.create_role(
        RoleName="ingestion", AssumeRolePolicyDocument=TRUST, Tags=[{"Key": "leadping:workload", "Value": "ingestion"}]
    )
    iam.create_role(RoleName="api", AssumeRolePolicyDocument=TRUST)
    iam.create_user(UserName="contractor")
    iam.put_user_policy(
        UserName="contractor",
        PolicyName="read",
        PolicyDocument=json.dumps(
            {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}]}
        ),
    )


def test_dry_run_changes_nothing(run: RunCli, session: boto3.Session, principals: None) -> None:
    before = iam_state(session)
    result = run("quarantine-principal", "--role-name", "ingestion")
    assert result.code == 0
    assert f"put inline policy {POLICY_NAME} on role ingestion" in result.out
    assert iam_state(session) == before
    assert result.records == []


def test_apply_quarantines_exactly_that_role(run: RunCli, session: boto3.Session, principals: None) -> None:
    before = iam_state(session)
    result = run("quarantine-principal", "--role-name", "ingestion", "--apply")
    assert result.code == 0, result.err
    after = iam_state(session)
    role = after["role/ingestion"]
    assert role["inline"] == {POLICY_NAME: QUARANTINE_POLICY}
    tags = {t["Key"]: t["Value"] for t in role["tags"]}
    assert tags["leadping:workload"] == "ingestion"
    assert tags[TAG].endswith("Z")
    role["inline"] = {}
    role["tags"] = [t for t in role["tags"] if t["Key"] != TAG]
    assert after == before
    assert result.records[0]["result"] == "applied"
    assert result.records[0]["after"]["quarantine_policy"] == QUARANTINE_POLICY


def test_second_apply_is_noop_and_release_undoes_exactly(run: RunCli, session: boto3.Session, principals: None) -> None:
    original = iam_state(session)
    assert run("quarantine-principal", "--role-name", "ingestion", "--apply").code == 0
    quarantined = iam_state(session)
    again = run("quarantine-principal", "--role-name", "ingestion", "--apply")
    assert again.code == 0
    assert "NOTHING TO DO: it is already quarantined" in again.out
    assert again.records[0]["result"] == "no-op"
    assert iam_state(session) == quarantined
    dry_release = run("quarantine-principal", "--role-name", "ingestion", "--release")
    assert dry_release.code == 0
    assert iam_state(session) == quarantined
    released = run("quarantine-principal", "--role-name", "ingestion", "--release", "--apply")
    assert released.code == 0
    assert iam_state(session) == original
    assert (
        run("quarantine-principal", "--role-name", "ingestion", "--release", "--apply").records[0]["result"] == "no-op"
    )


def test_user_by_arn_keeps_its_own_policies(run: RunCli, session: boto3.Session, principals: None) -> None:
    arn = f"arn:aws:iam::{ACCOUNT_ID}:user/contractor"
    result = run("quarantine-principal", "--principal", arn, "--apply")
    assert result.code == 0, result.err
    assert "disable-access-key --user-name" in result.out
    inline = iam_state(session)["user/contractor"]["inline"]
    assert set(inline) == {"read", POLICY_NAME}


def test_session_arn_quarantines_its_role(run: RunCli, session: boto3.Session, principals: None) -> None:
    result = run("quarantine-principal", "--principal", f"arn:aws:sts::{ACCOUNT_ID}:assumed-role/api/task-1", "--apply")
    assert result.code == 0, result.err
    assert POLICY_NAME in iam_state(session)["role/api"]["inline"]


def test_tampered_quarantine_policy_is_restored(run: RunCli, session: boto3.Session, principals: None) -> None:
    # Someone replaced the quarantine policy with a harmless one: the next apply restores it.
    session.client("iam").put_role_policy(
        RoleName="api",
        PolicyName=POLICY_NAME,
        PolicyDocument=json.dumps(
            {"Version": "2012-10-17", "Statement": [{"Effect": "Deny", "Action": "s3:DeleteBucket", "Resource": "*"}]}
        ),
    )
    result = run("quarantine-principal", "--role-name", "api", "--apply")
    assert result.code == 0
    assert f"replace inline policy {POLICY_NAME}" in result.out
    assert iam_state(session)["role/api"]["inline"][POLICY_NAME] == QUARANTINE_POLICY


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--role-name", "ghost"], "there is no IAM role ghost"),
        (["--user-name", "ghost"], "there is no IAM user ghost"),
        (["--principal", "arn:aws:iam::999999999999:role/api"], "is in account 999999999999"),
        (["--principal", "arn:aws:s3:::bucket"], "is not an IAM user or role ARN"),
    ],
)
def test_bad_input_is_refused(
    run: RunCli, session: boto3.Session, principals: None, argv: list[str], message: str
) -> None:
    before = iam_state(session)
    result = run("quarantine-principal", *argv, "--apply")
    assert result.code == 2
    assert message in result.err
    assert "Nothing was changed." in result.err
    assert iam_state(session) == before
    assert result.records == []


def test_self_quarantine_is_refused(run: RunCli, session: boto3.Session, principals: None) -> None:
    credentials = session.client("sts").assume_role(
        RoleArn=f"arn:aws:iam::{ACCOUNT_ID}:role/api", RoleSessionName="me"
    )["Credentials"]

    def as_api(profile: str | None, region: str | None) -> boto3.Session:
        return boto3.Session(
            aws_access_key_id=credentials["AccessKeyId"],
            aws_secret_access_key=credentials["SecretAccessKey"],
            aws_session_token=credentials["SessionToken"],
            region_name="us-east-1",
        )

    before = iam_state(session)
    result = run("quarantine-principal", "--role-name", "api", "--apply", session_factory=as_api)
    assert result.code == 2
    assert "lock you out" in result.err
    assert iam_state(session) == before
