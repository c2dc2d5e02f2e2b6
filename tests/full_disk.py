"""A file that fills up: the test double for a disk without space, shared by the tests of every writer."""

from __future__ import annotations

import errno
import os
from typing import Any


class HalfThenFull:
    """Wraps an open file (text or binary): a write takes half of what it is given, then fails with
    ENOSPC, as a write to a full disk does. Everything else goes to the wrapped file."""

    def __init__(self, handle: Any) -> None:
        self._handle = handle

    def write(self, data: Any) -> int:
        self._handle.write(data[: len(data) // 2])
        self._handle.flush()
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    def __getattr__(self, name: str) -> Any:
        return getattr(self._handle, name)

    def __enter__(self) -> HalfThenFull:
        return self

    def __exit__(self, *exc: object) -> None:
        self._handle.close()
