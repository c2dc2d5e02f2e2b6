"""Scenarios of iam_no_human_users (LP-PA-1)."""

from __future__ import annotations

from compliance_checks.core import Status
from tests.compliance_checks.checks.iam.helpers import iam_client, user
from tests.compliance_checks.conftest import by_resource, run_check

CHECK = "iam_no_human_users"


def test_given_a_user_without_password_or_active_key_then_pass(reader):
    arn = user("service-placeholder")
    result = by_resource(run_check(CHECK, reader))[arn]
    assert result.status is Status.PASS


def test_given_a_user_with_a_console_password_then_fail(reader):
    person = user("alice")
    iam_client().create_login_profile(UserName="alice", Password="Correct-Horse-Battery-9")
    idle = user("placeholder")
    results = by_resource(run_check(CHECK, reader))
    assert results[person].status is Status.FAIL
    assert "console password" in results[person].message
    assert results[idle].status is Status.PASS


def test_given_a_user_with_an_active_access_key_then_fail_without_printing_the_key(reader):
    arn = user("deployer")
    key_id = iam_client().create_access_key(UserName="deployer")["AccessKey"]["AccessKeyId"]
    result = by_resource(run_check(CHECK, reader))[arn]
    assert result.status is Status.FAIL
    assert f"access key ending in {key_id[-4:]}" in result.message
    assert key_id not in result.message
    assert key_id not in str(result.evidence)


def test_given_a_user_whose_only_key_is_inactive_then_pass(reader):
    arn = user("retired")
    client = iam_client()
    key_id = client.create_access_key(UserName="retired")["AccessKey"]["AccessKeyId"]
    client.update_access_key(UserName="retired", AccessKeyId=key_id, Status="Inactive")
    assert by_resource(run_check(CHECK, reader))[arn].status is Status.PASS


def test_given_a_dev_environment_then_no_result(reader):
    user("alice")
    iam_client().create_login_profile(UserName="alice", Password="Correct-Horse-Battery-9")
    assert run_check(CHECK, reader, environment="dev") == []


def test_given_get_login_profile_is_denied_then_error_for_the_user(reader, deny):
    arn = user("alice")
    deny("iam", "GetLoginProfile")
    result = by_resource(run_check(CHECK, reader))[arn]
    assert result.status is Status.ERROR
    assert result.evidence["error_kind"] == "access-denied"


def test_given_list_users_is_denied_then_error(reader, deny):
    user("alice")
    deny("iam", "ListUsers")
    assert [r.status for r in run_check(CHECK, reader)] == [Status.ERROR]
