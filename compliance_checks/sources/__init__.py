"""Where the reader takes resource configurations from besides the per-resource API reads.

A source answers some reads in bulk (``config``: AWS Config's configuration items) in the shape
the API would have answered them, and returns ``LIVE`` for every read it does not hold, which the
reader then sends to the API as usual. ``audit --source api`` (the default) uses none.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Protocol

LIVE: Any = object()  # "this source does not hold that answer: read it from the API"


class Source(Protocol):
    def answer(self, reader: Any, service: str, operation: str, region: str, params: Mapping[str, Any]) -> Any:
        """The API's answer to this read (None for "not configured"), or LIVE."""
        ...

    def describe(self) -> dict[str, Any]:
        """What the report's metadata says about the source: what it answered, what was read live."""
        ...
