"""collect-evidence: scenarios.

Given CloudTrail event history (moto has no LookupEvents: ``stub_lookup_events`` answers it as
AWS does), a dry run writes nothing; --apply writes the events of the lookup in the window, with
the query, owner-only, and logs the file's SHA-256; --principal-arn keeps only the events made by
that user or role (every session of a role); a second --apply finds the file and is a no-op (it
never overwrites evidence). No subject, an empty or too old window, or an output that is a
directory is refused with exit 2 and nothing written.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import stat
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import boto3
import pytest

from runbooks.core import utc_now
from tests.runbooks.conftest import ACCOUNT_ID, RunCli, cloudtrail_event, make_session, stub_lookup_events

NOW = utc_now().replace(microsecond=0)
ALICE = {
    "type": "IAMUser",
    "arn": f"arn:aws:iam::{ACCOUNT_ID}:user/alice",
    "accountId": ACCOUNT_ID,
    "userName": "alice",
}


def _session(role_session: str) -> dict:
    return {
        "type": "AssumedRole",
        "arn": f"arn:aws:sts::{ACCOUNT_ID}:assumed-role/api/{role_session}",
        "accountId": ACCOUNT_ID,
        "sessionContext": {
            "sessionIssuer": {"type": "Role", "arn": f"arn:aws:iam::{ACCOUNT_ID}:role/api", "userName": "api"}
        },
    }


EVENTS = [
    cloudtrail_event("ConsoleLogin", NOW - dt.timedelta(hours=2), user_identity=ALICE, username="alice"),
    cloudtrail_event(
        "CreateAccessKey",
        NOW - dt.timedelta(hours=1),
        user_identity=ALICE,
        username="alice",
        access_key_id="AKIAEXAMPLEALICE0001",
    ),
    cloudtrail_event(
        "GetSecretValue",
        NOW - dt.timedelta(minutes=50),
        user_identity=ALICE,
        username="alice",
        error_code="AccessDenied",
        resources=[{"ResourceType": "AWS::SecretsManager::Secret", "ResourceName": "crm/hubspot"}],
    ),
    cloudtrail_event("ListUsers", NOW - dt.timedelta(minutes=40), user_identity=ALICE, username="alice"),
    cloudtrail_event("ListUsers", NOW - dt.timedelta(days=3), user_identity=ALICE, username="alice"),
    cloudtrail_event("GetItem", NOW - dt.timedelta(minutes=30), user_identity=_session("task-1"), username="task-1"),
    cloudtrail_event("GetItem", NOW - dt.timedelta(minutes=20), user_identity=_session("task-2"), username="task-2"),
    cloudtrail_event(
        "GetSecretValue",
        NOW - dt.timedelta(minutes=10),
        user_identity=_session("task-2"),
        username="task-2",
        resources=[{"ResourceType": "AWS::SecretsManager::Secret", "ResourceName": "crm/hubspot"}],
    ),
]


@dataclass
class History:
    factory: Callable[[str | None, str | None], boto3.Session]
    requests: list[dict] = field(default_factory=list)  # the LookupEvents requests the action sent


@pytest.fixture
def history(aws: None) -> History:
    requests: list[dict] = []

    def factory(profile: str | None, region: str | None) -> boto3.Session:
        session = make_session(profile, region)
        stub_lookup_events(session, EVENTS, requests)
        return session

    return History(factory, requests)


def collect(run: RunCli, history: History, *argv: str):
    return run("collect-evidence", *argv, session_factory=history.factory)


def test_dry_run_writes_nothing(run: RunCli, history: History, tmp_path: Path) -> None:
    output = tmp_path / "evidence" / "alice.json"
    result = collect(run, history, "--user-name", "alice", "--start", "24h", "--output", str(output))
    assert result.code == 0
    assert "look up CloudTrail events in us-east-1 where Username=alice" in result.out
    assert not output.exists()
    assert not output.parent.exists()
    assert result.records == []


def test_apply_writes_the_window_owner_only_with_digest(run: RunCli, history: History, tmp_path: Path) -> None:
    output = tmp_path / "evidence" / "alice.json"
    result = collect(run, history, "--user-name", "alice", "--start", "24h", "--output", str(output), "--apply")
    assert result.code == 0, result.err
    document = json.loads(output.read_text())
    names = [e["event_name"] for e in document["events"]]
    assert names == [
        "ConsoleLogin",
        "CreateAccessKey",
        "GetSecretValue",
        "ListUsers",
    ]  # oldest first, 3-day-old one out
    assert document["query"]["lookup"] == {"attribute": "Username", "value": "alice"}
    assert len(history.requests) == 2  # two pages of two events
    assert history.requests[0]["LookupAttributes"] == [{"AttributeKey": "Username", "AttributeValue": "alice"}]
    assert document["event_count"] == 4
    assert document["truncated"] is False
    assert document["collected_by"].startswith("arn:aws:sts::")
    assert document["events"][2]["record"]["errorCode"] == "AccessDenied"
    assert stat.S_IMODE(output.stat().st_mode) == 0o600
    digest = hashlib.sha256(output.read_bytes()).hexdigest()
    (record,) = result.records
    assert record["after"] == {"output": str(output), "sha256": digest, "event_count": 4, "truncated": False}
    assert "errors: AccessDenied x1" in result.out
    assert "source IPs: 198.51.100.7 x4" in result.out


def test_principal_arn_keeps_every_session_of_the_role(run: RunCli, history: History, tmp_path: Path) -> None:
    output = tmp_path / "api.json"
    result = collect(
        run,
        history,
        "--resource",
        "crm/hubspot",
        "--principal-arn",
        f"arn:aws:iam::{ACCOUNT_ID}:role/api",
        "--output",
        str(output),
        "--apply",
    )
    assert result.code == 0, result.err
    document = json.loads(output.read_text())
    assert [(e["event_name"], e["username"]) for e in document["events"]] == [("GetSecretValue", "task-2")]


def test_principal_arn_alone_reads_the_whole_window(run: RunCli, history: History, tmp_path: Path) -> None:
    output = tmp_path / "api.json"
    result = collect(
        run,
        history,
        "--principal-arn",
        f"arn:aws:iam::{ACCOUNT_ID}:role/api",
        "--start",
        "2h",
        "--output",
        str(output),
        "--apply",
    )
    assert result.code == 0, result.err
    assert json.loads(output.read_text())["event_count"] == 3
    assert "every event in the window is read" in result.out
    assert history.requests
    assert all("LookupAttributes" not in r for r in history.requests)


def test_max_events_truncates_and_says_so(run: RunCli, history: History, tmp_path: Path) -> None:
    output = tmp_path / "few.json"
    result = collect(run, history, "--user-name", "alice", "--max-events", "2", "--output", str(output), "--apply")
    assert result.code == 0
    assert json.loads(output.read_text())["truncated"] is True
    assert "TRUNCATED at --max-events 2" in result.out


def test_second_apply_never_overwrites(run: RunCli, history: History, tmp_path: Path) -> None:
    output = tmp_path / "alice.json"
    argv = ("--user-name", "alice", "--output", str(output), "--apply")
    assert collect(run, history, *argv).code == 0
    content = output.read_bytes()
    again = collect(run, history, "--event-name", "ListUsers", "--output", str(output), "--apply")
    assert again.code == 0
    assert "evidence is never overwritten" in again.out
    assert output.read_bytes() == content
    assert again.records[0]["result"] == "no-op"
    assert again.records[0]["before"]["output_sha256"] == hashlib.sha256(content).hexdigest()


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--start", "24h"], "say whose events"),
        (["--user-name", "alice", "--start", "1h", "--end", "2h"], "is not before --end"),
        (["--user-name", "alice", "--start", "120d"], "more than 90 days ago"),
        (["--principal-arn", "alice"], "is not an IAM user or role ARN"),
    ],
)
def test_bad_input_is_refused(run: RunCli, history: History, tmp_path: Path, argv: list[str], message: str) -> None:
    output = tmp_path / "out.json"
    result = collect(run, history, *argv, "--output", str(output), "--apply")
    assert result.code == 2
    assert message in result.err
    assert not output.exists()
    assert result.records == []


def test_output_that_is_a_directory_is_refused(run: RunCli, history: History, tmp_path: Path) -> None:
    result = collect(run, history, "--user-name", "alice", "--output", str(tmp_path), "--apply")
    assert result.code == 2
    assert "is not a file" in result.err


def test_two_lookup_attributes_are_a_usage_error(run: RunCli, history: History, tmp_path: Path) -> None:
    result = collect(run, history, "--user-name", "alice", "--event-name", "ListUsers", "--output", str(tmp_path / "x"))
    assert result.code == 2


def test_other_region_is_reminded_of_global_events(run: RunCli, history: History, tmp_path: Path) -> None:
    result = collect(
        run, history, "--user-name", "alice", "--region", "eu-west-1", "--output", str(tmp_path / "x.json")
    )
    assert "IAM, STS and console sign-in events are recorded in us-east-1" in result.out
