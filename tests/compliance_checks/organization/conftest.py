"""A moto organization: a management account and member accounts, some with planted failures.

moto keeps one backend per account and scopes each request by its credentials: the access key
that sts:AssumeRole returned for ``arn:aws:iam::<member>:role/<name>`` reads and writes that
member's resources. moto does not refuse AssumeRole for a role that does not exist, so an account
the auditor cannot enter is made the way AWS answers it: AccessDenied to that AssumeRole call.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

import boto3
import pytest
from moto import mock_aws

from compliance_checks import organization, registry
from compliance_checks.catalog import load_catalog
from compliance_checks.reader import Reader
from compliance_checks.reports.model import Report
from compliance_checks.runner import AccountTarget, AuditOptions, run_accounts, select
from tests.compliance_checks.conftest import refusal

REGION = "us-east-1"
OTHER_REGION = "eu-west-1"
ROLE = "leadping-audit-member"
CHECKS = ("s3_bucket_default_encryption_kms", "logs_log_group_retention")


@dataclass
class Organization:
    management: str
    members: list[str]  # every ACTIVE account but the management one, in creation order
    planted: dict[tuple[str, str], str] = field(default_factory=dict)  # (check, account) -> resource id
    unassumable: set[str] = field(default_factory=set)
    ous: dict[str, list[str]] = field(default_factory=dict)  # OU id -> its accounts

    @property
    def accounts(self) -> list[str]:
        return sorted([self.management, *self.members])


def member_session(account_id: str, region: str = REGION) -> boto3.Session:
    credentials = boto3.client("sts", region_name=region).assume_role(
        RoleArn=f"arn:aws:iam::{account_id}:role/setup", RoleSessionName="setup"
    )["Credentials"]
    return boto3.Session(
        aws_access_key_id=credentials["AccessKeyId"],
        aws_secret_access_key=credentials["SecretAccessKey"],
        aws_session_token=credentials["SessionToken"],
        region_name=region,
    )


def refuse_assume_role(session: boto3.Session, account_id: str) -> None:
    """sts:AssumeRole into ``account_id`` through ``session`` answers AccessDenied, as AWS does when the
    role's trust policy does not name the caller (or the role is not there)."""
    session.events.register("before-call.sts.AssumeRole", refusal("sts", "AssumeRole", naming=f":{account_id}:role/"))


def build_organization(size: int, *, plant: bool = True, ous: int = 0) -> Organization:
    orgs = boto3.client("organizations", region_name=REGION)
    org = orgs.create_organization(FeatureSet="ALL")["Organization"]
    root = orgs.list_roots()["Roots"][0]["Id"]
    units = [
        orgs.create_organizational_unit(ParentId=root, Name=f"ou{i}")["OrganizationalUnit"]["Id"] for i in range(ous)
    ]
    members = []
    for i in range(size):
        status = orgs.create_account(AccountName=f"member-{i}", Email=f"member-{i}@example.com")["CreateAccountStatus"]
        members.append(status["AccountId"])
    world = Organization(org["MasterAccountId"], members, ous={u: [] for u in units})
    for i, account in enumerate(members[: len(units) * 3]):
        unit = units[i % len(units)]
        orgs.move_account(AccountId=account, SourceParentId=root, DestinationParentId=unit)
        world.ous[unit].append(account)
    if plant:
        _plant(world)
    return world


def _plant(world: Organization) -> None:
    unencrypted, short_logs, both = world.members[3], world.members[17], world.members[41 % len(world.members)]
    for account in (unencrypted, both):
        name = f"plain-{account}"
        member_session(account).client("s3").create_bucket(Bucket=name)
        world.planted[("s3_bucket_default_encryption_kms", account)] = f"arn:aws:s3:::{name}"
    for account in (short_logs, both):
        logs = member_session(account, OTHER_REGION).client("logs")
        logs.create_log_group(logGroupName="/app/short")
        logs.put_retention_policy(logGroupName="/app/short", retentionInDays=7)
        world.planted[("logs_log_group_retention", account)] = (
            f"arn:aws:logs:{OTHER_REGION}:{account}:log-group:/app/short"
        )


@pytest.fixture
def aws() -> Iterator[None]:
    with mock_aws():
        yield


@pytest.fixture(scope="package")
def organization_report() -> Report:
    """Three members and the management account audited concurrently; two members hold an unencrypted bucket.
    Made, then moto stopped: a test of another module may start its own mock meanwhile (pytest-xdist)."""
    with mock_aws():
        world = build_organization(3, plant=False)
        for account in world.members[:2]:
            member_session(account).client("s3").create_bucket(Bucket=f"plain-{account}")
        base = boto3.Session(region_name=REGION)
        members = organization.discover(Reader(base, [REGION]))
        access = organization.MemberAccess(base, organization.MemberRole(ROLE, "leadping-audit-t"), REGION, [REGION])
        selection = select(load_catalog(), registry.all_checks(), check_ids=list(CHECKS))
        targets = [AccountTarget(open=lambda m=m: access.open(m), account_id=m.account_id) for m in members]
        return run_accounts(targets, selection, AuditOptions(workers=2), account_workers=2)
