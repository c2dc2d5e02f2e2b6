"""revoke-role-sessions: deny every session of a role issued before a time (LP-SEC-4, LP-IR-1).

This is the AWS "revoke active sessions" pattern: an inline policy named
AWSRevokeOlderSessions that denies every action when aws:TokenIssueTime is before the cutoff.
Sessions issued later work normally. The console writes the same policy name, so a
revocation made there is seen here and the other way round.

Each revocation belongs to an incident (``--incident``), named in the statement's Sid. Without
``--issued-before`` the cutoff is "now" the first time only: applying again for the same role and
incident keeps the first cutoff, read back from the role's policy (or, when the policy was
removed or replaced since, from this incident's earlier record in the audit log), instead of
moving it to a new "now".
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import shlex
from pathlib import Path
from typing import Any

from botocore.exceptions import ClientError

from runbooks.audit_log import records_of
from runbooks.aws import check_name, error_code, parse_principal
from runbooks.core import (
    Action,
    InputError,
    Outcome,
    Plan,
    Verification,
    incident_id,
    iso,
    parse_time,
    time_argument,
    utc_now,
)

POLICY_NAME = "AWSRevokeOlderSessions"
# Clocks differ a little between the engineer's machine and AWS; more than this is a mistake.
_FUTURE_SLACK = dt.timedelta(minutes=5)


_SID_PREFIX = "RevokedForIncident"


def incident_sid(incident: str) -> str:
    """The statement id naming the incident: IAM takes only ASCII letters and digits in a Sid, so the
    incident id is carried in hex (``incident_of`` reads it back)."""
    return _SID_PREFIX + incident.encode("utf-8").hex()


def incident_of(document: dict[str, Any] | None) -> str | None:
    """The incident an AWSRevokeOlderSessions document was put for; None if it does not say (the console's)."""
    statements = (document or {}).get("Statement", [])
    for statement in statements if isinstance(statements, list) else [statements]:
        sid = statement.get("Sid") if isinstance(statement, dict) else None
        if isinstance(sid, str) and sid.startswith(_SID_PREFIX):
            try:
                return bytes.fromhex(sid[len(_SID_PREFIX) :]).decode("utf-8")
            except ValueError:
                return None
    return None


def revocation_policy(cutoff: dt.datetime, incident: str) -> dict[str, Any]:
    return {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": incident_sid(incident),
                "Effect": "Deny",
                "Action": ["*"],
                "Resource": ["*"],
                "Condition": {"DateLessThan": {"aws:TokenIssueTime": iso(cutoff)}},
            }
        ],
    }


def policy_cutoff(document: dict[str, Any]) -> dt.datetime | None:
    """The cutoff of an AWSRevokeOlderSessions document; None if it is not that pattern."""
    statements = document.get("Statement", [])
    for statement in statements if isinstance(statements, list) else [statements]:
        value = statement.get("Condition", {}).get("DateLessThan", {}).get("aws:TokenIssueTime")
        if statement.get("Effect") == "Deny" and isinstance(value, str):
            try:
                return parse_time(value)
            except ValueError:
                return None
    return None


