"""An organization run through the fault proxy: a fault in discovery stops the run with one line (never a
report that looks complete), a fault entering one member is that member's ERROR, and a fault in one
member's reads stays in that member; every other account's verdicts are those of the fault-free run.

A moto server on 127.0.0.1 holds the organization (management account and four members, two with an
unencrypted bucket); the audit runs as a user runs it (``cli.main``), through the proxy.
"""

from __future__ import annotations

import functools
import json
import os
import secrets
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import boto3
import pytest

from compliance_checks import cli
from compliance_checks import reader as reader_module
from compliance_checks.budget import Budget
from tests.compliance_checks.organization.conftest import REGION, ROLE, build_organization, member_session
from tests.faults.conftest import served_moto
from tests.faults.proxy import DROP, EMPTY, GARBAGE, HANG, SERVER_ERROR, THROTTLE, TRUNCATE, Fault, FaultProxy

CHECK = "s3_bucket_default_encryption_kms"
# A hanging read is given up in seconds (two unanswered attempts), and throttling after three
# attempts; a healthy answer stalled by a loaded CI machine still has room (3 s was not: in a fresh-clone CI
# run, the fault-free audit saw healthy reads time out).
FAST = functools.partial(Budget, connect_timeout=3.0, read_timeout=6.0, call_seconds=14.0, max_attempts=3)


@dataclass
class Org:
    proxy: FaultProxy
    credentials: dict[str, str]  # the management account's (a fresh account per module run)
    management: str
    members: list[str]
    unencrypted: dict[str, str]  # account -> its unencrypted bucket's ARN
    encrypted: str  # the ARN of members[1]'s bucket encrypted with its own key (a PASS)


def _point_at(env: pytest.MonkeyPatch, endpoint: str, credentials: dict[str, str] | None = None) -> None:
    """A session at ``endpoint``: the organization's management account (``credentials``), or else
    moto's default account (any key does for moto: made up per run)."""
    env.setenv("AWS_ENDPOINT_URL", endpoint)
    env.setenv("AWS_DEFAULT_REGION", REGION)
    env.delenv("AWS_PROFILE", raising=False)
    env.setenv("AWS_ACCESS_KEY_ID", (credentials or {}).get("AccessKeyId") or f"fault{os.getpid()}")
    env.setenv("AWS_SECRET_ACCESS_KEY", (credentials or {}).get("SecretAccessKey") or os.urandom(12).hex())
    if credentials:
        env.setenv("AWS_SESSION_TOKEN", credentials["SessionToken"])
    else:
        env.delenv("AWS_SESSION_TOKEN", raising=False)


def _fresh_management_account() -> dict[str, str]:
    """Credentials of an account of its own: moto's backends are the process's, and another module's
    served moto (the fault suite's) plants its resources in moto's default account."""
    account_id = str(secrets.randbelow(9 * 10**11) + 10**11)
    return boto3.client("sts", region_name=REGION).assume_role(
        RoleArn=f"arn:aws:iam::{account_id}:role/setup", RoleSessionName="organization-faults"
    )["Credentials"]


@pytest.fixture(scope="module")
def org() -> Iterator[Org]:
    with served_moto() as upstream:
        with pytest.MonkeyPatch.context() as env:
            _point_at(env, upstream)
            management = _fresh_management_account()
            _point_at(env, upstream, management)
            env.setattr(boto3, "DEFAULT_SESSION", None)  # boto3.client's session keeps the first credentials
            world = build_organization(4, plant=False)
            unencrypted = {}
            for account in world.members[:2]:
                member_session(account).client("s3").create_bucket(Bucket=f"plain-{account}")
                unencrypted[account] = f"arn:aws:s3:::plain-{account}"
            owner = member_session(world.members[1])
            key = owner.client("kms").create_key(Description="bucket key")["KeyMetadata"]["Arn"]
            encrypted = f"kms-{world.members[1]}"
            owner.client("s3").create_bucket(Bucket=encrypted)
            default = {"SSEAlgorithm": "aws:kms", "KMSMasterKeyID": key}
            owner.client("s3").put_bucket_encryption(
                Bucket=encrypted,
                ServerSideEncryptionConfiguration={
                    "Rules": [{"ApplyServerSideEncryptionByDefault": default, "BucketKeyEnabled": True}]
                },
            )
        with FaultProxy(upstream) as proxy:
            yield Org(proxy, management, world.management, world.members, unencrypted, f"arn:aws:s3:::{encrypted}")


