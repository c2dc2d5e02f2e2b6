"""Scenarios of apigateway_domain_tls_1_2 (LP-TX-1)."""

from __future__ import annotations

import boto3

from compliance_checks.core import Status
from compliance_checks.services.apigateway import is_tls_1_2_or_later
from tests.compliance_checks.conftest import REGION, by_resource, run_check

CHECK = "apigateway_domain_tls_1_2"
CERT = f"arn:aws:acm:{REGION}:123456789012:certificate/abc"


def _http_domain(name: str, policy: str) -> str:
    boto3.client("apigatewayv2", region_name=REGION).create_domain_name(
        DomainName=name,
        DomainNameConfigurations=[{"CertificateArn": CERT, "EndpointType": "REGIONAL", "SecurityPolicy": policy}],
    )
    return f"arn:aws:apigateway:{REGION}::/domainnames/{name}"


def _rest_domain(name: str, policy: str) -> str:
    boto3.client("apigateway", region_name=REGION).create_domain_name(
        domainName=name,
        regionalCertificateArn=CERT,
        endpointConfiguration={"types": ["REGIONAL"]},
        securityPolicy=policy,
    )
    return f"arn:aws:apigateway:{REGION}::/domainnames/{name}"


def test_given_a_regional_domain_with_tls_1_2_then_pass(reader):
    arn = _http_domain("api.leadping.ai", "TLS_1_2")
    result = by_resource(run_check(CHECK, reader))[arn]
    assert result.status is Status.PASS
    assert result.evidence["security_policies"] == ["TLS_1_2"]


def test_given_a_rest_domain_with_an_enhanced_tls13_policy_then_pass(reader):
    arn = _rest_domain("rest.leadping.ai", "SecurityPolicy_TLS13_1_3_2025_09")
    assert by_resource(run_check(CHECK, reader))[arn].status is Status.PASS


def test_given_a_domain_with_tls_1_0_then_fail(reader):
    good = _http_domain("api.leadping.ai", "TLS_1_2")
    bad = _rest_domain("legacy.leadping.ai", "TLS_1_0")
    results = by_resource(run_check(CHECK, reader))
    assert results[good].status is Status.PASS
    assert results[bad].status is Status.FAIL
    assert "TLS_1_0" in results[bad].message


def test_given_both_apis_report_the_same_domain_then_one_result_judges_every_policy(reader):
    # AWS lists a regional custom domain through both APIs; moto keeps them apart, so create it twice.
    arn = _http_domain("api.leadping.ai", "TLS_1_2")
    _rest_domain("api.leadping.ai", "TLS_1_0")
    results = run_check(CHECK, reader)
    assert [r.resource_id for r in results] == [arn]
    assert results[0].status is Status.FAIL


def test_given_get_domain_names_is_denied_then_error(reader, deny):
    _http_domain("api.leadping.ai", "TLS_1_0")
    deny("apigatewayv2", "GetDomainNames")
    results = run_check(CHECK, reader)
    assert [r.status for r in results] == [Status.ERROR]
    assert results[0].region == REGION


def test_every_security_policy_botocore_knows_is_judged_by_its_minimum_tls_version():
    for service in ("apigateway", "apigatewayv2"):
        model = boto3.client(service, region_name=REGION).meta
        policies = model.service_model.shape_for("SecurityPolicy").enum
        assert policies, service
        for policy in policies:
            assert is_tls_1_2_or_later(policy) is (policy != "TLS_1_0"), policy