def _mapping(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _ceil_to_second(moment: dt.datetime) -> dt.datetime:
    # The policy holds whole seconds; rounding up keeps a session issued this second revoked.
    return moment.replace(microsecond=0) + dt.timedelta(seconds=1) if moment.microsecond else moment


class RevokeRoleSessions(Action):
    name = "revoke-role-sessions"
    summary = "deny every session of an IAM role issued before a time (AWSRevokeOlderSessions)"
    description = (
        "Puts the inline policy AWSRevokeOlderSessions on the role: every action is denied to sessions issued "
        "before --issued-before (default: now, once per --incident: applying again for the same role and "
        "incident keeps the first cutoff). New sessions are not affected, so remove whatever let an attacker "
        "assume the role first. The plan prints the exact command with the cutoff pinned; running that "
        "command again is a no-op."
    )
    controls = ("LP-SEC-4", "LP-IR-1")
    permissions = ("iam:GetRole", "iam:GetRolePolicy", "iam:PutRolePolicy")

    @classmethod
    def add_arguments(cls, parser: argparse.ArgumentParser) -> None:
        parser.add_argument(
            "--role-name",
            required=True,
            metavar="NAME_OR_ARN",
            help="the role: its name, its ARN, or an assumed-role session ARN from CloudTrail",
        )
        parser.add_argument(
            "--incident",
            required=True,
            type=incident_id,
            metavar="ID",
            help="incident or ticket id (e.g. IR-2026-014); without --issued-before, one cutoff per role and incident",
        )
        parser.add_argument(
            "--issued-before",
            type=time_argument,
            metavar="TIME",
            help="revoke sessions issued before this time (ISO-8601 with Z, or 'now'; default: now the first "
            "time, then the incident's first cutoff)",
        )

    def _role_name(self) -> str:
        value = self.args.role_name
        if value.startswith("arn:"):
            principal = parse_principal(value)
            if principal.kind != "role":
                raise InputError(f"{value} is a user, not a role: use quarantine-principal or disable-access-key")
            if principal.account and principal.account != self.aws.account_id:
                raise InputError(f"{value} is in account {principal.account}, you are in {self.aws.account_id}")
            return principal.name
        return check_name("role", value)

    def plan(self) -> Plan:
        iam = self.aws.client("iam")
        name = self._role_name()
        try:
            role = iam.get_role(RoleName=name)["Role"]
        except ClientError as error:
            if error_code(error) == "NoSuchEntity":
                raise InputError(f"there is no IAM role {name!r} in account {self.aws.account_id}") from None
            raise
        if role.get("Path", "/").startswith("/aws-service-role/"):
            raise InputError(f"{name} is a service-linked role: AWS manages it and it cannot take an inline policy")
        caller = self.aws.caller_principal()
        if caller is not None and caller.kind == "role" and caller.name == name:
            raise InputError(
                f"you are signed in through role {name}: revoking would end your own session mid-way. "
                "Use another role (for example break-glass)"
            )
        now = utc_now()
        incident = self.args.incident
        if self.args.issued_before is not None and _ceil_to_second(self.args.issued_before) > now + _FUTURE_SLACK:
            raise InputError(
                f"--issued-before {iso(_ceil_to_second(self.args.issued_before))} is in the future: that would "
                "also deny sessions not yet issued. To block the role entirely use quarantine-principal"
            )
        try:
            existing = iam.get_role_policy(RoleName=name, PolicyName=POLICY_NAME)["PolicyDocument"]
        except ClientError as error:
            if error_code(error) != "NoSuchEntity":
                raise
            existing = None
        existing_cutoff = policy_cutoff(existing) if existing else None
        existing_incident = incident_of(existing)
        before = {
            "role_arn": role["Arn"],
            "revocation_policy": existing,
            "revoked_before": existing_cutoff,
            "incident": existing_incident,
        }
        if self.args.issued_before is not None:
            cutoff, source = _ceil_to_second(self.args.issued_before), "as given"
        elif existing_incident == incident and existing_cutoff is not None:
            cutoff, source = existing_cutoff, f"incident {incident}'s first cutoff, kept"
        elif (logged := self._logged_cutoff(role["Arn"])) is not None:
            cutoff, source = logged, f"incident {incident}'s first cutoff, from the audit log"
        else:
            cutoff, source = _ceil_to_second(now), "now"
        target = f"role {name} ({role['Arn']})"
        pinned = (
            f"python -m runbooks revoke-role-sessions --role-name {name} --incident {shlex.quote(incident)} "
            f"--issued-before {iso(cutoff)} --apply"
        )
        if existing_cutoff is not None and existing_cutoff >= cutoff:
            return Plan(
                target,
                before,
                [],
                noop_reason=f"sessions issued before {iso(existing_cutoff)} are already revoked "
                f"(that covers {iso(cutoff)}, {source})",
            )
        replaced = f" (replaces the cutoff {iso(existing_cutoff)})" if existing_cutoff else ""
        changes = [
            f"put inline policy {POLICY_NAME} on role {name} for incident {incident}: deny every action to "
            f"sessions issued before {iso(cutoff)} ({source}){replaced}"
        ]
        notes = [
            "sessions issued after the cutoff keep working: if the credential that was used to assume the role "
            "is still valid, remove it first (disable-access-key, quarantine-principal, trust policy)",
            f"to apply exactly this plan: {pinned}",
        ]
        return Plan(target, before, changes, notes=notes, data={"name": name, "cutoff": cutoff})

    def _logged_cutoff(self, role_arn: str) -> dt.datetime | None:
        """The first cutoff this incident applied to the role, from the audit log (the policy may have been
        removed or replaced since)."""
        for record in records_of(Path(self.args.audit_log), self.name):
            arguments = _mapping(_mapping(record.get("what")).get("arguments"))
            after = _mapping(record.get("after"))
            if (
                record.get("result") in ("applied", "unverified")
                and arguments.get("incident") == self.args.incident
                and _mapping(record.get("before")).get("role_arn") == role_arn
                and isinstance(after.get("revoked_before"), str)
            ):
                try:
                    return parse_time(after["revoked_before"])
                except ValueError:
                    continue
        return None

    def apply(self, plan: Plan) -> Outcome:
        iam = self.aws.client("iam")
        name, cutoff = plan.data["name"], plan.data["cutoff"]
        document = json.dumps(revocation_policy(cutoff, self.args.incident))
        iam.put_role_policy(RoleName=name, PolicyName=POLICY_NAME, PolicyDocument=document)
        document = iam.get_role_policy(RoleName=name, PolicyName=POLICY_NAME)["PolicyDocument"]
        read_back = policy_cutoff(document)
        return Outcome(
            after={
                "role_arn": plan.before["role_arn"],
                "revocation_policy": document,
                "revoked_before": read_back,
                "incident": incident_of(document),
            },
            summary=[f"sessions of role {name} issued before {iso(cutoff)} are denied every action"],
            verifications=[
                Verification(
                    "revocation policy in place",
                    read_back == cutoff,
                    f"cutoff read back: {iso(read_back) if read_back else 'none'}",
                )
            ],
        )
