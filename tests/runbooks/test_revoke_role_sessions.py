"""revoke-role-sessions: scenarios.

Given a role, a dry run prints the plan and the exact command with the cutoff pinned, and
changes nothing; --apply puts AWSRevokeOlderSessions (deny * when aws:TokenIssueTime is before
the cutoff) and nothing else; the same command again is a logged no-op; a later cutoff replaces
an earlier one, an earlier one is a no-op. An unknown role, a user ARN, a service-linked role, a
cutoff in the future, or the caller's own role is refused with exit 2 and nothing changed.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from typing import Any

import boto3
import pytest

from runbooks.actions import revoke_role_sessions
from runbooks.actions.revoke_role_sessions import (
    POLICY_NAME,
    incident_of,
    incident_sid,
    policy_cutoff,
    revocation_policy,
)
from runbooks.core import iso, utc_now
from tests.runbooks.conftest import ACCOUNT_ID, Run, RunCli, iam_state

CUTOFF = "2026-06-26T14:05:00Z"
INCIDENT = "IR-2026-014"
TRUST = json.dumps(
    {
        "Version": "2012-10-17",
        "Statement": [
            {"Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT_ID}:root"}, "Action": "sts:AssumeRole"}
        ],
    }
)


def _revoke(run: RunCli, *args: str, **options: Any) -> Run:
    """revoke-role-sessions for INCIDENT."""
    return run("revoke-role-sessions", "--incident", INCIDENT, *args, **options)


@pytest.fixture
def roles(session: boto3.Session) -> None:
    iam = session.client("iam")
    for name in ("api", "workers"):
        iam.create_role(RoleName=name, AssumeRolePolicyDocument=TRUST)
    iam.put_role_policy(
        RoleName="api",
        PolicyName="data",
        PolicyDocument=json.dumps(
            {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "dynamodb:GetItem", "Resource": "*"}]}
        ),
    )


def test_dry_run_changes_nothing_and_pins_the_cutoff(run: RunCli, session: boto3.Session, roles: None) -> None:
    before = iam_state(session)
    result = _revoke(run, "--role-name", "api")
    assert result.code == 0
    pinned = re.search(r"to apply exactly this plan: (python -m runbooks .*)$", result.out, re.MULTILINE)
    assert pinned, result.out
    assert re.search(r"--issued-before \d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ --apply$", pinned.group(1))
    assert iam_state(session) == before
    assert result.records == []


def test_apply_puts_exactly_the_revocation_policy(run: RunCli, session: boto3.Session, roles: None) -> None:
    before = iam_state(session)
    result = _revoke(run, "--role-name", "api", "--issued-before", CUTOFF, "--apply")
    assert result.code == 0, result.err
    after = iam_state(session)
    assert after["role/api"]["inline"][POLICY_NAME] == {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": incident_sid(INCIDENT),  # names the incident, so a re-run can keep its cutoff
                "Effect": "Deny",
                "Action": ["*"],
                "Resource": ["*"],
                "Condition": {"DateLessThan": {"aws:TokenIssueTime": CUTOFF}},
            }
        ],
    }
    del after["role/api"]["inline"][POLICY_NAME]
    assert after == before
    (record,) = result.records
    assert record["result"] == "applied"
    assert record["before"]["revocation_policy"] is None
    assert record["after"]["revoked_before"] == CUTOFF
    assert record["what"]["arguments"] == {"role_name": "api", "incident": INCIDENT, "issued_before": CUTOFF}


def test_same_command_again_is_a_noop(run: RunCli, session: boto3.Session, roles: None) -> None:
    argv = ("--role-name", "api", "--issued-before", CUTOFF, "--apply")
    assert _revoke(run, *argv).code == 0
    between = iam_state(session)
    again = _revoke(run, *argv)
    assert again.code == 0
    assert f"sessions issued before {CUTOFF} are already revoked" in again.out
    assert iam_state(session) == between
    assert again.records[0]["result"] == "no-op"


def test_pinned_command_from_the_dry_run_applies_then_is_a_noop(run: RunCli, roles: None) -> None:
    dry = _revoke(run, "--role-name", "api")
    command = re.search(r"to apply exactly this plan: python -m runbooks (.*)$", dry.out, re.MULTILINE).group(1)
    assert run(*command.split()).code == 0
    assert run(*command.split()).records[0]["result"] == "no-op"


def test_later_cutoff_replaces_earlier_one_and_earlier_is_noop(
    run: RunCli, session: boto3.Session, roles: None
) -> None:
    assert _revoke(run, "--role-name", "api", "--issued-before", CUTOFF, "--apply").code == 0
    later = _revoke(
        run,
        "--role-name",
        "api",
        "--issued-before",
        "2026-06-26T15:00:00Z",
        "--apply",
    )
    assert later.code == 0
    assert "replaces the cutoff 2026-06-26T14:05:00Z" in later.out
    document = session.client("iam").get_role_policy(RoleName="api", PolicyName=POLICY_NAME)["PolicyDocument"]
    assert iso(policy_cutoff(document)) == "2026-06-26T15:00:00Z"
    earlier = _revoke(
        run,
        "--role-name",
        "api",
        "--issued-before",
        "2026-06-26T12:00:00Z",
        "--apply",
    )
    assert earlier.records[0]["result"] == "no-op"


def test_role_arn_and_session_arn_name_the_role(run: RunCli, session: boto3.Session, roles: None) -> None:
    session_arn = f"arn:aws:sts::{ACCOUNT_ID}:assumed-role/api/i-0abc123"
    assert (
        _revoke(
            run,
            "--role-name",
            session_arn,
            "--issued-before",
            CUTOFF,
            "--apply",
        ).code
        == 0
    )
    role_arn = f"arn:aws:iam::{ACCOUNT_ID}:role/api"
    assert (
        _revoke(
            run,
            "--role-name",
            role_arn,
            "--issued-before",
            CUTOFF,
            "--apply",
        ).records[0]["result"]
        == "no-op"
    )


@pytest.mark.parametrize(
    ("role", "extra", "message"),
    [
        ("ghost", [], "there is no IAM role 'ghost'"),
        (f"arn:aws:iam::{ACCOUNT_ID}:user/alice", [], "is a user, not a role"),
        ("arn:aws:iam::999999999999:role/api", [], "is in account 999999999999"),
        ("api", ["--issued-before", "2099-01-01T00:00:00Z"], "is in the future"),
        ("not a role name", [], "is not a valid IAM role name"),
    ],
)
def test_bad_input_is_refused(
    run: RunCli, session: boto3.Session, roles: None, role: str, extra: list[str], message: str
) -> None:
    before = iam_state(session)
    result = _revoke(run, "--role-name", role, *extra, "--apply")
    assert result.code == 2
    assert message in result.err
    assert "Nothing was changed." in result.err
    assert iam_state(session) == before
    assert result.records == []


def test_service_linked_role_is_refused(run: RunCli, session: boto3.Session) -> None:
    iam = session.client("iam")
    name = iam.create_service_linked_role(AWSServiceName="elasticloadbalancing.amazonaws.com")["Role"]["RoleName"]
    result = _revoke(run, "--role-name", name, "--apply")
    assert result.code == 2
    assert "service-linked role" in result.err


def test_own_role_is_refused(run: RunCli, session: boto3.Session, roles: None) -> None:
    credentials = session.client("sts").assume_role(
        RoleArn=f"arn:aws:iam::{ACCOUNT_ID}:role/api", RoleSessionName="oncall"
    )["Credentials"]

    def as_api(profile: str | None, region: str | None) -> boto3.Session:
        return boto3.Session(
            aws_access_key_id=credentials["AccessKeyId"],
            aws_secret_access_key=credentials["SecretAccessKey"],
            aws_session_token=credentials["SessionToken"],
            region_name=region or "us-east-1",
        )

    before = iam_state(session)
    result = _revoke(run, "--role-name", "api", "--apply", session_factory=as_api)
    assert result.code == 2
    assert "end your own session" in result.err
    assert iam_state(session) == before


def test_default_cutoff_is_now_rounded_up_to_the_second() -> None:
    document = revocation_policy(utc_now().replace(microsecond=0) + dt.timedelta(seconds=1), INCIDENT)
    assert policy_cutoff(document) > utc_now() - dt.timedelta(seconds=1)
    assert policy_cutoff({"Statement": [{"Effect": "Allow"}]}) is None


# --- without --issued-before: one cutoff per role and incident -------------------------------

FIRST_RUN = dt.datetime(2026, 6, 26, 14, 5, 0, 250000, tzinfo=dt.UTC)
FIRST_CUTOFF = "2026-06-26T14:05:01Z"  # the first run's "now", rounded up to the second
LATER_RUN = FIRST_RUN + dt.timedelta(hours=2)


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> list[dt.datetime]:
    """The action's "now": the first run at FIRST_RUN; set clock[0] to move it."""
    now = [FIRST_RUN]
    monkeypatch.setattr(revoke_role_sessions, "utc_now", lambda: now[0])
    return now


