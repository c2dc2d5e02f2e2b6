"""collect-evidence: CloudTrail events for a principal or resource in a window, to a file (LP-IR-1).

Uses CloudTrail event history (LookupEvents: management events of the last 90 days, one
region per run; IAM, STS and console sign-in events are recorded in us-east-1). An evidence
file is never overwritten: if it exists, the run is a no-op, so a re-run cannot replace what
was handed to an investigator. The file's SHA-256 goes into the audit log.
"""

from __future__ import annotations

import argparse
import collections
import datetime as dt
import hashlib
import json
import os
from pathlib import Path
from typing import Any

from runbooks.aws import Principal, parse_principal
from runbooks.core import (
    Action,
    InputError,
    Outcome,
    Plan,
    Verification,
    iso,
    jsonable,
    positive_int,
    time_argument,
    utc_now,
)

HISTORY = dt.timedelta(days=90)
GLOBAL_REGION = "us-east-1"
_LOOKUPS = (
    ("user_name", "Username", "IAM user name or role session name"),
    ("access_key_id", "AccessKeyId", "access key id (AKIA... or ASIA...)"),
    ("resource", "ResourceName", "resource name or ARN"),
    ("event_name", "EventName", "API action, e.g. ConsoleLogin or GetSecretValue"),
)


def made_by(event: dict[str, Any], principal: Principal, given: str) -> bool:
    """Whether a CloudTrail record was made by the principal (a role matches all its sessions)."""
    identity = event.get("userIdentity") or {}
    if identity.get("arn") == given:
        return True
    account = identity.get("accountId")
    if principal.account and account and account != principal.account:
        return False
    if principal.kind == "user":
        return identity.get("type") == "IAMUser" and identity.get("userName") == principal.name
    issuer = (identity.get("sessionContext") or {}).get("sessionIssuer") or {}
    return issuer.get("type") == "Role" and issuer.get("userName") == principal.name


