"""The shared per-resource machinery: core.judge_each and the family bases (compliance_checks/families.py)."""

from __future__ import annotations

import threading
import time

import pytest

from compliance_checks.core import (
    PER_RESOURCE_WORKERS,
    ReadError,
    Status,
    judge_each,
    map_each,
    passed,
    run_with_resource_workers,
)


def _locate(item):
    return f"arn:test:{item}", "us-east-1"


class _InFlight:
    """Counts what runs inside it at once; ``peak`` is the most at any moment."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.running = self.peak = 0
        self._lock = threading.Lock()

    def __enter__(self) -> None:
        with self._lock:
            self.running += 1
            self.peak = max(self.peak, self.running)
        time.sleep(self.seconds)

    def __exit__(self, *_: object) -> None:
        with self._lock:
            self.running -= 1


def test_given_items_then_results_come_in_item_order_whatever_finishes_first():
    def judge(item):
        time.sleep(0.02 * (5 - item))  # the last item finishes first
        return passed(f"arn:test:{item}", "ok")

    results = list(judge_each(range(5), _locate, judge))
    assert [r.resource_id for r in results] == [f"arn:test:{i}" for i in range(5)]


def test_given_slow_reads_then_they_overlap_up_to_the_bound():
    reads = _InFlight(0.05)

    def judge(item):
        with reads:
            return passed(f"arn:test:{item}", "ok")

    assert len(list(judge_each(range(12), _locate, judge, workers=4))) == 12
    assert reads.peak == 4


def test_given_one_failed_read_then_only_that_resource_is_error():
    def judge(item):
        if item == 2:
            raise ReadError(ReadError.THROTTLED, "kms:DescribeKey", "slow down", "eu-west-1")
        return passed(f"arn:test:{item}", "ok")

    results = {r.resource_id: r for r in judge_each(range(4), _locate, judge)}
    assert results["arn:test:2"].status is Status.ERROR
    assert results["arn:test:2"].evidence["error_kind"] == "throttled"
    assert [results[f"arn:test:{i}"].status for i in (0, 1, 3)] == [Status.PASS] * 3


def test_given_a_bug_in_the_judgement_then_it_is_raised_not_passed():
    def judge(item):
        raise KeyError("Arn")

    with pytest.raises(KeyError):
        list(judge_each(range(3), _locate, judge))


def test_given_a_judge_that_judges_nothing_then_no_result():
    assert list(judge_each(range(3), _locate, lambda item: None)) == []


# -- each check's bound on its resources in flight (core.run_with_resource_workers) -------------


def _peak_of(judge_items: int, *, nested: bool = False) -> tuple[int, int]:
    """Judges ``judge_items`` slow items; returns the peak in flight, and the peak of a map_each inside each."""
    reads, inner_reads = _InFlight(0.05), _InFlight(0.02)

    def inner(_):
        with inner_reads:
            pass

    def judge(item):
        with reads:
            if nested:
                map_each(inner, range(12))
        return passed(f"arn:test:{item}", "ok")

    assert len(list(judge_each(range(judge_items), _locate, judge))) == judge_items
    return reads.peak, inner_reads.peak


def test_given_no_share_then_a_check_reads_per_resource_workers_at_once():
    assert _peak_of(40)[0] == PER_RESOURCE_WORKERS


def test_given_a_share_then_the_check_reads_that_many_at_once():
    peak, _ = run_with_resource_workers(16, _peak_of, 40)
    assert peak == 16


def test_given_a_share_then_a_map_each_inside_one_resource_keeps_the_per_resource_bound():
    peak, inner_peak = run_with_resource_workers(16, lambda: _peak_of(2, nested=True))
    assert peak == 2
    assert inner_peak <= 2 * PER_RESOURCE_WORKERS  # each of the two items: at most 8, not 16
