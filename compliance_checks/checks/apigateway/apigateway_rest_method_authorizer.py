from __future__ import annotations

from compliance_checks.kit import CheckMetadata, RouteAuthorizerCheck, Severity, apigateway, failed, passed


class ApigatewayRestMethodAuthorizer(RouteAuthorizerCheck):
    """Every method of every REST API has an authorizer unless "METHOD /path" is on the public-route allowlist.

    authorizationType AWS_IAM, CUSTOM (Lambda) or COGNITO_USER_POOLS passes; NONE fails, even with
    apiKeyRequired (an API key identifies a client application, not an authenticated user).
    An OPTIONS method without authorization passes only when its integration is MOCK: that is a
    CORS preflight answered by API Gateway itself (browsers send preflights without credentials, so
    it cannot carry an authorizer) and no backend is reached. An OPTIONS method that reaches a
    backend without authorization fails like any other method.

    Scenarios:
    - given a method with a Cognito user pool authorizer, then PASS
    - given a method with authorizationType NONE that is not on the allowlist, then FAIL
    - given a method with authorizationType NONE and an API key required, then FAIL
    - given the allowlisted "GET /health" method without an authorizer, then PASS
    - given an OPTIONS method without authorization and a MOCK integration (CORS preflight), then PASS
    - given an OPTIONS method without authorization and a Lambda integration, then FAIL
    - given GetResources is denied, then ERROR for that API
    """

    metadata = CheckMetadata(
        title="API Gateway REST API methods require an authorizer",
        severity=Severity.HIGH,
        resource_type="AWS::ApiGateway::Method",
        rationale="LP-AC-1: the API requires authenticated access; only the stack's allowlisted routes are public.",
        remediation="Set the method's authorization to the API's Cognito or Lambda authorizer (or AWS_IAM), or add "
        '"METHOD /path" to the stack\'s public-route allowlist if it must be public; an API key is not enough.',
    )

    def resources(self, ctx):
        return apigateway.rest_apis(ctx.reader)

    def routes(self, ctx, api):
        return [
            (f"{api.arn}/resources/{resource['id']}/methods/{http_method}", (resource, http_method, method))
            for resource in apigateway.rest_resources(ctx.reader, api)
            for http_method, method in sorted((resource.get("resourceMethods") or {}).items())
        ]

    def describe(self, ctx, api, route):
        resource, http_method, method = route
        if not method or "authorizationType" not in method:  # embedding gave a stub: read the method itself
            method = apigateway.rest_method(ctx.reader, api, resource["id"], http_method)
        key = f"{http_method} {resource.get('path', '')}"
        return key, method.get("authorizationType") or "NONE", {"api_key_required": bool(method.get("apiKeyRequired"))}

    def note(self, evidence):
        api_key = evidence["api_key_required"]
        return " (an API key is required, but an API key is not user authentication)" if api_key else ""

    def excuse(self, ctx, api, route, arn, evidence):
        resource, http_method, method = route
        if http_method != "OPTIONS":
            return None
        integration = (method or {}).get("methodIntegration")
        if integration is None:  # read in full (once: the reader memoises it)
            integration = apigateway.rest_method(ctx.reader, api, resource["id"], http_method).get("methodIntegration")
        key, kind = evidence["route_key"], (integration or {}).get("type")
        evidence["integration_type"] = kind
        if kind == "MOCK":
            message = f"{key} is a CORS preflight answered by a MOCK integration"
            return passed(arn, message, region=api.region, **evidence)
        message = f"{key} has no authorizer and is not a MOCK CORS preflight (integration {kind})"
        return failed(arn, message, region=api.region, **evidence)
