"""Scenarios of iam_no_full_admin_policy (LP-PA-1)."""

from __future__ import annotations

import pytest

from compliance_checks.core import Status
from tests.compliance_checks.checks.iam.helpers import (
    ADMIN,
    allow,
    iam_client,
    load_aws_managed_policies,
    role,
    service_trust,
    user,
)
from tests.compliance_checks.conftest import by_resource, run_check

CHECK = "iam_no_full_admin_policy"


@pytest.fixture
def managed_policies(monkeypatch):
    load_aws_managed_policies(monkeypatch)


def test_given_a_role_with_named_actions_only_then_pass(reader):
    arn = role("api", inline=[allow(["s3:GetObject"], "arn:aws:s3:::leads/*")])
    result = by_resource(run_check(CHECK, reader))[arn]
    assert result.status is Status.PASS
    assert result.resource_type == "AWS::IAM::Role"


def test_given_an_inline_policy_allowing_everything_then_fail(reader):
    bad = role("workers", inline=[allow("*", "*")])
    good = role("api", inline=[allow("sqs:SendMessage", "arn:aws:sqs:us-east-1:123456789012:q")])
    results = by_resource(run_check(CHECK, reader))
    assert results[bad].status is Status.FAIL
    assert "inline policy workers-inline" in results[bad].message
    assert results[good].status is Status.PASS


def test_given_a_user_with_a_customer_managed_admin_policy_then_fail(reader):
    arn = user("deployer", managed=[allow(["*"], ["*"])])
    result = by_resource(run_check(CHECK, reader))[arn]
    assert result.status is Status.FAIL
    assert result.resource_type == "AWS::IAM::User"


def test_given_a_group_with_aws_managed_administrator_access_then_fail(managed_policies, reader):
    client = iam_client()
    arn = client.create_group(GroupName="admins")["Group"]["Arn"]
    client.attach_group_policy(GroupName="admins", PolicyArn=ADMIN)
    result = by_resource(run_check(CHECK, reader))[arn]
    assert result.status is Status.FAIL
    assert ADMIN in result.message


def test_given_the_break_glass_role_with_administrator_access_then_pass(managed_policies, reader):
    glass = role("break-glass", workload="break-glass", trust=service_trust("ec2.amazonaws.com"), attach=[ADMIN])
    ci = role("ci-deploy", workload="ci-deploy", attach=[ADMIN])
    results = by_resource(run_check(CHECK, reader))
    assert results[glass].status is Status.PASS
    assert results[ci].status is Status.FAIL


def test_given_everything_on_one_bucket_only_then_pass(reader):
    arn = role("api", inline=[allow("*", ["arn:aws:s3:::leads", "arn:aws:s3:::leads/*"])])
    assert by_resource(run_check(CHECK, reader))[arn].status is Status.PASS


def test_given_get_account_authorization_details_is_denied_then_error(reader, deny):
    role("api", inline=[allow("*", "*")])
    deny("iam", "GetAccountAuthorizationDetails")
    results = run_check(CHECK, reader)
    assert [r.status for r in results] == [Status.ERROR]


def test_given_get_policy_version_of_an_aws_managed_policy_is_denied_then_error_for_that_principal(
    managed_policies, reader, deny
):
    with_aws = role("api", attach=[ADMIN])
    plain = role("workers", inline=[allow("sqs:SendMessage", "*")])
    deny("iam", "GetPolicyVersion")
    results = by_resource(run_check(CHECK, reader))
    assert results[with_aws].status is Status.ERROR
    assert results[plain].status is Status.PASS
