"""Scenarios of apigatewayv2_route_authorizer (LP-AC-1)."""

from __future__ import annotations

import boto3

from compliance_checks.core import Status
from tests.compliance_checks.checks.apigateway.helpers import http_api, jwt_authorizer, route
from tests.compliance_checks.conftest import REGION, by_resource, run_check

CHECK = "apigatewayv2_route_authorizer"


def test_given_an_http_api_route_with_a_jwt_authorizer_then_pass(reader):
    api_id, _ = http_api()
    arn = route(api_id, "GET /leads", jwt_authorizer(api_id))
    result = by_resource(run_check(CHECK, reader))[arn]
    assert result.status is Status.PASS
    assert result.evidence["authorization_type"] == "JWT"


def test_given_a_route_without_authorizer_not_on_the_allowlist_then_fail(reader):
    api_id, _ = http_api()
    good = route(api_id, "GET /leads", jwt_authorizer(api_id))
    bad = route(api_id, "POST /leads")
    results = by_resource(run_check(CHECK, reader))
    assert results[good].status is Status.PASS
    assert results[bad].status is Status.FAIL
    assert "POST /leads" in results[bad].message


def test_given_the_allowlisted_health_route_without_authorizer_then_pass(reader):
    api_id, _ = http_api()
    health = route(api_id, "GET /health")
    other = route(api_id, "GET /status")
    results = by_resource(run_check(CHECK, reader, public_routes=("get /health",)))
    assert results[health].status is Status.PASS
    assert "allowlist" in results[health].message
    assert results[other].status is Status.FAIL


def test_given_a_default_route_without_authorizer_then_fail(reader):
    api_id, _ = http_api()
    arn = route(api_id, "$default")
    assert by_resource(run_check(CHECK, reader))[arn].status is Status.FAIL
    # ...unless the stack names it public
    assert by_resource(run_check(CHECK, reader, public_routes=("$default",)))[arn].status is Status.PASS


def test_given_an_any_route_while_only_the_get_route_is_public_then_fail(reader):
    api_id, _ = http_api()
    arn = route(api_id, "ANY /health")
    result = by_resource(run_check(CHECK, reader, public_routes=("GET /health",)))[arn]
    assert result.status is Status.FAIL


def test_given_a_route_with_an_iam_authorizer_then_pass(reader):
    api_id, _ = http_api()
    arn = route(api_id, "GET /internal", auth_type="AWS_IAM")
    assert by_resource(run_check(CHECK, reader))[arn].status is Status.PASS


def _lambda_authorizer(api_id: str) -> str:
    return boto3.client("apigatewayv2", region_name=REGION).create_authorizer(
        ApiId=api_id,
        Name="lambda",
        AuthorizerType="REQUEST",
        IdentitySource=["route.request.header.Authorization"],
        AuthorizerUri=f"arn:aws:apigateway:{REGION}:lambda:path/2015-03-31/functions/"
        f"arn:aws:lambda:{REGION}:123456789012:function:authorizer/invocations",
    )["AuthorizerId"]


def test_given_a_websocket_api_whose_connect_route_has_an_authorizer_then_pass(reader):
    api_id, _ = http_api("events", protocol="WEBSOCKET")
    connect = route(api_id, "$connect", _lambda_authorizer(api_id), auth_type="CUSTOM")
    message = route(api_id, "sendMessage")
    results = by_resource(run_check(CHECK, reader))
    assert results[connect].status is Status.PASS
    assert results[message].status is Status.PASS
    assert "$connect" in results[message].message


def test_given_a_websocket_api_whose_connect_route_has_no_authorizer_then_fail(reader):
    api_id, _ = http_api("events", protocol="WEBSOCKET")
    connect = route(api_id, "$connect")
    message = route(api_id, "sendMessage")
    results = by_resource(run_check(CHECK, reader))
    assert results[connect].status is Status.FAIL
    assert results[message].status is Status.FAIL
    assert "$connect" in results[message].message


def test_given_a_websocket_api_without_a_connect_route_then_fail(reader):
    api_id, _ = http_api("events", protocol="WEBSOCKET")
    message = route(api_id, "sendMessage")
    result = by_resource(run_check(CHECK, reader))[message]
    assert result.status is Status.FAIL
    assert "not defined" in result.message


def test_given_get_routes_is_denied_then_error(reader, deny):
    api_id, api_arn = http_api()
    route(api_id, "POST /leads")
    deny("apigatewayv2", "GetRoutes")
    result = by_resource(run_check(CHECK, reader))[api_arn]
    assert result.status is Status.ERROR
    assert result.evidence["error_kind"] == "access-denied"
