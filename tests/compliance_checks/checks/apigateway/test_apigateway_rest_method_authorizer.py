"""Scenarios of apigateway_rest_method_authorizer (LP-AC-1)."""

from __future__ import annotations

from compliance_checks.core import Status
from tests.compliance_checks.checks.apigateway.helpers import rest_api, rest_method
from tests.compliance_checks.conftest import REGION, by_resource, run_check

CHECK = "apigateway_rest_method_authorizer"


def test_given_a_method_with_a_cognito_authorizer_then_pass(reader):
    api_id, root = rest_api()
    arn = rest_method(api_id, root, "leads", "GET", auth="COGNITO_USER_POOLS")
    result = by_resource(run_check(CHECK, reader))[arn]
    assert result.status is Status.PASS
    assert result.evidence["route_key"] == "GET /leads"


def test_given_a_method_without_authorizer_not_on_the_allowlist_then_fail(reader):
    api_id, root = rest_api()
    good = rest_method(api_id, root, "leads", "GET", auth="COGNITO_USER_POOLS")
    bad = rest_method(api_id, root, "export", "POST")
    results = by_resource(run_check(CHECK, reader))
    assert results[good].status is Status.PASS
    assert results[bad].status is Status.FAIL
    assert "POST /export" in results[bad].message


def test_given_a_method_without_authorizer_but_an_api_key_then_fail(reader):
    api_id, root = rest_api()
    arn = rest_method(api_id, root, "webhooks", "POST", api_key=True)
    result = by_resource(run_check(CHECK, reader))[arn]
    assert result.status is Status.FAIL
    assert "API key" in result.message


def test_given_the_allowlisted_health_method_without_authorizer_then_pass(reader):
    api_id, root = rest_api()
    arn = rest_method(api_id, root, "health", "GET")
    assert by_resource(run_check(CHECK, reader, public_routes=("GET /health",)))[arn].status is Status.PASS
    assert by_resource(run_check(CHECK, reader, public_routes=()))[arn].status is Status.FAIL


def test_given_an_options_preflight_with_a_mock_integration_then_pass(reader):
    api_id, root = rest_api()
    arn = rest_method(api_id, root, "leads", "OPTIONS", integration="MOCK")
    result = by_resource(run_check(CHECK, reader))[arn]
    assert result.status is Status.PASS
    assert result.evidence["integration_type"] == "MOCK"


def test_given_an_options_method_with_a_lambda_integration_then_fail(reader):
    api_id, root = rest_api()
    arn = rest_method(api_id, root, "leads", "OPTIONS", integration="AWS_PROXY")
    result = by_resource(run_check(CHECK, reader))[arn]
    assert result.status is Status.FAIL
    assert result.evidence["integration_type"] == "AWS_PROXY"


def test_given_get_resources_is_denied_then_error(reader, deny):
    api_id, root = rest_api()
    rest_method(api_id, root, "leads", "GET")
    deny("apigateway", "GetResources")
    result = by_resource(run_check(CHECK, reader))[f"arn:aws:apigateway:{REGION}::/restapis/{api_id}"]
    assert result.status is Status.ERROR
