"""Scenarios of awslambda_function_env_no_secrets (LP-SEC-1).

Credential-shaped values are test fixtures generated at run time; none is stored in the repository.
"""

from __future__ import annotations

import io
import json
import secrets
import string
import zipfile

import boto3

from compliance_checks.core import Status
from tests.compliance_checks.conftest import ACCOUNT_ID, REGION, by_resource, run_check

CHECK = "awslambda_function_env_no_secrets"


def _github_token_fixture() -> str:
    return "ghp_" + "".join(secrets.choice(string.ascii_letters + string.digits) for _ in range(36))


def _role() -> str:
    trust = {
        "Version": "2012-10-17",
        "Statement": [
            {"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}
        ],
    }
    client = boto3.client("iam", region_name=REGION)
    try:
        return client.create_role(RoleName="fn", AssumeRolePolicyDocument=json.dumps(trust))["Role"]["Arn"]
    except client.exceptions.EntityAlreadyExistsException:
        return f"arn:aws:iam::{ACCOUNT_ID}:role/fn"


def _function(name: str, variables: dict[str, str] | None, *, publish: bool = False) -> str:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("handler.py", "def handler(event, context):\n    return event\n")
    kwargs = {}
    if variables is not None:
        kwargs["Environment"] = {"Variables": variables}
    return boto3.client("lambda", region_name=REGION).create_function(
        FunctionName=name,
        Runtime="python3.12",
        Role=_role(),
        Handler="handler.handler",
        Code={"ZipFile": buffer.getvalue()},
        Publish=publish,
        **kwargs,
    )["FunctionArn"]


def test_given_settings_and_a_secret_arn_then_pass(reader):
    arn = _function(
        "api",
        {"LOG_LEVEL": "info", "DB_SECRET_ARN": f"arn:aws:secretsmanager:{REGION}:{ACCOUNT_ID}:secret:db-AbCdEf"},
    )
    result = by_resource(run_check(CHECK, reader))[arn]
    assert result.status is Status.PASS
    assert result.evidence["variables"] == ["DB_SECRET_ARN", "LOG_LEVEL"]


def test_given_a_github_token_then_fail_naming_the_variable_not_the_value(reader):
    token = _github_token_fixture()
    bad = _function("workers", {"GH_TOKEN": token, "LOG_LEVEL": "info"})
    good = _function("api", {"LOG_LEVEL": "info"})
    results = by_resource(run_check(CHECK, reader))
    assert results[bad].status is Status.FAIL
    assert "GH_TOKEN (github-token)" in results[bad].message
    assert token not in results[bad].message
    assert token[4:16] not in json.dumps(results[bad].evidence)
    assert results[good].status is Status.PASS


def test_given_a_published_version_still_holding_a_password_then_fail(reader):
    arn = _function("ingestion", {"DB_PASSWORD": "Tr0ub4dor&3x"}, publish=True)
    boto3.client("lambda", region_name=REGION).update_function_configuration(
        FunctionName="ingestion", Environment={"Variables": {"DB_PASSWORD_SECRET_ARN": "arn:aws:secretsmanager:x"}}
    )
    result = by_resource(run_check(CHECK, reader))[arn]
    assert result.status is Status.FAIL
    assert "DB_PASSWORD (password-variable) in version 1" in result.message
    assert "$LATEST" not in result.message


def test_given_no_environment_then_pass(reader):
    arn = _function("bare", None)
    assert by_resource(run_check(CHECK, reader))[arn].status is Status.PASS


def test_given_list_functions_is_denied_then_error(reader, deny):
    _function("api", {"LOG_LEVEL": "info"})
    deny("lambda", "ListFunctions")
    results = run_check(CHECK, reader)
    assert [r.status for r in results] == [Status.ERROR]
