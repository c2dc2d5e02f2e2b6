"""Findings kept on disk, read back in report order: what an organization's report is made of.

A report of 300 accounts holds tens of thousands of findings; held as objects, with every format's
document built from them, the run's memory would grow with the number of accounts. A
``FindingStore`` holds none of them: each batch added (an account's findings) is sorted in the
report's order (``model.finding_order``) and written as one run of JSON Lines; iterating merges
the runs (``heapq.merge``, stable: equal keys keep the order they were added in), so it yields
exactly what ``sorted(all findings added, key=order)`` would, one finding at a time. Runs are
compacted ``FAN_IN`` at a time as they accumulate, so the files open at once stay bounded however
many accounts there are.

A store is written once (``add``), then read any number of times; ``where`` gives a filtered view
of it that shares its files. The formats that stream (every one but the terminal's table: json,
csv, asff, ocsf, html, sarif, junit, oscal, markdown) write a finding at a time from it, some after a
first pass of their own (SARIF's rules, JUnit's counts) or with a pass per list (OSCAL); ``Report``
computes every summary in one pass over it and keeps the result.
"""

from __future__ import annotations

import heapq
import json
import tempfile
import threading
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

from compliance_checks.reports.model import Finding

FAN_IN = 64  # runs merged into one when that many of one level accumulate; files open at once when read


class _Run:
    """One sorted run of findings on disk: JSON Lines of ``Finding.to_dict``."""

    __slots__ = ("count", "level", "path")

    def __init__(self, path: Path, count: int, level: int) -> None:
        self.path = path
        self.count = count
        self.level = level

    def __iter__(self) -> Iterator[Finding]:
        with self.path.open(encoding="utf-8") as lines:
            for line in lines:
                yield Finding.from_dict(json.loads(line))


def _write_run(path: Path, findings: Iterable[Finding]) -> int:
    count = 0
    with path.open("w", encoding="utf-8") as out:
        for finding in findings:
            out.write(json.dumps(finding.to_dict(), default=str, separators=(",", ":")))
            out.write("\n")
            count += 1
    return count


class FindingStore:
    """Findings on disk in the order ``key`` gives (see the module's text)."""

    def __init__(self, key: Callable[[Finding], Any], folder: Path | None = None) -> None:
        self.key = key
        # The folder goes when the store (and every view of it) does, or at the latest with the process.
        self._folder = tempfile.TemporaryDirectory(prefix="leadping-findings-", dir=folder)
        self._runs: list[_Run] = []
        self._lock = threading.Lock()
        self._serial = 0
        self._predicate: Callable[[Finding], bool] | None = None
        self._count: int | None = 0
        self.summaries: dict[Any, Any] = {}  # what Report computed from this store, kept while it lasts

    # -- writing --------------------------------------------------------------------------

    def _path(self) -> Path:
        self._serial += 1
        return Path(self._folder.name) / f"run-{self._serial:06d}.jsonl"

    def add(self, findings: Iterable[Finding]) -> None:
        """One batch, sorted and written as a run; it comes after every batch added before it
        among findings whose keys are equal."""
        if self._predicate is not None:
            raise TypeError("a filtered view of a store cannot be added to")
        batch = sorted(findings, key=self.key)
        if not batch:
            return
        with self._lock:
            path = self._path()
            self._runs.append(_Run(path, _write_run(path, batch), 0))
            self._count = (self._count or 0) + len(batch)
            self.summaries.clear()
            self._compact()

    def _compact(self) -> None:
        """Merges the newest FAN_IN runs of one level into one run of the next, while there are
        that many: every run stays a consecutive stretch of the batches, so merging keeps the order."""
        while len(self._runs) >= FAN_IN and len({run.level for run in self._runs[-FAN_IN:]}) == 1:
            group = self._runs[-FAN_IN:]
            path = self._path()
            merged = _Run(path, _write_run(path, heapq.merge(*group, key=self.key)), group[0].level + 1)
            del self._runs[-FAN_IN:]
            self._runs.append(merged)
            for run in group:
                run.path.unlink()

    # -- reading --------------------------------------------------------------------------

    def __iter__(self) -> Iterator[Finding]:
        merged = heapq.merge(*self._runs, key=self.key) if len(self._runs) != 1 else iter(self._runs[0])
        if self._predicate is None:
            return merged
        return filter(self._predicate, merged)

    def __len__(self) -> int:
        if self._count is None:
            self._count = sum(1 for _ in self)
        return self._count

    def __bool__(self) -> bool:
        return len(self) > 0

    def where(self, predicate: Callable[[Finding], bool]) -> FindingStore:
        """A view of the findings for which ``predicate`` holds, in the same order, sharing the files."""
        view = FindingStore.__new__(FindingStore)
        view.key = self.key
        view._folder = self._folder
        view._runs = list(self._runs)
        view._lock = threading.Lock()
        view._serial = 0
        previous = self._predicate
        view._predicate = predicate if previous is None else (lambda f: previous(f) and predicate(f))
        view._count = None
        view.summaries = {}
        return view

    @property
    def folder(self) -> Path:
        return Path(self._folder.name)

    def __repr__(self) -> str:
        return f"FindingStore({len(self._runs)} runs in {self._folder.name})"


def is_store(findings: object) -> bool:
    return isinstance(findings, FindingStore)
