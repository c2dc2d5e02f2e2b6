"""Each account's findings on disk as soon as the account is done (``--output-dir DIR``: DIR/accounts/).

An organization run keeps nothing of an account once it is done but the path of its file, so that
what the run holds does not grow with the number of accounts; the report formats are assembled
from these files at the end. They stay beside the reports: one JSON Lines file per account (one
finding a line, ``Finding.to_dict``, before waivers, which apply to the run as a whole), the
evidence of what each account showed.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterable, Iterator
from pathlib import Path

from compliance_checks import outputs
from compliance_checks.reports.model import Finding

FOLDER = "accounts"


class DirectorySink:
    """A ``runner.FindingSink`` writing ``<folder>/<account id>.jsonl`` (written whole, then renamed)."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self._paths: dict[int, Path] = {}
        self._lock = threading.Lock()

    def prepare(self) -> None:
        """Before the run: the folder exists and holds no account file of an earlier run (which would
        read as this run's evidence). OSError when it cannot be made."""
        self.folder.mkdir(parents=True, exist_ok=True)
        for stale in self.folder.glob("*.jsonl"):
            stale.unlink()

    def add(self, position: int, account_id: str, findings: list[Finding]) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        name = account_id if account_id.isdigit() else f"{account_id}-{position}"
        path = self.folder / f"{name}.jsonl"
        outputs.write_atomically(path, "".join(json.dumps(f.to_dict(), default=str) + "\n" for f in findings))
        with self._lock:
            self._paths[position] = path

    def findings(self, positions: Iterable[int]) -> Iterator[Finding]:
        for position in positions:
            with self._lock:
                path = self._paths.get(position)
            if path is None:
                continue
            with path.open(encoding="utf-8") as lines:
                for line in lines:
                    yield Finding.from_dict(json.loads(line))
