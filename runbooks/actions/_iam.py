"""IAM lookups shared by the actions that take "a user or a role"."""

from __future__ import annotations

from typing import Any

from botocore.exceptions import ClientError

from runbooks.aws import Aws, Principal, check_name, error_code, parse_principal
from runbooks.core import InputError


def principal_from_args(aws: Aws, *, arn: str | None, user_name: str | None, role_name: str | None) -> Principal:
    if arn:
        principal = parse_principal(arn)
        if principal.account and principal.account != aws.account_id:
            raise InputError(f"{arn} is in account {principal.account}; you are signed in to {aws.account_id}")
        return principal
    if user_name:
        return Principal("user", check_name("user", user_name))
    if role_name:
        return Principal("role", check_name("role", role_name))
    raise InputError("name the principal: --principal ARN, --user-name or --role-name")


def get_principal(aws: Aws, principal: Principal) -> dict[str, Any]:
    """The IAM user or role record; InputError when it does not exist."""
    iam = aws.client("iam")
    try:
        if principal.kind == "user":
            return iam.get_user(UserName=principal.name)["User"]
        return iam.get_role(RoleName=principal.name)["Role"]
    except ClientError as error:
        if error_code(error) == "NoSuchEntity":
            raise InputError(f"there is no IAM {principal} in account {aws.account_id}") from None
        raise


def get_inline_policy(aws: Aws, principal: Principal, policy_name: str) -> dict[str, Any] | None:
    iam = aws.client("iam")
    try:
        if principal.kind == "user":
            return iam.get_user_policy(UserName=principal.name, PolicyName=policy_name)["PolicyDocument"]
        return iam.get_role_policy(RoleName=principal.name, PolicyName=policy_name)["PolicyDocument"]
    except ClientError as error:
        if error_code(error) == "NoSuchEntity":
            return None
        raise


def get_tags(aws: Aws, principal: Principal) -> dict[str, str]:
    iam = aws.client("iam")
    if principal.kind == "user":
        pages = iam.get_paginator("list_user_tags").paginate(UserName=principal.name)
    else:
        pages = iam.get_paginator("list_role_tags").paginate(RoleName=principal.name)
    return {tag["Key"]: tag["Value"] for page in pages for tag in page["Tags"]}
