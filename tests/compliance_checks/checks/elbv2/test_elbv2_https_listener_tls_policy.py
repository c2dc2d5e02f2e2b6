"""Scenarios of elbv2_https_listener_tls_policy (LP-TX-1)."""

from __future__ import annotations

from compliance_checks.core import Status
from tests.compliance_checks.checks.elbv2.helpers import listener, load_balancer, target_group
from tests.compliance_checks.conftest import by_resource, run_check

CHECK = "elbv2_https_listener_tls_policy"


def _forward(lb: str) -> list[dict]:
    return [{"Type": "forward", "TargetGroupArn": target_group(lb)}]


def test_given_an_https_listener_with_the_tls13_1_2_policy_then_pass(reader):
    lb = load_balancer()
    arn = listener(lb, "HTTPS", 443, _forward(lb), "ELBSecurityPolicy-TLS13-1-2-2021-06")
    result = by_resource(run_check(CHECK, reader))[arn]
    assert result.status is Status.PASS
    assert result.evidence["ssl_policy"] == "ELBSecurityPolicy-TLS13-1-2-2021-06"


def test_given_an_https_listener_with_a_tls_1_0_policy_then_fail(reader):
    lb = load_balancer()
    tg = _forward(lb)
    good = listener(lb, "HTTPS", 443, tg, "ELBSecurityPolicy-TLS13-1-2-2021-06")
    bad = listener(lb, "HTTPS", 8443, tg, "ELBSecurityPolicy-2016-08")
    results = by_resource(run_check(CHECK, reader))
    assert results[good].status is Status.PASS
    assert results[bad].status is Status.FAIL
    assert "ELBSecurityPolicy-2016-08" in results[bad].message


def test_given_the_ext1_policy_with_older_ciphers_then_fail(reader):
    lb = load_balancer()
    arn = listener(lb, "HTTPS", 443, _forward(lb), "ELBSecurityPolicy-TLS13-1-2-Ext1-2021-06")
    assert by_resource(run_check(CHECK, reader))[arn].status is Status.FAIL


def test_given_a_tls_listener_on_a_network_load_balancer_with_a_tls13_only_policy_then_pass(reader):
    lb = load_balancer("leadping-nlb", lb_type="network")
    tg = target_group(lb, "tcp-app")
    arn = listener(lb, "TLS", 443, [{"Type": "forward", "TargetGroupArn": tg}], "ELBSecurityPolicy-TLS13-1-3-2021-06")
    result = by_resource(run_check(CHECK, reader))[arn]
    assert result.status is Status.PASS
    assert result.evidence["protocol"] == "TLS"


def test_plain_http_listeners_are_left_to_the_redirect_check(reader):
    lb = load_balancer()
    arn = listener(lb, "HTTP", 80, _forward(lb))
    assert arn not in by_resource(run_check(CHECK, reader))


def test_given_describe_listeners_is_denied_then_error(reader, deny):
    lb = load_balancer()
    listener(lb, "HTTPS", 443, _forward(lb), "ELBSecurityPolicy-2016-08")
    deny("elbv2", "DescribeListeners")
    result = by_resource(run_check(CHECK, reader))[lb]
    assert result.status is Status.ERROR
