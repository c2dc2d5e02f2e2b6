"""Scenarios of wafv2_web_acl_protects_public_endpoints (LP-MON-1)."""

from __future__ import annotations

import boto3
import pytest

from compliance_checks.core import Status
from tests.compliance_checks.checks.apigateway.helpers import rest_api, rest_method
from tests.compliance_checks.checks.elbv2.helpers import load_balancer
from tests.compliance_checks.conftest import ACCOUNT_ID, REGION, by_resource, run_check

CHECK = "wafv2_web_acl_protects_public_endpoints"
VISIBILITY = {"SampledRequestsEnabled": True, "CloudWatchMetricsEnabled": True, "MetricName": "m"}
MANAGED = {
    "Name": "common",
    "Priority": 1,
    "Statement": {"ManagedRuleGroupStatement": {"VendorName": "AWS", "Name": "AWSManagedRulesCommonRuleSet"}},
    "OverrideAction": {"None": {}},
    "VisibilityConfig": VISIBILITY,
}
RATE = {
    "Name": "rate",
    "Priority": 2,
    "Statement": {"RateBasedStatement": {"Limit": 2000, "AggregateKeyType": "IP"}},
    "Action": {"Block": {}},
    "VisibilityConfig": VISIBILITY,
}


def _web_acl(name: str, *rules: dict) -> str:
    return boto3.client("wafv2", region_name=REGION).create_web_acl(
        Name=name, Scope="REGIONAL", DefaultAction={"Allow": {}}, Rules=list(rules), VisibilityConfig=VISIBILITY
    )["Summary"]["ARN"]


def _associate(web_acl: str, resource: str) -> None:
    boto3.client("wafv2", region_name=REGION).associate_web_acl(WebACLArn=web_acl, ResourceArn=resource)


def _rest_stage() -> str:
    api_id, root = rest_api()
    rest_method(api_id, root, "leads", "GET", integration="MOCK")
    client = boto3.client("apigateway", region_name=REGION)
    client.create_stage(
        restApiId=api_id, stageName="prod", deploymentId=client.create_deployment(restApiId=api_id)["id"]
    )
    return f"arn:aws:apigateway:{REGION}::/restapis/{api_id}/stages/prod"


def test_given_an_internet_facing_alb_with_a_protecting_web_acl_then_pass(reader):
    lb = load_balancer()
    _associate(_web_acl("edge", MANAGED, RATE), lb)
    result = by_resource(run_check(CHECK, reader))[lb]
    assert result.status is Status.PASS
    assert result.evidence["aws_managed_rule_groups"] == ["AWSManagedRulesCommonRuleSet"]
    assert result.evidence["rate_based_rules"] == ["rate"]


def test_given_an_internet_facing_alb_without_a_web_acl_then_fail(reader):
    good = load_balancer("good-alb")
    _associate(_web_acl("edge", MANAGED, RATE), good)
    bad = load_balancer("bare-alb")
    results = by_resource(run_check(CHECK, reader))
    assert results[good].status is Status.PASS
    assert results[bad].status is Status.FAIL
    assert "no WAF web ACL" in results[bad].message


def test_given_a_web_acl_without_an_aws_managed_rule_group_then_fail(reader):
    lb = load_balancer()
    _associate(_web_acl("rate-only", RATE), lb)
    result = by_resource(run_check(CHECK, reader))[lb]
    assert result.status is Status.FAIL
    assert "AWS managed rule group" in result.message


def test_given_a_web_acl_without_a_rate_based_rule_then_fail(reader):
    lb = load_balancer()
    _associate(_web_acl("managed-only", MANAGED), lb)
    result = by_resource(run_check(CHECK, reader))[lb]
    assert result.status is Status.FAIL
    assert "rate-based rule" in result.message


def test_given_the_aws_managed_group_only_counts_then_fail(reader):
    lb = load_balancer()
    _associate(_web_acl("counting", {**MANAGED, "OverrideAction": {"Count": {}}}, RATE), lb)
    result = by_resource(run_check(CHECK, reader))[lb]
    assert result.status is Status.FAIL
    assert result.evidence["count_only"] == ["AWSManagedRulesCommonRuleSet"]


def test_given_a_third_party_managed_group_only_then_fail(reader):
    lb = load_balancer()
    vendor = {**MANAGED, "Statement": {"ManagedRuleGroupStatement": {"VendorName": "F5", "Name": "Bots"}}}
    _associate(_web_acl("vendor", vendor, RATE), lb)
    assert by_resource(run_check(CHECK, reader))[lb].status is Status.FAIL


