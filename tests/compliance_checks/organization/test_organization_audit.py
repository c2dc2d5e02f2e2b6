"""An organization of 50 member accounts on moto, audited through the command line: every planted
failure is found in its own account, an account whose role cannot be assumed is ERROR and the run
goes on, and four shards merged are the one run, finding for finding."""

from __future__ import annotations

import json
from pathlib import Path

import boto3
import pytest
from moto import mock_aws

from compliance_checks import cli, shards
from compliance_checks.reports import FORMATS
from tests.compliance_checks.organization.conftest import (
    CHECKS,
    OTHER_REGION,
    REGION,
    ROLE,
    Organization,
    build_organization,
    refuse_assume_role,
)

pytestmark = pytest.mark.slow  # 51 accounts audited five times (one run, four shards): about a minute


def _audit(output: Path, *extra: str) -> int:
    return cli.main(
        [
            "audit",
            "--organization",
            "--member-role",
            ROLE,
            "--region",
            REGION,
            "--region",
            OTHER_REGION,
            "--checks",
            *CHECKS,
            "--format",
            "json",
            "--output-dir",
            str(output),
            "--quiet",
            *extra,
        ]
    )


class Run:
    """The whole organization audited once, then in four shards merged; everything is run while moto is
    up (in the fixture), the tests read what was written."""

    def __init__(self, world: Organization, root: Path) -> None:
        self.world = world
        self.root = root
        self.code = _audit(root / "whole")
        self.document = json.loads((root / "whole" / "audit.json").read_text())
        self.shards = []
        for index in range(1, 5):
            _audit(root / f"shard{index}", "--shard", f"{index}/4", "--run-id", "nightly-1")
            self.shards.append(json.loads((root / f"shard{index}" / "audit.json").read_text()))
        directories = [str(root / f"shard{index}") for index in range(1, 5)]
        self.merged_code = cli.main(
            ["merge", *directories, "--output-dir", str(root / "merged"), "--format", ",".join(FORMATS)]
        )
        self.merged = json.loads((root / "merged" / "audit.json").read_text())


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory) -> Run:
    with mock_aws(), pytest.MonkeyPatch.context() as patch:
        world = build_organization(50)
        world.unassumable.add(world.members[9])

        def base_session(profile=None, region=None) -> boto3.Session:
            session = boto3.Session(profile_name=profile, region_name=region)
            for account in world.unassumable:
                refuse_assume_role(session, account)
            return session

        patch.setattr(cli, "aws_session", base_session)
        patch.setenv("AWS_REGION", REGION)
        return Run(world, tmp_path_factory.mktemp("organization"))


def _failures(document: dict) -> set[tuple[str, str, str]]:
    return {(f["check_id"], f["account_id"], f["resource_id"]) for f in document["findings"] if f["status"] == "FAIL"}


def test_given_planted_failures_then_each_is_found_in_its_own_account_and_nowhere_else(run: Run) -> None:
    expected = {(check, account, resource) for (check, account), resource in run.world.planted.items()}
    assert _failures(run.document) == expected
    assert run.code == 1


def test_given_50_members_then_every_active_account_is_audited_once(run: Run) -> None:
    assert sorted(run.document["metadata"]["accounts"]) == run.world.accounts
    per_account = {(f["account_id"], f["check_id"]) for f in run.document["findings"]}
    assert per_account == {(a, c) for a in run.world.accounts for c in CHECKS}


def test_given_an_account_whose_role_cannot_be_assumed_then_it_is_error_and_the_run_goes_on(run: Run) -> None:
    [account] = run.world.unassumable
    findings = [f for f in run.document["findings"] if f["account_id"] == account]
    assert {f["check_id"] for f in findings} == set(CHECKS)
    for finding in findings:
        assert finding["status"] == "ERROR"
        assert finding["resource_id"] == f"arn:aws:::account/{account}"
        assert finding["evidence"]["error_kind"] == "access-denied"
        assert "AssumeRole" in finding["message"] or "assume_role" in finding["message"]
    others = [f for f in run.document["findings"] if f["account_id"] != account]
    assert all(f["status"] in ("PASS", "FAIL") for f in others)


def test_given_an_output_dir_then_each_account_has_its_partial_results_there(run: Run) -> None:
    files = {p.stem for p in (run.root / "whole" / "accounts").glob("*.jsonl")}
    assert files == set(run.world.accounts)


def _key(finding: dict) -> str:
    return json.dumps({k: v for k, v in finding.items()}, sort_keys=True)


def test_given_four_shards_then_merged_they_equal_the_one_run_finding_for_finding(run: Run) -> None:
    for index, shard in enumerate(run.shards, start=1):
        assert all(shards.shard_of(a, 4) == index for a in shard["metadata"]["accounts"])
    assert all(shard["metadata"]["accounts"] for shard in run.shards)  # 51 accounts: no shard empty
    assert sorted(map(_key, run.merged["findings"])) == sorted(map(_key, run.document["findings"]))
    assert sorted(run.merged["metadata"]["accounts"]) == run.world.accounts
    assert run.merged["summary"] == run.document["summary"]
    assert run.merged_code == run.code == 1
    assert all((run.root / "merged" / f.filename).is_file() for f in FORMATS.values())
