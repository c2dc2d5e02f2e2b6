"""Scenarios of iam_ci_deploy_role_oidc_pinned (LP-PA-1)."""

from __future__ import annotations

from typing import Any

from compliance_checks.core import Status
from tests.compliance_checks.checks.iam.helpers import aws_trust, document, role
from tests.compliance_checks.conftest import ACCOUNT_ID, by_resource, run_check

CHECK = "iam_ci_deploy_role_oidc_pinned"
PROVIDER = f"arn:aws:iam::{ACCOUNT_ID}:oidc-provider/token.actions.githubusercontent.com"
HOST = "token.actions.githubusercontent.com"


def _github(condition: dict[str, Any] | None = None) -> dict[str, Any]:
    statement: dict[str, Any] = {
        "Effect": "Allow",
        "Principal": {"Federated": PROVIDER},
        "Action": "sts:AssumeRoleWithWebIdentity",
    }
    if condition is not None:
        statement["Condition"] = condition
    return statement


def _pinned(sub: str = "repo:leadping/platform:ref:refs/heads/main") -> dict[str, Any]:
    return _github({"StringEquals": {f"{HOST}:aud": "sts.amazonaws.com", f"{HOST}:sub": sub}})


def test_given_aud_and_sub_pinned_to_the_main_branch_then_pass(reader):
    arn = role("ci-deploy", workload="ci-deploy", trust=document(_pinned()))
    result = by_resource(run_check(CHECK, reader, github_repository="leadping/platform"))[arn]
    assert result.status is Status.PASS


def test_given_sub_matched_with_string_like_wildcards_then_fail(reader):
    condition = {
        "StringEquals": {f"{HOST}:aud": "sts.amazonaws.com"},
        "StringLike": {f"{HOST}:sub": "repo:leadping/platform:*"},
    }
    bad = role("ci-any-branch", trust=document(_github(condition)))
    good = role("ci-deploy", trust=document(_pinned()))
    results = by_resource(run_check(CHECK, reader))
    assert results[bad].status is Status.FAIL
    assert "StringLike wildcards" in results[bad].message
    assert results[good].status is Status.PASS


def test_given_no_aud_condition_then_fail(reader):
    condition = {"StringEquals": {f"{HOST}:sub": "repo:leadping/platform:ref:refs/heads/main"}}
    arn = role("ci-deploy", trust=document(_github(condition)))
    result = by_resource(run_check(CHECK, reader))[arn]
    assert result.status is Status.FAIL
    assert ":aud" in result.message


def test_given_another_repository_than_expected_then_fail(reader):
    arn = role("ci-deploy", trust=document(_pinned("repo:leadping/other:ref:refs/heads/main")))
    result = by_resource(run_check(CHECK, reader, github_repository="leadping/platform"))[arn]
    assert result.status is Status.FAIL
    assert "expected leadping/platform" in result.message


def test_given_a_branch_other_than_the_protected_branch_then_fail(reader):
    arn = role("ci-deploy", trust=document(_pinned("repo:leadping/platform:ref:refs/heads/dev")))
    results = by_resource(run_check(CHECK, reader, github_repository="leadping/platform", protected_branch="main"))
    assert results[arn].status is Status.FAIL
    assert "protected branch main" in results[arn].message


def test_given_a_pull_request_subject_then_fail(reader):
    arn = role("ci-deploy", trust=document(_pinned("repo:leadping/platform:pull_request")))
    assert by_resource(run_check(CHECK, reader))[arn].status is Status.FAIL


def test_given_two_sub_values_then_fail(reader):
    condition = {
        "StringEquals": {
            f"{HOST}:aud": "sts.amazonaws.com",
            f"{HOST}:sub": [
                "repo:leadping/platform:ref:refs/heads/main",
                "repo:leadping/platform:ref:refs/heads/release",
            ],
        }
    }
    arn = role("ci-deploy", trust=document(_github(condition)))
    assert by_resource(run_check(CHECK, reader))[arn].status is Status.FAIL


def test_given_the_role_also_trusts_an_iam_principal_then_fail(reader):
    arn = role("ci-deploy", trust=document(_pinned(), aws_trust(f"arn:aws:iam::{ACCOUNT_ID}:root")))
    result = by_resource(run_check(CHECK, reader))[arn]
    assert result.status is Status.FAIL
    assert "also trusts" in result.message


def test_given_a_role_tagged_ci_deploy_that_trusts_an_iam_user_then_fail(reader):
    arn = role("ci-deploy", workload="ci-deploy", trust=document(aws_trust(f"arn:aws:iam::{ACCOUNT_ID}:user/jenkins")))
    result = by_resource(run_check(CHECK, reader))[arn]
    assert result.status is Status.FAIL
    assert "does not trust GitHub" in result.message


def test_given_no_ci_role_then_no_result(reader):
    role("api", workload="api")
    assert run_check(CHECK, reader) == []


def test_given_get_account_authorization_details_is_denied_then_error(reader, deny):
    role("ci-deploy", trust=document(_pinned()))
    deny("iam", "GetAccountAuthorizationDetails")
    assert [r.status for r in run_check(CHECK, reader)] == [Status.ERROR]