def test_given_an_internal_alb_then_it_is_not_judged(reader):
    lb = load_balancer("internal-alb", scheme="internal")
    assert lb not in by_resource(run_check(CHECK, reader))


def test_given_a_rest_stage_with_a_protecting_web_acl_then_pass(reader):
    stage = _rest_stage()
    _associate(_web_acl("api", MANAGED, RATE), stage)
    assert by_resource(run_check(CHECK, reader))[stage].status is Status.PASS


def test_given_a_rest_stage_without_a_web_acl_then_fail(reader):
    stage = _rest_stage()
    result = by_resource(run_check(CHECK, reader))[stage]
    assert result.status is Status.FAIL
    assert result.resource_type == "AWS::ApiGateway::Stage"


# -- HTTP APIs: AWS WAF cannot be associated; only CloudFront with a web ACL in front counts ---------

DOMAIN = "api.example.com"
CLIENT_CERTIFICATE = f"arn:aws:acm:us-east-1:{ACCOUNT_ID}:certificate/cloudfront-client"


def _http_api_behind(
    *,
    endpoint_disabled: bool = True,
    mutual_tls: bool = True,
    domain: bool = True,
    throttling: bool = True,
) -> str:
    """An HTTP API stage, optionally mapped to a custom domain (with or without mutual TLS)."""
    client = boto3.client("apigatewayv2", region_name=REGION)
    api_id = client.create_api(Name="leadping-api", ProtocolType="HTTP", DisableExecuteApiEndpoint=endpoint_disabled)[
        "ApiId"
    ]
    settings = {"ThrottlingRateLimit": 100.0, "ThrottlingBurstLimit": 200} if throttling else {}
    client.create_stage(ApiId=api_id, StageName="$default", DefaultRouteSettings=settings)
    if domain:
        extra = {"MutualTlsAuthentication": {"TruststoreUri": "s3://truststore/cloudfront.pem"}} if mutual_tls else {}
        client.create_domain_name(
            DomainName=DOMAIN,
            DomainNameConfigurations=[
                {"CertificateArn": CLIENT_CERTIFICATE, "EndpointType": "REGIONAL", "SecurityPolicy": "TLS_1_2"}
            ],
            **extra,
        )
        client.create_api_mapping(ApiId=api_id, DomainName=DOMAIN, Stage="$default")
    return f"arn:aws:apigateway:{REGION}::/apis/{api_id}/stages/$default"


def _cloudfront_web_acl(name: str, *rules: dict) -> str:
    return boto3.client("wafv2", region_name="us-east-1").create_web_acl(
        Name=name, Scope="CLOUDFRONT", DefaultAction={"Allow": {}}, Rules=list(rules), VisibilityConfig=VISIBILITY
    )["Summary"]["ARN"]


def _distribution(reader, web_acl: str | None, *, client_certificate: bool = True) -> str:
    config = {
        "CallerReference": f"ref-{web_acl}",
        "Comment": "api",
        "Enabled": True,
        "Origins": {
            "Quantity": 1,
            "Items": [
                {
                    "Id": "api",
                    "DomainName": DOMAIN,
                    "CustomOriginConfig": {"HTTPPort": 80, "HTTPSPort": 443, "OriginProtocolPolicy": "https-only"},
                }
            ],
        },
        "DefaultCacheBehavior": {
            "TargetOriginId": "api",
            "ViewerProtocolPolicy": "https-only",
            "CachePolicyId": "4135ea2d-6df8-44a3-9df3-4b5a84be39ad",
        },
    }
    if web_acl:
        config["WebACLId"] = web_acl
    created = boto3.client("cloudfront", region_name="us-east-1").create_distribution(DistributionConfig=config)
    distribution_id = created["Distribution"]["Id"]
    if client_certificate:
        # moto drops the origin's OriginMtlsConfig; AWS returns it in ListDistributions, as this adds.
        def with_certificate(parsed, **_):
            for item in (parsed.get("DistributionList") or {}).get("Items") or []:
                if item["Id"] == distribution_id:
                    origin = item["Origins"]["Items"][0]["CustomOriginConfig"]
                    origin["OriginMtlsConfig"] = {"ClientCertificateArn": CLIENT_CERTIFICATE}

        reader.client("cloudfront", "us-east-1").meta.events.register(
            "after-call.cloudfront.ListDistributions", with_certificate
        )
    return distribution_id


def test_given_an_http_api_reached_only_through_cloudfront_with_a_protecting_web_acl_then_pass(reader):
    stage = _http_api_behind()
    distribution = _distribution(reader, _cloudfront_web_acl("edge", MANAGED, RATE))
    result = by_resource(run_check(CHECK, reader))[stage]
    assert result.status is Status.PASS
    assert "reached only through CloudFront" in result.message
    assert result.evidence["guarded_by"] == {DOMAIN: f"behind distribution {distribution} (web ACL edge)"}


