from __future__ import annotations

from compliance_checks.kit import CheckMetadata, RouteAuthorizerCheck, Severity, apigateway, failed, passed, rules

CONNECT = "$connect"


class Apigatewayv2RouteAuthorizer(RouteAuthorizerCheck):
    """Every route of every HTTP and WebSocket API has an authorizer unless it is on the public-route allowlist.

    A route passes with AuthorizationType JWT, CUSTOM or AWS_IAM; NONE fails unless its RouteKey
    ("METHOD /path", exactly as written; "$default" only when listed) is in expectations.public_routes.
    WebSocket APIs accept an authorizer on $connect only: the connection is authenticated once, so
    their other routes pass when $connect is authorized and fail when it is not.

    Scenarios:
    - given an HTTP API route with a JWT authorizer, then PASS
    - given an HTTP API route with AuthorizationType NONE that is not on the allowlist, then FAIL
    - given the allowlisted "GET /health" route without an authorizer, then PASS
    - given a "$default" catch-all route without an authorizer, then FAIL
    - given an "ANY /health" route without an authorizer while only "GET /health" is public, then FAIL
    - given a WebSocket API whose $connect route has a Lambda authorizer, then PASS for all its routes
    - given a WebSocket API whose $connect route has no authorizer, then FAIL for all its routes
    - given GetRoutes is denied, then ERROR for that API
    """

    metadata = CheckMetadata(
        title="API Gateway HTTP/WebSocket routes require an authorizer",
        severity=Severity.HIGH,
        resource_type="AWS::ApiGatewayV2::Route",
        rationale="LP-AC-1: the API requires authenticated access; only the stack's allowlisted routes are public.",
        remediation="Attach the API's JWT (Cognito) or Lambda authorizer to the route, or add the route to the "
        "stack's public-route allowlist if it must be public (infra: the API component sets the authorizer).",
    )

    def resources(self, ctx):
        return apigateway.http_apis(ctx.reader)

    def routes(self, ctx, api):
        found = apigateway.routes(ctx.reader, api)
        connect = next((r for r in found if r.get("RouteKey") == CONNECT), None)
        return [(f"{api.arn}/routes/{route['RouteId']}", (route, connect)) for route in found]

    def describe(self, ctx, api, route):
        route, _ = route
        return route.get("RouteKey", ""), route.get("AuthorizationType") or "NONE", {"protocol": api.protocol}

    def excuse(self, ctx, api, route, arn, evidence):
        key, connect = evidence["route_key"], route[1]
        if api.protocol != "WEBSOCKET" or key == CONNECT:
            return None
        connect_auth = (connect or {}).get("AuthorizationType") or "NONE"
        evidence["connect_authorization_type"] = connect_auth if connect else None
        if connect_auth in rules.apigateway.AUTHORIZED:
            message = f"{key} runs on connections authorized at $connect ({connect_auth})"
            return passed(arn, message, region=api.region, **evidence)
        why = "has no authorizer" if connect else "is not defined, so connections are never authenticated"
        message = f"{key} is served on unauthenticated connections: $connect {why}"
        return failed(arn, message, region=api.region, **evidence)
