"""Scenarios of iam_workload_role_single_workload (LP-AC-2)."""

from __future__ import annotations

from compliance_checks.core import Status
from tests.compliance_checks.checks.iam.helpers import document, role, service_trust
from tests.compliance_checks.conftest import ACCOUNT_ID, by_resource, run_check

CHECK = "iam_workload_role_single_workload"


def test_given_a_role_trusted_by_one_service_then_pass(reader):
    arn = role("api", workload="api", trust=service_trust("ecs-tasks.amazonaws.com"))
    result = by_resource(run_check(CHECK, reader))[arn]
    assert result.status is Status.PASS
    assert result.evidence["trusted_principal_kinds"] == ["service ecs-tasks.amazonaws.com"]


def test_given_a_role_tagged_with_two_workloads_then_fail(reader):
    bad = role("shared", workload="api,workers", trust=service_trust("ecs-tasks.amazonaws.com"))
    good = role("ingestion", workload="ingestion")
    results = by_resource(run_check(CHECK, reader))
    assert results[bad].status is Status.FAIL
    assert "tagged with 2 workloads" in results[bad].message
    assert results[good].status is Status.PASS


def test_given_a_role_tagged_with_an_empty_workload_then_fail(reader):
    arn = role("mystery", workload="", trust=service_trust("ecs-tasks.amazonaws.com"))
    result = by_resource(run_check(CHECK, reader))[arn]
    assert result.status is Status.FAIL
    assert "no workload name" in result.message


def test_given_a_role_trusted_by_ecs_tasks_and_lambda_then_fail(reader):
    arn = role("workers", workload="workers", trust=service_trust("ecs-tasks.amazonaws.com", "lambda.amazonaws.com"))
    assert by_resource(run_check(CHECK, reader))[arn].status is Status.FAIL


def test_given_a_role_trusted_by_lambda_and_a_person_then_fail(reader):
    trust = document(
        {"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"},
        {"Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT_ID}:role/ops"}, "Action": "sts:AssumeRole"},
    )
    arn = role("api", workload="api", trust=trust)
    result = by_resource(run_check(CHECK, reader))[arn]
    assert result.status is Status.FAIL
    assert "people and accounts" in result.message


def test_given_a_lambda_at_edge_role_then_pass(reader):
    arn = role("edge", workload="api", trust=service_trust("lambda.amazonaws.com", "edgelambda.amazonaws.com"))
    assert by_resource(run_check(CHECK, reader))[arn].status is Status.PASS


def test_given_a_task_role_that_may_re_assume_itself_then_pass(reader):
    own = f"arn:aws:iam::{ACCOUNT_ID}:role/api"
    trust = document(
        {"Effect": "Allow", "Principal": {"Service": "ecs-tasks.amazonaws.com"}, "Action": "sts:AssumeRole"},
        {
            "Effect": "Allow",
            "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT_ID}:root"},
            "Action": ["sts:AssumeRole", "sts:TagSession"],
            "Condition": {"ArnEquals": {"aws:PrincipalArn": own}},
        },
    )
    arn = role("api", workload="api", trust=trust)
    result = by_resource(run_check(CHECK, reader))[arn]
    assert result.status is Status.PASS
    assert result.evidence["trusted_principal_kinds"] == ["service ecs-tasks.amazonaws.com"]


def test_given_the_account_principal_pinned_to_another_role_then_fail(reader):
    trust = document(
        {"Effect": "Allow", "Principal": {"Service": "ecs-tasks.amazonaws.com"}, "Action": "sts:AssumeRole"},
        {
            "Effect": "Allow",
            "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT_ID}:root"},
            "Action": "sts:AssumeRole",
            "Condition": {"ArnEquals": {"aws:PrincipalArn": f"arn:aws:iam::{ACCOUNT_ID}:role/workers"}},
        },
    )
    arn = role("api", workload="api", trust=trust)
    assert by_resource(run_check(CHECK, reader))[arn].status is Status.FAIL


def test_given_two_roles_of_the_same_workload_then_pass_for_both(reader):
    task = role("api-task", workload="api", trust=service_trust("ecs-tasks.amazonaws.com"))
    execution = role("api-execution", workload="api", trust=service_trust("ecs-tasks.amazonaws.com"))
    results = by_resource(run_check(CHECK, reader))
    assert results[task].status is Status.PASS
    assert results[execution].status is Status.PASS


def test_given_get_account_authorization_details_is_denied_then_error(reader, deny):
    role("api", workload="api")
    deny("iam", "GetAccountAuthorizationDetails")
    assert [r.status for r in run_check(CHECK, reader)] == [Status.ERROR]
