"""Where moto differs from AWS in ways the platform or its audit trips over, the sandbox does what AWS does.

Two kinds of fix, one module per service:

- moto accepts less than AWS (a bucket policy form, a folder in a flow log destination, rotation
  of a secret without a value yet) or drops what AWS keeps (a connection's key, a queue's policy):
  the fix accepts or keeps it, as AWS does (``s3``, ``ec2``, ``secretsmanager``, ``events``, ``sqs``).
- moto lacks an operation an auditor reads, or a state AWS puts the account in by itself: the fix
  implements it as the AWS API reference documents it (``s3``: ListBuckets' BucketRegion and
  ContinuationToken; ``config``: the encryption and versioning members of a bucket's configuration
  item; ``ec2``: GetEbsDefaultKmsKeyId and
  ResetEbsDefaultKmsKeyId per region; ``backup``: backup selections and the Region's service
  opt-in; ``securityhub``: the standards and their subscriptions; ``rds``: the rotation RDS turns on
  for the master-user secret it manages; ``sns``: a subscription a person or an endpoint must
  confirm stays PendingConfirmation until confirmed).
- moto's server spends on each request what it could spend once: the fix does it once, with the
  same answers (``server``: which service a request is for).

None makes moto report a state it does not hold. Each module's ``patches()`` lists what it
replaces or adds on moto's classes (``Patch``) and the URL routes it adds (``Route``), for
in-process ``mock_aws`` and the served moto alike (both dispatch to the same response classes and
read the same route tables). They are active only inside ``fixes()`` (the sandbox's lifetime) and
restored afterwards.
"""

from __future__ import annotations

import importlib
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

SERVICES = (
    "s3",
    "config",
    "ec2",
    "secretsmanager",
    "rds",
    "events",
    "sqs",
    "sns",
    "backup",
    "securityhub",
    "apigateway",
    "server",
)
_ABSENT = object()


@dataclass(frozen=True)
class Patch:
    """Replaces (or adds) ``owner.name`` with ``make(original)``; ``original`` is None when absent."""

    owner: Any
    name: str
    make: Callable[[Any], Any]


@dataclass(frozen=True)
class Route:
    """Adds a URL pattern to a moto service's route table (``moto.<service>.urls.url_paths``)."""

    table: dict[str, Any]
    pattern: str
    handler: Any


_lock = threading.Lock()
_depth = 0
_undo: list[Callable[[], None]] = []


def _apply(patch: Patch) -> Callable[[], None]:
    saved = patch.owner.__dict__.get(patch.name, _ABSENT)
    setattr(patch.owner, patch.name, patch.make(None if saved is _ABSENT else saved))

    def undo() -> None:
        if saved is _ABSENT:
            delattr(patch.owner, patch.name)
        else:
            setattr(patch.owner, patch.name, saved)

    return undo


def _add(route: Route) -> Callable[[], None]:
    if route.pattern in route.table:
        return lambda: None
    route.table[route.pattern] = route.handler
    return lambda: route.table.pop(route.pattern, None)


def all_patches() -> list[Patch | Route]:
    found: list[Patch | Route] = []
    for service in SERVICES:
        found.extend(importlib.import_module(f"{__name__}.{service}").patches())
    return found


@contextmanager
def fixes() -> Iterator[None]:
    """Applies the fixes for the duration of the block (re-entrant, thread-safe)."""
    global _depth
    with _lock:
        if _depth == 0:
            for fix in all_patches():
                _undo.append(_apply(fix) if isinstance(fix, Patch) else _add(fix))
        _depth += 1
    try:
        yield
    finally:
        with _lock:
            _depth -= 1
            if _depth == 0:
                while _undo:
                    _undo.pop()()


def state(backend: Any, name: str, factory: Callable[[], Any]) -> Any:
    """Sandbox state kept on a moto backend instance (cleared with it when moto resets)."""
    key = f"_sandbox_{name}"
    if key not in backend.__dict__:
        backend.__dict__[key] = factory()
    return backend.__dict__[key]
