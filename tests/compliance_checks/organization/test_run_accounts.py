"""runner.run_accounts: accounts audited concurrently, an account that cannot be opened is ERROR for
every check, findings kept per account on disk, the report in the accounts' order."""

from __future__ import annotations

import json
from pathlib import Path

import boto3
import pytest

from compliance_checks import partials, registry
from compliance_checks.catalog import load_catalog
from compliance_checks.core import ReadError, Status
from compliance_checks.reader import Reader
from compliance_checks.reports.model import Finding
from compliance_checks.runner import AccountTarget, AuditOptions, run_accounts, select
from tests.compliance_checks.organization.conftest import CHECKS, REGION

DENIED = ReadError(ReadError.ACCESS_DENIED, "sts:assume_role", "AccessDenied: not authorized", REGION)


def _refused() -> Reader:
    raise DENIED


def _selection():
    return select(load_catalog(), registry.all_checks(), check_ids=list(CHECKS))


def test_given_an_account_that_cannot_be_opened_then_every_check_is_error_on_the_account(aws: None) -> None:
    reader = Reader(boto3.Session(region_name=REGION), [REGION])
    targets = [AccountTarget(open=_refused, account_id="210987654321"), AccountTarget(open=lambda: reader)]
    report = run_accounts(targets, _selection(), AuditOptions(workers=2), account_workers=2)
    refused = [f for f in report.findings if f.account_id == "210987654321"]
    assert {f.check_id for f in refused} == set(CHECKS)
    assert all(f.status is Status.ERROR for f in refused)
    assert all(f.resource_id == "arn:aws:::account/210987654321" for f in refused)
    assert all(f.resource_type == "AWS::::Account" for f in refused)
    assert all(f.evidence["error_kind"] == "access-denied" for f in refused)
    others = [f for f in report.findings if f.account_id != "210987654321"]
    assert others
    assert all(f.status is Status.PASS for f in others)
    assert report.metadata["accounts"] == ["210987654321", "123456789012"]  # the targets' order
    assert report.exit_code() == 3


def test_given_an_output_folder_then_each_account_is_written_when_done_and_read_back_in_order(
    aws: None, tmp_path: Path
) -> None:
    reader = Reader(boto3.Session(region_name=REGION), [REGION])
    boto3.client("s3", region_name=REGION).create_bucket(Bucket="plain")
    sink = partials.DirectorySink(tmp_path / partials.FOLDER)
    targets = [AccountTarget(open=lambda: reader), AccountTarget(open=_refused, account_id="210987654321")]
    progress: list[str] = []
    options = AuditOptions(workers=2, progress=lambda done, total, what: progress.append(f"{done}/{total} {what}"))
    report = run_accounts(targets, _selection(), options, account_workers=1, sink=sink)
    files = sorted(p.name for p in (tmp_path / partials.FOLDER).iterdir())
    assert files == ["123456789012.jsonl", "210987654321.jsonl"]
    lines = (tmp_path / partials.FOLDER / "123456789012.jsonl").read_text().splitlines()
    assert [Finding.from_dict(json.loads(line)) for line in lines] == [
        f for f in report.findings if f.account_id == "123456789012"
    ]
    assert sorted(progress) == ["1/2 account 123456789012", "2/2 account 210987654321"]
    assert [f.account_id for f in report.findings] == sorted(f.account_id for f in report.findings)


def test_given_no_account_then_the_report_holds_only_the_manual_controls(aws: None) -> None:
    selection = select(load_catalog(), registry.all_checks(), control_ids=["LP-DR-1"])
    report = run_accounts([], selection)
    assert all(f.status is Status.MANUAL for f in report.findings)
    assert report.metadata["accounts"] == []


@pytest.mark.parametrize("workers", [0, 65])
def test_given_account_workers_out_of_bounds_then_it_is_refused(workers: int) -> None:
    with pytest.raises(ValueError, match="account_workers"):
        run_accounts([AccountTarget(open=_refused, account_id="1")], _selection(), account_workers=workers)


def test_a_finding_survives_its_dict() -> None:
    finding = Finding(
        "LP-DR-1", "c", "arn:aws:s3:::b", "AWS::S3::Bucket", "us-east-1", Status.WAIVED, "m",
        {"k": [1, 2]}, "high", "t", "123456789012", {"index": 0, "justification": "j", "expires": "2026-01-01"},
    )  # fmt: skip
    assert Finding.from_dict(json.loads(json.dumps(finding.to_dict()))) == finding
