"""restore-db: scenarios (LP-BK-1 restore drill).

Given an encrypted PostgreSQL instance and its snapshot, a dry run changes nothing; --apply from
the snapshot, or to a point in time, creates exactly one new private instance tagged with its
source, encrypted with the source's key, and prints "restored and verified in X.XXs"; a second
--apply is a no-op that verifies again. An unknown snapshot or instance, a target that exists
and is not this restore, --restore-time with --snapshot, a time in the future, or automated
backups off is refused with exit 2 and nothing changed. An unencrypted source restores but does
not verify (exit 1).

moto does not report PubliclyAccessible: the check shows "?" (not reported), and the request
always asks for a private instance.
"""

from __future__ import annotations

import re

import boto3
import pytest

from runbooks.actions.restore_db import RESTORE_POINT, RESTORED_FROM
from tests.runbooks.conftest import RunCli, rds_state

TIMING = re.compile(r"restored and verified in (\d+\.\d\d)s")


@pytest.fixture
def database(session: boto3.Session) -> dict[str, str]:
    key = session.client("kms").create_key(Description="leads")["KeyMetadata"]["Arn"]
    rds = session.client("rds")
    common = {
        "DBInstanceClass": "db.t4g.micro",
        "Engine": "postgres",
        "MasterUsername": "leadping",
        "MasterUserPassword": "fixture-password-1",
        "AllocatedStorage": 20,
        "BackupRetentionPeriod": 14,
    }
    rds.create_db_instance(DBInstanceIdentifier="app", StorageEncrypted=True, KmsKeyId=key, **common)
    rds.create_db_instance(DBInstanceIdentifier="plain", StorageEncrypted=False, **common)
    rds.create_db_instance(
        DBInstanceIdentifier="nobackup", StorageEncrypted=True, KmsKeyId=key, **{**common, "BackupRetentionPeriod": 0}
    )
    snapshot = rds.create_db_snapshot(DBInstanceIdentifier="app", DBSnapshotIdentifier="app-nightly")["DBSnapshot"]
    return {"key": key, "snapshot_arn": snapshot["DBSnapshotArn"]}


def test_dry_run_changes_nothing(run: RunCli, session: boto3.Session, database: dict[str, str]) -> None:
    before = rds_state(session)
    result = run("restore-db", "--snapshot", "app-nightly", "--target-instance", "app-drill")
    assert result.code == 0
    assert "restore snapshot app-nightly into new private instance app-drill" in result.out
    assert rds_state(session) == before
    assert result.records == []


def test_snapshot_restore_is_verified_and_timed(run: RunCli, session: boto3.Session, database: dict[str, str]) -> None:
    before = rds_state(session)
    result = run("restore-db", "--snapshot", "app-nightly", "--target-instance", "app-drill", "--apply")
    assert result.code == 0, result.out + result.err
    timing = TIMING.search(result.out)
    assert timing, result.out
    after = rds_state(session)
    assert set(after) - set(before) == {"app-drill"}
    assert {k: v for k, v in after.items() if k != "app-drill"} == before
    status, tags = after["app-drill"]
    assert status == "available"
    assert (RESTORED_FROM, database["snapshot_arn"]) in tags
    assert (RESTORE_POINT, "snapshot") in tags
    restored = session.client("rds").describe_db_instances(DBInstanceIdentifier="app-drill")["DBInstances"][0]
    assert restored["StorageEncrypted"] is True
    assert restored["KmsKeyId"] == database["key"]
    assert "?    not publicly accessible: not reported by the endpoint" in result.out
    (record,) = result.records
    assert record["result"] == "applied"
    assert record["after"]["seconds_to_verified_restore"] == pytest.approx(float(timing.group(1)), abs=0.01)


def test_automated_snapshot_restore_is_verified(run: RunCli, session: boto3.Session, database: dict[str, str]) -> None:
    rds = session.client("rds")
    automated = rds.describe_db_snapshots(DBInstanceIdentifier="app", SnapshotType="automated")["DBSnapshots"]
    snapshot = automated[0]["DBSnapshotIdentifier"]
    assert snapshot.startswith("rds:app-")
    result = run("restore-db", "--snapshot", snapshot, "--target-instance", "app-auto", "--apply")
    assert result.code == 0, result.out + result.err
    assert TIMING.search(result.out)


def test_point_in_time_restore_is_verified(run: RunCli, session: boto3.Session, database: dict[str, str]) -> None:
    result = run("restore-db", "--source-instance", "app", "--target-instance", "app-pitr", "--apply")
    assert result.code == 0, result.out + result.err
    assert TIMING.search(result.out)
    restored = session.client("rds").describe_db_instances(DBInstanceIdentifier="app-pitr")["DBInstances"][0]
    tags = {t["Key"]: t["Value"] for t in restored["TagList"]}
    assert tags[RESTORED_FROM].endswith(":db:app")
    assert tags[RESTORE_POINT] == "latest"


def test_second_apply_is_a_noop_that_verifies_again(
    run: RunCli, session: boto3.Session, database: dict[str, str]
) -> None:
    argv = ("restore-db", "--snapshot", "app-nightly", "--target-instance", "app-drill", "--apply")
    assert run(*argv).code == 0
    between = rds_state(session)
    again = run(*argv)
    assert again.code == 0
    assert "already this restore" in again.out
    assert "ok   encrypted with the source's key" in again.out
    assert again.records[0]["result"] == "no-op"
    assert rds_state(session) == between


def test_unencrypted_source_restores_unverified(run: RunCli, session: boto3.Session, database: dict[str, str]) -> None:
    result = run("restore-db", "--source-instance", "plain", "--target-instance", "plain-drill", "--apply")
    assert result.code == 1
    assert "the source is NOT encrypted" in result.out
    assert "but NOT verified: encrypted with the source's key" in result.out
    assert result.records[0]["result"] == "unverified"


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--snapshot", "nope", "--target-instance", "x-drill"], "there is no DB snapshot 'nope'"),
        (["--source-instance", "nope", "--target-instance", "x-drill"], "there is no DB instance 'nope'"),
        (["--snapshot", "app-nightly", "--target-instance", "plain"], "already exists and is not a restore"),
        (
            ["--snapshot", "app-nightly", "--target-instance", "x-drill", "--restore-time", "1h"],
            "goes with --source-instance",
        ),
        (["--source-instance", "nobackup", "--target-instance", "x-drill"], "automated backups are off"),
        (
            ["--source-instance", "app", "--target-instance", "x-drill", "--restore-time", "2099-01-01T00:00:00Z"],
            "in the future",
        ),
        (["--snapshot", "app-nightly", "--target-instance", "bad--name"], "is not a DB instance identifier"),
    ],
)
def test_bad_input_is_refused(
    run: RunCli, session: boto3.Session, database: dict[str, str], argv: list[str], message: str, capsys
) -> None:
    before = rds_state(session)
    result = run("restore-db", *argv, "--apply")
    assert result.code == 2
    assert message in result.err + capsys.readouterr().err
    assert rds_state(session) == before
    assert result.records == []


def test_same_target_other_point_is_not_a_rerun(run: RunCli, session: boto3.Session, database: dict[str, str]) -> None:
    assert run("restore-db", "--source-instance", "app", "--target-instance", "app-pitr", "--apply").code == 0
    before = rds_state(session)
    other = run("restore-db", "--snapshot", "app-nightly", "--target-instance", "app-pitr", "--apply")
    assert other.code == 2
    assert rds_state(session) == before
