"""Scenarios of wafv2_web_acl_protects_public_endpoints (LP-MON-1)."""

from __future__ import annotations

import boto3

from compliance_checks.core import Status
from tests.compliance_checks.checks.apigateway.helpers import http_api, rest_api, rest_method
from tests.compliance_checks.checks.elbv2.helpers import load_balancer
from tests.compliance_checks.conftest import REGION, by_resource, run_check

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


def _http_stage(throttling: bool) -> str:
    api_id, api_arn = http_api()
    settings = {"ThrottlingRateLimit": 100.0, "ThrottlingBurstLimit": 200} if throttling else {}
    boto3.client("apigatewayv2", region_name=REGION).create_stage(
        ApiId=api_id, StageName="prod", DefaultRouteSettings=settings
    )
    return f"{api_arn}/stages/prod"


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


def test_given_an_http_api_stage_with_default_throttling_then_pass(reader):
    stage = _http_stage(throttling=True)
    result = by_resource(run_check(CHECK, reader))[stage]
    assert result.status is Status.PASS
    assert "cannot be associated with HTTP APIs" in result.message
    assert result.evidence["throttling_burst_limit"] == 200


def test_given_an_http_api_stage_without_throttling_then_fail(reader):
    good = _http_stage(throttling=True)
    bad = _http_stage(throttling=False)
    results = by_resource(run_check(CHECK, reader))
    assert results[good].status is Status.PASS
    assert results[bad].status is Status.FAIL
    assert "cannot be associated" in results[bad].message


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
