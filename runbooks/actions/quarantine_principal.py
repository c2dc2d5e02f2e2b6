"""quarantine-principal: deny everything to an IAM user or role, reversibly (LP-SEC-4, LP-IR-1).

An inline policy denying every action is attached (an explicit deny wins over every allow,
including for sessions already issued) and the principal is tagged with the time, so the
console and the audit show it is quarantined. The principal's own policies are untouched:
``--release`` removes exactly the quarantine policy and tag and everything works as before.
"""

from __future__ import annotations

import argparse
import json

from runbooks.actions._iam import get_inline_policy, get_principal, get_tags, principal_from_args
from runbooks.aws import Principal
from runbooks.core import Action, InputError, Outcome, Plan, Verification, iso, utc_now

POLICY_NAME = "LeadpingQuarantine"
TAG = "leadping:quarantined"
QUARANTINE_POLICY = {
    "Version": "2012-10-17",
    "Statement": [{"Sid": "QuarantinedByLeadpingRunbook", "Effect": "Deny", "Action": "*", "Resource": "*"}],
}


def _is_quarantine(document: dict | None) -> bool:
    if not document:
        return False
    statements = document.get("Statement", [])
    statements = statements if isinstance(statements, list) else [statements]
    return any(
        s.get("Effect") == "Deny"
        and s.get("Action") in ("*", ["*"])
        and s.get("Resource") in ("*", ["*"])
        and not s.get("Condition")
        for s in statements
    )


class QuarantinePrincipal(Action):
    name = "quarantine-principal"
    summary = "deny every action to an IAM user or role (reversible with --release)"
    description = (
        "Attaches the inline policy LeadpingQuarantine (deny every action, every resource) to a user or role "
        "and tags it leadping:quarantined=<time>. Existing sessions are denied from their next request. "
        "--release removes exactly that policy and tag."
    )
    controls = ("LP-SEC-4", "LP-IR-1", "LP-PA-2")
    permissions = (
        "iam:GetUser",
        "iam:GetRole",
        "iam:GetUserPolicy",
        "iam:GetRolePolicy",
        "iam:ListUserTags",
        "iam:ListRoleTags",
        "iam:PutUserPolicy",
        "iam:PutRolePolicy",
        "iam:DeleteUserPolicy",
        "iam:DeleteRolePolicy",
        "iam:TagUser",
        "iam:TagRole",
        "iam:UntagUser",
        "iam:UntagRole",
    )

    @classmethod
    def add_arguments(cls, parser: argparse.ArgumentParser) -> None:
        which = parser.add_mutually_exclusive_group(required=True)
        which.add_argument(
            "--principal", metavar="ARN", help="user or role ARN, or an assumed-role session ARN (its role)"
        )
        which.add_argument("--user-name", metavar="NAME", help="the IAM user")
        which.add_argument("--role-name", metavar="NAME", help="the IAM role")
        parser.add_argument("--release", action="store_true", help="lift the quarantine instead of applying it")

    def _principal(self) -> Principal:
        return principal_from_args(
            self.aws, arn=self.args.principal, user_name=self.args.user_name, role_name=self.args.role_name
        )

    def plan(self) -> Plan:
        principal = self._principal()
        record = get_principal(self.aws, principal)
        if principal.kind == "role" and record.get("Path", "/").startswith("/aws-service-role/"):
            raise InputError(f"{principal.name} is a service-linked role: AWS manages it and it cannot be quarantined")
        if not self.args.release and principal.same(self.aws.caller_principal()):
            raise InputError(
                f"you are signed in as {principal}: quarantining it would lock you out. Use another identity"
            )
        policy = get_inline_policy(self.aws, principal, POLICY_NAME)
        tags = get_tags(self.aws, principal)
        before = {"arn": record["Arn"], "quarantine_policy": policy, "quarantined_tag": tags.get(TAG)}
        target = f"{principal} ({record['Arn']})"
        data = {"principal": principal, "arn": record["Arn"]}
        changes: list[str] = []
        if self.args.release:
            if policy is not None:
                changes.append(f"delete inline policy {POLICY_NAME} from {principal}")
            if TAG in tags:
                changes.append(f"remove tag {TAG} from {principal}")
            notes = ["the principal's own policies apply again at once"] if changes else []
            return Plan(target, before, changes, noop_reason="it is not quarantined", notes=notes, data=data)
        if not _is_quarantine(policy):
            verb = "replace" if policy is not None else "put"
            changes.append(f"{verb} inline policy {POLICY_NAME} on {principal}: deny every action on every resource")
        if TAG not in tags:
            changes.append(f"tag {principal} {TAG}=<now, UTC>")
        notes = [
            "every request by this principal, from existing sessions too, is denied from now on; "
            "workloads that run as it stop working",
            "release with the same command plus --release once the investigation allows",
        ]
        if principal.kind == "user":
            notes.append("also disable its access keys (disable-access-key --user-name) and its console password")
        return Plan(
            target, before, changes, noop_reason="it is already quarantined", notes=notes if changes else [], data=data
        )

    def apply(self, plan: Plan) -> Outcome:
        iam = self.aws.client("iam")
        principal: Principal = plan.data["principal"]
        user = principal.kind == "user"
        release = self.args.release
        if release:
            if plan.before["quarantine_policy"] is not None:
                if user:
                    iam.delete_user_policy(UserName=principal.name, PolicyName=POLICY_NAME)
                else:
                    iam.delete_role_policy(RoleName=principal.name, PolicyName=POLICY_NAME)
            if plan.before["quarantined_tag"] is not None:
                if user:
                    iam.untag_user(UserName=principal.name, TagKeys=[TAG])
                else:
                    iam.untag_role(RoleName=principal.name, TagKeys=[TAG])
        else:
            document = json.dumps(QUARANTINE_POLICY)
            if not _is_quarantine(plan.before["quarantine_policy"]):
                if user:
                    iam.put_user_policy(UserName=principal.name, PolicyName=POLICY_NAME, PolicyDocument=document)
                else:
                    iam.put_role_policy(RoleName=principal.name, PolicyName=POLICY_NAME, PolicyDocument=document)
            if plan.before["quarantined_tag"] is None:
                tags = [{"Key": TAG, "Value": iso(utc_now())}]
                if user:
                    iam.tag_user(UserName=principal.name, Tags=tags)
                else:
                    iam.tag_role(RoleName=principal.name, Tags=tags)
        policy = get_inline_policy(self.aws, principal, POLICY_NAME)
        tag = get_tags(self.aws, principal).get(TAG)
        after = {"arn": plan.data["arn"], "quarantine_policy": policy, "quarantined_tag": tag}
        if release:
            left = [n for n, v in ((POLICY_NAME, policy), (TAG, tag)) if v is not None]
            checks = [
                Verification("quarantine lifted", not left, "still there: " + ", ".join(left) if left else "gone")
            ]
            summary = [f"{principal} is no longer quarantined"]
        else:
            checks = [Verification("deny-all policy in place", _is_quarantine(policy), f"tag {TAG}={tag}")]
            summary = [f"{principal} is quarantined (since {tag})"]
        return Outcome(after=after, summary=summary, verifications=checks)
