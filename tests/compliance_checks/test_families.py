"""The shared per-resource machinery: core.judge_each and the family bases (compliance_checks/families.py)."""

from __future__ import annotations

import threading
import time

import pytest

from compliance_checks.core import ReadError, Status, judge_each, passed


def _locate(item):
    return f"arn:test:{item}", "us-east-1"


def test_given_items_then_results_come_in_item_order_whatever_finishes_first():
    def judge(item):
        time.sleep(0.02 * (5 - item))  # the last item finishes first
        return passed(f"arn:test:{item}", "ok")

    results = list(judge_each(range(5), _locate, judge))
    assert [r.resource_id for r in results] == [f"arn:test:{i}" for i in range(5)]


def test_given_slow_reads_then_they_overlap_up_to_the_bound():
    running, peak, lock = 0, 0, threading.Lock()

    def judge(item):
        nonlocal running, peak
        with lock:
            running += 1
            peak = max(peak, running)
        time.sleep(0.05)
        with lock:
            running -= 1
        return passed(f"arn:test:{item}", "ok")

    assert len(list(judge_each(range(12), _locate, judge, workers=4))) == 12
    assert peak == 4


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