def test_given_an_http_api_stage_with_throttling_and_its_default_endpoint_then_fail(reader):
    stage = _http_api_behind(endpoint_disabled=False, domain=False, throttling=True)
    result = by_resource(run_check(CHECK, reader))[stage]
    assert result.status is Status.FAIL  # throttling is not a WAF
    assert "cannot be associated with HTTP APIs" in result.message
    assert result.evidence["bypasses"] == ["its default execute-api endpoint is enabled"]


def test_given_an_http_api_whose_custom_domain_does_not_require_mutual_tls_then_fail(reader):
    stage = _http_api_behind(mutual_tls=False)
    _distribution(reader, _cloudfront_web_acl("edge", MANAGED, RATE))
    result = by_resource(run_check(CHECK, reader))[stage]
    assert result.status is Status.FAIL
    assert "does not require mutual TLS" in result.message


def test_given_an_http_api_behind_a_distribution_that_presents_no_client_certificate_then_fail(reader):
    stage = _http_api_behind()
    _distribution(reader, _cloudfront_web_acl("edge", MANAGED, RATE), client_certificate=False)
    result = by_resource(run_check(CHECK, reader))[stage]
    assert result.status is Status.FAIL
    assert "presents a client certificate" in result.message


@pytest.mark.parametrize(
    ("rules", "web_acl", "message"),
    [((MANAGED,), True, "lacks an enforcing rate-based rule"), ((), False, "carries no WAFv2 web ACL")],
    ids=["no-rate-rule", "no-web-acl"],
)
def test_given_an_http_api_behind_a_distribution_without_a_protecting_web_acl_then_fail(
    reader, rules, web_acl, message
):
    stage = _http_api_behind()
    _distribution(reader, _cloudfront_web_acl("edge", *rules) if web_acl else None)
    result = by_resource(run_check(CHECK, reader))[stage]
    assert result.status is Status.FAIL
    assert message in result.message


def test_given_an_http_api_stage_with_no_way_in_then_it_is_not_judged(reader):
    stage = _http_api_behind(domain=False)
    assert stage not in by_resource(run_check(CHECK, reader))


def test_given_list_distributions_is_denied_then_error_for_the_http_api_stage(reader, deny):
    stage = _http_api_behind()
    deny("cloudfront", "ListDistributions")
    result = by_resource(run_check(CHECK, reader))[stage]
    assert result.status is Status.ERROR
    assert result.evidence["error_kind"] == "access-denied"


def test_given_get_web_acl_for_resource_is_denied_then_error(reader, deny):
    lb = load_balancer()
    _associate(_web_acl("edge", MANAGED, RATE), lb)
    deny("wafv2", "GetWebACLForResource")
    result = by_resource(run_check(CHECK, reader))[lb]
    assert result.status is Status.ERROR
    assert result.evidence["error_kind"] == "access-denied"


def _rule_group(*rules: dict) -> str:
    return boto3.client("wafv2", region_name=REGION).create_rule_group(
        Name="leadping-rate", Scope="REGIONAL", Capacity=100, Rules=list(rules), VisibilityConfig=VISIBILITY
    )["Summary"]["ARN"]


def _reference(group_arn: str, **extra: object) -> dict:
    return {
        "Name": "leadping-group",
        "Priority": 3,
        "Statement": {"RuleGroupReferenceStatement": {"ARN": group_arn, **extra}},
        "OverrideAction": {"None": {}},
        "VisibilityConfig": VISIBILITY,
    }


def test_given_a_web_acl_referencing_a_rule_group_with_the_rate_based_rule_then_pass(reader):
    lb = load_balancer()
    _associate(_web_acl("edge", MANAGED, _reference(_rule_group(RATE))), lb)
    result = by_resource(run_check(CHECK, reader))[lb]
    assert result.status is Status.PASS
    assert result.evidence["rate_based_rules"] == ["leadping-rate/rate"]


def test_given_the_referenced_rate_based_rule_is_overridden_to_count_then_fail(reader):
    lb = load_balancer()
    override = [{"Name": "rate", "ActionToUse": {"Count": {}}}]
    _associate(_web_acl("edge", MANAGED, _reference(_rule_group(RATE), RuleActionOverrides=override)), lb)
    result = by_resource(run_check(CHECK, reader))[lb]
    assert result.status is Status.FAIL
    assert result.evidence["count_only"] == ["leadping-rate/rate"]
