"""TLS-only ingress: one test per security property (LP-TX-1, LP-AC-1, LP-MON-1, LP-LOG-1)."""

from __future__ import annotations

import json

import pytest

from infra.components.ingress import MANAGED_RULE_GROUPS
from infra.render import RenderedResource, Rendering
from tests.infra.invariants import method_routes
from tests.infra.rendered import document, key_class, named, output


def listener(rendering: Rendering, port: int) -> RenderedResource:
    (found,) = [r for r in rendering.of_type("aws:lb/listener:Listener") if r.inputs["port"] == port]
    return found


def load_balancer(rendering: Rendering) -> RenderedResource:
    (found,) = rendering.of_type("aws:lb/loadBalancer:LoadBalancer")
    return found


def test_https_listener_uses_the_tls13_policy_and_the_validated_certificate(stack):
    https = listener(stack, 443).inputs
    assert https["protocol"] == "HTTPS"
    assert https["sslPolicy"] == "ELBSecurityPolicy-TLS13-1-2-2021-06"
    (validation,) = stack.of_type("aws:acm/certificateValidation:CertificateValidation")
    assert https["certificateArn"] == output(validation, "certificateArn")


def test_http_listener_only_redirects(stack):
    http = listener(stack, 80).inputs
    assert http["protocol"] == "HTTP"
    assert http["defaultActions"] == [
        {"type": "redirect", "redirect": {"port": "443", "protocol": "HTTPS", "statusCode": "HTTP_301"}}
    ]


def test_load_balancer_is_internet_facing_in_the_public_subnets(stack):
    alb = load_balancer(stack).inputs
    assert alb["internal"] is False
    assert alb["loadBalancerType"] == "application"
    public = {output(s, "id") for s in stack.of_type("aws:ec2/subnet:Subnet") if s.inputs["tags"]["tier"] == "public"}
    assert set(alb["subnets"]) == public


def test_load_balancer_drops_invalid_header_fields(stack):
    assert load_balancer(stack).inputs["dropInvalidHeaderFields"] is True


def test_load_balancer_is_deletion_protected(stack):
    assert load_balancer(stack).inputs["enableDeletionProtection"] is True


def test_load_balancer_access_logs_go_to_the_archive(stack):
    logs = load_balancer(stack).inputs["accessLogs"]
    archive = named(stack, "aws:s3/bucket:Bucket", "log-archive-archive-bucket")
    assert logs == {"bucket": output(archive, "bucket"), "prefix": "alb", "enabled": True}


def test_web_acl_has_managed_rules_log4j_rules_and_a_rate_limit(stack):
    (acl,) = stack.of_type("aws:wafv2/webAcl:WebAcl")
    rules = acl.inputs["rules"]
    groups = [
        r["statement"]["managedRuleGroupStatement"] for r in rules if "managedRuleGroupStatement" in r["statement"]
    ]
    assert {g["name"] for g in groups} == set(MANAGED_RULE_GROUPS)
    assert {"AWSManagedRulesCommonRuleSet", "AWSManagedRulesKnownBadInputsRuleSet"} <= {g["name"] for g in groups}
    assert all(g["vendorName"] == "AWS" for g in groups)
    overrides = {g["name"]: [o["name"] for o in g.get("ruleActionOverrides") or []] for g in groups}
    # Only the hosting-provider list counts instead of blocking; Log4j and common rules block.
    assert {name: rules for name, rules in overrides.items() if rules} == {
        "AWSManagedRulesAnonymousIpList": ["HostingProviderIPList"]
    }
    (rate,) = [r for r in rules if "rateBasedStatement" in r["statement"]]
    assert rate["action"] == {"block": {}}
    assert rate["statement"]["rateBasedStatement"] == {"limit": int(stack.config["leadping:wafRateLimit"]),
                                                       "aggregateKeyType": "IP"}  # fmt: skip
    assert len({r["priority"] for r in rules}) == len(rules)


def test_web_acl_protects_the_load_balancer(stack):
    (acl,) = stack.of_type("aws:wafv2/webAcl:WebAcl")
    association = named(stack, "aws:wafv2/webAclAssociation:WebAclAssociation", "ingress-web-acl-alb")
    assert association.inputs == {"resourceArn": output(load_balancer(stack), "arn"), "webAclArn": output(acl, "arn")}


