"""Runbook actions record before they act, and stop cleanly on any signal.

Scenarios: given --apply, the intent record (with the state before) is in the log, flushed and
fsynced, before the first change, and its completion (same id) after; given an audit log that
opens but cannot be written (/dev/full, a full disk), the action stops before any change with one
line and exit 2, and leaves no half line; given a log that fills up after the intent, the change
is made and the missing completion is printed to paste; given SIGTERM, SIGHUP or SIGINT, the
change is either not started, or completed and recorded, or recorded as interrupted, including
for a real SIGTERM sent to a separate process while it applies.
"""

from __future__ import annotations

import io
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import boto3
import pytest

from runbooks import audit_log, cli
from runbooks.audit_log import AuditLog, read_records
from tests.full_disk import HalfThenFull
from tests.runbooks.conftest import RunCli, assert_recorded_before_acting, make_session

REPO = Path(__file__).resolve().parents[2]
UPDATE = "before-call.iam.UpdateAccessKey"  # the change disable-access-key makes


@pytest.fixture
def alice_key(session: boto3.Session) -> str:
    session.client("iam").create_user(UserName="alice")
    return session.client("iam").create_access_key(UserName="alice")["AccessKey"]["AccessKeyId"]


def _status(session: boto3.Session, key: str) -> str:
    keys = session.client("iam").list_access_keys(UserName="alice")["AccessKeyMetadata"]
    return next(k["Status"] for k in keys if k["AccessKeyId"] == key)


def hooked(event: str, hook: Callable[..., Any]) -> Callable[[str | None, str | None], boto3.Session]:
    """A session factory whose sessions call ``hook`` on ``event`` (e.g. just before the change)."""

    def factory(profile: str | None, region: str | None) -> boto3.Session:
        session = make_session(profile, region)
        session.events.register(event, hook)
        return session

    return factory


# --- record before acting --------------------------------------------------------------------


