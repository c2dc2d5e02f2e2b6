"""restrict-kms-key: deny named principals the use of a KMS key by its key policy (LP-SEC-4).

The key policy gets one statement, LeadpingRunbookDenyPrincipals, denying the cryptographic
operations to the listed principals (matched on aws:PrincipalArn, so every session of a role
is covered). Administration is never denied, so the key cannot be locked out; ``--release``
takes principals off the list and removes the statement when the list is empty. Everything
else in the policy is left exactly as it was.
"""

from __future__ import annotations

import argparse
import json
from typing import Any

from botocore.exceptions import ClientError

from runbooks.actions._iam import get_principal
from runbooks.aws import error_code, parse_principal
from runbooks.core import Action, InputError, Outcome, Plan, Verification

SID = "LeadpingRunbookDenyPrincipals"
DENIED_ACTIONS = [
    "kms:Decrypt",
    "kms:Encrypt",
    "kms:GenerateDataKey*",
    "kms:ReEncrypt*",
    "kms:CreateGrant",
    "kms:Sign",
    "kms:Verify",
    "kms:GenerateMac",
    "kms:VerifyMac",
    "kms:DeriveSharedSecret",
]


def deny_statement(principal_arns: list[str]) -> dict[str, Any]:
    return {
        "Sid": SID,
        "Effect": "Deny",
        "Principal": {"AWS": "*"},
        "Action": DENIED_ACTIONS,
        "Resource": "*",
        "Condition": {"ArnLike": {"aws:PrincipalArn": sorted(principal_arns)}},
    }


def denied_principals(policy: dict[str, Any]) -> list[str]:
    for statement in _statements(policy):
        if statement.get("Sid") == SID:
            value = statement.get("Condition", {}).get("ArnLike", {}).get("aws:PrincipalArn", [])
            return sorted([value] if isinstance(value, str) else value)
    return []


def _statements(policy: dict[str, Any]) -> list[dict[str, Any]]:
    statements = policy.get("Statement", [])
    return statements if isinstance(statements, list) else [statements]


def with_denied(policy: dict[str, Any], principal_arns: list[str]) -> dict[str, Any]:
    """The policy with our statement set to these principals (removed when there are none)."""
    kept = [s for s in _statements(policy) if s.get("Sid") != SID]
    if principal_arns:
        kept.append(deny_statement(principal_arns))
    return {**policy, "Statement": kept}


class RestrictKmsKey(Action):
    name = "restrict-kms-key"
    summary = "deny principals the use of a KMS key through its key policy (reversible with --release)"
    description = (
        "Adds the given principals to a Deny statement (LeadpingRunbookDenyPrincipals) in the key policy "
        "that blocks encrypt, decrypt, data keys, re-encrypt and new grants for them. Key administration "
        "is not touched. --release removes them again."
    )
    controls = ("LP-SEC-4", "LP-DR-1")
    permissions = ("kms:DescribeKey", "kms:GetKeyPolicy", "kms:PutKeyPolicy", "iam:GetUser", "iam:GetRole")

    @classmethod
    def add_arguments(cls, parser: argparse.ArgumentParser) -> None:
        parser.add_argument("--key-id", required=True, metavar="KEY", help="key id, key ARN or alias/<name>")
        parser.add_argument(
            "--principal",
            required=True,
            action="append",
            metavar="ARN",
            help="user or role ARN (or assumed-role session ARN) to deny; repeatable",
        )
        parser.add_argument("--release", action="store_true", help="remove these principals from the deny list")

    def _principal_arns(self) -> list[str]:
        arns = []
        caller = self.aws.caller_principal()
        for text in dict.fromkeys(self.args.principal):
            principal = parse_principal(text)
            if principal.account in (None, self.aws.account_id):
                # Same account: resolve the full ARN (roles may have a path the session ARN omits).
                arn = get_principal(self.aws, principal)["Arn"]
            else:
                arn = principal.arn(self.aws.partition, self.aws.account_id)
            if not self.args.release and principal.same(caller) and principal.account in (None, self.aws.account_id):
                raise InputError(f"{arn} is you: denying yourself the key is not what you want here")
            arns.append(arn)
        return arns

    def plan(self) -> Plan:
        kms = self.aws.client("kms")
        try:
            key = kms.describe_key(KeyId=self.args.key_id)["KeyMetadata"]
        except ClientError as error:
            if error_code(error) in ("NotFoundException", "InvalidArnException"):
                raise InputError(f"there is no KMS key {self.args.key_id!r} in {self.aws.region}") from None
            raise
        if key.get("KeyManager") == "AWS":
            raise InputError(f"{key['Arn']} is an AWS managed key: its key policy cannot be changed")
        arns = self._principal_arns()
        policy = json.loads(kms.get_key_policy(KeyId=key["KeyId"], PolicyName="default")["Policy"])
        current = denied_principals(policy)
        before = {"key_arn": key["Arn"], "key_state": key.get("KeyState"), "denied_principals": current}
        target = f"KMS key {key['Arn']}"
        changes = []
        for arn in arns:
            if self.args.release and arn in current:
                changes.append(f"key policy: stop denying {arn}")
            elif not self.args.release and arn not in current:
                changes.append(f"key policy: deny {arn} encrypt/decrypt/data keys/grants")
        reason = "none of them is denied" if self.args.release else "every one of them is already denied"
        notes = [
            "grants the principal already holds are separate from the key policy: list them with "
            f"`aws kms list-grants --key-id {key['KeyId']}` and revoke what is theirs",
        ]
        if key.get("KeyState") not in (None, "Enabled"):
            notes.append(f"the key is {key.get('KeyState')}")
        return Plan(
            target,
            before,
            changes,
            noop_reason=reason,
            notes=notes if changes else [],
            data={"key_id": key["KeyId"], "arns": arns},
        )

    def apply(self, plan: Plan) -> Outcome:
        kms = self.aws.client("kms")
        key_id, arns = plan.data["key_id"], set(plan.data["arns"])
        # Re-read: someone may have edited the policy since the plan; only our statement changes.
        policy = json.loads(kms.get_key_policy(KeyId=key_id, PolicyName="default")["Policy"])
        current = set(denied_principals(policy))
        wanted = sorted(current - arns if self.args.release else current | arns)
        kms.put_key_policy(KeyId=key_id, PolicyName="default", Policy=json.dumps(with_denied(policy, wanted)))
        read_back = denied_principals(json.loads(kms.get_key_policy(KeyId=key_id, PolicyName="default")["Policy"]))
        done = not (arns & set(read_back)) if self.args.release else arns <= set(read_back)
        return Outcome(
            after={"key_arn": plan.before["key_arn"], "denied_principals": read_back},
            summary=[f"denied principals now: {', '.join(read_back) or 'none'}"],
            verifications=[Verification("key policy read back", done, ", ".join(read_back) or "none")],
        )
