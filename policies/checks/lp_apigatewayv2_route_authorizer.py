"""LP-AC-1: every API route has an authorizer, except the stack's public routes.

Public routes come from the plan's stack context (the stack setting publicRoutes).

Scenarios:
- given a route with a JWT or CUSTOM (Lambda) authorizer, or AWS_IAM, then PASS
- given a route listed as public, then PASS
- given a route with authorization_type NONE (or unset) that is not public, then FAIL
- given a JWT/CUSTOM route without an authorizer_id, then FAIL
"""

import lp_common as lp
from checkov.common.models.enums import CheckCategories, CheckResult


class RouteAuthorizer(lp.LeadpingCheck):
    def __init__(self) -> None:
        super().__init__(
            name="API Gateway routes use an authorizer unless the stack lists them as public",
            id="LP_APIGATEWAYV2_ROUTE_AUTHORIZER",
            categories=[CheckCategories.IAM],
            supported_resources=["aws_apigatewayv2_route"],
        )

    def evaluate(self, conf):
        (public_routes,) = self.context("public_routes")
        route_key = str(lp.value(conf, "route_key") or "")
        if route_key in public_routes:
            return CheckResult.PASSED, ""
        kind = str(lp.value(conf, "authorization_type") or "NONE").upper()
        if kind == "AWS_IAM":
            return CheckResult.PASSED, ""
        if kind in ("JWT", "CUSTOM"):
            if lp.value(conf, "authorizer_id"):
                return CheckResult.PASSED, ""
            return CheckResult.FAILED, f"{route_key} is {kind} but names no authorizer"
        return CheckResult.FAILED, f"{route_key} has no authorizer and is not in the stack's publicRoutes"


check = RouteAuthorizer()
