"""revoke-role-sessions: deny every session of a role issued before a time (LP-SEC-4, LP-IR-1).

This is the AWS "revoke active sessions" pattern: an inline policy named
AWSRevokeOlderSessions that denies every action when aws:TokenIssueTime is before the cutoff.
Sessions issued later work normally. The console writes the same policy name, so a
revocation made there is seen here and the other way round.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
from typing import Any

from botocore.exceptions import ClientError

from runbooks.aws import check_name, error_code, parse_principal
from runbooks.core import Action, InputError, Outcome, Plan, Verification, iso, parse_time, time_argument, utc_now

POLICY_NAME = "AWSRevokeOlderSessions"
# Clocks differ a little between the engineer's machine and AWS; more than this is a mistake.
_FUTURE_SLACK = dt.timedelta(minutes=5)


def revocation_policy(cutoff: dt.datetime) -> dict[str, Any]:
    return {
        "Version": "2012-10-17",
        "Statement": [
            {
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


def _ceil_to_second(moment: dt.datetime) -> dt.datetime:
    # The policy holds whole seconds; rounding up keeps a session issued this second revoked.
    return moment.replace(microsecond=0) + dt.timedelta(seconds=1) if moment.microsecond else moment


class RevokeRoleSessions(Action):
    name = "revoke-role-sessions"
    summary = "deny every session of an IAM role issued before a time (AWSRevokeOlderSessions)"
    description = (
        "Puts the inline policy AWSRevokeOlderSessions on the role: every action is denied to sessions issued "
        "before --issued-before (default: now). New sessions are not affected, so remove whatever let an "
        "attacker assume the role first. The plan prints the exact command with the cutoff pinned; running "
        "that command again is a no-op."
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
            "--issued-before",
            type=time_argument,
            metavar="TIME",
            help="revoke sessions issued before this time (ISO-8601 with Z, or 'now'; default now)",
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
        cutoff = _ceil_to_second(self.args.issued_before or now)
        if cutoff > now + _FUTURE_SLACK:
            raise InputError(
                f"--issued-before {iso(cutoff)} is in the future: that would also deny sessions not yet issued. "
                "To block the role entirely use quarantine-principal"
            )
        try:
            existing = iam.get_role_policy(RoleName=name, PolicyName=POLICY_NAME)["PolicyDocument"]
        except ClientError as error:
            if error_code(error) != "NoSuchEntity":
                raise
            existing = None
        existing_cutoff = policy_cutoff(existing) if existing else None
        before = {
            "role_arn": role["Arn"],
            "revocation_policy": existing,
            "revoked_before": existing_cutoff,
        }
        target = f"role {name} ({role['Arn']})"
        pinned = f"python -m runbooks revoke-role-sessions --role-name {name} --issued-before {iso(cutoff)} --apply"
        if existing_cutoff is not None and existing_cutoff >= cutoff:
            return Plan(
                target,
                before,
                [],
                noop_reason=f"sessions issued before {iso(existing_cutoff)} are already revoked "
                f"(that covers {iso(cutoff)})",
            )
        replaced = f" (replaces the cutoff {iso(existing_cutoff)})" if existing_cutoff else ""
        changes = [
            f"put inline policy {POLICY_NAME} on role {name}: deny every action to sessions issued "
            f"before {iso(cutoff)}{replaced}"
        ]
        notes = [
            "sessions issued after the cutoff keep working: if the credential that was used to assume the role "
            "is still valid, remove it first (disable-access-key, quarantine-principal, trust policy)",
            f"to apply exactly this plan: {pinned}",
        ]
        return Plan(target, before, changes, notes=notes, data={"name": name, "cutoff": cutoff})

    def apply(self, plan: Plan) -> Outcome:
        iam = self.aws.client("iam")
        name, cutoff = plan.data["name"], plan.data["cutoff"]
        iam.put_role_policy(RoleName=name, PolicyName=POLICY_NAME, PolicyDocument=json.dumps(revocation_policy(cutoff)))
        document = iam.get_role_policy(RoleName=name, PolicyName=POLICY_NAME)["PolicyDocument"]
        read_back = policy_cutoff(document)
        return Outcome(
            after={"role_arn": plan.before["role_arn"], "revocation_policy": document, "revoked_before": read_back},
            summary=[f"sessions of role {name} issued before {iso(cutoff)} are denied every action"],
            verifications=[
                Verification(
                    "revocation policy in place",
                    read_back == cutoff,
                    f"cutoff read back: {iso(read_back) if read_back else 'none'}",
                )
            ],
        )
