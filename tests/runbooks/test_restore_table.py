"""restore-table: scenarios (LP-BK-1 restore drill).

Given a table with point-in-time recovery and a customer key, a dry run changes nothing;
--apply creates exactly one new table with every item, encrypted with the source's key, and
prints "restored and verified in X.XXs"; a second --apply is a no-op that verifies again. A
count different from --expected-items, or a restore that is not encrypted with the key, is
"restored but NOT verified" (exit 1). An unknown source, PITR off, a target that exists and is
not this restore, or a time outside the window is refused with exit 2 and nothing changed.

moto copies the items (checked here) but ignores SSESpecificationOverride; the
``restore_applies_sse_override`` fixture applies it as AWS does. Without it, the test below
shows the verification catching an unencrypted restore.
"""

from __future__ import annotations

import re

import boto3
import pytest

from tests.runbooks.conftest import RunCli, dynamodb_state

ITEMS = 25
TIMING = re.compile(r"restored and verified in (\d+\.\d\d)s")


@pytest.fixture
def key_arn(session: boto3.Session) -> str:
    return session.client("kms").create_key(Description="leads")["KeyMetadata"]["Arn"]


@pytest.fixture
def leads(session: boto3.Session, key_arn: str) -> str:
    client = session.client("dynamodb")
    for name, pitr in (("leads", True), ("messages", False)):
        client.create_table(
            TableName=name,
            KeySchema=[
                {"AttributeName": "business_id", "KeyType": "HASH"},
                {"AttributeName": "lead_id", "KeyType": "RANGE"},
            ],
            AttributeDefinitions=[
                {"AttributeName": "business_id", "AttributeType": "S"},
                {"AttributeName": "lead_id", "AttributeType": "S"},
            ],
            BillingMode="PAY_PER_REQUEST",
            SSESpecification={"Enabled": True, "SSEType": "KMS", "KMSMasterKeyId": key_arn},
        )
        client.update_continuous_backups(
            TableName=name, PointInTimeRecoverySpecification={"PointInTimeRecoveryEnabled": pitr}
        )
    for i in range(ITEMS):
        client.put_item(TableName="leads", Item={"business_id": {"S": f"b{i % 3}"}, "lead_id": {"S": f"l{i}"}})
    return "leads"


def test_dry_run_changes_nothing(run: RunCli, session: boto3.Session, leads: str) -> None:
    before = dynamodb_state(session)
    result = run("restore-table", "--source-table", leads, "--target-table", "leads-drill")
    assert result.code == 0
    assert "restore leads as of the latest restorable time into new table leads-drill" in result.out
    assert dynamodb_state(session) == before
    assert result.records == []


@pytest.mark.usefixtures("restore_applies_sse_override")
def test_apply_restores_and_verifies_with_timing(run: RunCli, session: boto3.Session, leads: str, key_arn: str) -> None:
    before = dynamodb_state(session)
    result = run("restore-table", "--source-table", leads, "--target-table", "leads-drill", "--apply")
    assert result.code == 0, result.out + result.err
    timing = TIMING.search(result.out)
    assert timing, result.out
    assert dynamodb_state(session) == {**before, "leads-drill": ITEMS}
    items = session.client("dynamodb").scan(TableName="leads-drill")["Items"]
    assert sorted(i["lead_id"]["S"] for i in items) == sorted(f"l{i}" for i in range(ITEMS))
    sse = session.client("dynamodb").describe_table(TableName="leads-drill")["Table"]["SSEDescription"]
    assert sse["KMSMasterKeyArn"] == key_arn
    (record,) = result.records
    assert record["result"] == "applied"
    assert record["after"]["seconds_to_verified_restore"] == pytest.approx(float(timing.group(1)), abs=0.01)
    assert all(check["ok"] for check in record["after"]["verification"].values())


