"""restrict-kms-key: scenarios.

Given a customer key, a dry run changes nothing; --apply adds one Deny statement for the named
principals (crypto operations only, matched on aws:PrincipalArn) and leaves every other
statement as it was; a second --apply is a logged no-op; adding another principal extends the
list; --release takes principals off and removes the statement when the list is empty. An
unknown key, an unknown principal, an AWS managed key or the caller itself is refused (exit 2).
"""

from __future__ import annotations

import json

import boto3
import pytest

from runbooks.actions.restrict_kms_key import DENIED_ACTIONS, SID
from tests.runbooks.conftest import ACCOUNT_ID, CALLER_ARN, RunCli, kms_state

API = f"arn:aws:iam::{ACCOUNT_ID}:role/api"
WORKERS = f"arn:aws:iam::{ACCOUNT_ID}:role/service/workers"


@pytest.fixture
def key(session: boto3.Session) -> str:
    iam = session.client("iam")
    iam.create_role(RoleName="api", AssumeRolePolicyDocument="{}")
    iam.create_role(RoleName="workers", Path="/service/", AssumeRolePolicyDocument="{}")
    kms = session.client("kms")
    key_id = kms.create_key(Description="leads")["KeyMetadata"]["KeyId"]
    kms.create_alias(AliasName="alias/leadping-leads", TargetKeyId=key_id)
    kms.create_key(Description="other")
    return key_id


def statements(session: boto3.Session, key_id: str) -> list[dict]:
    return kms_state(session)[key_id]["Statement"]


def test_dry_run_changes_nothing(run: RunCli, session: boto3.Session, key: str) -> None:
    before = kms_state(session)
    result = run("restrict-kms-key", "--key-id", "alias/leadping-leads", "--principal", API)
    assert result.code == 0
    assert f"key policy: deny {API}" in result.out
    assert kms_state(session) == before
    assert result.records == []


def test_apply_adds_one_deny_statement_and_keeps_the_rest(run: RunCli, session: boto3.Session, key: str) -> None:
    before = kms_state(session)
    result = run("restrict-kms-key", "--key-id", "alias/leadping-leads", "--principal", API, "--apply")
    assert result.code == 0, result.err
    after = kms_state(session)
    added = [s for s in after[key]["Statement"] if s.get("Sid") == SID]
    assert added == [
        {
            "Sid": SID,
            "Effect": "Deny",
            "Principal": {"AWS": "*"},
            "Action": DENIED_ACTIONS,
            "Resource": "*",
            "Condition": {"ArnLike": {"aws:PrincipalArn": [API]}},
        }
    ]
    assert not any(a.startswith(("kms:Put", "kms:Schedule", "kms:Disable")) for a in added[0]["Action"])
    after[key]["Statement"] = [s for s in after[key]["Statement"] if s.get("Sid") != SID]
    assert after == before
    assert result.records[0]["after"]["denied_principals"] == [API]


def test_second_apply_is_noop_and_more_principals_extend(run: RunCli, session: boto3.Session, key: str) -> None:
    assert run("restrict-kms-key", "--key-id", key, "--principal", API, "--apply").code == 0
    between = kms_state(session)
    again = run("restrict-kms-key", "--key-id", key, "--principal", API, "--apply")
    assert again.code == 0
    assert again.records[0]["result"] == "no-op"
    assert kms_state(session) == between
    # a session ARN is resolved to its role's full ARN (with the path the session ARN omits)
    session_arn = f"arn:aws:sts::{ACCOUNT_ID}:assumed-role/workers/job-7"
    assert run("restrict-kms-key", "--key-id", key, "--principal", session_arn, "--apply").code == 0
    (statement,) = [s for s in statements(session, key) if s.get("Sid") == SID]
    assert statement["Condition"]["ArnLike"]["aws:PrincipalArn"] == sorted([API, WORKERS])


