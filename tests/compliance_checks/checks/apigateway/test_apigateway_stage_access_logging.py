"""Scenarios of apigateway_stage_access_logging (LP-LOG-1)."""

from __future__ import annotations

import boto3

from compliance_checks.core import Status
from tests.compliance_checks.checks.apigateway.helpers import http_api, rest_api, rest_method
from tests.compliance_checks.conftest import REGION, by_resource, run_check

CHECK = "apigateway_stage_access_logging"
LOG_GROUP = f"arn:aws:logs:{REGION}:123456789012:log-group:api-access"
FORMAT = '{"requestId":"$context.requestId","status":"$context.status"}'


def _http_stage(settings: dict | None) -> str:
    api_id, api_arn = http_api()
    kwargs = {"AccessLogSettings": settings} if settings is not None else {}
    boto3.client("apigatewayv2", region_name=REGION).create_stage(ApiId=api_id, StageName="prod", **kwargs)
    return f"{api_arn}/stages/prod"


def _rest_stage(logging: bool) -> str:
    api_id, root = rest_api()
    rest_method(api_id, root, "leads", "GET", integration="MOCK")
    client = boto3.client("apigateway", region_name=REGION)
    deployment = client.create_deployment(restApiId=api_id)["id"]
    client.create_stage(restApiId=api_id, stageName="prod", deploymentId=deployment)
    if logging:
        client.update_stage(
            restApiId=api_id,
            stageName="prod",
            patchOperations=[
                {"op": "replace", "path": "/accessLogSettings/destinationArn", "value": LOG_GROUP},
                {"op": "replace", "path": "/accessLogSettings/format", "value": FORMAT},
            ],
        )
    return f"arn:aws:apigateway:{REGION}::/restapis/{api_id}/stages/prod"


def test_given_an_http_stage_with_access_log_settings_then_pass(reader):
    arn = _http_stage({"DestinationArn": LOG_GROUP, "Format": FORMAT})
    result = by_resource(run_check(CHECK, reader))[arn]
    assert result.status is Status.PASS
    assert result.evidence["destination"] == LOG_GROUP


def test_given_an_http_stage_without_access_log_settings_then_fail(reader):
    good = _http_stage({"DestinationArn": LOG_GROUP, "Format": FORMAT})
    bad = _http_stage(None)
    results = by_resource(run_check(CHECK, reader))
    assert results[good].status is Status.PASS
    assert results[bad].status is Status.FAIL


def test_given_an_http_stage_with_a_destination_but_no_format_then_fail(reader):
    arn = _http_stage({"DestinationArn": LOG_GROUP})
    result = by_resource(run_check(CHECK, reader))[arn]
    assert result.status is Status.FAIL
    assert "log format" in result.message


def test_given_a_rest_stage_with_access_log_settings_then_pass(reader):
    arn = _rest_stage(logging=True)
    assert by_resource(run_check(CHECK, reader))[arn].status is Status.PASS


def test_given_a_rest_stage_without_access_logging_then_fail(reader):
    good = _rest_stage(logging=True)
    bad = _rest_stage(logging=False)
    results = by_resource(run_check(CHECK, reader))
    assert results[good].status is Status.PASS
    assert results[bad].status is Status.FAIL


def test_given_get_stages_is_denied_then_error(reader, deny):
    _http_stage(None)
    deny("apigatewayv2", "GetStages")
    results = run_check(CHECK, reader)
    assert [r.status for r in results] == [Status.ERROR]
    assert results[0].resource_id.startswith(f"arn:aws:apigateway:{REGION}::/apis/")
