"""Scenarios of ssm_parameter_no_plaintext_secrets (LP-SEC-1).

Credential-shaped values are test fixtures generated at run time; none is stored in the repository.
"""

from __future__ import annotations

import secrets
import string

import boto3

from compliance_checks.core import Status
from tests.compliance_checks.conftest import ACCOUNT_ID, REGION, by_resource, run_check

CHECK = "ssm_parameter_no_plaintext_secrets"


def _put(name: str, value: str, kind: str = "String") -> str:
    boto3.client("ssm", region_name=REGION).put_parameter(Name=name, Value=value, Type=kind)
    return f"arn:aws:ssm:{REGION}:{ACCOUNT_ID}:parameter/{name.lstrip('/')}"


def _slack_token_fixture() -> str:
    return "xoxb-" + "".join(secrets.choice(string.digits) for _ in range(12)) + "-" + secrets.token_hex(12)


def test_given_a_feature_flag_then_pass(reader):
    arn = _put("/leadping/features/new-inbox", "on")
    assert by_resource(run_check(CHECK, reader))[arn].status is Status.PASS


def test_given_a_literal_password_then_fail(reader):
    bad = _put("/leadping/db/password", "Tr0ub4dor&3x")
    good = _put("/leadping/db/host", "db.internal")
    results = by_resource(run_check(CHECK, reader))
    assert results[bad].status is Status.FAIL
    assert "/leadping/db/password (password-variable)" in results[bad].message
    assert "Tr0ub4dor" not in results[bad].message
    assert results[good].status is Status.PASS


def test_given_a_string_list_with_a_slack_token_then_fail(reader):
    token = _slack_token_fixture()
    arn = _put("/leadping/alerts/channels", f"#ops,{token},#sales", kind="StringList")
    result = by_resource(run_check(CHECK, reader))[arn]
    assert result.status is Status.FAIL
    assert "slack-token" in result.message
    assert token not in result.message


def test_given_a_secure_string_then_no_result(reader):
    arn = _put("/leadping/db/password", "Tr0ub4dor&3x", kind="SecureString")
    assert arn not in by_resource(run_check(CHECK, reader))


def test_given_many_parameters_they_are_read_ten_at_a_time(reader):
    arns = [_put(f"/leadping/flags/f{i:02d}", "on") for i in range(23)]
    results = by_resource(run_check(CHECK, reader))
    assert all(results[a].status is Status.PASS for a in arns)
    assert reader.requests[("ssm", "get_parameters")] == 3


def test_given_get_parameters_is_denied_then_error(reader, deny):
    arn = _put("/leadping/db/password", "Tr0ub4dor&3x")
    deny("ssm", "GetParameters")
    assert by_resource(run_check(CHECK, reader))[arn].status is Status.ERROR


def test_given_describe_parameters_is_denied_then_error(reader, deny):
    _put("/leadping/features/new-inbox", "on")
    deny("ssm", "DescribeParameters")
    assert [r.status for r in run_check(CHECK, reader)] == [Status.ERROR]