def test_release_removes_principals_then_the_statement(run: RunCli, session: boto3.Session, key: str) -> None:
    original = kms_state(session)
    assert run("restrict-kms-key", "--key-id", key, "--principal", API, "--principal", WORKERS, "--apply").code == 0
    assert run("restrict-kms-key", "--key-id", key, "--principal", API, "--release", "--apply").code == 0
    (statement,) = [s for s in statements(session, key) if s.get("Sid") == SID]
    assert statement["Condition"]["ArnLike"]["aws:PrincipalArn"] == [WORKERS]
    assert run("restrict-kms-key", "--key-id", key, "--principal", WORKERS, "--release", "--apply").code == 0
    assert kms_state(session) == original
    noop = run("restrict-kms-key", "--key-id", key, "--principal", WORKERS, "--release", "--apply")
    assert noop.records[0]["result"] == "no-op"


def test_edit_between_plan_and_apply_is_kept(run: RunCli, session: boto3.Session, key: str, monkeypatch) -> None:
    # Another engineer edits the policy while the plan is on screen: apply re-reads and keeps that edit.
    from runbooks.actions import restrict_kms_key

    original_apply = restrict_kms_key.RestrictKmsKey.apply
    kms = session.client("kms")

    def edit_then_apply(self, plan):
        policy = json.loads(kms.get_key_policy(KeyId=key, PolicyName="default")["Policy"])
        policy["Statement"].append(
            {
                "Sid": "AddedMeanwhile",
                "Effect": "Deny",
                "Principal": {"AWS": "*"},
                "Action": "kms:ScheduleKeyDeletion",
                "Resource": "*",
            }
        )
        kms.put_key_policy(KeyId=key, PolicyName="default", Policy=json.dumps(policy))
        return original_apply(self, plan)

    monkeypatch.setattr(restrict_kms_key.RestrictKmsKey, "apply", edit_then_apply)
    assert run("restrict-kms-key", "--key-id", key, "--principal", API, "--apply").code == 0
    assert {s.get("Sid") for s in statements(session, key)} >= {"AddedMeanwhile", SID}


@pytest.mark.parametrize(
    ("key_id", "principal", "message"),
    [
        ("alias/nope", API, "there is no KMS key 'alias/nope'"),
        ("1234abcd-12ab-34cd-56ef-1234567890ab", API, "there is no KMS key"),
        ("alias/leadping-leads", f"arn:aws:iam::{ACCOUNT_ID}:role/ghost", "there is no IAM role ghost"),
        ("alias/leadping-leads", "api", "is not an IAM user or role ARN"),
    ],
)
def test_bad_input_is_refused(
    run: RunCli, session: boto3.Session, key: str, key_id: str, principal: str, message: str
) -> None:
    before = kms_state(session)
    result = run("restrict-kms-key", "--key-id", key_id, "--principal", principal, "--apply")
    assert result.code == 2
    assert message in result.err
    assert "Nothing was changed." in result.err
    assert kms_state(session) == before
    assert result.records == []


def test_other_account_principal_is_denied_as_given(run: RunCli, session: boto3.Session, key: str) -> None:
    partner = "arn:aws:iam::210987654321:role/partner-export"
    result = run("restrict-kms-key", "--key-id", key, "--principal", partner, "--apply")
    assert result.code == 0, result.err
    assert result.records[0]["after"]["denied_principals"] == [partner]


def test_denying_yourself_is_refused(run: RunCli, session: boto3.Session, key: str) -> None:
    session.client("iam").create_user(UserName="oncall")
    access = session.client("iam").create_access_key(UserName="oncall")["AccessKey"]

    def as_oncall(profile: str | None, region: str | None) -> boto3.Session:
        return boto3.Session(
            aws_access_key_id=access["AccessKeyId"],
            aws_secret_access_key=access["SecretAccessKey"],
            region_name="us-east-1",
        )

    result = run(
        "restrict-kms-key",
        "--key-id",
        key,
        "--principal",
        f"arn:aws:iam::{ACCOUNT_ID}:user/oncall",
        "--apply",
        session_factory=as_oncall,
    )
    assert result.code == 2
    assert "is you" in result.err
    assert CALLER_ARN not in result.err