def audit(org: Org, faults: list[Fault], out: Path, monkeypatch: pytest.MonkeyPatch) -> int:
    """``audit --organization`` of the one check, through the proxy answering with ``faults``."""
    _point_at(monkeypatch, org.proxy.url, org.credentials)
    monkeypatch.setattr(reader_module, "Budget", FAST)
    org.proxy.inject(faults)
    argv = ["audit", "--organization", "--member-role", ROLE, "--region", REGION, "--checks", CHECK]
    code = cli.main([*argv, "--format", "json", "--output-dir", str(out), "--quiet"])
    assert not faults or org.proxy.fired, "the fault never fired: the test would prove nothing"
    return code


def verdicts(tmp_path: Path) -> dict[tuple[str, str], str]:
    report = json.loads((tmp_path / "audit.json").read_text())
    return {(f["account_id"], f["resource_id"]): f["status"] for f in report["findings"]}


@pytest.fixture(scope="module")
def clean(org: Org, tmp_path_factory: pytest.TempPathFactory) -> dict[tuple[str, str], str]:
    out = tmp_path_factory.mktemp("clean")
    with pytest.MonkeyPatch.context() as monkeypatch:
        assert audit(org, [], out, monkeypatch) == 1  # the two unencrypted buckets FAIL
    found = verdicts(out)
    for account, arn in org.unencrypted.items():
        assert found[(account, arn)] == "FAIL"
    assert found[(org.members[1], org.encrypted)] == "PASS"
    assert {account for account, _ in found} == {org.management, *org.members}
    return found


@pytest.mark.parametrize("kind", [THROTTLE, SERVER_ERROR, DROP, TRUNCATE, EMPTY, GARBAGE, HANG])
def test_given_a_fault_listing_the_accounts_then_the_run_stops_in_one_line_with_no_report(
    org: Org, kind: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys
) -> None:
    code = audit(org, [Fault(kind, "organizations", operation="ListAccounts")], tmp_path, monkeypatch)
    err = capsys.readouterr().err
    assert code == 2
    assert err.count("\n") == 1
    assert "cannot list the organization's accounts" in err
    assert "Traceback" not in err
    assert not (tmp_path / "audit.json").exists()  # no report that reads as an audit of the organization


@pytest.mark.parametrize("kind", [THROTTLE, SERVER_ERROR, DROP, TRUNCATE, EMPTY, GARBAGE, HANG])
def test_given_a_fault_entering_one_member_then_it_alone_is_error_and_the_rest_stands(
    org: Org, clean: dict, kind: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    victim = org.members[0]
    code = audit(org, [Fault(kind, "sts", operation="AssumeRole", resource=victim)], tmp_path, monkeypatch)
    assert code == 1  # the other member's FAIL stands (exit 1 outranks an ERROR's 3), never green
    found = verdicts(tmp_path)
    assert {status for (account, _), status in found.items() if account == victim} == {"ERROR"}
    assert {k: v for k, v in found.items() if k[0] != victim} == {k: v for k, v in clean.items() if k[0] != victim}


@pytest.mark.parametrize("kind", [THROTTLE, SERVER_ERROR, TRUNCATE, EMPTY, GARBAGE])
def test_given_a_fault_in_one_members_bucket_read_then_only_that_bucket_is_error(
    org: Org, clean: dict, kind: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The bucket's encryption is read 200 in the clean run (a PASS): faulted, it is ERROR, not PASS or FAIL."""
    victim, bucket = org.members[1], org.encrypted.removeprefix("arn:aws:s3:::")
    code = audit(org, [Fault(kind, "s3", operation="GetBucketEncryption", resource=bucket)], tmp_path, monkeypatch)
    assert code == 1  # the unencrypted buckets' FAILs
    found = verdicts(tmp_path)
    assert found[(victim, org.encrypted)] == "ERROR"
    rest = {k: v for k, v in found.items() if k != (victim, org.encrypted)}
    assert rest == {k: v for k, v in clean.items() if k != (victim, org.encrypted)}
