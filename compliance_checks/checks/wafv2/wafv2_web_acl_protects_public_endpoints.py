from __future__ import annotations

from dataclasses import replace
from typing import Any

from compliance_checks.kit import (
    CheckMetadata,
    ReadError,
    ResourceCheck,
    Result,
    Severity,
    apigateway,
    cloudfront,
    elbv2,
    errored,
    failed,
    passed,
    wafv2,
)


class Wafv2WebAclProtectsPublicEndpoints(ResourceCheck):
    """Every public entry point is behind a WAFv2 web ACL that enforces AWS managed rules and a rate limit.

    A protecting web ACL holds at least one AWS managed rule group and one rate-based rule (in the ACL
    or in a rule group it references), both enforcing: a group overridden to Count, or a rate rule
    whose action is Count, only records and does not count here.

    Internet-facing Application Load Balancers and REST API stages (of APIs not PRIVATE-only) must be
    associated with a protecting web ACL. AWS WAF cannot be associated with an HTTP or WebSocket API
    (apigatewayv2), so such a stage passes only when it is reached only through a CloudFront
    distribution that carries a protecting web ACL (CONTROLS.md LP-MON-1): its default execute-api
    endpoint is disabled, and every custom domain mapped to it requires mutual TLS and is the origin
    of an enabled distribution with such an ACL, which presents a client certificate to it. Each way
    in that skips a web ACL is named. A stage with no way in at all (endpoint disabled, no domain)
    is not public and not judged. Throttling is not a WAF and does not count.

    Scenarios:
    - given an internet-facing ALB with a web ACL holding an AWS managed group and a rate-based rule, then PASS
    - given an internet-facing ALB with no web ACL, then FAIL
    - given an ALB whose web ACL has a rate-based rule but no AWS managed rule group, then FAIL
    - given an ALB whose web ACL has the AWS managed group only in Count mode, then FAIL
    - given an ALB whose web ACL references a rule group holding the rate-based rule, then PASS
    - given an internal ALB, then it is not judged
    - given a REST API stage with a protecting web ACL, then PASS
    - given a REST API stage without a web ACL, then FAIL
    - given an HTTP API stage reached only through a mutual-TLS domain behind a distribution with a
      protecting web ACL, then PASS
    - given an HTTP API stage with default route throttling and its execute-api endpoint enabled, then FAIL
    - given an HTTP API stage whose custom domain is reachable without mutual TLS, then FAIL
    - given an HTTP API stage behind a distribution whose web ACL lacks a rate-based rule, then FAIL
    - given an HTTP API stage with no way in (endpoint disabled, no domain), then it is not judged
    - given GetWebACLForResource is denied, then ERROR for that resource
    - given ListDistributions is denied, then ERROR for each HTTP API stage that has a custom domain
    """

    regional = True
    metadata = CheckMetadata(
        title="Public load balancers and API stages are protected by a WAF web ACL",
        severity=Severity.HIGH,
        resource_type="AWS::WAFv2::WebACLAssociation",
        rationale="LP-MON-1: abuse and suspicious usage are blocked and rate-limited at the edge of the platform.",
        remediation="Associate the platform web ACL (AWS managed rule groups plus a rate-based rule, enforcing) with "
        "the load balancer or REST API stage (infra: the ingress component does both). An HTTP API cannot carry "
        "a web ACL: serve it as a REST API stage, or disable its execute-api endpoint and reach it only through "
        "a CloudFront distribution with the web ACL that presents a client certificate to a mutual-TLS domain.",
    )

    def resources(self, ctx):
        albs = [lb for lb in elbv2.load_balancers(ctx.reader) if lb.is_alb and lb.internet_facing]
        # A REST API reachable only from the VPC (PRIVATE) is not a public entry point.
        rest = [api for api in apigateway.rest_apis(ctx.reader) if set(api.endpoint_types) != {"PRIVATE"}]
        return [*albs, *rest, *apigateway.http_apis(ctx.reader)]

    def typed(self, item, result):
        if isinstance(item, elbv2.LoadBalancer):
            return replace(result, resource_type="AWS::ElasticLoadBalancingV2::LoadBalancer")
        return replace(
            result, resource_type="AWS::ApiGateway::Stage" if item.protocol == "REST" else "AWS::ApiGatewayV2::Stage"
        )

    def judge(self, ctx, item):
        if isinstance(item, elbv2.LoadBalancer):
            yield self._judge_association(ctx, item.region, item.arn, {"load_balancer": item.name})
        elif item.protocol == "REST":
            for stage in apigateway.rest_stages(ctx.reader, item):
                evidence = {"api": item.name, "protocol": "REST"}
                yield self._judge_association(ctx, item.region, item.stage_arn(stage["stageName"]), evidence)
        else:
            stages = apigateway.http_stages(ctx.reader, item)
            mapped = [m for m in apigateway.api_mappings(ctx.reader, item.region) if m.api_id == item.id]
            judged = (self._judge_http_stage(ctx, item, stage["StageName"], mapped) for stage in stages)
            yield from (result for result in judged if result is not None)

    @staticmethod
    def _judge_association(ctx, region: str, arn: str, evidence: dict[str, Any]) -> Result:
        try:
            web_acl = wafv2.web_acl_for(ctx.reader, region, arn)
            if web_acl is None:
                return failed(arn, "no WAF web ACL is associated", region=region, **evidence)
            missing, found = _protection(ctx, region, web_acl)
        except ReadError as error:
            return errored(arn, error, region=region, **evidence)
        name, evidence = web_acl.get("Name"), evidence | found
        if missing:
            return failed(arn, f"web ACL {name} lacks {' and '.join(missing)}", region=region, **evidence)
        return passed(arn, f"protected by web ACL {name}", region=region, **evidence)

    @staticmethod
    def _judge_http_stage(ctx, api: apigateway.Api, stage: str, mapped: list[apigateway.MappedDomain]) -> Result | None:
        arn = api.stage_arn(stage)
        domains = [m for m in mapped if m.stage in (stage, "")]
        endpoint_open = not api.raw.get("DisableExecuteApiEndpoint")
        if not endpoint_open and not domains:
            return None  # no way in: not a public entry point
        evidence: dict[str, Any] = {"api": api.name, "protocol": api.protocol, "execute_api_endpoint": endpoint_open}
        waf = f"AWS WAF cannot be associated with {api.protocol} APIs"
        bypasses = ["its default execute-api endpoint is enabled"] if endpoint_open else []
        guarded: dict[str, str] = {}
        try:
            distributions = cloudfront.distributions(ctx.reader) if domains else []
            for domain in domains:
                verdict = _through_cloudfront(ctx, domain, distributions)
                if verdict.startswith("behind "):
                    guarded[domain.name] = verdict
                else:
                    bypasses.append(f"domain {domain.name} {verdict}")
        except ReadError as error:
            return errored(arn, error, region=api.region, **evidence)
        evidence |= {"custom_domains": sorted(d.name for d in domains), "guarded_by": guarded}
        if bypasses:
            message = f"{waf}, and it is reached without a web ACL: {'; '.join(bypasses)}"
            return failed(arn, message, region=api.region, bypasses=bypasses, **evidence)
        through = "; ".join(f"{d} {v}" for d, v in sorted(guarded.items()))
        return passed(arn, f"{waf}; reached only through CloudFront: {through}", region=api.region, **evidence)


