"""Scenarios of iam_no_passrole_wildcard (LP-PA-1)."""

from __future__ import annotations

import pytest

from compliance_checks.core import Status
from tests.compliance_checks.checks.iam.helpers import (
    allow,
    iam_client,
    load_aws_managed_policies,
    role,
    service_trust,
    user,
)
from tests.compliance_checks.conftest import ACCOUNT_ID, by_resource, run_check

CHECK = "iam_no_passrole_wildcard"


def test_given_passrole_on_one_named_role_then_pass(reader):
    arn = role("api", inline=[allow("iam:PassRole", f"arn:aws:iam::{ACCOUNT_ID}:role/api-execution")])
    result = by_resource(run_check(CHECK, reader))[arn]
    assert result.status is Status.PASS


def test_given_a_customer_managed_policy_with_passrole_on_star_then_fail(reader):
    bad = role("workers", managed=[allow("iam:PassRole", "*")])
    good = role("api", managed=[allow("iam:GetRole", "*")])
    results = by_resource(run_check(CHECK, reader))
    assert results[bad].status is Status.FAIL
    assert "customer-managed policy" in results[bad].message
    assert results[good].status is Status.PASS


def test_given_a_user_with_iam_star_on_star_then_fail(reader):
    arn = user("ops", inline=[allow("iam:*", "*")])
    result = by_resource(run_check(CHECK, reader))[arn]
    assert result.status is Status.FAIL
    assert result.resource_type == "AWS::IAM::User"


def test_given_pass_star_on_every_role_of_the_account_then_fail(reader):
    arn = role("ingestion", inline=[allow("iam:Pass*", f"arn:aws:iam::{ACCOUNT_ID}:role/*")])
    assert by_resource(run_check(CHECK, reader))[arn].status is Status.FAIL


def test_given_passrole_under_a_passed_to_service_condition_on_star_then_fail(reader):
    statement = allow(
        "iam:PassRole", "*", Condition={"StringEquals": {"iam:PassedToService": "ecs-tasks.amazonaws.com"}}
    )
    arn = role("api", inline=[statement])
    assert by_resource(run_check(CHECK, reader))[arn].status is Status.FAIL


def test_given_a_not_action_block_that_leaves_passrole_in_then_fail(reader):
    arn = role("api", inline=[{"Effect": "Allow", "NotAction": "s3:*", "Resource": "*"}])
    assert by_resource(run_check(CHECK, reader))[arn].status is Status.FAIL


def test_given_the_break_glass_role_allowed_everything_then_no_result_for_it(reader):
    glass = role("break-glass", workload="break-glass", inline=[allow("*", "*")])
    assert glass not in by_resource(run_check(CHECK, reader))


@pytest.fixture
def managed_policies(monkeypatch):
    load_aws_managed_policies(monkeypatch)


def test_given_a_user_with_aws_managed_iam_full_access_then_fail(managed_policies, reader):
    arn = user("ops")
    iam_client().attach_user_policy(UserName="ops", PolicyArn="arn:aws:iam::aws:policy/IAMFullAccess")
    result = by_resource(run_check(CHECK, reader))[arn]
    assert result.status is Status.FAIL
    assert "IAMFullAccess" in result.message


def test_given_an_untagged_aws_service_role_with_an_aws_managed_passrole_policy_then_pass(managed_policies, reader):
    backup_policy = "arn:aws:iam::aws:policy/service-role/AWSBackupServiceRolePolicyForBackup"
    service_role = role("backup", trust=service_trust("backup.amazonaws.com"), attach=[backup_policy])
    workload = role("api", workload="api", attach=[backup_policy])
    results = by_resource(run_check(CHECK, reader))
    assert results[service_role].status is Status.PASS
    assert results[workload].status is Status.FAIL


def test_given_get_account_authorization_details_is_denied_then_error(reader, deny):
    role("api", inline=[allow("iam:PassRole", "*")])
    deny("iam", "GetAccountAuthorizationDetails")
    assert [r.status for r in run_check(CHECK, reader)] == [Status.ERROR]
