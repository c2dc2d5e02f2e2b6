"""restore-table: point-in-time restore of a DynamoDB table into a new table, verified (LP-BK-1).

The restore always names the encryption key (the source's customer key unless --kms-key), so
the copy meets LP-DR-1 instead of falling back to an AWS owned key. Verified means: the new
table is ACTIVE, was restored from the source, is encrypted with that key, and a consistent
count of its items matches the expectation. The time from the restore call to the end of the
verification is printed: it is the recovery time the drill records.
"""

from __future__ import annotations

import argparse
import re
from typing import Any

from botocore.exceptions import ClientError

from runbooks.actions._restore import Stopwatch, timing_line, wait
from runbooks.aws import error_code
from runbooks.core import (
    Action,
    InputError,
    Outcome,
    Plan,
    Verification,
    iso,
    non_negative_int,
    positive_int,
    time_argument,
)

_TABLE_NAME = re.compile(r"^[A-Za-z0-9_.-]{3,255}$")


def table_name(text: str) -> str:
    if not _TABLE_NAME.match(text):
        raise argparse.ArgumentTypeError(f"{text!r} is not a DynamoDB table name (3-255 of letters, digits, _ . -)")
    return text


class RestoreTable(Action):
    name = "restore-table"
    summary = "restore a DynamoDB table to a point in time into a new table, then verify it"
    description = (
        "Restores --source-table as of --restore-time (default: the latest restorable time) into the new table "
        "--target-table, encrypted with the source's customer key (or --kms-key), waits until it is ACTIVE and "
        "verifies it: restored from the source, encrypted with that key, item count equal to --expected-items "
        "(default: the source's count now, counted with a consistent scan). Prints the time to a verified restore."
    )
    controls = ("LP-BK-1",)
    # The restore writes the new table and encrypts it: DynamoDB checks the caller for these too.
    permissions = (
        "dynamodb:DescribeTable",
        "dynamodb:DescribeContinuousBackups",
        "dynamodb:RestoreTableToPointInTime",
        "dynamodb:Scan",
        "dynamodb:Query",
        "dynamodb:GetItem",
        "dynamodb:PutItem",
        "dynamodb:UpdateItem",
        "dynamodb:DeleteItem",
        "dynamodb:BatchWriteItem",
        "kms:DescribeKey",
        "kms:CreateGrant",
        "kms:Decrypt",
        "kms:Encrypt",
        "kms:GenerateDataKey",
    )
    poll_seconds = 20

    @classmethod
    def add_arguments(cls, parser: argparse.ArgumentParser) -> None:
        parser.add_argument("--source-table", required=True, type=table_name, metavar="NAME")
        parser.add_argument("--target-table", required=True, type=table_name, metavar="NAME", help="must not exist yet")
        parser.add_argument(
            "--restore-time",
            type=time_argument,
            metavar="TIME",
            help="ISO-8601 with Z (e.g. 2026-06-26T13:55:00Z); default: the latest restorable time",
        )
        parser.add_argument("--kms-key", metavar="KEY", help="key id, ARN or alias; default: the source's key")
        parser.add_argument(
            "--expected-items",
            type=non_negative_int,
            metavar="N",
            help="item count the restore must hold; default: the source's count at verification time",
        )
        parser.add_argument("--timeout-minutes", type=positive_int, default=120, metavar="N", help="default 120")

    def _table(self, name: str) -> dict[str, Any] | None:
        try:
            return self.aws.client("dynamodb").describe_table(TableName=name)["Table"]
        except ClientError as error:
            if error_code(error) == "ResourceNotFoundException":
                return None
            raise

    def _count(self, name: str) -> int:
        pages = (
            self.aws.client("dynamodb")
            .get_paginator("scan")
            .paginate(TableName=name, Select="COUNT", ConsistentRead=True)
        )
        return sum(page["Count"] for page in pages)

    def _key_arn(self, source: dict[str, Any]) -> str:
        if self.args.kms_key:
            try:
                return self.aws.client("kms").describe_key(KeyId=self.args.kms_key)["KeyMetadata"]["Arn"]
            except ClientError as error:
                if error_code(error) in ("NotFoundException", "InvalidArnException"):
                    raise InputError(f"there is no KMS key {self.args.kms_key!r} in {self.aws.region}") from None
                raise
        sse = source.get("SSEDescription") or {}
        if sse.get("SSEType") == "KMS" and sse.get("KMSMasterKeyArn"):
            return sse["KMSMasterKeyArn"]
        raise InputError(
            f"{source['TableName']} is not encrypted with a customer-managed KMS key (an LP-DR-1 failure): "
            "name the key for the restored table with --kms-key"
        )

    def verify(self, target: str, source_arn: str, key_arn: str, expected: int | None) -> list[Verification]:
        table = self._table(target) or {}
        status = table.get("TableStatus", "missing")
        restored_from = (table.get("RestoreSummary") or {}).get("SourceTableArn")
        sse = table.get("SSEDescription") or {}
        encrypted = (sse.get("Status"), sse.get("SSEType"), sse.get("KMSMasterKeyArn")) == ("ENABLED", "KMS", key_arn)
        count = self._count(target) if status == "ACTIVE" else None
        if expected is not None:
            wanted, basis = expected, "--expected-items"
        else:
            wanted, basis = self._count(source_arn.rsplit("/", 1)[-1]), "the source's count now"
        return [
            Verification("table ACTIVE", status == "ACTIVE", status),
            Verification("restored from source", restored_from == source_arn, str(restored_from)),
            Verification(
                "encrypted with the key",
                encrypted,
                f"{sse.get('SSEType') or 'no SSE reported (AWS owned key)'} {sse.get('KMSMasterKeyArn') or ''}".strip(),
            ),
            Verification("item count", count == wanted, f"{count} items, expected {wanted} ({basis})"),
        ]

    def plan(self) -> Plan:
        args = self.args
        if args.source_table == args.target_table:
            raise InputError("--target-table must be a new table, not the source")
        source = self._table(args.source_table)
        if source is None:
            raise InputError(f"there is no DynamoDB table {args.source_table!r} in {self.aws.region}")
        backups = self.aws.client("dynamodb").describe_continuous_backups(TableName=args.source_table)
        pitr = backups["ContinuousBackupsDescription"].get("PointInTimeRecoveryDescription", {})
        if pitr.get("PointInTimeRecoveryStatus") != "ENABLED":
            raise InputError(
                f"point-in-time recovery is off on {args.source_table} (an LP-BK-1 failure): restore from an "
                "AWS Backup recovery point instead (see runbooks/backup-restore-drill.md)"
            )
        earliest, latest = pitr.get("EarliestRestorableDateTime"), pitr.get("LatestRestorableDateTime")
        when = args.restore_time
        if when is not None and earliest and latest and not (earliest <= when <= latest):
            raise InputError(
                f"--restore-time {iso(when)} is outside the restorable window {iso(earliest)} .. {iso(latest)}"
            )
        key_arn = self._key_arn(source)
        before = {
            "source_arn": source["TableArn"],
            "source_items_reported": source.get("ItemCount"),
            "restorable_window": [earliest, latest],
            "target_exists": False,
        }
        point = iso(when) if when else "the latest restorable time"
        target = f"DynamoDB table {args.source_table} -> {args.target_table} as of {point}"
        data = {"source_arn": source["TableArn"], "key_arn": key_arn}
        existing = self._table(args.target_table)
        if existing is not None:
            restored_from = (existing.get("RestoreSummary") or {}).get("SourceTableArn")
            if restored_from != source["TableArn"]:
                raise InputError(
                    f"table {args.target_table} already exists and is not a restore of {args.source_table}: "
                    "choose another --target-table"
                )
            before["target_exists"] = True
            checks = self.verify(args.target_table, source["TableArn"], key_arn, args.expected_items)
            return Plan(
                target,
                before,
                [],
                noop_reason=f"{args.target_table} is already a restore of {args.source_table} (checked again below)",
                data=data,
                verifications=checks,
            )
        changes = [
            f"restore {args.source_table} as of {point} into new table {args.target_table}, encrypted with {key_arn}",
            f"wait until {args.target_table} is ACTIVE (up to {args.timeout_minutes} min)",
            "verify: restored from the source, encrypted with that key, item count "
            + (f"= {args.expected_items}" if args.expected_items is not None else "= the source's count"),
        ]
        notes = [
            "a restored table has no tags, point-in-time recovery, TTL, autoscaling, streams or deletion protection: "
            "set them before it serves traffic",
            "the restored table is billed until you delete it (the drill runbook's last step)",
        ]
        return Plan(target, before, changes, notes=notes, data=data)

    def apply(self, plan: Plan) -> Outcome:
        args = self.args
        dynamodb = self.aws.client("dynamodb")
        point: dict[str, Any] = (
            {"RestoreDateTime": args.restore_time} if args.restore_time else {"UseLatestRestorableTime": True}
        )
        clock = Stopwatch()
        dynamodb.restore_table_to_point_in_time(
            SourceTableName=args.source_table,
            TargetTableName=args.target_table,
            SSESpecificationOverride={"Enabled": True, "SSEType": "KMS", "KMSMasterKeyId": plan.data["key_arn"]},
            **point,
        )
        wait(
            dynamodb,
            "table_exists",
            delay=self.poll_seconds,
            timeout_minutes=args.timeout_minutes,
            what=f"table {args.target_table}",
            TableName=args.target_table,
        )
        checks = self.verify(args.target_table, plan.data["source_arn"], plan.data["key_arn"], args.expected_items)
        seconds = clock.seconds
        table = self._table(args.target_table) or {}
        after = {
            "target_arn": table.get("TableArn"),
            "status": table.get("TableStatus"),
            "restore_summary": table.get("RestoreSummary"),
            "sse": table.get("SSEDescription"),
            "verification": {c.name: {"ok": c.ok, "detail": c.detail} for c in checks},
            "seconds_to_verified_restore": round(seconds, 2),
        }
        return Outcome(after=after, summary=[timing_line(seconds, checks)], verifications=checks)
