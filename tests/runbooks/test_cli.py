"""The CLI around the actions: help, exit codes, refusals before any change, failures recorded.

Exit codes: 0 done; 1 AWS refused or the result did not verify; 2 refused before any change;
130 interrupted. A failure while applying is recorded as "failed" with the error; an interruption
as "interrupted"; dry runs are not recorded.
"""

from __future__ import annotations

import io
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import boto3
import pytest
from botocore.awsrequest import AWSResponse

from runbooks import cli
from runbooks.actions import ACTIONS
from tests.runbooks.conftest import REGION, RunCli, iam_state, make_session


def refusing(operation: str, code: str = "AccessDenied") -> Callable[[str | None, str | None], boto3.Session]:
    """A session factory whose sessions get 403 ``code`` for ``operation`` (e.g. "UpdateAccessKey")."""

    def answer(**_: Any) -> tuple[AWSResponse, dict[str, Any]]:
        error = {"Error": {"Code": code, "Message": f"not authorized to perform {operation}"}}
        return AWSResponse("https://iam.amazonaws.com/", 403, {}, None), {
            **error,
            "ResponseMetadata": {"HTTPStatusCode": 403},
        }

    def factory(profile: str | None, region: str | None) -> boto3.Session:
        session = make_session(profile, region)
        session.events.register(f"before-call.*.{operation}", answer)
        return session

    return factory


@pytest.fixture
def alice_key(session: boto3.Session) -> str:
    session.client("iam").create_user(UserName="alice")
    return session.client("iam").create_access_key(UserName="alice")["AccessKey"]["AccessKeyId"]


def test_help_lists_every_action(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["--help"]) == 0
    text = capsys.readouterr().out
    for name in ACTIONS:
        assert name in text


