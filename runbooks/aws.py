"""AWS access for the actions: one session, clients with adaptive retries, who the caller is.

The session is built from ``--profile``/``--region`` (and honours ``AWS_ENDPOINT_URL``, which
botocore reads itself); tests inject their own factory. Principal ARN parsing lives here
because several actions take "a user or a role" in any of the forms CloudTrail shows.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from functools import cached_property
from typing import Any

import boto3
from botocore.config import Config
from botocore.exceptions import ClientError

from runbooks.core import InputError

# IAM and CloudTrail lookups throttle early; adaptive mode backs off instead of failing the run.
CLIENT_CONFIG = Config(retries={"max_attempts": 10, "mode": "adaptive"}, user_agent_extra="leadping-runbook")


def make_session(profile: str | None, region: str | None) -> boto3.Session:
    # AWS_REGION is the SDKs' standard variable, which boto3 does not read (it reads AWS_DEFAULT_REGION
    # and the profile); honour it so the region is the one the rest of the engineer's tools use.
    return boto3.Session(profile_name=profile, region_name=region or os.environ.get("AWS_REGION") or None)


def error_code(error: ClientError) -> str:
    return str(error.response.get("Error", {}).get("Code", ""))


def error_message(error: ClientError) -> str:
    details = error.response.get("Error", {})
    return f"{details.get('Code', 'Error')}: {details.get('Message', error)}"


class Aws:
    """The caller's session, with clients created once per service."""

    def __init__(self, session: boto3.Session) -> None:
        self.session = session
        self._clients: dict[str, Any] = {}

    @property
    def region(self) -> str:
        return self.session.region_name or ""

    def client(self, service: str) -> Any:
        if service not in self._clients:
            self._clients[service] = self.session.client(service, config=CLIENT_CONFIG)
        return self._clients[service]

    @cached_property
    def identity(self) -> dict[str, str]:
        """sts:GetCallerIdentity: Account, Arn, UserId (needs no permission)."""
        answer = self.client("sts").get_caller_identity()
        return {"Account": answer["Account"], "Arn": answer["Arn"], "UserId": answer["UserId"]}

    @property
    def account_id(self) -> str:
        return self.identity["Account"]

    @property
    def partition(self) -> str:
        return self.identity["Arn"].split(":")[1]

    def caller_principal(self) -> Principal | None:
        try:
            return parse_principal(self.identity["Arn"])
        except InputError:
            return None

    def caller_access_key_id(self) -> str | None:
        credentials = self.session.get_credentials()
        return credentials.access_key if credentials else None


@dataclass(frozen=True)
class Principal:
    kind: str  # "user" or "role"
    name: str
    account: str | None = None  # None when given by name (this account)
    path: str = "/"

    def arn(self, partition: str, account: str) -> str:
        return f"arn:{partition}:iam::{self.account or account}:{self.kind}{self.path}{self.name}"

    def same(self, other: Principal | None) -> bool:
        return other is not None and (self.kind, self.name) == (other.kind, other.name)

    def __str__(self) -> str:
        return f"{self.kind} {self.name}"


_IAM_ARN = re.compile(r"^arn:aws[a-z-]*:iam::(\d{12}):(user|role)(/(?:[^/]+/)*)?([\w+=,.@-]+)$")
_SESSION_ARN = re.compile(r"^arn:aws[a-z-]*:sts::(\d{12}):assumed-role/([\w+=,.@-]+)/[^/]+$")
_NAME = re.compile(r"^[\w+=,.@-]{1,128}$")


def parse_principal(text: str) -> Principal:
    """An IAM user or role ARN, or an STS assumed-role session ARN (mapped to its role)."""
    value = text.strip()
    match = _IAM_ARN.match(value)
    if match:
        return Principal(match.group(2), match.group(4), match.group(1), match.group(3) or "/")
    match = _SESSION_ARN.match(value)
    if match:
        return Principal("role", match.group(2), match.group(1))
    raise InputError(
        f"{text!r} is not an IAM user or role ARN (arn:aws:iam::<account>:user/<name> or :role/<name>) "
        "nor an assumed-role session ARN (arn:aws:sts::<account>:assumed-role/<role>/<session>)"
    )


def check_name(kind: str, name: str) -> str:
    if not _NAME.match(name):
        raise InputError(f"{name!r} is not a valid IAM {kind} name (1-128 of letters, digits and +=,.@_-)")
    return name
