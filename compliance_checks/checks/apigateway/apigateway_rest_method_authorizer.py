from __future__ import annotations

from typing import Any

from compliance_checks.core import Check, CheckMetadata, ReadError, Result, Severity, errored, failed, passed, verdict
from compliance_checks.rules import apigateway as rule
from compliance_checks.services import apigateway


class ApigatewayRestMethodAuthorizer(Check):
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

    regional = True
    metadata = CheckMetadata(
        title="API Gateway REST API methods require an authorizer",
        severity=Severity.HIGH,
        resource_type="AWS::ApiGateway::Method",
        rationale="LP-AC-1: the API requires authenticated access; only the stack's allowlisted routes are public.",
        remediation="Set the method's authorization to the API's Cognito or Lambda authorizer (or AWS_IAM), or add "
        '"METHOD /path" to the stack\'s public-route allowlist if it must be public; an API key is not enough.',
    )

    def evaluate(self, ctx):
        public = apigateway.public_route_keys(ctx.expectations.public_routes)
        for api in apigateway.rest_apis(ctx.reader):
            try:
                resources = apigateway.rest_resources(ctx.reader, api)
            except ReadError as error:
                yield errored(api.arn, error, region=api.region)
                continue
            for resource in resources:
                for http_method, method in sorted((resource.get("resourceMethods") or {}).items()):
                    arn = f"{api.arn}/resources/{resource['id']}/methods/{http_method}"
                    try:
                        yield self._judge(ctx, api, resource, http_method, method, arn, public)
                    except ReadError as error:
                        yield errored(arn, error, region=api.region)

    def _judge(
        self,
        ctx,
        api: apigateway.Api,
        resource: dict,
        http_method: str,
        method: Any,
        arn: str,
        public: set,
    ) -> Result:
        if not method or "authorizationType" not in method:  # embedding gave a stub: read the method itself
            method = apigateway.rest_method(ctx.reader, api, resource["id"], http_method)
        key = f"{http_method} {resource.get('path', '')}"
        auth = method.get("authorizationType") or "NONE"
        evidence = {
            "api": api.name,
            "route_key": key,
            "authorization_type": auth,
            "api_key_required": bool(method.get("apiKeyRequired")),
        }
        judged = rule.authorized(rule.Route(key, auth), public)
        if judged is not None:
            return verdict(arn, judged, region=api.region, **evidence)
        if http_method == "OPTIONS":
            integration = method.get("methodIntegration")
            if integration is None:
                integration = apigateway.rest_method(ctx.reader, api, resource["id"], http_method).get(
                    "methodIntegration"
                )
            evidence["integration_type"] = (integration or {}).get("type")
            if evidence["integration_type"] == "MOCK":
                return passed(
                    arn, f"{key} is a CORS preflight answered by a MOCK integration", region=api.region, **evidence
                )
            return failed(
                arn,
                f"{key} has no authorizer and is not a MOCK CORS preflight "
                f"(integration {evidence['integration_type']})",
                region=api.region,
                **evidence,
            )
        extra = (
            " (an API key is required, but an API key is not user authentication)"
            if evidence["api_key_required"]
            else ""
        )
        return failed(
            arn,
            f"{key} has no authorizer and is not on the public-route allowlist{extra}",
            region=api.region,
            **evidence,
        )
