"""Scenarios of iam_workload_role_permission_boundary (LP-PA-1)."""

from __future__ import annotations

from compliance_checks.core import Status
from tests.compliance_checks.checks.iam.helpers import allow, managed_policy, role
from tests.compliance_checks.conftest import by_resource, run_check

CHECK = "iam_workload_role_permission_boundary"


def _boundary() -> str:
    return managed_policy("workload-boundary", allow(["s3:*", "dynamodb:*", "sqs:*"], "*"))


def test_given_a_workload_role_with_a_boundary_then_pass(reader):
    arn = role("api", workload="api", boundary=_boundary())
    result = by_resource(run_check(CHECK, reader))[arn]
    assert result.status is Status.PASS
    assert result.evidence["permissions_boundary"].endswith(":policy/workload-boundary")


def test_given_a_workload_role_without_a_boundary_then_fail(reader):
    bounded = role("api", workload="api", boundary=_boundary())
    unbounded = role("workers", workload="workers")
    results = by_resource(run_check(CHECK, reader))
    assert results[unbounded].status is Status.FAIL
    assert results[bounded].status is Status.PASS


def test_given_no_role_is_tagged_then_untagged_roles_are_judged(reader):
    arn = role("legacy-app")
    service_linked = role("AWSServiceRoleForECS", path="/aws-service-role/ecs.amazonaws.com/")
    glass = role("ops-break-glass")
    results = by_resource(run_check(CHECK, reader))
    assert results[arn].status is Status.FAIL
    assert service_linked not in results
    assert glass not in results


def test_given_a_tagged_account_then_untagged_roles_get_no_result(reader):
    tagged = role("api", workload="api", boundary=_boundary())
    untagged = role("scratch")
    results = by_resource(run_check(CHECK, reader))
    assert untagged not in results
    assert results[tagged].status is Status.PASS


def test_given_get_account_authorization_details_is_denied_then_error(reader, deny):
    role("api", workload="api")
    deny("iam", "GetAccountAuthorizationDetails")
    assert [r.status for r in run_check(CHECK, reader)] == [Status.ERROR]