def test_web_acl_logs_to_an_encrypted_waf_log_group(stack):
    (logging,) = stack.of_type("aws:wafv2/webAclLoggingConfiguration:WebAclLoggingConfiguration")
    group = named(stack, "aws:cloudwatch/logGroup:LogGroup", "ingress-waf-logs")
    assert logging.inputs["logDestinationConfigs"] == [output(group, "arn")]
    assert group.inputs["name"].startswith("aws-waf-logs-")
    assert key_class(stack, group.inputs["kmsKeyId"]) == "logs"
    redacted = [f["singleHeader"]["name"] for f in logging.inputs["redactedFields"]]
    assert "authorization" in redacted


def test_certificate_is_validated_through_dns_in_the_hosted_zone(stack):
    (certificate,) = stack.of_type("aws:acm/certificate:Certificate")
    assert certificate.inputs["domainName"] == stack.config["leadping:domainName"]
    assert certificate.inputs["validationMethod"] == "DNS"
    record = named(stack, "aws:route53/record:Record", "ingress-certificate-validation-record")
    option = certificate.outputs["domainValidationOptions"][0]
    assert record.inputs["zoneId"] == stack.config["leadping:hostedZoneId"]
    assert (record.inputs["name"], record.inputs["type"], record.inputs["records"]) == (
        option["resourceRecordName"], option["resourceRecordType"], [option["resourceRecordValue"]]
    )  # fmt: skip
    (validation,) = stack.of_type("aws:acm/certificateValidation:CertificateValidation")
    assert validation.inputs["validationRecordFqdns"] == [output(record, "fqdn")]


def test_api_custom_domain_requires_tls_1_2_with_the_validated_certificate(stack):
    (domain,) = stack.of_type("aws:apigateway/domainName:DomainName")
    assert domain.inputs["securityPolicy"] == "TLS_1_2"
    assert domain.inputs["endpointConfiguration"] == {"types": "REGIONAL"}
    (validation,) = stack.of_type("aws:acm/certificateValidation:CertificateValidation")
    assert domain.inputs["regionalCertificateArn"] == output(validation, "certificateArn")
    record = named(stack, "aws:route53/record:Record", "ingress-domain-record")
    assert record.inputs["aliases"][0]["name"] == output(domain, "regionalDomainName")


def test_api_default_endpoint_is_disabled_so_only_the_tls_domain_serves(stack):
    (api,) = stack.of_type("aws:apigateway/restApi:RestApi")
    assert api.inputs["disableExecuteApiEndpoint"] is True
    assert api.inputs["endpointConfiguration"] == {"types": "REGIONAL"}
    (mapping,) = stack.of_type("aws:apigateway/basePathMapping:BasePathMapping")
    (stage,) = stack.of_type("aws:apigateway/stage:Stage")
    assert mapping.inputs["stageName"] == output(stage, "stageName")


def test_the_api_is_a_rest_stage_the_web_acl_protects_not_an_http_api(stack):
    """AWS WAF cannot be associated with an HTTP API (LP-MON-1): the API stage carries the web ACL."""
    assert not stack.of_type("aws:apigatewayv2/api:Api")
    (acl,) = stack.of_type("aws:wafv2/webAcl:WebAcl")
    (stage,) = stack.of_type("aws:apigateway/stage:Stage")
    protected = {
        a.inputs["resourceArn"]
        for a in stack.of_type("aws:wafv2/webAclAssociation:WebAclAssociation")
        if a.inputs["webAclArn"] == output(acl, "arn")
    }
    assert protected == {output(load_balancer(stack), "arn"), output(stage, "arn")}


def test_every_route_is_a_method_with_the_cognito_authorizer_unless_public(stack):
    public = set(json.loads(stack.config["leadping:publicRoutes"]))
    routes = set(json.loads(stack.config["leadping:apiRoutes"]))
    (authorizer,) = stack.of_type("aws:apigateway/authorizer:Authorizer")
    methods = method_routes(stack)
    assert set(methods) == routes
    for key, method in methods.items():
        if key in public:
            assert method.inputs["authorization"] == "NONE"
            assert "authorizerId" not in method.inputs
        else:
            assert method.inputs["authorization"] == "COGNITO_USER_POOLS"
            assert method.inputs["authorizerId"] == output(authorizer, "id")