@pytest.mark.usefixtures("restore_applies_sse_override")
def test_second_apply_is_a_noop_that_verifies_again(run: RunCli, session: boto3.Session, leads: str) -> None:
    argv = ("restore-table", "--source-table", leads, "--target-table", "leads-drill", "--apply")
    assert run(*argv).code == 0
    between = dynamodb_state(session)
    again = run(*argv)
    assert again.code == 0
    assert "already a restore of leads" in again.out
    assert "ok   item count: 25 items, expected 25" in again.out
    assert again.records[0]["result"] == "no-op"
    assert dynamodb_state(session) == between


@pytest.mark.usefixtures("restore_applies_sse_override")
def test_count_mismatch_is_not_verified(run: RunCli, leads: str) -> None:
    result = run(
        "restore-table", "--source-table", leads, "--target-table", "leads-drill", "--expected-items", "26", "--apply"
    )
    assert result.code == 1
    assert "restored in" in result.out
    assert "but NOT verified: item count: 25 items, expected 26 (--expected-items)" in result.out
    assert result.records[0]["result"] == "unverified"


def test_restore_without_the_key_is_not_verified(run: RunCli, leads: str) -> None:
    # moto as it is: the override is ignored, the restore reports no SSE, and verification says so.
    result = run("restore-table", "--source-table", leads, "--target-table", "leads-drill", "--apply")
    assert result.code == 1
    assert "FAIL encrypted with the key: no SSE reported (AWS owned key)" in result.out
    assert result.records[0]["result"] == "unverified"


@pytest.mark.usefixtures("restore_applies_sse_override")
def test_other_key_can_be_named(run: RunCli, session: boto3.Session, leads: str) -> None:
    other = session.client("kms").create_key(Description="restore")["KeyMetadata"]
    session.client("kms").create_alias(AliasName="alias/restore", TargetKeyId=other["KeyId"])
    result = run(
        "restore-table",
        "--source-table",
        leads,
        "--target-table",
        "leads-drill",
        "--kms-key",
        "alias/restore",
        "--apply",
    )
    assert result.code == 0, result.out
    sse = session.client("dynamodb").describe_table(TableName="leads-drill")["Table"]["SSEDescription"]
    assert sse["KMSMasterKeyArn"] == other["Arn"]


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--source-table", "nope", "--target-table", "nope-drill"], "there is no DynamoDB table 'nope'"),
        (
            ["--source-table", "messages", "--target-table", "messages-drill"],
            "point-in-time recovery is off on messages",
        ),
        (["--source-table", "leads", "--target-table", "messages"], "already exists and is not a restore of leads"),
        (["--source-table", "leads", "--target-table", "leads"], "must be a new table"),
        (
            [
                "--source-table",
                "leads",
                "--target-table",
                "x",
            ],
            "is not a DynamoDB table name",
        ),
        (
            ["--source-table", "leads", "--target-table", "leads-drill", "--restore-time", "2020-01-01T00:00:00Z"],
            "is outside the restorable window",
        ),
        (["--source-table", "leads", "--target-table", "leads-drill", "--kms-key", "alias/nope"], "no KMS key"),
    ],
)
def test_bad_input_is_refused(
    run: RunCli, session: boto3.Session, leads: str, argv: list[str], message: str, capsys
) -> None:
    before = dynamodb_state(session)
    result = run("restore-table", *argv, "--apply")
    assert result.code == 2
    assert message in result.err + capsys.readouterr().err
    assert dynamodb_state(session) == before
    assert result.records == []


def test_source_without_customer_key_needs_one(run: RunCli, session: boto3.Session) -> None:
    client = session.client("dynamodb")
    client.create_table(
        TableName="plain",
        KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST",
    )
    client.update_continuous_backups(
        TableName="plain", PointInTimeRecoverySpecification={"PointInTimeRecoveryEnabled": True}
    )
    result = run("restore-table", "--source-table", "plain", "--target-table", "plain-drill", "--apply")
    assert result.code == 2
    assert "name the key for the restored table with --kms-key" in result.err
