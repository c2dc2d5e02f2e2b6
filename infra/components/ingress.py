"""TLS-only ingress (LP-TX-1, LP-AC-1, LP-MON-1, LP-LOG-1).

- A DNS-validated ACM certificate for the API's domain.
- An internet-facing Application Load Balancer in the public subnets: HTTPS with a TLS 1.2+
  policy, HTTP only to redirect (301), invalid headers dropped, access logs to the archive,
  deletion protection, and a WAF web ACL (AWS managed rules, Log4j rules, rate limit) that logs.
- An API Gateway HTTP API on the custom domain (TLS 1.2), its default execute-api endpoint
  switched off, a Cognito JWT authorizer on every route not listed as public, throttling and
  access logs. The API reaches the load balancer privately through a VPC link.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

import pulumi
import pulumi_aws as aws

from compliance_checks import conventions
from infra.components._outputs import child
from infra.components.network import APP_PORT
from infra.settings import Route

TLS_POLICY = "ELBSecurityPolicy-TLS13-1-2-2021-06"
API_TLS_POLICY = "TLS_1_2"
MANAGED_RULE_GROUPS = (
    "AWSManagedRulesCommonRuleSet",
    "AWSManagedRulesKnownBadInputsRuleSet",  # Log4j (CVE-2021-44228) and other known-bad inputs
    "AWSManagedRulesAmazonIpReputationList",
    "AWSManagedRulesAnonymousIpList",
)
# Rules of a managed group that only count: lead sources post from servers in cloud hosting
# ranges, which the anonymous-IP group would otherwise block; VPNs and Tor stay blocked.
COUNT_ONLY_RULES = {"AWSManagedRulesAnonymousIpList": ("HostingProviderIPList",)}
ACCESS_LOG_FORMAT = json.dumps(
    {
        "requestId": "$context.requestId",
        "ip": "$context.identity.sourceIp",
        "requestTime": "$context.requestTime",
        "httpMethod": "$context.httpMethod",
        "routeKey": "$context.routeKey",
        "status": "$context.status",
        "protocol": "$context.protocol",
        "responseLength": "$context.responseLength",
        "integrationLatency": "$context.integrationLatency",
        "authorizerError": "$context.authorizer.error",
        "principal": "$context.authorizer.claims.sub",
    },
    sort_keys=True,
)
# Customers may turn MFA on; staff must (LP-AC-1).
USER_POOLS = {"customers": "OPTIONAL", "staff": "ON"}


@dataclass(frozen=True)
class IngressArgs:
    name_prefix: str
    environment: str
    domain_name: str
    hosted_zone_id: str
    api_routes: tuple[Route, ...]
    public_routes: tuple[Route, ...]
    waf_rate_limit: int
    vpc_id: pulumi.Input[str]
    public_subnet_ids: list[pulumi.Input[str]]
    private_subnet_ids: list[pulumi.Input[str]]
    alb_security_group_id: pulumi.Input[str]
    vpc_link_security_group_id: pulumi.Input[str]
    access_log_bucket: pulumi.Input[str]
    logs_key_arn: pulumi.Input[str]
    log_retention_days: int
    throttling_rate_limit: float = 100.0
    throttling_burst_limit: int = 200
    tags: dict[str, str] = field(default_factory=dict)


class Ingress(pulumi.ComponentResource):
    load_balancer: aws.lb.LoadBalancer
    api: aws.apigatewayv2.Api
    stage: aws.apigatewayv2.Stage
    web_acl: aws.wafv2.WebAcl

    def __init__(self, name: str, args: IngressArgs, opts: pulumi.ResourceOptions | None = None):
        super().__init__("leadping:ingress:Ingress", name, None, opts)
        prefix = args.name_prefix
        tags = args.tags
        log_tags = {**tags, conventions.DATA_CLASS: "logs"}

        certificate = aws.acm.Certificate(
            f"{name}-certificate",
            domain_name=args.domain_name,
            validation_method="DNS",
            key_algorithm="EC_prime256v1",
            options={"certificate_transparency_logging_preference": "ENABLED"},
            tags=tags,
            opts=child(self),
        )

        # One name on the certificate, so ACM asks for exactly one validation record.
        def validation(attribute: str) -> pulumi.Output[str]:
            return certificate.domain_validation_options.apply(
                lambda options: getattr(options[0], attribute) if options else None
            )

        validation_record = aws.route53.Record(
            f"{name}-certificate-validation-record",
            zone_id=args.hosted_zone_id,
            name=validation("resource_record_name"),
            type=validation("resource_record_type"),
            records=[validation("resource_record_value")],
            ttl=300,
            opts=child(self),
        )
        validation = aws.acm.CertificateValidation(
            f"{name}-certificate-validation",
            certificate_arn=certificate.arn,
            validation_record_fqdns=[validation_record.fqdn],
            opts=child(self),
        )
        certificate_arn = validation.certificate_arn

        # --- load balancer ---
        target_group = aws.lb.TargetGroup(
            f"{name}-app-targets",
            name=f"{prefix}-app",
            port=APP_PORT,
            protocol="HTTPS",
            target_type="ip",
            vpc_id=args.vpc_id,
            health_check={"enabled": True, "path": "/health", "protocol": "HTTPS", "matcher": "200"},
            tags=tags,
            opts=child(self),
        )
        self.load_balancer = aws.lb.LoadBalancer(
            f"{name}-alb",
            name=f"{prefix}-alb",
            load_balancer_type="application",
            internal=False,
            subnets=args.public_subnet_ids,
            security_groups=[args.alb_security_group_id],
            drop_invalid_header_fields=True,
            enable_deletion_protection=True,
            desync_mitigation_mode="strictest",
            access_logs={"bucket": args.access_log_bucket, "prefix": "alb", "enabled": True},
            tags=tags,
            opts=child(self),
        )
        self.https_listener = aws.lb.Listener(
            f"{name}-https",
            load_balancer_arn=self.load_balancer.arn,
            port=443,
            protocol="HTTPS",
            ssl_policy=TLS_POLICY,
            certificate_arn=certificate_arn,
            default_actions=[{"type": "forward", "target_group_arn": target_group.arn}],
            tags=tags,
            opts=child(self),
        )
        self.http_listener = aws.lb.Listener(
            f"{name}-http-redirect",
            load_balancer_arn=self.load_balancer.arn,
            port=80,
            protocol="HTTP",
            default_actions=[
                {"type": "redirect", "redirect": {"port": "443", "protocol": "HTTPS", "status_code": "HTTP_301"}}
            ],
            tags=tags,
            opts=child(self),
        )

        # --- WAF ---
        def visibility(metric: str) -> dict[str, object]:
            return {"cloudwatch_metrics_enabled": True, "metric_name": metric, "sampled_requests_enabled": True}

        rules: list[dict[str, object]] = [
            {
                "name": "rate-limit-per-ip",
                "priority": 0,
                "action": {"block": {}},
                "statement": {"rate_based_statement": {"limit": args.waf_rate_limit, "aggregate_key_type": "IP"}},
                "visibility_config": visibility(f"{prefix}-rate-limit"),
            }
        ]
        for priority, group in enumerate(MANAGED_RULE_GROUPS, start=1):
            rules.append(
                {
                    "name": group,
                    "priority": priority,
                    "override_action": {"none": {}},
                    "statement": {
                        "managed_rule_group_statement": {
                            "vendor_name": "AWS",
                            "name": group,
                            "rule_action_overrides": [
                                {"name": rule, "action_to_use": {"count": {}}}
                                for rule in COUNT_ONLY_RULES.get(group, ())
                            ],
                        }
                    },
                    "visibility_config": visibility(f"{prefix}-{group}"),
                }
            )
        self.web_acl = aws.wafv2.WebAcl(
            f"{name}-web-acl",
            name=f"{prefix}-web-acl",
            description="Leadping public endpoints: AWS managed rules, known bad inputs, rate limit",
            scope="REGIONAL",
            default_action={"allow": {}},
            rules=rules,
            visibility_config=visibility(f"{prefix}-web-acl"),
            tags=tags,
            opts=child(self),
        )
        aws.wafv2.WebAclAssociation(
            f"{name}-web-acl-alb",
            resource_arn=self.load_balancer.arn,
            web_acl_arn=self.web_acl.arn,
            opts=child(self),
        )
        # WAF only delivers to log groups whose name starts with aws-waf-logs-.
        waf_logs = aws.cloudwatch.LogGroup(
            f"{name}-waf-logs",
            name=f"aws-waf-logs-{prefix}",
            retention_in_days=args.log_retention_days,
            kms_key_id=args.logs_key_arn,
            tags=log_tags,
            opts=child(self),
        )
        aws.wafv2.WebAclLoggingConfiguration(
            f"{name}-web-acl-logging",
            resource_arn=self.web_acl.arn,
            log_destination_configs=[waf_logs.arn],
            redacted_fields=[{"single_header": {"name": "authorization"}}, {"single_header": {"name": "cookie"}}],
            opts=child(self),
        )

        # --- identity for the API ---
        self.user_pools: dict[str, aws.cognito.UserPool] = {}
        self.user_pool_clients: dict[str, aws.cognito.UserPoolClient] = {}
        for audience, mfa in USER_POOLS.items():
            pool = aws.cognito.UserPool(
                f"{name}-{audience}-users",
                name=f"{prefix}-{audience}",
                mfa_configuration=mfa,
                software_token_mfa_configuration={"enabled": True},
                password_policy={
                    "minimum_length": 14,
                    "require_lowercase": True,
                    "require_uppercase": True,
                    "require_numbers": True,
                    "require_symbols": True,
                    "temporary_password_validity_days": 3,
                },
                username_attributes=["email"],
                auto_verified_attributes=["email"],
                account_recovery_setting={"recovery_mechanisms": [{"name": "verified_email", "priority": 1}]},
                admin_create_user_config={"allow_admin_create_user_only": audience == "staff"},
                deletion_protection="ACTIVE",
                tags=tags,
                opts=child(self),
            )
            self.user_pools[audience] = pool
            self.user_pool_clients[audience] = aws.cognito.UserPoolClient(
                f"{name}-{audience}-client",
                name=f"{prefix}-{audience}",
                user_pool_id=pool.id,
                generate_secret=False,
                explicit_auth_flows=["ALLOW_USER_SRP_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"],
                prevent_user_existence_errors="ENABLED",
                enable_token_revocation=True,
                access_token_validity=1,
                id_token_validity=1,
                refresh_token_validity=30,
                token_validity_units={"access_token": "hours", "id_token": "hours", "refresh_token": "days"},
                opts=child(self),
            )

        # --- HTTP API ---
        self.api = aws.apigatewayv2.Api(
            f"{name}-api",
            name=f"{prefix}-api",
            protocol_type="HTTP",
            description="Leadping public API",
            # Only the custom domain (TLS 1.2) serves the API.
            disable_execute_api_endpoint=True,
            tags=tags,
            opts=child(self),
        )
        issuer = self.user_pools["customers"].endpoint.apply(lambda e: f"https://{e}")
        self.authorizer = aws.apigatewayv2.Authorizer(
            f"{name}-jwt-authorizer",
            api_id=self.api.id,
            name=f"{prefix}-cognito",
            authorizer_type="JWT",
            identity_sources=["$request.header.Authorization"],
            jwt_configuration={
                "issuer": issuer,
                "audiences": [c.id for c in self.user_pool_clients.values()],
            },
            opts=child(self),
        )
        link = aws.apigatewayv2.VpcLink(
            f"{name}-vpc-link",
            name=f"{prefix}-alb",
            subnet_ids=args.private_subnet_ids,
            security_group_ids=[args.vpc_link_security_group_id],
            tags=tags,
            opts=child(self),
        )
        integration = aws.apigatewayv2.Integration(
            f"{name}-alb-integration",
            api_id=self.api.id,
            integration_type="HTTP_PROXY",
            integration_method="ANY",
            connection_type="VPC_LINK",
            connection_id=link.id,
            integration_uri=self.https_listener.arn,
            tls_config={"server_name_to_verify": args.domain_name},
            payload_format_version="1.0",
            opts=child(self),
        )
        public = set(args.public_routes)
        self.routes: dict[str, aws.apigatewayv2.Route] = {}
        for route in args.api_routes:
            is_public = route in public
            slug = route.key.lower().replace(" ", "").replace("/", "-").replace("{", "").replace("}", "")
            self.routes[route.key] = aws.apigatewayv2.Route(
                f"{name}-route-{slug}",
                api_id=self.api.id,
                route_key=route.key,
                target=integration.id.apply(lambda i: f"integrations/{i}"),
                authorization_type="NONE" if is_public else "JWT",
                authorizer_id=None if is_public else self.authorizer.id,
                opts=child(self),
            )
        access_logs = aws.cloudwatch.LogGroup(
            f"{name}-api-access-logs",
            name=f"/leadping/{args.environment}/api-access",
            retention_in_days=args.log_retention_days,
            kms_key_id=args.logs_key_arn,
            tags=log_tags,
            opts=child(self),
        )
        self.stage = aws.apigatewayv2.Stage(
            f"{name}-stage",
            api_id=self.api.id,
            name="$default",
            auto_deploy=True,
            access_log_settings={"destination_arn": access_logs.arn, "format": ACCESS_LOG_FORMAT},
            default_route_settings={
                "throttling_rate_limit": args.throttling_rate_limit,
                "throttling_burst_limit": args.throttling_burst_limit,
                "detailed_metrics_enabled": True,
            },
            tags=tags,
            opts=child(self, depends_on=list(self.routes.values())),
        )
        self.domain = aws.apigatewayv2.DomainName(
            f"{name}-domain",
            domain_name=args.domain_name,
            domain_name_configuration={
                "certificate_arn": certificate_arn,
                "endpoint_type": "REGIONAL",
                "security_policy": API_TLS_POLICY,
            },
            tags=tags,
            opts=child(self),
        )
        aws.apigatewayv2.ApiMapping(
            f"{name}-mapping",
            api_id=self.api.id,
            domain_name=self.domain.id,
            stage=self.stage.id,
            opts=child(self),
        )
        aws.route53.Record(
            f"{name}-domain-record",
            zone_id=args.hosted_zone_id,
            name=args.domain_name,
            type="A",
            aliases=[
                {
                    "name": self.domain.domain_name_configuration.target_domain_name,
                    "zone_id": self.domain.domain_name_configuration.hosted_zone_id,
                    "evaluate_target_health": False,
                }
            ],
            opts=child(self),
        )
        self.register_outputs(
            {
                "alb_arn": self.load_balancer.arn,
                "alb_dns_name": self.load_balancer.dns_name,
                "api_id": self.api.id,
                "domain_name": self.domain.domain_name,
                "web_acl_arn": self.web_acl.arn,
            }
        )
