"""Auditing an AWS Organization: which accounts, and a session in each.

From the management account (or a delegated administrator), ``discover`` lists the organization's
ACTIVE accounts (``ListAccounts``), or, when ids narrow it, the accounts named and those under the
OUs and roots named (``ListAccountsForParent`` and ``ListOrganizationalUnitsForParent``, recursively),
less the excluded ones. Suspended or pending-closure accounts cannot be audited and are left out
(AWS refuses to assume roles in them). ``open_member`` assumes the member audit role in one account
(``infra/components/audit_member_role.py`` deploys it) and finds its regions; a ReadError there
makes that account one ERROR per check (the runner), never a silent gap, and the run goes on.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import boto3

from compliance_checks.budget import RateBudgets
from compliance_checks.core import ACCOUNT_READS_IN_FLIGHT, ReadError
from compliance_checks.reader import Reader, assume_role_session, enabled_regions

ACCOUNT_ID = re.compile(r"[0-9]{12}")
OU_ID = re.compile(r"ou-[0-9a-z]{4,32}-[a-z0-9]{8,32}")
ROOT_ID = re.compile(r"r-[0-9a-z]{4,32}")
# IAM's pattern for a role name and for a role session name (sts:AssumeRole RoleSessionName).
ROLE_NAME = re.compile(r"[\w+=,.@-]{1,64}")
SESSION_NAME = re.compile(r"[\w+=,.@-]{2,64}")
# sts:AssumeRole accepts 900 s up to the role's maximum session duration (at most 12 hours).
MIN_DURATION, MAX_DURATION = 900, 43200


class TargetError(ValueError):
    """An id given to --accounts/--exclude-accounts that is neither an account, an OU nor a root."""


def parse_targets(values: Iterable[str]) -> tuple[str, ...]:
    """Account ids (12 digits), OU ids (``ou-...``) and root ids (``r-...``), each once, in the order given."""
    ids = []
    for value in values:
        for part in value.split(","):
            text = part.strip()
            if not text:
                continue
            if not (ACCOUNT_ID.fullmatch(text) or OU_ID.fullmatch(text) or ROOT_ID.fullmatch(text)):
                raise TargetError(f"{text!r} is not an account id (12 digits), an OU id (ou-...) or a root id (r-...)")
            ids.append(text)
    return tuple(dict.fromkeys(ids))


@dataclass(frozen=True)
class Member:
    account_id: str
    name: str = ""


@dataclass(frozen=True)
class MemberRole:
    """How the auditor enters each member account."""

    name: str  # the role's name, the same in every account
    session_name: str
    external_id: str | None = None
    duration_seconds: int = 3600

    def __post_init__(self) -> None:
        if not ROLE_NAME.fullmatch(self.name):
            raise ValueError(f"{self.name!r} is not an IAM role name (1-64 of letters, digits and +=,.@_-)")
        if not SESSION_NAME.fullmatch(self.session_name):
            raise ValueError(f"{self.session_name!r} is not a role session name (2-64 of letters, digits and +=,.@_-)")
        if not MIN_DURATION <= self.duration_seconds <= MAX_DURATION:
            raise ValueError(
                f"the session duration must be {MIN_DURATION} to {MAX_DURATION} seconds, not {self.duration_seconds}"
            )

    def arn(self, account_id: str, partition: str = "aws") -> str:
        return f"arn:{partition}:iam::{account_id}:role/{self.name}"


def session_name_for(caller_arn: str) -> str:
    """``leadping-audit-<who>``: the member accounts' CloudTrail then names the auditor, not only the role."""
    who = caller_arn.rsplit("/", 1)[-1] if "/" in caller_arn else caller_arn.rsplit(":", 1)[-1]
    who = re.sub(r"[^\w+=,.@-]", "-", who)
    return f"leadping-audit-{who}"[:64]


