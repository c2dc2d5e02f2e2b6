"""Builders of API Gateway state in moto, shared by the API Gateway check tests."""

from __future__ import annotations

import boto3

from tests.compliance_checks.conftest import REGION


def http_api(name: str = "leadping-api", protocol: str = "HTTP") -> tuple[str, str]:
    """(api id, api ARN) of a new HTTP or WebSocket API."""
    client = boto3.client("apigatewayv2", region_name=REGION)
    extra = {"RouteSelectionExpression": "$request.body.action"} if protocol == "WEBSOCKET" else {}
    api_id = client.create_api(Name=name, ProtocolType=protocol, **extra)["ApiId"]
    return api_id, f"arn:aws:apigateway:{REGION}::/apis/{api_id}"


def jwt_authorizer(api_id: str) -> str:
    return boto3.client("apigatewayv2", region_name=REGION).create_authorizer(
        ApiId=api_id,
        Name="cognito",
        AuthorizerType="JWT",
        IdentitySource=["$request.header.Authorization"],
        JwtConfiguration={"Audience": ["app"], "Issuer": "https://cognito-idp.us-east-1.amazonaws.com/pool"},
    )["AuthorizerId"]


def route(api_id: str, key: str, authorizer: str | None = None, auth_type: str | None = None) -> str:
    """ARN of a new route; with an authorizer the type defaults to JWT."""
    kwargs: dict = {"ApiId": api_id, "RouteKey": key}
    if authorizer:
        kwargs.update(AuthorizerId=authorizer, AuthorizationType=auth_type or "JWT")
    elif auth_type:
        kwargs["AuthorizationType"] = auth_type
    route_id = boto3.client("apigatewayv2", region_name=REGION).create_route(**kwargs)["RouteId"]
    return f"arn:aws:apigateway:{REGION}::/apis/{api_id}/routes/{route_id}"


def rest_api(name: str = "leadping-rest") -> tuple[str, str]:
    """(api id, root resource id) of a new REST API."""
    client = boto3.client("apigateway", region_name=REGION)
    api_id = client.create_rest_api(name=name)["id"]
    root = next(r["id"] for r in client.get_resources(restApiId=api_id)["items"] if r["path"] == "/")
    return api_id, root


def rest_method(
    api_id: str,
    parent: str,
    path_part: str,
    method: str,
    auth: str = "NONE",
    integration: str | None = None,
    api_key: bool = False,
) -> str:
    """ARN of a new method on a new resource /<path_part> (Cognito authorizer when auth is COGNITO_USER_POOLS)."""
    client = boto3.client("apigateway", region_name=REGION)
    resource = client.create_resource(restApiId=api_id, parentId=parent, pathPart=path_part)["id"]
    kwargs: dict = {}
    if auth == "COGNITO_USER_POOLS":
        kwargs["authorizerId"] = client.create_authorizer(
            restApiId=api_id,
            name=f"cognito-{path_part}",
            type="COGNITO_USER_POOLS",
            providerARNs=[f"arn:aws:cognito-idp:{REGION}:123456789012:userpool/{REGION}_pool"],
            identitySource="method.request.header.Authorization",
        )["id"]
    client.put_method(
        restApiId=api_id,
        resourceId=resource,
        httpMethod=method,
        authorizationType=auth,
        apiKeyRequired=api_key,
        **kwargs,
    )
    if integration:
        extra = (
            {}
            if integration == "MOCK"
            else {
                "integrationHttpMethod": "POST",
                "uri": f"arn:aws:apigateway:{REGION}:lambda:path/2015-03-31/functions/"
                f"arn:aws:lambda:{REGION}:123456789012:function:api/invocations",
            }
        )
        client.put_integration(restApiId=api_id, resourceId=resource, httpMethod=method, type=integration, **extra)
    return f"arn:aws:apigateway:{REGION}::/restapis/{api_id}/resources/{resource}/methods/{method}"
