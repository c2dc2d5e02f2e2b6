"""``--shard I/N``: a deterministic slice of an organization's accounts, for one of N machines.

An account's shard is a stable hash of its id (SHA-256, not Python's salted ``hash``), never its
position in a list: the slice does not change when accounts join or leave the organization, or
when the Organizations API lists them in another order, so N machines given the same selection
audit every account exactly once. Each shard's report records what ``merge`` needs to refuse a
wrong set of shards: the run id, I and N, the selection and the catalog version (``run_identity``).
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from typing import Any

from compliance_checks.catalog import CATALOG_FILE

MAX_SHARDS = 1000
RUN_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:-]{0,127}")


@dataclass(frozen=True)
class Shard:
    index: int  # 1 .. count
    count: int

    def __str__(self) -> str:
        return f"{self.index}/{self.count}"

    def holds(self, account_id: str) -> bool:
        return shard_of(account_id, self.count) == self.index


def parse_shard(text: str) -> Shard:
    """``I/N`` with 1 <= I <= N <= 1000."""
    match = re.fullmatch(r"([0-9]{1,4})/([0-9]{1,4})", text.strip())
    if not match:
        raise ValueError(f"{text!r} is not a shard I/N (e.g. 2/4)")
    index, count = int(match[1]), int(match[2])
    if not 1 <= count <= MAX_SHARDS or not 1 <= index <= count:
        raise ValueError(f"shard {text!r}: I must be 1 to N and N 1 to {MAX_SHARDS}")
    return Shard(index, count)


def shard_of(account_id: str, count: int) -> int:
    """The shard (1 .. count) that audits ``account_id``."""
    digest = hashlib.sha256(account_id.encode()).digest()
    return int.from_bytes(digest[:8], "big") % count + 1


def catalog_version() -> str:
    """What the controls and checks were: shards audited under another catalog do not merge."""
    from compliance_checks.runner import tool_version  # the runner imports the catalog; keep this module light

    return f"{tool_version()}+{hashlib.sha256(CATALOG_FILE.read_bytes()).hexdigest()[:16]}"


def run_identity(run_id: str, shard: Shard | None, selection: dict[str, Any]) -> dict[str, Any]:
    """The ``run`` entry of a report's metadata."""
    return {
        "id": run_id,
        "shard": {"index": shard.index, "count": shard.count} if shard else None,
        "selection": selection,
        "catalog": catalog_version(),
    }
