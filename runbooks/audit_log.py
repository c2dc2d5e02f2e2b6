"""The audit log of applied actions: one JSON object per line, appended, never rewritten.

Each record says who (the caller's ARN from STS and the local OS user), what (the action and
its arguments), when (UTC ISO-8601), the state before, the changes, the state after and the
result. An action that changes something is recorded before it acts: an "intent" record (the
state before and the changes to come), then, under the same ``id``, its completion: "applied",
"unverified" (applied, but a check after it failed), "failed" or "interrupted". An intent without
a completion means the process was killed outright: the change may have been made. "no-op"
(nothing needed doing) is one record. Dry runs are not logged: they change nothing.

Every record is flushed and fsynced before the caller goes on, and is written whole or not at
all: a write that fails (a full disk) is cut back off the file, so that the next record does not
join a half line, and raises AuditLogError.
"""

from __future__ import annotations

import contextlib
import fcntl
import getpass
import json
import os
import uuid
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any, BinaryIO

from runbooks.core import iso, jsonable, utc_now

DEFAULT_PATH = Path("runbook-audit.jsonl")
INTENT = "intent"
# What an intent is completed with; "no-op" stands alone.
COMPLETIONS = ("applied", "unverified", "failed", "interrupted")
RESULTS = (INTENT, "no-op", *COMPLETIONS)


class AuditLogError(Exception):
    """The audit log cannot be written; raised before any change so nothing goes unrecorded."""


def os_user() -> str:
    # getpass fails in containers whose uid has no passwd entry; the uid still identifies.
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return f"uid:{os.getuid()}"


def new_record_id() -> str:
    """The id an intent and its completion share."""
    return uuid.uuid4().hex


class AuditLog:
    def __init__(self, path: Path | str) -> None:
        self.path = Path(path)

    def _failure(self, error: OSError) -> AuditLogError:
        return AuditLogError(f"cannot write the audit log {self.path}: {error.strerror or error}")

    def _open(self) -> BinaryIO:
        """The log opened for appending, created owner-only."""
        descriptor = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
        return os.fdopen(descriptor, "ab", buffering=0)

    def ensure_writable(self) -> None:
        """Opens the log for appending (creating it, owner-only) so a bad path fails before any change.
        A log that opens but cannot be written (a full disk, /dev/full) is found by the first record."""
        try:
            self._open().close()
        except OSError as error:
            raise self._failure(error) from None

    def _append(self, data: bytes) -> None:
        created = not self.path.exists()
        try:
            handle = self._open()
        except OSError as error:
            raise self._failure(error) from None
        try:
            with handle:
                # Two engineers may run actions at once against the same log file.
                fcntl.flock(handle.fileno(), fcntl.LOCK_EX)
                start = handle.seek(0, os.SEEK_END)
                try:
                    view = memoryview(data)
                    while view:
                        view = view[handle.write(view) or 0 :]
                    handle.flush()
                    os.fsync(handle.fileno())
                except OSError:
                    # A half line would join the next record into one unreadable line: cut it off.
                    with contextlib.suppress(OSError, ValueError):
                        handle.truncate(start)
                    raise
            if created:
                _sync_directory(self.path.parent)
        except OSError as error:
            raise self._failure(error) from None

    def record(
        self,
        *,
        caller_arn: str,
        action: str,
        arguments: Mapping[str, Any],
        result: str,
        region: str,
        target: str,
        before: Mapping[str, Any],
        changes: list[str],
        after: Mapping[str, Any] | None,
        error: str | None = None,
        record_id: str | None = None,
    ) -> dict[str, Any]:
        """Appends one record; returns it. AuditLogError when it could not be written whole and synced."""
        if result not in RESULTS:
            raise ValueError(f"unknown audit result {result!r}")
        entry: dict[str, Any] = {
            "when": iso(utc_now()),
            "who": {"caller_arn": caller_arn, "os_user": os_user()},
            "what": {"action": action, "arguments": jsonable(dict(arguments))},
            "result": result,
            "region": region,
            "target": target,
            "before": jsonable(dict(before)),
            "changes": list(changes),
            "after": jsonable(dict(after)) if after is not None else None,
        }
        if record_id:
            entry["id"] = record_id
        if error:
            entry["error"] = error
        self._append((json.dumps(entry, sort_keys=True) + "\n").encode("utf-8"))
        return entry


def _sync_directory(directory: Path) -> None:
    # A new file's name is only durable once its folder is synced too.
    descriptor = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def read_records(path: Path | str) -> list[dict[str, Any]]:
    """Every record in a log, oldest first (for tests and for the incident record)."""
    file = Path(path)
    if not file.exists():
        return []
    return [json.loads(line) for line in file.read_text(encoding="utf-8").splitlines() if line.strip()]


def records_of(path: Path | str, action: str) -> Iterator[dict[str, Any]]:
    """The readable records of ``action`` in a log, oldest first, for an action that looks back at
    its own history. A missing log, or anything that is not a regular file (a device never ends),
    has none; a line that is not a record is skipped."""
    file = Path(path)
    if not file.is_file():
        return
    with file.open(encoding="utf-8", errors="replace") as lines:
        for line in lines:
            try:
                record = json.loads(line)
            except ValueError:
                continue
            what = record.get("what") if isinstance(record, dict) else None
            if isinstance(what, dict) and what.get("action") == action:
                yield record