def _cutoff(session: boto3.Session) -> str:
    document = session.client("iam").get_role_policy(RoleName="api", PolicyName=POLICY_NAME)["PolicyDocument"]
    return iso(policy_cutoff(document))


def test_a_second_apply_for_the_same_incident_keeps_the_first_cutoff(
    run: RunCli, session: boto3.Session, roles: None, clock: list[dt.datetime]
) -> None:
    argv = ("--role-name", "api", "--apply")
    first = _revoke(run, *argv)
    assert first.code == 0, first.err
    assert _cutoff(session) == FIRST_CUTOFF
    assert first.records[0]["after"]["incident"] == INCIDENT
    clock[0] = LATER_RUN
    again = _revoke(run, *argv)
    assert again.code == 0, again.err
    assert _cutoff(session) == FIRST_CUTOFF  # not moved to the later "now"
    assert f"incident {INCIDENT}'s first cutoff, kept" in again.out
    assert again.records[0]["result"] == "no-op"


def test_another_incident_moves_the_cutoff_to_its_own_now(
    run: RunCli, session: boto3.Session, roles: None, clock: list[dt.datetime]
) -> None:
    assert _revoke(run, "--role-name", "api", "--apply").code == 0
    clock[0] = LATER_RUN
    other = run("revoke-role-sessions", "--incident", "IR-2026-015", "--role-name", "api", "--apply")
    assert other.code == 0, other.err
    assert _cutoff(session) == iso(LATER_RUN.replace(microsecond=0) + dt.timedelta(seconds=1))
    assert other.records[0]["before"]["incident"] == INCIDENT
    assert other.records[0]["after"]["incident"] == "IR-2026-015"


