"""LP-AC-1: every API route has an authorizer, except the stack's public routes.

Public routes come from the plan's stack context (the stack setting publicRoutes).

Scenarios:
- given a route with a JWT or CUSTOM (Lambda) authorizer, or AWS_IAM, then PASS
- given a route listed as public, then PASS
- given a route with authorization_type NONE (or unset) that is not public, then FAIL
- given a JWT/CUSTOM route without an authorizer_id, then FAIL
"""

from lp_common import CheckCategories, CheckResult, LeadpingCheck, rules


class RouteAuthorizer(LeadpingCheck):
    def __init__(self) -> None:
        super().__init__(
            name="API Gateway routes use an authorizer unless the stack lists them as public",
            id="LP_APIGATEWAYV2_ROUTE_AUTHORIZER",
            categories=[CheckCategories.IAM],
            supported_resources=["aws_apigatewayv2_route"],
        )

    def evaluate(self, conf):
        (public_routes,) = self.context("public_routes")
        route = rules.apigateway.Route.from_plan(conf)
        judged = rules.apigateway.authorized(route, rules.apigateway.public_route_keys(public_routes))
        return judged or (CheckResult.FAILED, f"{route.key} has no authorizer and is not in the stack's publicRoutes")


check = RouteAuthorizer()
