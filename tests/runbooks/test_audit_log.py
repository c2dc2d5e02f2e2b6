"""The audit log writer and the shared time helpers."""

from __future__ import annotations

import datetime as dt
import json
import stat
from pathlib import Path

import pytest

from runbooks import audit_log
from runbooks.audit_log import AuditLog, AuditLogError, read_records
from runbooks.core import iso, jsonable, parse_time
from tests.full_disk import HalfThenFull

NOW = dt.datetime(2026, 6, 26, 14, 5, 7, 123456, tzinfo=dt.UTC)


def _record(log: AuditLog, result: str = "applied", **extra: object) -> dict:
    fields = {
        "caller_arn": "arn:aws:sts::123456789012:assumed-role/break-glass/jane",
        "action": "disable-access-key",
        "arguments": {"access_key_id": ["AKIAIOSFODNN7EXAMPLE"], "since": NOW},
        "result": result,
        "region": "us-east-1",
        "target": "AKIAIOSFODNN7EXAMPLE (user alice)",
        "before": {"status": "Active", "created": NOW},
        "changes": ["set access key AKIAIOSFODNN7EXAMPLE of user alice to Inactive"],
        "after": {"status": "Inactive"},
    }
    return log.record(**{**fields, **extra})


def test_records_are_appended_one_json_line_each(tmp_path: Path) -> None:
    log = AuditLog(tmp_path / "audit.jsonl")
    _record(log)
    _record(log, "no-op", changes=[])
    lines = (tmp_path / "audit.jsonl").read_text().splitlines()
    assert len(lines) == 2
    first = json.loads(lines[0])
    assert set(first) == {"when", "who", "what", "result", "region", "target", "before", "changes", "after"}
    assert first["who"]["caller_arn"].endswith("/jane")
    assert first["who"]["os_user"]
    assert first["what"]["arguments"]["since"] == "2026-06-26T14:05:07Z"
    assert first["before"]["created"] == "2026-06-26T14:05:07Z"
    assert dt.datetime.fromisoformat(first["when"].replace("Z", "+00:00")).tzinfo is not None
    assert [r["result"] for r in read_records(tmp_path / "audit.jsonl")] == ["applied", "no-op"]


def test_log_is_owner_only(tmp_path: Path) -> None:
    log = AuditLog(tmp_path / "audit.jsonl")
    log.ensure_writable()
    assert stat.S_IMODE((tmp_path / "audit.jsonl").stat().st_mode) == 0o600


def test_errors_are_recorded(tmp_path: Path) -> None:
    entry = _record(AuditLog(tmp_path / "a.jsonl"), "failed", after=None, error="AccessDenied: no")
    assert entry["error"] == "AccessDenied: no"
    assert entry["after"] is None


def test_unknown_result_is_a_bug(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="unknown audit result"):
        _record(AuditLog(tmp_path / "a.jsonl"), "done")


def test_unwritable_path_is_reported(tmp_path: Path) -> None:
    with pytest.raises(AuditLogError, match="cannot write the audit log"):
        AuditLog(tmp_path).ensure_writable()
    with pytest.raises(AuditLogError):
        _record(AuditLog(tmp_path / "no" / "dir.jsonl"))


def test_os_user_without_passwd_entry_falls_back_to_uid(monkeypatch: pytest.MonkeyPatch) -> None:
    def no_entry() -> str:
        raise KeyError("getpwuid(): uid not found")

    monkeypatch.setattr(audit_log.getpass, "getuser", no_entry)
    assert audit_log.os_user().startswith("uid:")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("now", NOW),
        ("90m", NOW - dt.timedelta(minutes=90)),
        ("24h", NOW - dt.timedelta(hours=24)),
        ("7d", NOW - dt.timedelta(days=7)),
        ("2026-06-26T13:00:00Z", dt.datetime(2026, 6, 26, 13, tzinfo=dt.UTC)),
        ("2026-06-26T15:00:00+02:00", dt.datetime(2026, 6, 26, 13, tzinfo=dt.UTC)),
    ],
)
def test_times(text: str, expected: dt.datetime) -> None:
    assert parse_time(text, now=NOW) == expected


@pytest.mark.parametrize(("text", "problem"), [("2026-06-26T13:00:00", "no time zone"), ("yesterday", "is not a time")])
def test_bad_times(text: str, problem: str) -> None:
    with pytest.raises(ValueError, match=problem):
        parse_time(text, now=NOW)


def test_iso_and_jsonable() -> None:
    assert iso(NOW) == "2026-06-26T14:05:07Z"
    assert jsonable({"a": [NOW, {"b": (1, 2)}], "c": {3, 1}}) == {
        "a": ["2026-06-26T14:05:07Z", {"b": [1, 2]}],
        "c": [1, 3],
    }


def test_an_intent_and_its_completion_share_an_id(tmp_path: Path) -> None:
    log = AuditLog(tmp_path / "audit.jsonl")
    record_id = audit_log.new_record_id()
    _record(log, "intent", after=None, record_id=record_id)
    _record(log, "applied", record_id=record_id)
    intent, completion = read_records(tmp_path / "audit.jsonl")
    assert intent["id"] == completion["id"] == record_id
    assert (intent["result"], intent["after"]) == ("intent", None)


def test_a_write_that_fails_half_way_is_cut_off_again(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "audit.jsonl"
    log = AuditLog(path)
    _record(log)
    whole = path.read_bytes()
    real_open = AuditLog._open

    monkeypatch.setattr(AuditLog, "_open", lambda self: HalfThenFull(real_open(self)))
    with pytest.raises(AuditLogError, match="No space left on device"):
        _record(log, "no-op")
    assert path.read_bytes() == whole
    monkeypatch.undo()
    _record(log, "no-op")
    assert [r["result"] for r in read_records(path)] == ["applied", "no-op"]


def test_looking_back_reads_only_readable_records_of_the_action(tmp_path: Path) -> None:
    path = tmp_path / "audit.jsonl"
    _record(AuditLog(path))
    with path.open("a") as handle:
        handle.write('not json\n["a list"]\n{"what": "not a mapping"}\n\xff\n')
    _record(AuditLog(path), "no-op", action="rotate-secret")
    assert [r["result"] for r in audit_log.records_of(path, "disable-access-key")] == ["applied"]
    assert list(audit_log.records_of(tmp_path / "missing.jsonl", "disable-access-key")) == []
    assert list(audit_log.records_of(tmp_path, "disable-access-key")) == []  # a folder


@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="needs a device that never ends")
def test_looking_back_never_reads_a_device() -> None:
    assert list(audit_log.records_of("/dev/zero", "disable-access-key")) == []