def test_when_the_policy_was_removed_the_first_cutoff_comes_from_the_audit_log(
    run: RunCli, session: boto3.Session, roles: None, clock: list[dt.datetime]
) -> None:
    argv = ("--role-name", "api", "--apply")
    assert _revoke(run, *argv).code == 0
    session.client("iam").delete_role_policy(RoleName="api", PolicyName=POLICY_NAME)
    clock[0] = LATER_RUN
    again = _revoke(run, *argv)
    assert again.code == 0, again.err
    assert _cutoff(session) == FIRST_CUTOFF
    assert f"incident {INCIDENT}'s first cutoff, from the audit log" in again.out


def test_a_later_console_revocation_covers_the_incident_and_is_kept(
    run: RunCli, session: boto3.Session, roles: None, clock: list[dt.datetime]
) -> None:
    """The console writes AWSRevokeOlderSessions without our Sid; its later cutoff already covers ours."""
    argv = ("--role-name", "api", "--apply")
    assert _revoke(run, *argv).code == 0
    console = revocation_policy(FIRST_RUN + dt.timedelta(minutes=30), INCIDENT)
    del console["Statement"][0]["Sid"]
    session.client("iam").put_role_policy(RoleName="api", PolicyName=POLICY_NAME, PolicyDocument=json.dumps(console))
    between = iam_state(session)
    clock[0] = LATER_RUN
    again = _revoke(run, *argv)
    assert again.records[0]["result"] == "no-op"
    assert iam_state(session) == between


def test_the_incident_is_required(run: RunCli, roles: None) -> None:
    result = run("revoke-role-sessions", "--role-name", "api", "--apply")
    assert result.code == 2
    [line] = result.err.splitlines()
    assert "the following arguments are required: --incident" in line
    assert result.records == []


def test_the_incident_round_trips_through_the_sid() -> None:
    for incident in ("IR-2026-014", "ticket 42/\u00e9t\u00e9", "x" * 128):
        assert incident_of(revocation_policy(utc_now(), incident)) == incident
    assert incident_of({"Statement": [{"Sid": "RevokedForIncidentzz"}]}) is None
    assert incident_of(None) is None
