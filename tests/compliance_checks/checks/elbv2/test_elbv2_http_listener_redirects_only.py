"""Scenarios of elbv2_http_listener_redirects_only (LP-TX-1)."""

from __future__ import annotations

import boto3

from compliance_checks.core import Status
from tests.compliance_checks.checks.elbv2.helpers import REDIRECT_301, listener, load_balancer, target_group
from tests.compliance_checks.conftest import REGION, by_resource, run_check

CHECK = "elbv2_http_listener_redirects_only"


def _rule(listener_arn: str, actions: list[dict], priority: int = 10) -> None:
    boto3.client("elbv2", region_name=REGION).create_rule(
        ListenerArn=listener_arn,
        Priority=priority,
        Conditions=[{"Field": "path-pattern", "PathPatternConfig": {"Values": ["/api/*"]}}],
        Actions=actions,
    )


def test_given_an_http_listener_that_only_redirects_with_301_then_pass(reader):
    lb = load_balancer()
    arn = listener(lb, "HTTP", 80, [REDIRECT_301])
    result = by_resource(run_check(CHECK, reader))[arn]
    assert result.status is Status.PASS


def test_given_an_http_listener_that_forwards_then_fail(reader):
    lb = load_balancer()
    good = listener(lb, "HTTP", 80, [REDIRECT_301])
    bad = listener(lb, "HTTP", 8080, [{"Type": "forward", "TargetGroupArn": target_group(lb)}])
    results = by_resource(run_check(CHECK, reader))
    assert results[good].status is Status.PASS
    assert results[bad].status is Status.FAIL
    assert "forward" in results[bad].message


def test_given_an_http_listener_that_redirects_with_302_then_fail(reader):
    lb = load_balancer()
    found = {"Type": "redirect", "RedirectConfig": {"Protocol": "HTTPS", "StatusCode": "HTTP_302"}}
    arn = listener(lb, "HTTP", 80, [found])
    result = by_resource(run_check(CHECK, reader))[arn]
    assert result.status is Status.FAIL
    assert "HTTP_302" in result.message


def test_given_an_http_listener_with_a_rule_that_forwards_then_fail(reader):
    lb = load_balancer()
    arn = listener(lb, "HTTP", 80, [REDIRECT_301])
    _rule(arn, [{"Type": "forward", "TargetGroupArn": target_group(lb)}])
    result = by_resource(run_check(CHECK, reader))[arn]
    assert result.status is Status.FAIL
    assert result.evidence["serving_rules"] == {"10": "forward"}


def test_given_an_http_listener_with_a_fixed_response_rule_then_fail(reader):
    lb = load_balancer()
    arn = listener(lb, "HTTP", 80, [REDIRECT_301])
    _rule(arn, [{"Type": "fixed-response", "FixedResponseConfig": {"StatusCode": "200", "ContentType": "text/plain"}}])
    assert by_resource(run_check(CHECK, reader))[arn].status is Status.FAIL


def test_given_an_http_listener_with_an_extra_301_redirect_rule_then_pass(reader):
    lb = load_balancer()
    arn = listener(lb, "HTTP", 80, [REDIRECT_301])
    _rule(arn, [{"Type": "redirect", "RedirectConfig": {**REDIRECT_301["RedirectConfig"], "Host": "app.leadping.ai"}}])
    assert by_resource(run_check(CHECK, reader))[arn].status is Status.PASS


def test_given_describe_rules_is_denied_then_error(reader, deny):
    lb = load_balancer()
    arn = listener(lb, "HTTP", 80, [REDIRECT_301])
    deny("elbv2", "DescribeRules")
    assert by_resource(run_check(CHECK, reader))[arn].status is Status.ERROR