def test_the_intent_is_synced_to_the_log_before_the_change(
    run: RunCli, audit_path: Path, alice_key: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    events: list[str] = []
    real_fsync = os.fsync

    def fsync(descriptor: int) -> None:
        real_fsync(descriptor)
        events.append("fsync")

    monkeypatch.setattr(audit_log.os, "fsync", fsync)
    seen_before_the_change: list[list[dict]] = []

    def just_before_the_change(**_: Any) -> None:
        events.append("change")
        seen_before_the_change.append(read_records(audit_path))

    result = run(
        "disable-access-key",
        "--access-key-id",
        alice_key,
        "--apply",
        session_factory=hooked(UPDATE, just_before_the_change),
    )
    assert result.code == 0, result.err
    assert events == ["fsync", "change", "fsync"]
    [[intent]] = seen_before_the_change
    assert intent["result"] == "intent"
    assert intent["before"]["keys"][0]["status"] == "Active"
    assert intent["changes"]
    assert intent["after"] is None
    [completion] = result.records
    assert (completion["result"], completion["id"]) == ("applied", intent["id"])


def test_an_intent_without_completion_fails_the_harness_check() -> None:
    # The run fixture checks every run with this; it must catch a change that was not completed.
    with pytest.raises(AssertionError, match="never completed"):
        assert_recorded_before_acting([{"id": "1", "result": "intent", "before": {}, "changes": [], "what": {}}])


# --- an audit log that cannot be written stops the action before any change ------------------


def _apply_with_log(log: str, key: str) -> tuple[int, str]:
    err = io.StringIO()
    code = cli.main(
        ["disable-access-key", "--access-key-id", key, "--apply", "--audit-log", log],
        session_factory=make_session,
        stdout=io.StringIO(),
        stderr=err,
    )
    return code, err.getvalue()


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs Linux's /dev/full")
def test_a_log_that_opens_but_cannot_be_written_stops_before_the_change(session: boto3.Session, alice_key: str) -> None:
    code, err = _apply_with_log("/dev/full", alice_key)
    assert code == 2
    [line] = err.splitlines()
    assert "cannot write the audit log /dev/full: No space left on device" in line
    assert line.endswith("Nothing was changed.")
    assert _status(session, alice_key) == "Active"


def test_a_full_disk_stops_before_the_change_and_leaves_no_half_record(
    session: boto3.Session, alice_key: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    log = tmp_path / "audit.jsonl"
    real_open = AuditLog._open
    monkeypatch.setattr(AuditLog, "_open", lambda self: HalfThenFull(real_open(self)))
    code, err = _apply_with_log(str(log), alice_key)
    assert code == 2
    assert "No space left on device" in err
    assert len(err.splitlines()) == 1
    assert _status(session, alice_key) == "Active"
    assert log.read_bytes() == b""  # the half line was cut off again


def test_a_log_that_fills_up_after_the_intent_prints_the_missing_completion(
    session: boto3.Session, alice_key: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    log = tmp_path / "audit.jsonl"
    real_open = AuditLog._open
    opened: list[int] = []

    def open_until_full(self: AuditLog) -> Any:
        opened.append(1)
        handle = real_open(self)
        return HalfThenFull(handle) if len(opened) > 2 else handle  # the probe, the intent, then full

    monkeypatch.setattr(AuditLog, "_open", open_until_full)
    code, err = _apply_with_log(str(log), alice_key)
    assert code == 1  # made, but not fully recorded
    assert _status(session, alice_key) == "Inactive"
    [intent] = read_records(log)
    assert intent["result"] == "intent"
    [warning] = err.splitlines()
    assert 'paste this into the incident: {"after": ' in warning
    assert f'"id": "{intent["id"]}", "result": "applied"' in warning


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs Linux's /dev/full")
def test_a_noop_that_cannot_be_recorded_exits_2(session: boto3.Session, alice_key: str, tmp_path: Path) -> None:
    assert _apply_with_log(str(tmp_path / "a.jsonl"), alice_key)[0] == 0
    code, err = _apply_with_log("/dev/full", alice_key)
    assert code == 2
    assert "nothing needed doing, but that could not be recorded" in err


# --- signals, in process ---------------------------------------------------------------------


def _send(signum: int) -> Callable[..., None]:
    def hook(**_: Any) -> None:
        os.kill(os.getpid(), signum)

    return hook


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGHUP, signal.SIGINT], ids=lambda s: s.name)
def test_a_signal_during_the_change_is_recorded_as_interrupted(
    run: RunCli, session: boto3.Session, alice_key: str, signum: signal.Signals
) -> None:
    handlers = {s: signal.getsignal(s) for s in (signal.SIGTERM, signal.SIGHUP, signal.SIGINT)}
    result = run(
        "disable-access-key", "--access-key-id", alice_key, "--apply", session_factory=hooked(UPDATE, _send(signum))
    )
    assert result.code == 130
    [completion] = result.records
    assert completion["result"] == "interrupted"
    assert f"interrupted by {signum.name}: the changes may be partial" in completion["error"]
    assert "Traceback" not in result.err
    assert f"INTERRUPTED by {signum.name}" in result.err
    assert _status(session, alice_key) == "Active"  # the call was stopped before it was sent
    assert {s: signal.getsignal(s) for s in handlers} == handlers  # the previous handlers are back


def test_a_signal_while_the_intent_is_written_stops_before_the_change(
    run: RunCli, session: boto3.Session, alice_key: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    real_record = AuditLog.record

    def record(self: AuditLog, **fields: Any) -> dict:
        entry = real_record(self, **fields)
        if fields["result"] == "intent":
            os.kill(os.getpid(), signal.SIGTERM)  # held: the record is whole, then the action stops
        return entry

    monkeypatch.setattr(AuditLog, "record", record)
    result = run("disable-access-key", "--access-key-id", alice_key, "--apply")
    assert result.code == 130
    [completion] = result.records
    assert completion["result"] == "interrupted"
    assert "before the change started; nothing was changed" in completion["error"]
    assert _status(session, alice_key) == "Active"


def test_a_signal_while_the_completion_is_written_lets_it_finish(
    run: RunCli, session: boto3.Session, alice_key: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    real_record = AuditLog.record

    def record(self: AuditLog, **fields: Any) -> dict:
        if fields["result"] == "applied":
            os.kill(os.getpid(), signal.SIGTERM)  # held while the completion is written
        return real_record(self, **fields)

    monkeypatch.setattr(AuditLog, "record", record)
    result = run("disable-access-key", "--access-key-id", alice_key, "--apply")
    assert result.code == 0, result.err
    assert [r["result"] for r in result.records] == ["applied"]
    assert _status(session, alice_key) == "Inactive"


def test_a_signal_while_planning_changes_and_records_nothing(
    run: RunCli, session: boto3.Session, alice_key: str
) -> None:
    result = run(
        "disable-access-key",
        "--access-key-id",
        alice_key,
        "--apply",
        session_factory=hooked("before-call.iam.ListAccessKeys", _send(signal.SIGHUP)),
    )
    assert result.code == 130
    assert result.err.splitlines() == ["INTERRUPTED by SIGHUP before any change. Nothing was changed."]
    assert result.records == []
    assert result.intents == []
    assert _status(session, alice_key) == "Active"


# --- a real SIGTERM to a separate process while it applies -----------------------------------

# Runs the CLI with disable-access-key's apply slowed down: it writes the marker file when it is
# in the window under test ("before" the change, or "after" it was made) and sleeps there.
_SLOW_APPLY = """
import pathlib, sys, time
from runbooks import cli
from runbooks.actions.disable_access_key import DisableAccessKey

marker, when = pathlib.Path(sys.argv[1]), sys.argv[2]
original = DisableAccessKey.apply

def slow_apply(self, plan):
    if when == "after":
        original(self, plan)
    marker.write_text(when)
    time.sleep(120)
    return original(self, plan)

DisableAccessKey.apply = slow_apply
sys.exit(cli.main(sys.argv[3:]))
"""


@pytest.mark.parametrize(
    ("signum", "when", "status", "how"),
    [
        (signal.SIGTERM, "before", "Active", "the changes may be partial"),
        (signal.SIGTERM, "after", "Inactive", "the changes may be partial"),
        (signal.SIGHUP, "before", "Active", "the changes may be partial"),
    ],
    ids=["SIGTERM-before-the-change", "SIGTERM-after-the-change", "SIGHUP-before-the-change"],
)
def test_a_real_signal_to_the_process_while_it_applies_is_recorded(
    endpoint: str, tmp_path: Path, signum: signal.Signals, when: str, status: str, how: str
) -> None:
    iam = boto3.client("iam", endpoint_url=endpoint, region_name="us-east-1")
    iam.create_user(UserName="alice")
    key = iam.create_access_key(UserName="alice")["AccessKey"]["AccessKeyId"]
    script, marker, log = tmp_path / "slow_apply.py", tmp_path / "applying", tmp_path / "audit.jsonl"
    script.write_text(_SLOW_APPLY)
    command = [sys.executable, str(script), str(marker), when, "disable-access-key", "--access-key-id", key]
    process = subprocess.Popen(
        [*command, "--apply", "--audit-log", str(log)],
        cwd=REPO,
        env={**os.environ, "AWS_ENDPOINT_URL": endpoint, "PYTHONPATH": str(REPO)},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        deadline = time.monotonic() + 90
        while not marker.exists():
            assert process.poll() is None, process.communicate()[1]
            assert time.monotonic() < deadline, "the action never reached the window under test"
            time.sleep(0.05)
        process.send_signal(signum)
        _out, err = process.communicate(timeout=60)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    assert process.returncode == 130, err
    assert "Traceback" not in err
    assert f"INTERRUPTED by {signum.name}: {how}" in err
    records = read_records(log)
    assert [r["result"] for r in records] == ["intent", "interrupted"]
    assert records[0]["id"] == records[1]["id"]
    assert records[1]["error"] == f"interrupted by {signum.name}: {how}"
    keys = iam.list_access_keys(UserName="alice")["AccessKeyMetadata"]
    assert [k["Status"] for k in keys] == [status]


def test_a_defect_in_the_action_still_completes_the_record(
    run: RunCli, audit_path: Path, alice_key: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from runbooks.actions.disable_access_key import DisableAccessKey

    def broken(self: DisableAccessKey, plan: Any) -> Any:
        raise KeyError("a bug")

    monkeypatch.setattr(DisableAccessKey, "apply", broken)
    with pytest.raises(KeyError):
        run("disable-access-key", "--access-key-id", alice_key, "--apply")
    records = read_records(audit_path)
    assert [r["result"] for r in records] == ["intent", "failed"]
    assert records[1]["error"] == "unexpected KeyError: 'a bug'"
    assert_recorded_before_acting(records)
