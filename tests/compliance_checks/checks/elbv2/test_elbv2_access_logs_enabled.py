"""Scenarios of elbv2_access_logs_enabled (LP-LOG-1)."""

from __future__ import annotations

import boto3

from compliance_checks.core import Status
from tests.compliance_checks.checks.elbv2.helpers import load_balancer, set_attributes
from tests.compliance_checks.conftest import REGION, by_resource, run_check

CHECK = "elbv2_access_logs_enabled"


def _logged(name: str) -> str:
    boto3.client("s3", region_name=REGION).create_bucket(Bucket="leadping-lb-logs")
    lb = load_balancer(name)
    set_attributes(lb, **{"access_logs.s3.enabled": "true", "access_logs.s3.bucket": "leadping-lb-logs"})
    return lb


def test_given_an_alb_with_access_logs_to_a_bucket_then_pass(reader):
    lb = _logged("logged-alb")
    result = by_resource(run_check(CHECK, reader))[lb]
    assert result.status is Status.PASS
    assert result.evidence["bucket"] == "leadping-lb-logs"


def test_given_an_alb_with_access_logs_disabled_then_fail(reader):
    good = _logged("logged-alb")
    bad = load_balancer("silent-alb")
    results = by_resource(run_check(CHECK, reader))
    assert results[good].status is Status.PASS
    assert results[bad].status is Status.FAIL
    assert "disabled" in results[bad].message


def test_given_an_alb_with_access_logs_enabled_but_no_bucket_then_fail(reader):
    lb = load_balancer()
    set_attributes(lb, **{"access_logs.s3.enabled": "true"})
    result = by_resource(run_check(CHECK, reader))[lb]
    assert result.status is Status.FAIL
    assert "no bucket" in result.message


def test_given_describe_load_balancer_attributes_is_denied_then_error(reader, deny):
    lb = load_balancer()
    deny("elbv2", "DescribeLoadBalancerAttributes")
    assert by_resource(run_check(CHECK, reader))[lb].status is Status.ERROR
