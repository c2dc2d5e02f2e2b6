from __future__ import annotations

from compliance_checks.core import Check, CheckMetadata, ReadError, Result, Severity, errored, failed, passed, verdict
from compliance_checks.rules import apigateway as rule
from compliance_checks.services import apigateway

CONNECT = "$connect"


class Apigatewayv2RouteAuthorizer(Check):
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

    regional = True
    metadata = CheckMetadata(
        title="API Gateway HTTP/WebSocket routes require an authorizer",
        severity=Severity.HIGH,
        resource_type="AWS::ApiGatewayV2::Route",
        rationale="LP-AC-1: the API requires authenticated access; only the stack's allowlisted routes are public.",
        remediation="Attach the API's JWT (Cognito) or Lambda authorizer to the route, or add the route to the "
        "stack's public-route allowlist if it must be public (infra: the API component sets the authorizer).",
    )

    def evaluate(self, ctx):
        public = apigateway.public_route_keys(ctx.expectations.public_routes)
        for api in apigateway.http_apis(ctx.reader):
            try:
                routes = apigateway.routes(ctx.reader, api)
            except ReadError as error:
                yield errored(api.arn, error, region=api.region)
                continue
            connect = next((r for r in routes if r.get("RouteKey") == CONNECT), None)
            for route in routes:
                yield self._judge(api, route, connect, public)

    def _judge(self, api: apigateway.Api, route: dict, connect: dict | None, public: set[str]) -> Result:
        arn = f"{api.arn}/routes/{route['RouteId']}"
        key = route.get("RouteKey", "")
        auth = route.get("AuthorizationType") or "NONE"
        evidence = {"api": api.name, "protocol": api.protocol, "route_key": key, "authorization_type": auth}
        judged = rule.authorized(rule.Route(key, auth), public)
        if judged is not None:
            return verdict(arn, judged, region=api.region, **evidence)
        if api.protocol == "WEBSOCKET" and key != CONNECT:
            connect_auth = (connect or {}).get("AuthorizationType") or "NONE"
            evidence["connect_authorization_type"] = connect_auth if connect else None
            if connect_auth in rule.AUTHORIZED:
                return passed(
                    arn,
                    f"{key} runs on connections authorized at $connect ({connect_auth})",
                    region=api.region,
                    **evidence,
                )
            why = "has no authorizer" if connect else "is not defined, so connections are never authenticated"
            return failed(
                arn, f"{key} is served on unauthenticated connections: $connect {why}", region=api.region, **evidence
            )
        return failed(
            arn, f"{key} has no authorizer and is not on the public-route allowlist", region=api.region, **evidence
        )
