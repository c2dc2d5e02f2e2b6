from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from typing import Any

from compliance_checks.core import (
    Check,
    CheckContext,
    CheckMetadata,
    ReadError,
    Result,
    Severity,
    errored,
    failed,
    passed,
)
from compliance_checks.services import apigateway, elbv2, wafv2


class Wafv2WebAclProtectsPublicEndpoints(Check):
    """Every public entry point is shielded against abuse.

    Internet-facing Application Load Balancers and REST API stages (of APIs not PRIVATE-only) must be
    associated with a WAFv2 web ACL holding at least one AWS managed rule group and one rate-based
    rule (in the ACL or in a rule group it references), both enforcing: a group overridden to Count, or a
    rate rule whose action is Count, only records and does not count here. AWS WAF cannot be associated
    with HTTP or WebSocket APIs (apigatewayv2): their stages must instead throttle by default
    (DefaultRouteSettings with ThrottlingRateLimit and ThrottlingBurstLimit).

    Scenarios:
    - given an internet-facing ALB with a web ACL holding an AWS managed group and a rate-based rule, then PASS
    - given an internet-facing ALB with no web ACL, then FAIL
    - given an ALB whose web ACL has a rate-based rule but no AWS managed rule group, then FAIL
    - given an ALB whose web ACL has the AWS managed group only in Count mode, then FAIL
    - given an ALB whose web ACL references a rule group holding the rate-based rule, then PASS
    - given an internal ALB, then it is not judged
    - given a REST API stage with a protecting web ACL, then PASS
    - given a REST API stage without a web ACL, then FAIL
    - given an HTTP API stage with default route throttling, then PASS (WAF cannot attach to HTTP APIs)
    - given an HTTP API stage without throttling, then FAIL
    - given GetWebACLForResource is denied, then ERROR for that resource
    """

    regional = True
    metadata = CheckMetadata(
        title="Public load balancers and API stages are protected by WAF (or throttled, for HTTP APIs)",
        severity=Severity.HIGH,
        resource_type="AWS::WAFv2::WebACLAssociation",
        rationale="LP-MON-1: abuse and suspicious usage are blocked and rate-limited at the edge of the platform.",
        remediation="Associate the platform web ACL (AWS managed rule groups plus a rate-based rule, enforcing) with "
        "the load balancer or REST stage; for HTTP APIs set default route throttling on the stage "
        "(infra: the edge component does both).",
        permissions=(
            "elasticloadbalancing:DescribeLoadBalancers",
            "apigateway:GET",
            "wafv2:GetWebACLForResource",
            "wafv2:GetWebACL",
            "wafv2:GetRuleGroup",
        ),
    )

    def evaluate(self, ctx: CheckContext) -> Iterator[Result]:
        for lb in elbv2.load_balancers(ctx.reader):
            if lb.is_alb and lb.internet_facing:
                result = self._judge_web_acl(ctx, lb.region, lb.arn, {"load_balancer": lb.name})
                yield replace(result, resource_type="AWS::ElasticLoadBalancingV2::LoadBalancer")
        for api in apigateway.rest_apis(ctx.reader):
            if api.endpoint_types and set(api.endpoint_types) == {"PRIVATE"}:
                continue  # reachable only from the VPC: not a public entry point
            try:
                stages = apigateway.rest_stages(ctx.reader, api)
            except ReadError as error:
                yield errored(api.arn, error, region=api.region)
                continue
            for stage in stages:
                arn = api.stage_arn(stage["stageName"])
                result = self._judge_web_acl(ctx, api.region, arn, {"api": api.name, "protocol": "REST"})
                yield replace(result, resource_type="AWS::ApiGateway::Stage")
        for api in apigateway.http_apis(ctx.reader):
            try:
                stages = apigateway.http_stages(ctx.reader, api)
            except ReadError as error:
                yield errored(api.arn, error, region=api.region)
                continue
            for stage in stages:
                yield replace(self._judge_throttling(api, stage), resource_type="AWS::ApiGatewayV2::Stage")

    @staticmethod
    def _judge_web_acl(ctx: CheckContext, region: str, arn: str, evidence: dict[str, Any]) -> Result:
        try:
            web_acl = wafv2.web_acl_for(ctx.reader, region, arn)
            if web_acl is None:
                return failed(arn, "no WAF web ACL is associated", region=region, **evidence)
            rate, rate_counting = wafv2.rate_based_rules(ctx.reader, region, web_acl)
        except ReadError as error:
            return errored(arn, error, region=region, **evidence)
        managed, managed_counting = wafv2.aws_managed_rule_groups(web_acl)
        evidence |= {
            "web_acl": web_acl.get("ARN") or web_acl.get("Name"),
            "aws_managed_rule_groups": managed,
            "rate_based_rules": rate,
            "count_only": managed_counting + rate_counting,
        }
        missing = []
        if not managed:
            missing.append("an enforcing AWS managed rule group")
        if not rate:
            missing.append("an enforcing rate-based rule")
        if missing:
            name = web_acl.get("Name")
            return failed(arn, f"web ACL {name} lacks {' and '.join(missing)}", region=region, **evidence)
        return passed(arn, f"protected by web ACL {web_acl.get('Name')}", region=region, **evidence)

    @staticmethod
    def _judge_throttling(api: apigateway.Api, stage: dict[str, Any]) -> Result:
        arn = api.stage_arn(stage["StageName"])
        settings = stage.get("DefaultRouteSettings") or {}
        rate, burst = settings.get("ThrottlingRateLimit"), settings.get("ThrottlingBurstLimit")
        evidence = {
            "api": api.name,
            "protocol": api.protocol,
            "throttling_rate_limit": rate,
            "throttling_burst_limit": burst,
        }
        waf = f"AWS WAF cannot be associated with {api.protocol} APIs"
        if rate is not None and burst is not None:
            return passed(
                arn, f"{waf}; default route throttling {rate} req/s, burst {burst}", region=api.region, **evidence
            )
        return failed(arn, f"{waf}, and the stage sets no default route throttling", region=api.region, **evidence)
