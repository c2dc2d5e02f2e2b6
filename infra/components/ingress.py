"""TLS-only ingress (LP-TX-1, LP-AC-1, LP-MON-1, LP-LOG-1).

- A DNS-validated ACM certificate for the API's domain.
- An internet-facing Application Load Balancer in the public subnets: HTTPS with a TLS 1.2+
  policy, HTTP only to redirect (301), invalid headers dropped, access logs to the archive,
  deletion protection, and a WAF web ACL (AWS managed rules, Log4j rules, rate limit) that logs.
- An API Gateway REST API stage on the custom domain (TLS 1.2), its default execute-api endpoint
  switched off, a Cognito user-pool authorizer on every method not listed as public, throttling,
  access logs and X-Ray, and the same web ACL associated with the stage: AWS WAF cannot be
  associated with an HTTP API, so the API is a REST API whose stage the web ACL protects (LP-MON-1).
  The API reaches the load balancer privately, through a VPC link V2 (a REST private integration
  with the ALB), over HTTPS to the listener's certificate name. For a private integration API
  Gateway prefixes the path it sends with the stage name (``/v1/leads``); the application serves it.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field

import pulumi
import pulumi_aws as aws

from compliance_checks import conventions
from infra import policy_documents
from infra.components._outputs import child, policy_json
from infra.components.network import APP_PORT
from infra.settings import Route

TLS_POLICY = "ELBSecurityPolicy-TLS13-1-2-2021-06"
API_TLS_POLICY = "TLS_1_2"
STAGE_NAME = "v1"
API_GATEWAY_LOGGING_POLICY = "arn:aws:iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs"
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
        "resourcePath": "$context.resourcePath",
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
    account_id: pulumi.Input[str]
    access_log_bucket: pulumi.Input[str]
    logs_key_arn: pulumi.Input[str]
    log_retention_days: int
    throttling_rate_limit: float = 100.0
    throttling_burst_limit: int = 200
    tags: dict[str, str] = field(default_factory=dict)


def path_prefixes(path: str) -> list[str]:
    """ "/calls/{callId}/recording" -> ["/calls", "/calls/{callId}", "/calls/{callId}/recording"]."""
    parts = [p for p in path.split("/") if p]
    return ["/" + "/".join(parts[: i + 1]) for i in range(len(parts))]


def path_slug(path: str) -> str:
    """A logical-name fragment for a path: "/leads/{leadId}" -> "leads-leadid"."""
    return "-".join(p.strip("{}+").lower() for p in path.split("/") if p) or "root"


def path_parameters(path: str) -> list[str]:
    return [p.strip("{}").rstrip("+") for p in path.split("/") if p.startswith("{")]


def routes_fingerprint(routes: tuple[Route, ...], public: tuple[Route, ...]) -> str:
    """Changes when a route is added or removed or changes between public and authorized."""
    text = json.dumps([[r.key, r in public] for r in sorted(routes, key=lambda r: r.key)])
    return hashlib.sha256(text.encode()).hexdigest()


def visibility(metric: str) -> dict[str, object]:
    """A WAF visibility config: CloudWatch metrics under ``metric`` and sampled requests."""
    return {"cloudwatch_metrics_enabled": True, "metric_name": metric, "sampled_requests_enabled": True}


def web_acl_rules(prefix: str, rate_limit: int) -> list[dict[str, object]]:
    """The web ACL's rules: a rate limit per IP, then the AWS managed rule groups."""
    rules: list[dict[str, object]] = [
        {
            "name": "rate-limit-per-ip",
            "priority": 0,
            "action": {"block": {}},
            "statement": {"rate_based_statement": {"limit": rate_limit, "aggregate_key_type": "IP"}},
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
                            {"name": rule, "action_to_use": {"count": {}}} for rule in COUNT_ONLY_RULES.get(group, ())
                        ],
                    }
                },
                "visibility_config": visibility(f"{prefix}-{group}"),
            }
        )
    return rules


