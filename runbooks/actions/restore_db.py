"""restore-db: restore an RDS instance from a snapshot or to a point in time, verified (LP-BK-1).

The new instance is private (PubliclyAccessible false) and tagged with where it came from,
which is also how a second run recognises its own restore. Verified means what the RDS API
can show: available, encrypted with the source's key, same engine, restored from the source.
Whether the data inside is right needs a SQL query on the new endpoint: the drill runbook has
that step; this action cannot connect to the database.
"""

from __future__ import annotations

import argparse
import re
from typing import Any

from botocore.exceptions import ClientError

from runbooks.actions._restore import Stopwatch, timing_line, wait
from runbooks.aws import error_code
from runbooks.core import Action, InputError, Outcome, Plan, Verification, iso, positive_int, time_argument, utc_now

RESTORED_FROM = "leadping:restored-from"
RESTORE_POINT = "leadping:restore-point"
_INSTANCE_ID = re.compile(r"^[A-Za-z](?!.*--)[A-Za-z0-9-]{0,62}(?<!-)$")


def instance_id(text: str) -> str:
    if not _INSTANCE_ID.match(text):
        raise argparse.ArgumentTypeError(
            f"{text!r} is not a DB instance identifier (1-63 letters, digits, hyphens; starts with a letter, "
            "no double or trailing hyphen)"
        )
    return text