def test_authorizer_trusts_both_user_pools(stack):
    (authorizer,) = stack.of_type("aws:apigateway/authorizer:Authorizer")
    pools = {output(p, "arn") for p in stack.of_type("aws:cognito/userPool:UserPool")}
    assert authorizer.inputs["type"] == "COGNITO_USER_POOLS"
    assert set(authorizer.inputs["providerArns"]) == pools
    assert authorizer.inputs["identitySource"] == "method.request.header.Authorization"


@pytest.mark.parametrize(("audience", "mfa"), [("customers", "OPTIONAL"), ("staff", "ON")])
def test_user_pools_require_mfa_for_staff_and_strong_passwords(stack, audience, mfa):
    pool = named(stack, "aws:cognito/userPool:UserPool", f"ingress-{audience}-users").inputs
    assert pool["mfaConfiguration"] == mfa
    assert pool["softwareTokenMfaConfiguration"] == {"enabled": True}
    policy = pool["passwordPolicy"]
    assert policy["minimumLength"] >= 14
    assert all(policy[f"require{kind}"] is True for kind in ("Lowercase", "Uppercase", "Numbers", "Symbols"))


def test_api_stage_logs_access_to_an_encrypted_group_traces_and_throttles(stack):
    (stage,) = stack.of_type("aws:apigateway/stage:Stage")
    group = named(stack, "aws:cloudwatch/logGroup:LogGroup", "ingress-api-access-logs")
    assert stage.inputs["accessLogSettings"]["destinationArn"] == output(group, "arn")
    assert "$context.requestId" in stage.inputs["accessLogSettings"]["format"]
    assert key_class(stack, group.inputs["kmsKeyId"]) == "logs"
    assert stage.inputs["xrayTracingEnabled"] is True
    (settings,) = stack.of_type("aws:apigateway/methodSettings:MethodSettings")
    assert settings.inputs["methodPath"] == "*/*"
    values = settings.inputs["settings"]
    assert values["throttlingRateLimit"] > 0
    assert values["throttlingBurstLimit"] > 0
    assert values["dataTraceEnabled"] is False  # bodies carry customer data
    assert values["cachingEnabled"] is False


def test_api_gateway_logs_through_a_role_only_api_gateway_assumes(stack):
    (account,) = stack.of_type("aws:apigateway/account:Account")
    role = named(stack, "aws:iam/role:Role", "ingress-api-logging-role")
    assert account.inputs["cloudwatchRoleArn"] == output(role, "arn")
    trust = document(role, "assumeRolePolicy")
    assert [s["Principal"] for s in trust["Statement"]] == [{"Service": "apigateway.amazonaws.com"}]


def test_api_reaches_the_load_balancer_privately_over_tls(stack):
    (link,) = stack.of_type("aws:apigatewayv2/vpcLink:VpcLink")
    domain = stack.config["leadping:domainName"]
    integrations = stack.of_type("aws:apigateway/integration:Integration")
    assert len(integrations) == len(json.loads(stack.config["leadping:apiRoutes"]))
    for integration in integrations:
        assert integration.inputs["type"] == "HTTP_PROXY"
        assert integration.inputs["connectionType"] == "VPC_LINK"
        assert integration.inputs["connectionId"] == output(link, "id")
        assert integration.inputs["integrationTarget"] == output(load_balancer(stack), "arn")
        assert integration.inputs["uri"].startswith(f"https://{domain}:443/")


def test_path_parameters_are_required_and_passed_to_the_backend(stack):
    (method,) = [
        m for m in stack.of_type("aws:apigateway/method:Method") if m.name == "ingress-method-get-leads-leadid"
    ]
    assert method.inputs["requestParameters"] == {"method.request.path.leadId": True}
    (validator,) = stack.of_type("aws:apigateway/requestValidator:RequestValidator")
    assert method.inputs["requestValidatorId"] == output(validator, "id")
    integration = named(stack, "aws:apigateway/integration:Integration", "ingress-integration-get-leads-leadid")
    assert integration.inputs["requestParameters"] == {"integration.request.path.leadId": "method.request.path.leadId"}
    assert integration.inputs["uri"].endswith("/leads/{leadId}")
