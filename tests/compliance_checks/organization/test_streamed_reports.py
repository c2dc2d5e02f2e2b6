"""An organization's report read from a FindingStore (its findings on disk) is the same report, in
every format, as the one made from a list; the streaming formats write it a finding at a time, so
what writing it holds does not grow with the findings."""

from __future__ import annotations

import dataclasses
import io
import itertools
import tracemalloc
from pathlib import Path

import pytest

from compliance_checks import outputs
from compliance_checks.core import Status
from compliance_checks.filters import Filters
from compliance_checks.reports import FORMATS
from compliance_checks.reports.model import Finding, Report, finding_order
from compliance_checks.reports.store import FindingStore


def _stored(report: Report) -> Report:
    """The same findings in a store, added an account at a time as the runner adds them."""
    store = FindingStore(finding_order(report.controls))
    for _, batch in itertools.groupby(report.findings, key=lambda f: f.account_id):
        store.add(list(batch))
    return dataclasses.replace(report, findings=store)


@pytest.mark.parametrize("name", sorted(FORMATS))
def test_every_format_is_the_same_from_a_store_as_from_a_list(organization_report: Report, name: str) -> None:
    stored = _stored(organization_report)
    assert FORMATS[name].render(stored) == FORMATS[name].render(organization_report)
    written = io.StringIO(newline="")
    FORMATS[name].write(stored, written)
    assert written.getvalue() == FORMATS[name].render(organization_report)


def test_the_summaries_are_the_same_and_counted_once(organization_report: Report, monkeypatch) -> None:
    stored = _stored(organization_report)
    assert stored.counts() == organization_report.counts()
    assert stored.control_summaries() == organization_report.control_summaries()
    assert stored.account_summaries() == organization_report.account_summaries()
    reads = []
    real_iter = FindingStore.__iter__
    monkeypatch.setattr(FindingStore, "__iter__", lambda self: reads.append(1) or real_iter(self))
    stored.counts()
    stored.account_summaries()
    assert reads == []  # kept with the store, which no longer changes
    assert stored.exit_code() == organization_report.exit_code()


def test_status_filter_on_a_store_is_a_view_in_the_same_order(organization_report: Report) -> None:
    shown = Filters(statuses=frozenset({"FAIL"})).shown(_stored(organization_report).findings)
    assert isinstance(shown, FindingStore)
    expected = [f for f in organization_report.sorted_findings() if f.status is Status.FAIL]
    assert expected
    assert list(shown) == expected


def _many(report: Report, copies: int) -> Report:
    """The report's findings, each copied for ``copies`` made-up resources of its account, in a store
    (an account's findings a batch, as the runner adds them)."""
    store = FindingStore(finding_order(report.controls))
    for _, batch in itertools.groupby(report.findings, key=lambda f: f.account_id):
        found = list(batch)
        store.add(dataclasses.replace(f, resource_id=f"{f.resource_id}-{n}") for n in range(copies) for f in found)
    return dataclasses.replace(report, findings=store)


def _peak_writing(report: Report, name: str, path: Path) -> tuple[int, int]:
    """What writing the report in that format held at most (bytes traced), and the file's size."""
    tracemalloc.start()
    try:
        outputs.write_all_or_none({path: lambda out: FORMATS[name].write(report, out)})
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return peak, path.stat().st_size


def _peak_listing(report: Report) -> int:
    """What the report's findings take as a list (bytes traced)."""
    tracemalloc.start()
    try:
        findings = list(report.sorted_findings())
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert findings
    return peak


# Every format but the terminal's table (rich measures all its rows first) and html (it ranks what
# needs attention first, every FAIL, ERROR and MANUAL finding).
@pytest.mark.parametrize("name", ["json", "csv", "asff", "ocsf", "sarif", "junit", "oscal", "markdown"])
def test_a_streaming_format_holds_a_finding_at_a_time_not_the_report(
    organization_report: Report, tmp_path: Path, name: str
) -> None:
    small, big = _many(organization_report, 50), _many(organization_report, 400)
    for report in (small, big):
        report.counts()  # the summaries are counted once, before (kept with the store)
        report.account_summaries()
    FORMATS[name].write(small, io.StringIO())  # what is loaded once (references, templates) is loaded
    peak_small, size_small = _peak_writing(small, name, tmp_path / "small")
    peak_big, size_big = _peak_writing(big, name, tmp_path / "big")
    listed = _peak_listing(big)
    assert len(big.findings) == 8 * len(small.findings) > 3000
    assert size_big > 7 * size_small
    # Eight times the findings, megabytes more text: what writing held stays about what it was (a list
    # of the findings, or the text, would be eight times as much; what varies is garbage the collector
    # has not reached yet), far below what the findings take as a list, and well under the file's size
    # (Markdown's aside: it lists only what needs attention, a file smaller than the buffers that
    # reading the store's runs holds).
    assert peak_big < 2 * peak_small + 256 * 1024, f"{name}: {peak_small} -> {peak_big} bytes"
    assert peak_big < listed / 4, f"{name}: peak {peak_big} bytes writing, {listed} bytes for the findings as a list"
    if name != "markdown":
        assert peak_big < size_big / 4, f"{name}: peak {peak_big} bytes writing a {size_big}-byte report"


def test_the_runner_puts_an_organizations_findings_in_a_store(organization_report: Report) -> None:
    # organization_report is run_accounts without store=True: a list. With the CLI's store=True see
    # test_cli_organization; here, the finding order a store keeps is the report's.
    assert isinstance(organization_report.findings, list)
    stored = _stored(organization_report)
    assert stored.sorted_findings() is stored.findings
    assert list(stored.sorted_findings()) == list(organization_report.sorted_findings())
    assert all(isinstance(f, Finding) for f in stored.findings)