def _active(accounts: Iterable[dict]) -> dict[str, Member]:
    return {
        str(a["Id"]): Member(str(a["Id"]), str(a.get("Name", "")))
        for a in accounts
        if a.get("Status", "ACTIVE") == "ACTIVE" and a.get("State", "ACTIVE") == "ACTIVE"
    }


def _under(reader: Reader, parent_id: str) -> dict[str, Member]:
    """The active accounts under an OU or root, at any depth."""
    members: dict[str, Member] = {}
    parents = [parent_id]
    while parents:
        parent = parents.pop()
        members.update(
            _active(reader.paginate("organizations", "list_accounts_for_parent", "Accounts", ParentId=parent))
        )
        units = reader.paginate(
            "organizations", "list_organizational_units_for_parent", "OrganizationalUnits", ParentId=parent
        )
        parents.extend(str(unit["Id"]) for unit in units)
    return members


def _resolve(reader: Reader, ids: Sequence[str], everyone: dict[str, Member], *, strict: bool) -> dict[str, Member]:
    """The accounts ``ids`` name; ``strict``: an account id that is not an active member is an error
    (asked for, it would silently not be audited), else it is ignored (excluding it changes nothing)."""
    chosen: dict[str, Member] = {}
    for target in ids:
        if ACCOUNT_ID.fullmatch(target):
            if target not in everyone and not strict:
                continue
            if target not in everyone:
                raise ReadError(
                    ReadError.FAILED, "organizations:list_accounts", f"account {target} is not an active member"
                )
            chosen[target] = everyone[target]
        else:
            chosen.update(_under(reader, target))
    return chosen


def discover(reader: Reader, include: Sequence[str] = (), exclude: Sequence[str] = ()) -> list[Member]:
    """The active accounts to audit, sorted by id; ``reader`` reads the management (or delegated
    administrator) account. Raises ReadError when the organization cannot be listed."""
    listed = reader.paginate("organizations", "list_accounts", "Accounts")
    if not listed:
        # AWS lists at least the management account; an empty answer is no organization to audit.
        raise ReadError(
            ReadError.MALFORMED, "organizations:list_accounts", "no account listed (is this an organization?)"
        )
    everyone = _active(listed)
    chosen = _resolve(reader, include, everyone, strict=True) if include else everyone
    for account_id in _resolve(reader, exclude, everyone, strict=False) if exclude else {}:
        chosen.pop(account_id, None)
    return [chosen[account_id] for account_id in sorted(chosen)]


@dataclass(frozen=True)
class MemberAccess:
    """Everything needed to open a reader in one member account."""

    base: boto3.Session
    role: MemberRole
    home: str
    regions: Sequence[str]  # the regions given, or ("all",) for each account's enabled regions
    partition: str = "aws"
    endpoint_url: str | None = None
    max_pool_connections: int = ACCOUNT_READS_IN_FLIGHT
    rates: RateBudgets | None = None
    # Each account's source of configurations (--source config): one per reader, so that what Config
    # answered is counted per account; None reads every configuration from its service's API.
    source: Callable[[], Any] | None = None

    def open(self, member: Member) -> Reader:
        """A reader in ``member`` through the member audit role; ReadError when the role cannot be assumed
        or (for ``all``) the account's regions cannot be listed."""
        session = assume_role_session(
            self.base,
            self.role.arn(member.account_id, self.partition),
            external_id=self.role.external_id,
            region=self.home,
            session_name=self.role.session_name,
            duration_seconds=self.role.duration_seconds,
            endpoint_url=self.endpoint_url,
        )
        regions = list(self.regions)
        if "all" in regions:
            regions = enabled_regions(session, endpoint_url=self.endpoint_url, home=self.home)
            regions.sort(key=lambda region: region != self.home)  # global services are read in the home region
        return Reader(
            session,
            regions,
            endpoint_url=self.endpoint_url,
            max_pool_connections=self.max_pool_connections,
            rates=self.rates.for_account() if self.rates else None,
            source=self.source() if self.source else None,
        )
