"""The audit log of applied actions: one JSON object per line, appended, never rewritten.

Each record says who (the caller's ARN from STS and the local OS user), what (the action and
its arguments), when (UTC ISO-8601), the state before, the changes, the state after and the
result: "applied", "no-op" (nothing needed doing), "unverified" (applied, but a check after it
failed), "failed" or "interrupted". Dry runs are not logged: they change nothing.
"""

from __future__ import annotations

import contextlib
import fcntl
import getpass
import json
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from runbooks.core import iso, jsonable, utc_now

DEFAULT_PATH = Path("runbook-audit.jsonl")
RESULTS = ("applied", "no-op", "unverified", "failed", "interrupted")


class AuditLogError(Exception):
    """The audit log cannot be written; raised before any change so nothing goes unrecorded."""


def os_user() -> str:
    # getpass fails in containers whose uid has no passwd entry; the uid still identifies.
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return f"uid:{os.getuid()}"


class AuditLog:
    def __init__(self, path: Path | str) -> None:
        self.path = Path(path)

    def ensure_writable(self) -> None:
        """Opens the log for appending (creating it, owner-only) so a bad path fails before any change."""
        try:
            descriptor = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
        except OSError as error:
            raise AuditLogError(f"cannot write the audit log {self.path}: {error.strerror}") from None
        os.close(descriptor)

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
    ) -> dict[str, Any]:
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
        if error:
            entry["error"] = error
        line = json.dumps(entry, sort_keys=True) + "\n"
        try:
            descriptor = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
        except OSError as error_:
            raise AuditLogError(f"cannot write the audit log {self.path}: {error_.strerror}") from None
        with os.fdopen(descriptor, "a", encoding="utf-8") as handle:
            # Two engineers may run actions at once against the same log file.
            fcntl.flock(handle, fcntl.LOCK_EX)
            try:
                handle.write(line)
                handle.flush()
                os.fsync(handle.fileno())
            finally:
                with contextlib.suppress(OSError):
                    fcntl.flock(handle, fcntl.LOCK_UN)
        return entry


def read_records(path: Path | str) -> list[dict[str, Any]]:
    """Every record in a log, oldest first (for tests and for the incident record)."""
    file = Path(path)
    if not file.exists():
        return []
    return [json.loads(line) for line in file.read_text(encoding="utf-8").splitlines() if line.strip()]
