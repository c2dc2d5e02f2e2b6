"""reports.store.FindingStore: findings on disk read back in report order, exactly as sorting them
would give (ties in the order added), across compaction levels; filtered views; bounded files."""

from __future__ import annotations

import json
import random

import pytest

from compliance_checks.catalog import load_catalog
from compliance_checks.core import Status
from compliance_checks.reports import store as store_module
from compliance_checks.reports.model import Finding, finding_order
from compliance_checks.reports.store import FindingStore

CONTROLS = load_catalog().controls[:6]


def _finding(rng: random.Random, serial: int) -> Finding:
    return Finding(
        control_id=rng.choice([c.id for c in CONTROLS] + ["LP-NOT-IN-THE-SELECTION"]),
        check_id=rng.choice([None, "check_a", "check_b"]),
        resource_id=rng.choice(["arn:aws:s3:::a", "arn:aws:s3:::b"]),  # few values: many equal keys
        resource_type="AWS::S3::Bucket",
        region=f"region-{serial}",  # not in the key: tells equal-key findings apart
        status=rng.choice(list(Status)),
        message=f'finding {serial} \u00e9\n"quoted"',
        evidence={"serial": serial, "nested": {"list": [1, None, "x"]}},
        severity=rng.choice([None, "high", "low"]),
        title="t",
        account_id=rng.choice(["111111111111", "222222222222"]),
        waiver=rng.choice([None, {"index": 1, "justification": "j", "expires": "2099-01-01"}]),
    )


def _batches(seed: int, count: int) -> list[list[Finding]]:
    rng = random.Random(seed)
    serial = 0
    batches = []
    for _ in range(count):
        batch = []
        for _ in range(rng.randint(0, 12)):
            batch.append(_finding(rng, serial))
            serial += 1
        batches.append(batch)
    return batches


@pytest.mark.parametrize(("seed", "batches", "fan_in"), [(1, 1, 64), (2, 7, 64), (3, 150, 3), (4, 40, 2)])
def test_reading_gives_what_sorting_everything_added_would(monkeypatch, seed, batches, fan_in) -> None:
    monkeypatch.setattr(store_module, "FAN_IN", fan_in)
    order = finding_order(CONTROLS)
    store = FindingStore(order)
    added = []
    for batch in _batches(seed, batches):
        store.add(batch)
        added.extend(batch)
    expected = sorted(added, key=order)
    assert list(store) == expected
    assert list(store) == expected  # read again: the same
    assert len(store) == len(added)


def test_compaction_keeps_the_runs_few(monkeypatch) -> None:
    monkeypatch.setattr(store_module, "FAN_IN", 4)
    store = FindingStore(finding_order(CONTROLS))
    for batch in _batches(5, 300):
        store.add(batch)
    # At most FAN_IN - 1 runs of each level: 300 batches are at most 5 levels of 4.
    assert len(store._runs) <= 3 * 5
    assert len(list(store.folder.iterdir())) == len(store._runs)  # merged runs' files are gone


def test_a_view_filters_in_order_and_shares_the_files() -> None:
    order = finding_order(CONTROLS)
    store = FindingStore(order)
    added = [f for batch in _batches(6, 20) for f in batch]
    store.add(added[:30])
    store.add(added[30:])
    failing = store.where(lambda f: f.status is Status.FAIL)
    expected = sorted((f for f in added if f.status is Status.FAIL), key=order)
    assert list(failing) == expected
    assert len(failing) == len(expected)
    assert failing.key == store.key
    narrower = failing.where(lambda f: f.account_id == "111111111111")
    assert list(narrower) == [f for f in expected if f.account_id == "111111111111"]
    with pytest.raises(TypeError, match="filtered view"):
        failing.add(added[:1])


def test_an_empty_store_reads_as_nothing() -> None:
    store = FindingStore(finding_order(CONTROLS))
    store.add([])
    assert list(store) == []
    assert len(store) == 0
    assert not store


def test_a_run_on_disk_is_one_finding_a_line() -> None:
    store = FindingStore(finding_order(CONTROLS))
    batch = _batches(7, 1)[0] or [_finding(random.Random(7), 0)]
    store.add(batch)
    (run,) = list(store.folder.iterdir())
    lines = run.read_text(encoding="utf-8").splitlines()
    assert [Finding.from_dict(json.loads(line)) for line in lines] == sorted(batch, key=store.key)


def test_the_folder_goes_with_the_store() -> None:
    store = FindingStore(finding_order(CONTROLS))
    store.add(_batches(8, 2)[1] or [_finding(random.Random(8), 0)])
    folder = store.folder
    assert folder.is_dir()
    del store
    import gc

    gc.collect()
    assert not folder.exists()


def test_an_unreadable_run_is_an_error_not_fewer_findings() -> None:
    store = FindingStore(finding_order(CONTROLS))
    store.add([_finding(random.Random(9), 0), _finding(random.Random(10), 1)])
    (run,) = list(store.folder.iterdir())
    run.write_text('{"control_id": "truncated', encoding="utf-8")
    with pytest.raises(json.JSONDecodeError):
        list(store)