@pytest.mark.parametrize("name", list(ACTIONS))
def test_each_action_has_help_with_its_controls(name: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main([name, "--help"]) == 0
    text = " ".join(capsys.readouterr().out.split())
    assert "--apply" in text
    assert "--audit-log" in text
    assert "--region" in text
    assert "--profile" in text
    assert f"Controls: {', '.join(ACTIONS[name].controls)}" in text


def test_no_action_is_a_usage_error() -> None:
    err = io.StringIO()
    assert cli.main([], stderr=err) == 2
    assert "choose an ACTION (collect-evidence, disable-access-key" in err.getvalue()


def test_print_policy_covers_every_action() -> None:
    out = io.StringIO()
    assert cli.main(["--print-policy"], stdout=out) == 0
    policy = json.loads(out.getvalue())
    granted = {a for statement in policy["Statement"] for a in statement["Action"]}
    for action in ACTIONS.values():
        assert action.permissions
        assert set(action.permissions) <= granted
    assert all(statement["Effect"] == "Allow" for statement in policy["Statement"])
    assert "iam:UpdateAccessKey" in granted
    assert "*" not in granted


def test_undeclared_call_is_caught(run: RunCli, alice_key: str, monkeypatch: pytest.MonkeyPatch) -> None:
    # The harness itself: an action that calls what it does not declare fails the test that runs it.
    from runbooks.actions.disable_access_key import DisableAccessKey

    monkeypatch.setattr(DisableAccessKey, "permissions", ("iam:GetAccessKeyLastUsed",))
    with pytest.raises(AssertionError, match=r"calls .*iam:ListAccessKeys.* without declaring them"):
        run("disable-access-key", "--access-key-id", alice_key)


def test_missing_profile_is_refused(aws: None) -> None:
    err = io.StringIO()
    code = cli.main(["disable-access-key", "--user-name", "x", "--profile", "no-such-profile"], stderr=err)
    assert code == 2
    assert "check --profile" in err.getvalue()
    assert "Nothing was changed." in err.getvalue()


def test_missing_region_is_refused(aws: None, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("AWS_REGION")
    monkeypatch.delenv("AWS_DEFAULT_REGION")
    err = io.StringIO()
    assert cli.main(["disable-access-key", "--user-name", "x"], stderr=err) == 2
    assert "no AWS region: pass --region" in err.getvalue()


def test_aws_region_alone_is_enough(aws: None, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("AWS_DEFAULT_REGION")
    monkeypatch.setenv("AWS_REGION", "eu-west-1")
    out = io.StringIO()
    assert cli.main(["disable-access-key", "--user-name", "nobody"], stdout=out, stderr=io.StringIO()) == 2
    assert "region eu-west-1" in out.getvalue()


def test_missing_credentials_are_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("AWS_ACCESS_KEY_ID")
    monkeypatch.delenv("AWS_SECRET_ACCESS_KEY")
    err = io.StringIO()
    assert cli.main(["disable-access-key", "--user-name", "x", "--region", REGION], stderr=err) == 2
    assert "Unable to locate credentials" in err.getvalue()
    assert "Traceback" not in err.getvalue()


def test_unwritable_audit_log_refuses_before_any_change(session: boto3.Session, alice_key: str, tmp_path: Path) -> None:
    before = iam_state(session)
    err = io.StringIO()
    code = cli.main(
        [
            "disable-access-key",
            "--access-key-id",
            alice_key,
            "--apply",
            "--audit-log",
            str(tmp_path / "missing" / "a.jsonl"),
        ],
        stdout=io.StringIO(),
        stderr=err,
    )
    assert code == 2
    assert "cannot write the audit log" in err.getvalue()
    assert iam_state(session) == before


def test_access_denied_while_reading_changes_nothing(run: RunCli, session: boto3.Session, alice_key: str) -> None:
    before = iam_state(session)
    result = run(
        "disable-access-key", "--access-key-id", alice_key, "--apply", session_factory=refusing("ListAccessKeys")
    )
    assert result.code == 1
    assert "AWS refused while reading the current state: AccessDenied" in result.err
    assert "Nothing was changed." in result.err
    assert iam_state(session) == before
    assert result.records == []


def test_refusal_while_applying_is_recorded_as_failed(run: RunCli, session: boto3.Session, alice_key: str) -> None:
    result = run(
        "disable-access-key", "--access-key-id", alice_key, "--apply", session_factory=refusing("UpdateAccessKey")
    )
    assert result.code == 1
    assert "FAILED while applying: AWS refused: AccessDenied" in result.err
    assert "Re-run the same command" in result.err
    (record,) = result.records
    assert record["result"] == "failed"
    assert "AccessDenied" in record["error"]
    assert record["after"] is None
    assert iam_state(session)["user/alice"]["keys"][alice_key] == "Active"


def test_interruption_while_applying_is_recorded(run: RunCli, session: boto3.Session, alice_key: str) -> None:
    def factory(profile: str | None, region: str | None) -> boto3.Session:
        session = make_session(profile, region)

        def interrupt(**_: Any) -> None:
            raise KeyboardInterrupt

        session.events.register("before-call.iam.UpdateAccessKey", interrupt)
        return session

    result = run("disable-access-key", "--access-key-id", alice_key, "--apply", session_factory=factory)
    assert result.code == 130
    assert "INTERRUPTED" in result.err
    assert result.records[0]["result"] == "interrupted"


def test_dry_run_records_nothing_and_audit_arguments_leave_out_common_options(
    run: RunCli, alice_key: str, audit_path: Path
) -> None:
    assert run("disable-access-key", "--access-key-id", alice_key, "--region", REGION).code == 0
    assert not audit_path.exists()
    result = run("disable-access-key", "--access-key-id", alice_key, "--region", REGION, "--apply")
    assert set(result.records[0]["what"]["arguments"]) == {"access_key_id", "user_name"}
    assert result.records[0]["region"] == REGION


def test_output_names_the_account_and_caller(run: RunCli, alice_key: str) -> None:
    result = run("disable-access-key", "--access-key-id", alice_key)
    assert "account  123456789012, region us-east-1, as arn:aws:sts::123456789012:user/moto" in result.out
