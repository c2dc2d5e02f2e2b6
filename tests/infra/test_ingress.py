"""TLS-only ingress: one test per security property (LP-TX-1, LP-AC-1, LP-MON-1, LP-LOG-1)."""

from __future__ import annotations

import json

import pytest

from infra.components.ingress import MANAGED_RULE_GROUPS
from infra.render import RenderedResource, Rendering
from tests.infra.rendered import key_class, named, output


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
    (association,) = stack.of_type("aws:wafv2/webAclAssociation:WebAclAssociation")
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
    (domain,) = stack.of_type("aws:apigatewayv2/domainName:DomainName")
    configuration = domain.inputs["domainNameConfiguration"]
    assert configuration["securityPolicy"] == "TLS_1_2"
    (validation,) = stack.of_type("aws:acm/certificateValidation:CertificateValidation")
    assert configuration["certificateArn"] == output(validation, "certificateArn")


def test_api_default_endpoint_is_disabled_so_only_the_tls_domain_serves(stack):
    (api,) = stack.of_type("aws:apigatewayv2/api:Api")
    assert api.inputs["protocolType"] == "HTTP"
    assert api.inputs["disableExecuteApiEndpoint"] is True


def test_private_routes_use_the_jwt_authorizer_and_public_ones_none(stack):
    public = set(json.loads(stack.config["leadping:publicRoutes"]))
    (authorizer,) = stack.of_type("aws:apigatewayv2/authorizer:Authorizer")
    for route in stack.of_type("aws:apigatewayv2/route:Route"):
        if route.inputs["routeKey"] in public:
            assert route.inputs["authorizationType"] == "NONE"
            assert "authorizerId" not in route.inputs
        else:
            assert route.inputs["authorizationType"] == "JWT"
            assert route.inputs["authorizerId"] == output(authorizer, "id")


def test_authorizer_trusts_the_customer_user_pool(stack):
    (authorizer,) = stack.of_type("aws:apigatewayv2/authorizer:Authorizer")
    pool = named(stack, "aws:cognito/userPool:UserPool", "ingress-customers-users")
    jwt = authorizer.inputs["jwtConfiguration"]
    assert authorizer.inputs["authorizerType"] == "JWT"
    assert jwt["issuer"] == f"https://{output(pool, 'endpoint')}"
    clients = {output(c, "id") for c in stack.of_type("aws:cognito/userPoolClient:UserPoolClient")}
    assert set(jwt["audiences"]) == clients


@pytest.mark.parametrize(("audience", "mfa"), [("customers", "OPTIONAL"), ("staff", "ON")])
def test_user_pools_require_mfa_for_staff_and_strong_passwords(stack, audience, mfa):
    pool = named(stack, "aws:cognito/userPool:UserPool", f"ingress-{audience}-users").inputs
    assert pool["mfaConfiguration"] == mfa
    assert pool["softwareTokenMfaConfiguration"] == {"enabled": True}
    policy = pool["passwordPolicy"]
    assert policy["minimumLength"] >= 14
    assert all(policy[f"require{kind}"] is True for kind in ("Lowercase", "Uppercase", "Numbers", "Symbols"))


def test_api_stage_logs_access_to_an_encrypted_group_and_throttles(stack):
    (stage,) = stack.of_type("aws:apigatewayv2/stage:Stage")
    group = named(stack, "aws:cloudwatch/logGroup:LogGroup", "ingress-api-access-logs")
    assert stage.inputs["accessLogSettings"]["destinationArn"] == output(group, "arn")
    assert "$context.requestId" in stage.inputs["accessLogSettings"]["format"]
    assert key_class(stack, group.inputs["kmsKeyId"]) == "logs"
    throttling = stage.inputs["defaultRouteSettings"]
    assert throttling["throttlingRateLimit"] > 0
    assert throttling["throttlingBurstLimit"] > 0


def test_api_reaches_the_load_balancer_privately_over_tls(stack):
    (integration,) = stack.of_type("aws:apigatewayv2/integration:Integration")
    (link,) = stack.of_type("aws:apigatewayv2/vpcLink:VpcLink")
    assert integration.inputs["connectionType"] == "VPC_LINK"
    assert integration.inputs["connectionId"] == output(link, "id")
    assert integration.inputs["integrationUri"] == output(listener(stack, 443), "arn")
    assert integration.inputs["tlsConfig"] == {"serverNameToVerify": stack.config["leadping:domainName"]}