class Ingress(pulumi.ComponentResource):
    load_balancer: aws.lb.LoadBalancer
    api: aws.apigateway.RestApi
    stage: aws.apigateway.Stage
    web_acl: aws.wafv2.WebAcl

    def __init__(self, name: str, args: IngressArgs, opts: pulumi.ResourceOptions | None = None):
        super().__init__("leadping:ingress:Ingress", name, None, opts)
        prefix = args.name_prefix
        tags = args.tags
        log_tags = {**tags, conventions.DATA_CLASS: "logs"}
        certificate_arn = self._certificate(name, args, tags)
        self._load_balancer(name, args, prefix, tags, certificate_arn)
        self._web_acl(name, args, prefix, tags, log_tags)
        self._user_pools(name, prefix, tags)
        link, validator = self._rest_api(name, args, prefix, tags)
        deployment = self._routes(name, args, link, validator)
        access_logs = self._access_logs(name, args, log_tags)
        self._stage(name, args, prefix, tags, access_logs, deployment)
        self._domain(name, args, tags, certificate_arn)
        self.register_outputs(
            {
                "alb_arn": self.load_balancer.arn,
                "alb_dns_name": self.load_balancer.dns_name,
                "api_id": self.api.id,
                "domain_name": self.domain.domain_name,
                "web_acl_arn": self.web_acl.arn,
            }
        )

    def _certificate(self, name: str, args: IngressArgs, tags: dict[str, str]) -> pulumi.Output[str]:
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
        return certificate_arn

    def _load_balancer(
        self, name: str, args: IngressArgs, prefix: str, tags: dict[str, str], certificate_arn: pulumi.Output[str]
    ) -> None:
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

    def _web_acl(
        self, name: str, args: IngressArgs, prefix: str, tags: dict[str, str], log_tags: dict[str, str]
    ) -> None:
        # --- WAF ---
        rules = web_acl_rules(prefix, args.waf_rate_limit)
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

    def _user_pools(self, name: str, prefix: str, tags: dict[str, str]) -> None:
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

    def _rest_api(
        self, name: str, args: IngressArgs, prefix: str, tags: dict[str, str]
    ) -> tuple[aws.apigatewayv2.VpcLink, aws.apigateway.RequestValidator]:
        # --- REST API: a stage the web ACL protects (LP-MON-1) ---
        # AWS WAF cannot be associated with an HTTP API, and CONTROLS.md asks for a web ACL on every
        # public API stage: the API is a REST API stage, associated with the same regional web ACL as
        # the load balancer, so every request to it passes the managed rules and the rate limit
        # whichever name it arrives by. It reaches the load balancer privately (a VPC link V2 to the
        # ALB: API Gateway's private integration for REST APIs).
        self.api = aws.apigateway.RestApi(
            f"{name}-api",
            name=f"{prefix}-api",
            description="Leadping public API",
            endpoint_configuration={"types": "REGIONAL"},
            # Only the custom domain (TLS 1.2) serves the API.
            disable_execute_api_endpoint=True,
            tags=tags,
            opts=child(self),
        )
        self.authorizer = aws.apigateway.Authorizer(
            f"{name}-cognito-authorizer",
            rest_api=self.api.id,
            name=f"{prefix}-cognito",
            type="COGNITO_USER_POOLS",
            provider_arns=[pool.arn for pool in self.user_pools.values()],
            identity_source="method.request.header.Authorization",
            opts=child(self),
        )
        validator = aws.apigateway.RequestValidator(
            f"{name}-request-validator",
            rest_api=self.api.id,
            name=f"{prefix}-parameters",
            validate_request_parameters=True,
            validate_request_body=False,
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
        return link, validator

    def _routes(
        self,
        name: str,
        args: IngressArgs,
        link: aws.apigatewayv2.VpcLink,
        validator: aws.apigateway.RequestValidator,
    ) -> aws.apigateway.Deployment:
        """A method and its private integration per route, and the deployment of them all."""
        resources = self._resources(name, [route.path for route in args.api_routes])
        public = set(args.public_routes)
        self.methods: dict[str, aws.apigateway.Method] = {}
        integrations: list[aws.apigateway.Integration] = []
        for route in args.api_routes:
            is_public = route in public
            slug = f"{route.method.lower()}-{path_slug(route.path)}"
            parameters = path_parameters(route.path)
            resource_id = resources[route.path]
            method = aws.apigateway.Method(
                f"{name}-method-{slug}",
                rest_api=self.api.id,
                resource_id=resource_id,
                http_method=route.method,
                authorization="NONE" if is_public else "COGNITO_USER_POOLS",
                authorizer_id=None if is_public else self.authorizer.id,
                request_parameters={f"method.request.path.{p}": True for p in parameters} or None,
                request_validator_id=validator.id,
                opts=child(self),
            )
            self.methods[route.key] = method
            integrations.append(
                aws.apigateway.Integration(
                    f"{name}-integration-{slug}",
                    rest_api=self.api.id,
                    resource_id=resource_id,
                    http_method=method.http_method,
                    type="HTTP_PROXY",
                    integration_http_method=route.method,
                    connection_type="VPC_LINK",
                    connection_id=link.id,
                    integration_target=self.load_balancer.arn,
                    # HTTPS to the load balancer's listener, verified against the API's own name.
                    uri=f"https://{args.domain_name}:443{route.path}",
                    request_parameters={f"integration.request.path.{p}": f"method.request.path.{p}" for p in parameters}
                    or None,
                    opts=child(self),
                )
            )
        deployment = aws.apigateway.Deployment(
            f"{name}-deployment",
            rest_api=self.api.id,
            description="Leadping public API",
            # A new deployment whenever a route or its authorization changes.
            triggers={"routes": routes_fingerprint(args.api_routes, args.public_routes)},
            opts=child(self, depends_on=[*self.methods.values(), *integrations]),
        )
        return deployment

    def _access_logs(self, name: str, args: IngressArgs, log_tags: dict[str, str]) -> aws.cloudwatch.LogGroup:
        """The API stage's access log group."""
        return aws.cloudwatch.LogGroup(
            f"{name}-api-access-logs",
            name=f"/leadping/{args.environment}/api-access",
            retention_in_days=args.log_retention_days,
            kms_key_id=args.logs_key_arn,
            tags=log_tags,
            opts=child(self),
        )

    def _stage(
        self,
        name: str,
        args: IngressArgs,
        prefix: str,
        tags: dict[str, str],
        access_logs: aws.cloudwatch.LogGroup,
        deployment: aws.apigateway.Deployment,
    ) -> None:
        api_account = self._api_logging_account(name, args, prefix, tags)
        self.stage = aws.apigateway.Stage(
            f"{name}-stage",
            rest_api=self.api.id,
            deployment=deployment.id,
            stage_name=STAGE_NAME,
            access_log_settings={"destination_arn": access_logs.arn, "format": ACCESS_LOG_FORMAT},
            xray_tracing_enabled=True,
            tags=tags,
            opts=child(self, depends_on=[api_account]),
        )
        aws.apigateway.MethodSettings(
            f"{name}-stage-settings",
            rest_api=self.api.id,
            stage_name=self.stage.stage_name,
            method_path="*/*",
            settings={
                "metrics_enabled": True,
                "logging_level": "ERROR",
                # Request and response bodies carry customer data: never into the logs.
                "data_trace_enabled": False,
                # Cached answers would outlive the authorizer's tenant check (LP-AC-3).
                "caching_enabled": False,
                "throttling_rate_limit": args.throttling_rate_limit,
                "throttling_burst_limit": args.throttling_burst_limit,
            },
            opts=child(self),
        )
        aws.wafv2.WebAclAssociation(
            f"{name}-web-acl-api",
            resource_arn=self.stage.arn,
            web_acl_arn=self.web_acl.arn,
            opts=child(self),
        )

    def _api_logging_account(
        self, name: str, args: IngressArgs, prefix: str, tags: dict[str, str]
    ) -> aws.apigateway.Account:
        """The account's API Gateway logging role, which REST API stages log through."""
        logging_role = aws.iam.Role(
            f"{name}-api-logging-role",
            name=f"{prefix}-apigateway-logs",
            description="API Gateway writes the REST API's access and execution logs",
            assume_role_policy=policy_json(
                lambda account: policy_documents.service_trust("apigateway.amazonaws.com", account), args.account_id
            ),
            tags=tags,
            opts=child(self),
        )
        logging_policy = aws.iam.RolePolicyAttachment(
            f"{name}-api-logging-role-policy",
            role=logging_role.name,
            policy_arn=API_GATEWAY_LOGGING_POLICY,
            opts=child(self),
        )
        return aws.apigateway.Account(
            f"{name}-api-account",
            cloudwatch_role_arn=logging_role.arn,
            opts=child(self, depends_on=[logging_policy]),
        )

    def _domain(self, name: str, args: IngressArgs, tags: dict[str, str], certificate_arn: pulumi.Output[str]) -> None:
        self.domain = aws.apigateway.DomainName(
            f"{name}-domain",
            domain_name=args.domain_name,
            regional_certificate_arn=certificate_arn,
            endpoint_configuration={"types": "REGIONAL"},
            security_policy=API_TLS_POLICY,
            tags=tags,
            opts=child(self),
        )
        aws.apigateway.BasePathMapping(
            f"{name}-mapping",
            rest_api=self.api.id,
            stage_name=self.stage.stage_name,
            domain_name=self.domain.domain_name,
            opts=child(self),
        )
        aws.route53.Record(
            f"{name}-domain-record",
            zone_id=args.hosted_zone_id,
            name=args.domain_name,
            type="A",
            aliases=[
                {
                    "name": self.domain.regional_domain_name,
                    "zone_id": self.domain.regional_zone_id,
                    "evaluate_target_health": False,
                }
            ],
            opts=child(self),
        )

    def _resources(self, name: str, paths: list[str]) -> dict[str, pulumi.Input[str]]:
        """One API resource per path segment, parents first; the id of each route's path."""
        ids: dict[str, pulumi.Input[str]] = {"/": self.api.root_resource_id}
        prefixes = {prefix for route_path in paths for prefix in path_prefixes(route_path)}
        for path in sorted(prefixes, key=lambda p: (p.count("/"), p)):
            parent, _, part = path.rpartition("/")
            ids[path] = aws.apigateway.Resource(
                f"{name}-resource-{path_slug(path)}",
                rest_api=self.api.id,
                parent_id=ids[parent or "/"],
                path_part=part,
                opts=child(self),
            ).id
        return ids
