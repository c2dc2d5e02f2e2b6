"""Building IAM state in moto for the IAM checks' scenarios."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import boto3
from botocore.stub import Stubber

from compliance_checks import registry
from compliance_checks.core import CheckContext, Expectations, Result, execute
from compliance_checks.reader import Reader
from tests.compliance_checks.conftest import ACCOUNT_ID, REGION

WORKLOAD = "leadping:workload"


def iam_client():
    return boto3.client("iam", region_name=REGION)


def document(*statements: dict[str, Any]) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


def allow(action: Any, resource: Any = "*", **extra: Any) -> dict[str, Any]:
    return {"Effect": "Allow", "Action": action, "Resource": resource, **extra}


def service_trust(*services: str) -> str:
    return document({"Effect": "Allow", "Principal": {"Service": list(services)}, "Action": "sts:AssumeRole"})


def role(
    name: str,
    *,
    workload: str | None = None,
    trust: str | None = None,
    inline: list[dict[str, Any]] | None = None,
    managed: list[dict[str, Any]] | None = None,
    attach: list[str] = (),
    boundary: str | None = None,
    max_session: int | None = None,
    path: str = "/",
) -> str:
    """Creates a role; ``inline``/``managed`` are statements for one inline / one customer-managed policy."""
    client = iam_client()
    kwargs: dict[str, Any] = {
        "RoleName": name,
        "AssumeRolePolicyDocument": trust or service_trust("lambda.amazonaws.com"),
        "Path": path,
    }
    if workload is not None:
        kwargs["Tags"] = [{"Key": WORKLOAD, "Value": workload}]
    if boundary:
        kwargs["PermissionsBoundary"] = boundary
    if max_session:
        kwargs["MaxSessionDuration"] = max_session
    arn = client.create_role(**kwargs)["Role"]["Arn"]
    if inline:
        client.put_role_policy(RoleName=name, PolicyName=f"{name}-inline", PolicyDocument=document(*inline))
    if managed:
        client.attach_role_policy(RoleName=name, PolicyArn=managed_policy(f"{name}-managed", *managed))
    for policy_arn in attach:
        client.attach_role_policy(RoleName=name, PolicyArn=policy_arn)
    return arn


def managed_policy(name: str, *statements: dict[str, Any]) -> str:
    return iam_client().create_policy(PolicyName=name, PolicyDocument=document(*statements))["Policy"]["Arn"]


def user(name: str, *, inline: list[dict[str, Any]] | None = None, managed: list[dict[str, Any]] | None = None) -> str:
    client = iam_client()
    arn = client.create_user(UserName=name)["User"]["Arn"]
    if inline:
        client.put_user_policy(UserName=name, PolicyName=f"{name}-inline", PolicyDocument=document(*inline))
    if managed:
        client.attach_user_policy(UserName=name, PolicyArn=managed_policy(f"{name}-managed", *managed))
    return arn


def run_at(check_id: str, reader: Reader, now: dt.datetime | None = None, **expectations: Any) -> list[Result]:
    context = CheckContext(reader=reader, expectations=Expectations(**expectations))
    if now is not None:
        context.now = now
    return execute(registry.get(check_id)(), context)


def stub_account_summary(reader: Reader, summary: dict[str, int]) -> Stubber:
    """moto's GetAccountSummary always answers 0 for the root's MFA and keys: stub that one call."""
    stubber = Stubber(reader.client("iam"))
    stubber.add_response("get_account_summary", {"SummaryMap": summary})
    stubber.activate()
    return stubber


ROOT = f"arn:aws:iam::{ACCOUNT_ID}:root"
ADMIN = "arn:aws:iam::aws:policy/AdministratorAccess"


def load_aws_managed_policies(monkeypatch) -> None:
    """moto creates AWS-managed policies (AdministratorAccess, ...) only when asked to."""
    monkeypatch.setenv("MOTO_IAM_LOAD_MANAGED_POLICIES", "true")


def aws_trust(principal: str, condition: dict[str, Any] | None = None) -> dict[str, Any]:
    statement: dict[str, Any] = {"Effect": "Allow", "Principal": {"AWS": principal}, "Action": "sts:AssumeRole"}
    if condition:
        statement["Condition"] = condition
    return statement


MFA = {"Bool": {"aws:MultiFactorAuthPresent": "true"}}


def moto_iam_backend():
    from moto.iam.models import iam_backends

    return iam_backends[ACCOUNT_ID]["aws"]


def set_key_last_used(key_id: str, when: dt.datetime) -> None:
    """moto records a key's last use only when moto itself authenticates with it: set it directly."""
    from moto.iam.models import AccessKeyLastUsed

    moto_iam_backend().access_keys[key_id].last_used = AccessKeyLastUsed(timestamp=when, service="s3", region=REGION)


def set_password_last_used(user_name: str, when: dt.datetime) -> None:
    """moto never records console sign-ins: set ListUsers' PasswordLastUsed directly."""
    moto_iam_backend().users[user_name].password_last_used = when
