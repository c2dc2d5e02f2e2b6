"""Narrow fixes for moto behaviour that differs from AWS in ways the platform trips over.

Each fix makes moto accept what AWS accepts; none makes moto report a state it does not hold.
They are active only inside ``fixes()`` (the sandbox's lifetime) and restored afterwards.

- S3 PutBucketLogging: moto checks that the target bucket's policy lets logging.s3.amazonaws.com
  write, but crashes on any statement whose Principal is the string "*" (every TLS-only deny,
  LP-TX-1, has one) and only understands a single-string Resource and Service. The replacement
  performs the same check over the statement forms AWS allows.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

_LOGGING_SERVICE = "logging.s3.amazonaws.com"
_lock = threading.Lock()
_depth = 0
_saved: dict[str, Any] = {}


def _as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def _log_permissions_enabled_policy(target_bucket: Any, target_prefix: str | None) -> bool:
    policy = target_bucket.policy
    if not policy:
        return False
    document = json.loads(policy.decode() if isinstance(policy, bytes) else policy)
    bucket_arn = f"arn:{target_bucket.partition}:s3:::{target_bucket.name}"
    accepted = {f"{bucket_arn}/{target_prefix or ''}*", f"{bucket_arn}/*", bucket_arn}
    for statement in _as_list(document.get("Statement")):
        principal = statement.get("Principal")
        services = _as_list(principal.get("Service")) if isinstance(principal, dict) else []
        if _LOGGING_SERVICE not in services or statement.get("Effect") != "Allow":
            continue
        actions = _as_list(statement.get("Action"))
        if not any(a in ("s3:PutObject", "s3:*", "*") for a in actions):
            continue
        if accepted & set(_as_list(statement.get("Resource"))):
            return True
    return False


@contextmanager
def fixes() -> Iterator[None]:
    """Applies the fixes for the duration of the block (re-entrant, thread-safe)."""
    global _depth
    from moto.s3.models import FakeBucket

    with _lock:
        if _depth == 0:
            _saved["s3_logging"] = FakeBucket.__dict__["_log_permissions_enabled_policy"]
            FakeBucket._log_permissions_enabled_policy = staticmethod(_log_permissions_enabled_policy)
        _depth += 1
    try:
        yield
    finally:
        with _lock:
            _depth -= 1
            if _depth == 0:
                FakeBucket._log_permissions_enabled_policy = _saved.pop("s3_logging")