class RestoreDb(Action):
    name = "restore-db"
    summary = "restore an RDS instance from a snapshot or to a point in time, then verify it"
    description = (
        "Restores --snapshot, or --source-instance as of --restore-time (default: latest restorable), into the "
        "new private instance --target-instance, waits until it is available and verifies it (encrypted with the "
        "source's key, same engine, restored from the source). Prints the time to a verified restore. Check the "
        "data itself with SQL afterwards (runbooks/backup-restore-drill.md)."
    )
    controls = ("LP-BK-1",)
    permissions = (
        "rds:DescribeDBInstances",
        "rds:DescribeDBSnapshots",
        "rds:RestoreDBInstanceFromDBSnapshot",
        "rds:RestoreDBInstanceToPointInTime",
        "rds:AddTagsToResource",
        "kms:DescribeKey",
        "kms:CreateGrant",
    )
    poll_seconds = 30

    @classmethod
    def add_arguments(cls, parser: argparse.ArgumentParser) -> None:
        source = parser.add_mutually_exclusive_group(required=True)
        source.add_argument("--snapshot", metavar="ID_OR_ARN", help="restore this DB snapshot")
        source.add_argument("--source-instance", type=instance_id, metavar="ID", help="restore this instance (PITR)")
        parser.add_argument("--target-instance", required=True, type=instance_id, metavar="ID", help="must not exist")
        parser.add_argument(
            "--restore-time",
            type=time_argument,
            metavar="TIME",
            help="with --source-instance: ISO-8601 with Z; default the latest restorable time",
        )
        parser.add_argument("--instance-class", metavar="CLASS", help="default: the source's class")
        parser.add_argument("--subnet-group", metavar="NAME", help="DB subnet group for the new instance")
        parser.add_argument(
            "--security-group-id", action="append", metavar="SG", help="VPC security group (repeatable)"
        )
        parser.add_argument("--timeout-minutes", type=positive_int, default=120, metavar="N", help="default 120")

    def _instance(self, identifier: str) -> dict[str, Any] | None:
        try:
            return self.aws.client("rds").describe_db_instances(DBInstanceIdentifier=identifier)["DBInstances"][0]
        except ClientError as error:
            if error_code(error) == "DBInstanceNotFound":
                return None
            raise

    def _source(self) -> dict[str, Any]:
        args = self.args
        if args.snapshot:
            if args.restore_time:
                raise InputError("--restore-time goes with --source-instance; a snapshot is a fixed point")
            query = {"DBSnapshotIdentifier": args.snapshot}
            if args.snapshot.startswith("rds:"):
                # RDS names its automated snapshots rds:<instance>-<time> and finds them only with their type.
                query["SnapshotType"] = "automated"
            try:
                snapshot = self.aws.client("rds").describe_db_snapshots(**query)
            except ClientError as error:
                if error_code(error) in ("DBSnapshotNotFound", "InvalidParameterValue"):
                    raise InputError(f"there is no DB snapshot {args.snapshot!r} in {self.aws.region}") from None
                raise
            found = snapshot["DBSnapshots"][0]
            if found.get("Status") != "available":
                raise InputError(f"snapshot {args.snapshot} is {found.get('Status')}, not available yet")
            return {
                "ref": found.get("DBSnapshotArn") or found["DBSnapshotIdentifier"],
                "point": found.get("SnapshotCreateTime"),
                "encrypted": bool(found.get("Encrypted")),
                "kms_key": found.get("KmsKeyId"),
                "engine": found.get("Engine"),
                "label": f"snapshot {found['DBSnapshotIdentifier']}",
            }
        instance = self._instance(args.source_instance)
        if instance is None:
            raise InputError(f"there is no DB instance {args.source_instance!r} in {self.aws.region}")
        if not instance.get("BackupRetentionPeriod"):
            raise InputError(
                f"automated backups are off on {args.source_instance} (an LP-BK-1 failure): restore a snapshot instead"
            )
        latest = instance.get("LatestRestorableTime")
        when = args.restore_time
        if when is not None:
            if when > utc_now():
                raise InputError(f"--restore-time {iso(when)} is in the future")
            if latest and when > latest:
                raise InputError(f"--restore-time {iso(when)} is after the latest restorable time {iso(latest)}")
        return {
            "ref": instance["DBInstanceArn"],
            "point": when,
            "encrypted": bool(instance.get("StorageEncrypted")),
            "kms_key": instance.get("KmsKeyId"),
            "engine": instance.get("Engine"),
            "label": f"instance {args.source_instance} as of {iso(when) if when else 'the latest restorable time'}",
        }

    def verify(self, target: str, source: dict[str, Any], point: str) -> list[Verification]:
        instance = self._instance(target) or {}
        tags = {t["Key"]: t["Value"] for t in instance.get("TagList", [])}
        status = instance.get("DBInstanceStatus", "missing")
        public = instance.get("PubliclyAccessible")
        return [
            Verification("instance available", status == "available", status),
            Verification(
                "restored from source",
                tags.get(RESTORED_FROM) == source["ref"] and tags.get(RESTORE_POINT) == point,
                f"{tags.get(RESTORED_FROM)} @ {tags.get(RESTORE_POINT)}",
            ),
            Verification(
                "encrypted with the source's key",
                bool(instance.get("StorageEncrypted")) and instance.get("KmsKeyId") == source["kms_key"],
                f"encrypted={instance.get('StorageEncrypted')} key={instance.get('KmsKeyId')}",
            ),
            Verification("same engine", instance.get("Engine") == source["engine"], str(instance.get("Engine"))),
            # moto does not report PubliclyAccessible; AWS always does. The request always asks for private.
            Verification(
                "not publicly accessible",
                None if public is None else not public,
                "not reported by the endpoint" if public is None else str(public),
            ),
        ]

    def plan(self) -> Plan:
        args = self.args
        source = self._source()
        # The restore point is part of the restore's identity: the same target restored to another point is not a rerun.
        point = "snapshot" if args.snapshot else (iso(args.restore_time) if args.restore_time else "latest")
        target = f"RDS {source['label']} -> new instance {args.target_instance}"
        before = {"source": source["ref"], "source_encrypted": source["encrypted"], "target_exists": False}
        data = {"source": source, "point": point}
        existing = self._instance(args.target_instance)
        if existing is not None:
            tags = {t["Key"]: t["Value"] for t in existing.get("TagList", [])}
            if (tags.get(RESTORED_FROM), tags.get(RESTORE_POINT)) != (source["ref"], point):
                raise InputError(
                    f"DB instance {args.target_instance} already exists and is not a restore of {source['label']}: "
                    "choose another --target-instance"
                )
            before["target_exists"] = True
            return Plan(
                target,
                before,
                [],
                noop_reason=f"{args.target_instance} is already this restore (checked again below)",
                data=data,
                verifications=self.verify(args.target_instance, source, point),
            )
        changes = [
            f"restore {source['label']} into new private instance {args.target_instance}"
            + (f" ({args.instance_class})" if args.instance_class else ""),
            f"wait until {args.target_instance} is available (up to {args.timeout_minutes} min)",
            "verify: encrypted with the source's key, same engine, restored from the source",
        ]
        notes = [
            "the new instance has no deletion protection and the default parameter group unless you change them; "
            "for a real recovery (not a drill) turn deletion protection on and attach the platform's parameter group",
            "the instance is billed until you delete it (the drill runbook's last step)",
        ]
        if not source["encrypted"]:
            notes.append("the source is NOT encrypted (an LP-DR-1 failure): the restore will not verify")
        return Plan(target, before, changes, notes=notes, data=data)

    def apply(self, plan: Plan) -> Outcome:
        args = self.args
        rds = self.aws.client("rds")
        source, point = plan.data["source"], plan.data["point"]
        common: dict[str, Any] = {
            "PubliclyAccessible": False,
            "Tags": [{"Key": RESTORED_FROM, "Value": source["ref"]}, {"Key": RESTORE_POINT, "Value": point}],
        }
        if args.instance_class:
            common["DBInstanceClass"] = args.instance_class
        if args.subnet_group:
            common["DBSubnetGroupName"] = args.subnet_group
        if args.security_group_id:
            common["VpcSecurityGroupIds"] = args.security_group_id
        clock = Stopwatch()
        if args.snapshot:
            rds.restore_db_instance_from_db_snapshot(
                DBInstanceIdentifier=args.target_instance, DBSnapshotIdentifier=args.snapshot, **common
            )
        else:
            when: dict[str, Any] = (
                {"RestoreTime": args.restore_time} if args.restore_time else {"UseLatestRestorableTime": True}
            )
            rds.restore_db_instance_to_point_in_time(
                SourceDBInstanceIdentifier=args.source_instance,
                TargetDBInstanceIdentifier=args.target_instance,
                **when,
                **common,
            )
        wait(
            rds,
            "db_instance_available",
            delay=self.poll_seconds,
            timeout_minutes=args.timeout_minutes,
            what=f"DB instance {args.target_instance}",
            DBInstanceIdentifier=args.target_instance,
        )
        checks = self.verify(args.target_instance, source, point)
        seconds = clock.seconds
        instance = self._instance(args.target_instance) or {}
        after = {
            "target_arn": instance.get("DBInstanceArn"),
            "status": instance.get("DBInstanceStatus"),
            "endpoint": (instance.get("Endpoint") or {}).get("Address"),
            "encrypted": instance.get("StorageEncrypted"),
            "kms_key": instance.get("KmsKeyId"),
            "verification": {c.name: {"ok": c.ok, "detail": c.detail} for c in checks},
            "seconds_to_verified_restore": round(seconds, 2),
        }
        summary = [timing_line(seconds, checks)]
        if after["endpoint"]:
            summary.append(f"endpoint: {after['endpoint']} (check the data with SQL: see the drill runbook)")
        return Outcome(after=after, summary=summary, verifications=checks)