def _protection(ctx, region: str, web_acl: dict[str, Any]) -> tuple[list[str], dict[str, Any]]:
    """What the web ACL lacks to protect (empty when it protects), and the evidence. Raises ReadError."""
    rate, rate_counting = wafv2.rate_based_rules(ctx.reader, region, web_acl)
    managed, managed_counting = wafv2.aws_managed_rule_groups(web_acl)
    evidence = {
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
    return missing, evidence


def _through_cloudfront(ctx, domain: apigateway.MappedDomain, distributions: list[cloudfront.Distribution]) -> str:
    """ "behind <distribution(s)>" when the domain is reached only through distributions with a
    protecting web ACL; otherwise why clients reach it without one. Every distribution that presents
    a client certificate to the domain is a way in, so each must carry one. Raises ReadError."""
    if not domain.mutual_tls:
        return "does not require mutual TLS: any client reaches it directly"
    names = {domain.name, domain.target} - {None}
    presenting = [
        d for d in distributions if d.enabled and any(o.domain in names and o.client_certificate for o in d.origins)
    ]
    if not presenting:
        return "is not the origin of a CloudFront distribution that presents a client certificate to it"
    reasons, behind = [], []
    for distribution in presenting:
        if not distribution.web_acl or not distribution.web_acl.startswith("arn:"):
            reasons.append(f"distribution {distribution.id} carries no WAFv2 web ACL")
            continue
        web_acl = wafv2.web_acl(ctx.reader, distribution.web_acl)
        if web_acl is None:
            reasons.append(f"distribution {distribution.id}'s web ACL does not exist")
            continue
        missing, _ = _protection(ctx, cloudfront.REGION, web_acl)
        if missing:
            lacks = " and ".join(missing)
            reasons.append(f"distribution {distribution.id}'s web ACL {web_acl.get('Name')} lacks {lacks}")
        else:
            behind.append(f"{distribution.id} (web ACL {web_acl.get('Name')})")
    if reasons:
        return "is reached through a distribution without a protecting web ACL: " + "; ".join(reasons)
    return f"behind distribution {', '.join(behind)}"
