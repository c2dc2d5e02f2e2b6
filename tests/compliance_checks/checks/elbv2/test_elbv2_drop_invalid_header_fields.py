"""Scenarios of elbv2_drop_invalid_header_fields (LP-TX-1)."""

from __future__ import annotations

from compliance_checks.core import Status
from tests.compliance_checks.checks.elbv2.helpers import load_balancer, set_attributes
from tests.compliance_checks.conftest import by_resource, run_check

CHECK = "elbv2_drop_invalid_header_fields"
ATTRIBUTE = "routing.http.drop_invalid_header_fields.enabled"


def test_given_an_alb_that_drops_invalid_header_fields_then_pass(reader):
    lb = load_balancer()
    set_attributes(lb, **{ATTRIBUTE: "true"})
    assert by_resource(run_check(CHECK, reader))[lb].status is Status.PASS


def test_given_an_alb_with_the_default_then_fail(reader):
    good = load_balancer("good-alb")
    set_attributes(good, **{ATTRIBUTE: "true"})
    bad = load_balancer("default-alb")
    results = by_resource(run_check(CHECK, reader))
    assert results[good].status is Status.PASS
    assert results[bad].status is Status.FAIL


def test_given_a_network_load_balancer_then_it_is_not_judged(reader):
    nlb = load_balancer("leadping-nlb", lb_type="network")
    assert nlb not in by_resource(run_check(CHECK, reader))


def test_given_describe_load_balancer_attributes_is_denied_then_error(reader, deny):
    lb = load_balancer()
    deny("elbv2", "DescribeLoadBalancerAttributes")
    assert by_resource(run_check(CHECK, reader))[lb].status is Status.ERROR
