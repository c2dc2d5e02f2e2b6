"""What an organization audit holds does not grow with the number of accounts: each account's
findings go to disk when it is done and its reader is dropped. Measured with tracemalloc around
the audit phase (``runner.audit_accounts``), against a moto server in another process so that only
the auditor's memory is counted: 40 accounts peak no higher than 10 do, within a margin."""

from __future__ import annotations

import datetime as dt
import gc
import tracemalloc
from pathlib import Path

import boto3
import pytest

from benchmarks import organization as bench
from compliance_checks import organization, partials, registry
from compliance_checks.catalog import load_catalog
from compliance_checks.reader import Reader
from compliance_checks.runner import AccountTarget, AuditOptions, audit_accounts, select

pytestmark = pytest.mark.slow  # 40 accounts over HTTP, three times

CHECKS = ("s3_bucket_default_encryption_kms", "logs_log_group_retention")


def _peak(targets: list[AccountTarget], output: Path) -> tuple[int, int]:
    selection = select(load_catalog(), registry.all_checks(), check_ids=list(CHECKS))
    sink = partials.DirectorySink(output / partials.FOLDER)
    gc.collect()
    tracemalloc.start()
    try:
        runs = audit_accounts(
            targets,
            selection,
            AuditOptions(workers=2),
            account_workers=2,
            sink=sink,
            now=dt.datetime.now(dt.UTC),
        )
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    return peak, len(list(sink.findings(range(len(runs)))))


def test_given_four_times_the_accounts_then_the_audit_peaks_no_higher(tmp_path: Path) -> None:
    with bench.moto_server() as endpoint:
        world = bench.build(endpoint, 40, regions=bench.REGIONS[:1])
        base = boto3.Session(region_name=bench.REGIONS[0])
        members = [m for m in organization.discover(Reader(base, [bench.REGIONS[0]], endpoint_url=endpoint))]
        access = organization.MemberAccess(
            base,
            organization.MemberRole(bench.ROLE, "leadping-audit-t"),
            bench.REGIONS[0],
            [bench.REGIONS[0]],
            endpoint_url=endpoint,
        )
        targets = [AccountTarget(open=lambda m=m: access.open(m), account_id=m.account_id) for m in members]
        _peak(targets[:4], tmp_path / "warm")  # botocore's model caches, moto's backends: not what is measured
        ten, ten_findings = _peak(targets[:10], tmp_path / "ten")
        forty, forty_findings = _peak(targets[:40], tmp_path / "forty")
    assert ten_findings == 10 * len(CHECKS)
    assert forty_findings == 40 * len(CHECKS)
    assert len(world.members) == 40
    # Held per account until the end, 40 accounts would need about four times what 10 need.
    assert forty <= ten * 1.3, f"peak {forty / 2**20:.1f} MB for 40 accounts, {ten / 2**20:.1f} MB for 10"
