"""disable-access-key: scenarios.

Given an active key, a dry run prints the plan and changes nothing; --apply makes it Inactive
and nothing else; a second --apply is a logged no-op. --user-name disables every key of the
user. An unknown key or user, a temporary (ASIA) key, or the caller's own key is refused with
exit 2 and nothing changed.
"""

from __future__ import annotations

import boto3
import pytest

from tests.runbooks.conftest import CALLER_ARN, RunCli, iam_state


@pytest.fixture
def alice(session: boto3.Session) -> list[str]:
    iam = session.client("iam")
    iam.create_user(UserName="alice")
    iam.create_user(UserName="bob")
    iam.create_access_key(UserName="bob")
    return [iam.create_access_key(UserName="alice")["AccessKey"]["AccessKeyId"] for _ in range(2)]


def status(session: boto3.Session, user: str) -> dict[str, str]:
    keys = session.client("iam").list_access_keys(UserName=user)["AccessKeyMetadata"]
    return {k["AccessKeyId"]: k["Status"] for k in keys}


def test_dry_run_changes_nothing(run: RunCli, session: boto3.Session, alice: list[str]) -> None:
    before = iam_state(session)
    result = run("disable-access-key", "--access-key-id", alice[0])
    assert result.code == 0
    assert "DRY RUN" in result.out
    assert f"set access key {alice[0]} of user alice to Inactive" in result.out
    assert iam_state(session) == before
    assert result.records == []


def test_apply_disables_exactly_that_key(run: RunCli, session: boto3.Session, alice: list[str]) -> None:
    before = iam_state(session)
    result = run("disable-access-key", "--access-key-id", alice[0], "--apply")
    assert result.code == 0, result.err
    after = iam_state(session)
    assert after["user/alice"]["keys"] == {alice[0]: "Inactive", alice[1]: "Active"}
    before["user/alice"]["keys"][alice[0]] = "Inactive"
    assert after == before  # nothing else moved
    (record,) = result.records
    assert record["result"] == "applied"
    assert record["who"]["caller_arn"] == CALLER_ARN
    assert record["who"]["os_user"]
    assert record["what"] == {
        "action": "disable-access-key",
        "arguments": {"access_key_id": [alice[0]], "user_name": None},
    }
    assert record["when"].endswith("Z")
    assert record["before"]["keys"][0]["status"] == "Active"
    assert record["after"]["keys"] == [{"access_key_id": alice[0], "user_name": "alice", "status": "Inactive"}]


def test_second_apply_is_a_logged_noop(run: RunCli, session: boto3.Session, alice: list[str]) -> None:
    assert run("disable-access-key", "--access-key-id", alice[0], "--apply").code == 0
    between = iam_state(session)
    again = run("disable-access-key", "--access-key-id", alice[0], "--apply")
    assert again.code == 0
    assert "NOTHING TO DO: every key is already Inactive" in again.out
    assert iam_state(session) == between
    assert [r["result"] for r in again.records] == ["no-op"]
    assert again.records[0]["changes"] == []


def test_user_name_disables_every_key_of_the_user(run: RunCli, session: boto3.Session, alice: list[str]) -> None:
    result = run("disable-access-key", "--user-name", "alice", "--apply")
    assert result.code == 0, result.err
    assert status(session, "alice") == dict.fromkeys(alice, "Inactive")
    assert set(status(session, "bob").values()) == {"Active"}


def test_user_without_keys_is_a_noop(run: RunCli, session: boto3.Session) -> None:
    session.client("iam").create_user(UserName="carol")
    result = run("disable-access-key", "--user-name", "carol", "--apply")
    assert result.code == 0
    assert "carol has no access keys" in result.out
    assert result.records[0]["result"] == "no-op"


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--access-key-id", "AKIAIOSFODNN7EXAMPL0"], "there is no access key AKIAIOSFODNN7EXAMPL0"),
        (["--user-name", "mallory"], "there is no IAM user 'mallory'"),
    ],
)
def test_unknown_key_or_user_is_refused(
    run: RunCli, session: boto3.Session, alice: list[str], argv: list[str], message: str
) -> None:
    before = iam_state(session)
    result = run("disable-access-key", *argv, "--apply")
    assert result.code == 2
    assert message in result.err
    assert "Nothing was changed." in result.err
    assert "Traceback" not in result.err
    assert iam_state(session) == before
    assert result.records == []


def test_one_unknown_key_among_several_changes_nothing(run: RunCli, session: boto3.Session, alice: list[str]) -> None:
    before = iam_state(session)
    result = run(
        "disable-access-key", "--access-key-id", alice[0], "--access-key-id", "AKIAIOSFODNN7EXAMPL0", "--apply"
    )
    assert result.code == 2
    assert iam_state(session) == before


def test_temporary_key_is_refused_with_the_right_tool(run: RunCli) -> None:
    result = run("disable-access-key", "--access-key-id", "ASIAIOSFODNN7EXAMPLE", "--apply")
    assert result.code == 2
    assert "revoke-role-sessions" in result.err  # the usage error goes to the stream the CLI was given


def test_own_key_is_refused(run: RunCli, session: boto3.Session, alice: list[str]) -> None:
    iam = session.client("iam")
    iam.create_user(UserName="oncall")
    key = iam.create_access_key(UserName="oncall")["AccessKey"]

    def as_oncall(profile: str | None, region: str | None) -> boto3.Session:
        return boto3.Session(
            aws_access_key_id=key["AccessKeyId"], aws_secret_access_key=key["SecretAccessKey"], region_name=region
        )

    before = iam_state(session)
    result = run(
        "disable-access-key", "--user-name", "oncall", "--apply", "--region", "us-east-1", session_factory=as_oncall
    )
    assert result.code == 2
    assert "the one you are using right now" in result.err
    assert iam_state(session) == before
