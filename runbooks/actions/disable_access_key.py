"""disable-access-key: set IAM access keys to Inactive (LP-SEC-4, LP-PA-2, LP-SEC-3).

Inactive, not deleted: a key turned off by mistake can be turned back on
(``aws iam update-access-key --status Active``), and deleting is the follow-up once the
owner confirms nothing legitimate broke (runbooks access-removal.md, credential-exposure.md).
"""

from __future__ import annotations

import argparse
import re
from typing import Any

from botocore.exceptions import ClientError

from runbooks.aws import check_name, error_code
from runbooks.core import Action, InputError, Outcome, Plan, Verification

_KEY_ID = re.compile(r"^[A-Z0-9]{16,128}$")


def access_key_id(text: str) -> str:
    value = text.strip()
    if value.startswith("ASIA"):
        raise argparse.ArgumentTypeError(
            f"{value} is a temporary (STS session) key, which IAM cannot disable: "
            "revoke the sessions of its role with revoke-role-sessions"
        )
    if not _KEY_ID.match(value):
        raise argparse.ArgumentTypeError(f"{text!r} is not an access key id (like AKIA followed by 16 characters)")
    return value


class DisableAccessKey(Action):
    name = "disable-access-key"
    summary = "set IAM access keys to Inactive (by key id, or every key of a user)"
    description = (
        "Sets the given IAM access keys to Inactive. Give --access-key-id (repeatable) or --user-name to "
        "disable every key of that user. The key stays in place so it can be re-enabled; delete it once "
        "the owner has confirmed (see runbooks/credential-exposure.md)."
    )
    controls = ("LP-SEC-4", "LP-PA-2", "LP-SEC-3")
    permissions = (
        "iam:GetAccessKeyLastUsed",
        "iam:GetUser",
        "iam:ListAccessKeys",
        "iam:UpdateAccessKey",
    )

    @classmethod
    def add_arguments(cls, parser: argparse.ArgumentParser) -> None:
        which = parser.add_mutually_exclusive_group(required=True)
        which.add_argument(
            "--access-key-id",
            action="append",
            type=access_key_id,
            metavar="KEY_ID",
            help="the access key to disable (repeatable); its user is looked up",
        )
        which.add_argument("--user-name", metavar="NAME", help="disable every access key of this IAM user")

    def _keys_of(self, user: str) -> list[dict[str, Any]]:
        iam = self.aws.client("iam")
        keys = []
        for page in iam.get_paginator("list_access_keys").paginate(UserName=user):
            keys.extend(page["AccessKeyMetadata"])
        return keys

    def _describe(self, key: dict[str, Any]) -> dict[str, Any]:
        used = self.aws.client("iam").get_access_key_last_used(AccessKeyId=key["AccessKeyId"])["AccessKeyLastUsed"]
        return {
            "access_key_id": key["AccessKeyId"],
            "user_name": key["UserName"],
            "status": key["Status"],
            "created": key.get("CreateDate"),
            "last_used": used.get("LastUsedDate"),
            "last_used_service": used.get("ServiceName"),
        }

    def _resolve(self) -> list[dict[str, Any]]:
        iam = self.aws.client("iam")
        if self.args.user_name:
            user = check_name("user", self.args.user_name)
            try:
                iam.get_user(UserName=user)
            except ClientError as error:
                if error_code(error) == "NoSuchEntity":
                    raise InputError(f"there is no IAM user {user!r} in account {self.aws.account_id}") from None
                raise
            return [self._describe(key) for key in self._keys_of(user)]
        found = []
        for key_id in dict.fromkeys(self.args.access_key_id):
            try:
                owner = iam.get_access_key_last_used(AccessKeyId=key_id).get("UserName")
            except ClientError as error:
                if error_code(error) in ("NoSuchEntity", "AccessDenied", "AccessDeniedException"):
                    # AWS answers AccessDenied for a key of another account: either way it is not ours to disable.
                    raise InputError(
                        f"there is no access key {key_id} in account {self.aws.account_id} "
                        f"({error_code(error)}); check the id and the account you are signed in to"
                    ) from None
                raise
            if not owner:
                raise InputError(f"access key {key_id} belongs to no IAM user (a root key?): remove it in the console")
            keys = [k for k in self._keys_of(owner) if k["AccessKeyId"] == key_id]
            if not keys:
                raise InputError(f"access key {key_id} is not listed under user {owner}")
            found.append(self._describe(keys[0]))
        return found

    def plan(self) -> Plan:
        keys = self._resolve()
        own_key = self.aws.caller_access_key_id()
        if any(k["access_key_id"] == own_key for k in keys):
            raise InputError(
                f"access key {own_key} is the one you are using right now: "
                "disable it from another identity (for example the break-glass role)"
            )
        target = (
            f"access keys of IAM user {self.args.user_name}"
            if self.args.user_name
            else ", ".join(f"{k['access_key_id']} (user {k['user_name']})" for k in keys)
        )
        active = [k for k in keys if k["status"] == "Active"]
        changes = [f"set access key {k['access_key_id']} of user {k['user_name']} to Inactive" for k in active]
        notes = [
            f"{k['access_key_id']}: created {k['created']:%Y-%m-%d}, last used "
            + (f"{k['last_used']:%Y-%m-%d %H:%M} UTC ({k['last_used_service']})" if k["last_used"] else "never")
            for k in keys
        ]
        reason = "every key is already Inactive" if keys else f"user {self.args.user_name} has no access keys"
        if active:
            notes.append("whatever still uses these keys fails from now on (InvalidClientTokenId): watch for it")
        return Plan(
            target=target,
            before={"keys": keys},
            changes=changes,
            noop_reason="" if changes else reason,
            notes=notes,
            data={"keys": [(k["user_name"], k["access_key_id"]) for k in active], "all": keys},
        )

    def apply(self, plan: Plan) -> Outcome:
        iam = self.aws.client("iam")
        for user, key_id in plan.data["keys"]:
            iam.update_access_key(UserName=user, AccessKeyId=key_id, Status="Inactive")
        wanted = {k["access_key_id"] for k in plan.data["all"]}
        users = sorted({k["user_name"] for k in plan.data["all"]})
        after = [
            {"access_key_id": k["AccessKeyId"], "user_name": k["UserName"], "status": k["Status"]}
            for user in users
            for k in self._keys_of(user)
            if k["AccessKeyId"] in wanted
        ]
        checks = [Verification(f"{k['access_key_id']} inactive", k["status"] == "Inactive", k["status"]) for k in after]
        return Outcome(
            after={"keys": after},
            summary=[f"{k['access_key_id']} (user {k['user_name']}): {k['status']}" for k in after],
            verifications=checks,
        )