class CollectEvidence(Action):
    name = "collect-evidence"
    summary = "write the CloudTrail events of a principal or resource in a time window to a JSON file"
    description = (
        "Looks up CloudTrail event history in one region for ONE of --user-name, --access-key-id, --resource, "
        "--event-name, optionally keeping only the events made by --principal-arn (which can also be used alone), "
        "between --start and --end, and writes them with the query to --output (owner-only, never overwritten)."
    )
    controls = ("LP-IR-1", "LP-LOG-1")
    permissions = ("cloudtrail:LookupEvents",)

    @classmethod
    def add_arguments(cls, parser: argparse.ArgumentParser) -> None:
        lookup = parser.add_mutually_exclusive_group()
        for dest, _, what in _LOOKUPS:
            lookup.add_argument(f"--{dest.replace('_', '-')}", dest=dest, metavar="VALUE", help=what)
        parser.add_argument(
            "--principal-arn",
            metavar="ARN",
            help="keep only events made by this user or role (all its sessions) or session ARN",
        )
        parser.add_argument("--start", type=time_argument, default="24h", metavar="TIME", help="default 24h (ago)")
        parser.add_argument("--end", type=time_argument, default="now", metavar="TIME", help="default now")
        parser.add_argument("--output", required=True, type=Path, metavar="FILE", help="JSON file to create")
        parser.add_argument("--max-events", type=positive_int, default=20000, metavar="N", help="default 20000")

    def _lookup(self) -> tuple[str, str] | None:
        for dest, attribute, _ in _LOOKUPS:
            value = getattr(self.args, dest)
            if value:
                return attribute, value
        return None

    def plan(self) -> Plan:
        args = self.args
        lookup = self._lookup()
        principal = parse_principal(args.principal_arn) if args.principal_arn else None
        if lookup is None and principal is None:
            raise InputError(
                "say whose events: one of --user-name, --access-key-id, --resource, --event-name, or --principal-arn"
            )
        now = utc_now()
        if args.start >= args.end:
            raise InputError(f"--start {iso(args.start)} is not before --end {iso(args.end)}")
        if args.start < now - HISTORY:
            raise InputError(
                f"--start {iso(args.start)} is more than 90 days ago: event history does not reach back that far; "
                "query the trail's log archive instead (runbooks/unauthorized-access.md, 'older than 90 days')"
            )
        output: Path = args.output
        if output.exists() and not output.is_file():
            raise InputError(f"--output {output} exists and is not a file")
        query = {
            "lookup": {"attribute": lookup[0], "value": lookup[1]} if lookup else None,
            "principal_arn": args.principal_arn,
            "start": iso(args.start),
            "end": iso(args.end),
            "region": self.aws.region,
        }
        what = f"{lookup[0]}={lookup[1]}" if lookup else "all events"
        if principal:
            what += f" made by {args.principal_arn}"
        target = f"CloudTrail events in {self.aws.region}: {what}, {iso(args.start)} .. {iso(args.end)}"
        before = {"output": str(output), "output_exists": output.exists(), "query": query}
        if output.exists():
            digest = hashlib.sha256(output.read_bytes()).hexdigest()
            return Plan(
                target,
                {**before, "output_sha256": digest},
                [],
                noop_reason=f"{output} already exists (sha256 {digest}); evidence is never overwritten: "
                "pass a new --output to collect again",
            )
        changes = [
            f"look up CloudTrail events in {self.aws.region} where {what}, {iso(args.start)} .. {iso(args.end)}",
            f"write them to {output} (owner-only; its SHA-256 goes to the audit log)",
        ]
        notes = []
        if self.aws.region != GLOBAL_REGION:
            notes.append(f"IAM, STS and console sign-in events are recorded in {GLOBAL_REGION}: run once there too")
        if lookup is None:
            notes.append("without a lookup attribute every event in the window is read: narrow the window if slow")
        notes.append("event history has management events only; S3 object reads are in the trail's data events")
        return Plan(target, before, changes, notes=notes, data={"query": query, "principal": principal})

    def apply(self, plan: Plan) -> Outcome:
        args = self.args
        query, principal = plan.data["query"], plan.data["principal"]
        params: dict[str, Any] = {"StartTime": args.start, "EndTime": args.end}
        if query["lookup"]:
            params["LookupAttributes"] = [
                {"AttributeKey": query["lookup"]["attribute"], "AttributeValue": query["lookup"]["value"]}
            ]
        events: list[dict[str, Any]] = []
        truncated = False
        for page in self.aws.client("cloudtrail").get_paginator("lookup_events").paginate(**params):
            for event in page.get("Events", []):
                record = json.loads(event.get("CloudTrailEvent") or "{}")
                if principal and not made_by(record, principal, args.principal_arn):
                    continue
                if len(events) >= args.max_events:
                    truncated = True
                    break
                events.append(
                    {
                        "event_id": event.get("EventId"),
                        "event_time": event.get("EventTime"),
                        "event_name": event.get("EventName"),
                        "event_source": event.get("EventSource"),
                        "username": event.get("Username"),
                        "access_key_id": event.get("AccessKeyId"),
                        "read_only": event.get("ReadOnly"),
                        "resources": event.get("Resources", []),
                        "record": record,
                    }
                )
            if truncated:
                break
        events.sort(key=lambda e: (e["event_time"] or dt.datetime.min.replace(tzinfo=dt.UTC), e["event_id"] or ""))
        document = {
            "query": query,
            "collected_at": iso(utc_now()),
            "collected_by": self.aws.identity["Arn"],
            "account": self.aws.account_id,
            "event_count": len(events),
            "truncated": truncated,
            "events": events,
        }
        payload = (json.dumps(jsonable(document), indent=2, sort_keys=True) + "\n").encode()
        _write_new(args.output, payload)
        digest = hashlib.sha256(payload).hexdigest()
        by_name = collections.Counter(e["event_name"] for e in events).most_common(8)
        sources = collections.Counter(e["record"].get("sourceIPAddress") for e in events).most_common(5)
        errors = collections.Counter(e["record"].get("errorCode") for e in events if e["record"].get("errorCode"))
        summary = [f"{len(events)} events written to {args.output} (sha256 {digest})"]
        if by_name:
            summary.append("most frequent: " + ", ".join(f"{name} x{n}" for name, n in by_name))
            summary.append("source IPs: " + ", ".join(f"{ip} x{n}" for ip, n in sources))
        if errors:
            summary.append("errors: " + ", ".join(f"{code} x{n}" for code, n in errors.most_common(5)))
        if truncated:
            summary.append(f"TRUNCATED at --max-events {args.max_events}: narrow the window or raise the limit")
        return Outcome(
            after={"output": str(args.output), "sha256": digest, "event_count": len(events), "truncated": truncated},
            summary=summary,
            verifications=[Verification("evidence file written", args.output.is_file(), str(args.output))],
        )


def _write_new(path: Path, payload: bytes) -> None:
    """Creates the file owner-only and refuses to replace one that appeared since the plan."""
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        raise InputError(f"{path} appeared while collecting; evidence is never overwritten") from None
    try:
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(payload)
            handle.flush()
            os.fsync(handle.fileno())
    except BaseException:
        path.unlink(missing_ok=True)
        raise
