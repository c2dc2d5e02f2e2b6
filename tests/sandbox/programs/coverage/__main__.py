"""A Pulumi program that declares at least one resource of every type the sandbox simulates.

The sandbox tests deploy it to check each handler against real Pulumi serialisation (camelCase
inputs, numbers as doubles, assets, provider references), independently of how far the
platform program in infra/ has grown. It also declares the types users' programs still write
that the platform program does not: the deprecated s3 ``*V2`` resources and the ``aws.alb``
aliases of ``aws.lb`` (rendering them emits pulumi-aws deprecation warnings; only the platform
program's rendering must have none, tests/infra/test_program.py).
"""

import json

import pulumi
import pulumi_aws as aws

REGION = "us-east-1"
COPY_REGION = "us-west-2"
identity = aws.get_caller_identity_output()
account = identity.account_id
tags = {"leadping:environment": "dev"}


def doc(statements):
    return json.dumps({"Version": "2012-10-17", "Statement": statements})


def trust(service):
    return doc([{"Effect": "Allow", "Principal": {"Service": service}, "Action": "sts:AssumeRole"}])


key = aws.kms.Key(
    "data",
    description="coverage key",
    enable_key_rotation=True,
    rotation_period_in_days=180,
    deletion_window_in_days=7,
    policy=account.apply(
        lambda a: doc(
            [
                {
                    "Effect": "Allow",
                    "Principal": {"AWS": f"arn:aws:iam::{a}:root"},
                    "Action": "kms:*",
                    "Resource": "*",
                }
            ]
        )
    ),
    tags=tags,
)
aws.kms.Alias("data-alias", name="alias/coverage-data", target_key_id=key.key_id)
# A key whose policy is managed as its own resource (the key is created with the default policy).
queue_key = aws.kms.Key(
    "queue-key",
    description="coverage dead-letter queue key",
    enable_key_rotation=True,
    deletion_window_in_days=7,
    tags=tags,
)
aws.kms.KeyPolicy(
    "queue-key-policy",
    key_id=queue_key.key_id,
    policy=account.apply(
        lambda a: doc(
            [
                {
                    "Sid": "AccountAdministers",
                    "Effect": "Allow",
                    "Principal": {"AWS": f"arn:aws:iam::{a}:root"},
                    "Action": "kms:*",
                    "Resource": "*",
                },
                {
                    "Sid": "SqsUsesTheKey",
                    "Effect": "Allow",
                    "Principal": {"Service": "sqs.amazonaws.com"},
                    "Action": ["kms:GenerateDataKey", "kms:Decrypt"],
                    "Resource": "*",
                    "Condition": {"StringEquals": {"aws:SourceAccount": a}},
                },
            ]
        )
    ),
)

# Buckets: a data bucket logging into a log bucket with Object Lock.
logs_bucket = aws.s3.Bucket("log-archive", object_lock_enabled=True, tags={**tags, "leadping:log-archive": "true"})
aws.s3.BucketObjectLockConfiguration(
    "log-archive-lock",
    bucket=logs_bucket.id,
    rule={"default_retention": {"mode": "COMPLIANCE", "days": 365}},
)
aws.s3.BucketVersioning("log-archive-versioning", bucket=logs_bucket.id, versioning_configuration={"status": "Enabled"})
logs_policy = aws.s3.BucketPolicy(
    "log-archive-policy",
    bucket=logs_bucket.id,
    policy=pulumi.Output.all(logs_bucket.arn, account).apply(
        lambda args: doc(
            [
                {
                    "Sid": "DenyInsecureTransport",
                    "Effect": "Deny",
                    "Principal": "*",
                    "Action": "s3:*",
                    "Resource": [args[0], f"{args[0]}/*"],
                    "Condition": {"Bool": {"aws:SecureTransport": "false"}},
                },
                {
                    "Sid": "ServerAccessLogs",
                    "Effect": "Allow",
                    "Principal": {"Service": "logging.s3.amazonaws.com"},
                    "Action": "s3:PutObject",
                    "Resource": f"{args[0]}/*",
                    "Condition": {"StringEquals": {"aws:SourceAccount": args[1]}},
                },
                {
                    "Sid": "CloudTrail",
                    "Effect": "Allow",
                    "Principal": {"Service": "cloudtrail.amazonaws.com"},
                    "Action": ["s3:GetBucketAcl", "s3:PutObject"],
                    "Resource": [args[0], f"{args[0]}/*"],
                },
            ]
        )
    ),
)
aws.s3.BucketLifecycleConfiguration(
    "log-archive-lifecycle",
    bucket=logs_bucket.id,
    rules=[
        {
            "id": "cold",
            "status": "Enabled",
            "filter": {"prefix": ""},
            "transitions": [{"days": 90, "storage_class": "GLACIER"}],
            "noncurrent_version_transitions": [{"noncurrent_days": 30, "storage_class": "GLACIER"}],
            "abort_incomplete_multipart_upload": {"days_after_initiation": 7},
        }
    ],
)
data_bucket = aws.s3.Bucket("leads", tags={**tags, "leadping:data-store": "true", "leadping:tenant-data": "true"})
aws.s3.BucketServerSideEncryptionConfiguration(
    "leads-sse",
    bucket=data_bucket.id,
    rules=[
        {
            "apply_server_side_encryption_by_default": {"sse_algorithm": "aws:kms", "kms_master_key_id": key.arn},
            "bucket_key_enabled": True,
        }
    ],
)
aws.s3.BucketPublicAccessBlock(
    "leads-pab",
    bucket=data_bucket.id,
    block_public_acls=True,
    block_public_policy=True,
    ignore_public_acls=True,
    restrict_public_buckets=True,
)
aws.s3.BucketOwnershipControls(
    "leads-ownership", bucket=data_bucket.id, rule={"object_ownership": "BucketOwnerEnforced"}
)
aws.s3.BucketLogging(
    "leads-logging",
    bucket=data_bucket.id,
    target_bucket=logs_bucket.id,
    target_prefix="s3/leads/",
    opts=pulumi.ResourceOptions(depends_on=[logs_policy]),
)

# A bucket declared with the deprecated V2 resources, as older programs still do.
exports_bucket = aws.s3.BucketV2(
    "exports", object_lock_enabled=True, tags={**tags, "leadping:data-store": "true", "leadping:tenant-data": "true"}
)
aws.s3.BucketVersioningV2(
    "exports-versioning", bucket=exports_bucket.id, versioning_configuration={"status": "Enabled"}
)
aws.s3.BucketServerSideEncryptionConfigurationV2(
    "exports-sse",
    bucket=exports_bucket.id,
    rules=[
        {
            "apply_server_side_encryption_by_default": {"sse_algorithm": "aws:kms", "kms_master_key_id": key.arn},
            "bucket_key_enabled": True,
        }
    ],
)
aws.s3.BucketPublicAccessBlock(
    "exports-pab",
    bucket=exports_bucket.id,
    block_public_acls=True,
    block_public_policy=True,
    ignore_public_acls=True,
    restrict_public_buckets=True,
)
aws.s3.BucketLifecycleConfigurationV2(
    "exports-lifecycle",
    bucket=exports_bucket.id,
    rules=[
        {
            "id": "expire-exports",
            "status": "Enabled",
            "filter": {"prefix": "exports/"},
            "expiration": {"days": 30},
            "noncurrent_version_expiration": {"noncurrent_days": 7},
        }
    ],
)
aws.s3.BucketObjectLockConfigurationV2(
    "exports-lock", bucket=exports_bucket.id, rule={"default_retention": {"mode": "GOVERNANCE", "days": 7}}
)
aws.s3.BucketLoggingV2(
    "exports-logging",
    bucket=exports_bucket.id,
    target_bucket=logs_bucket.id,
    target_prefix="s3/exports/",
    target_object_key_format={"partitioned_prefix": {"partition_date_source": "EventTime"}},
    opts=pulumi.ResourceOptions(depends_on=[logs_policy]),
)

# IAM.
boundary = aws.iam.Policy(
    "boundary",
    policy=doc([{"Effect": "Allow", "Action": ["s3:GetObject", "dynamodb:GetItem"], "Resource": "*"}]),
    tags=tags,
)
api_role = aws.iam.Role(
    "api-role",
    assume_role_policy=trust("lambda.amazonaws.com"),
    permissions_boundary=boundary.arn,
    max_session_duration=3600,
    tags={**tags, "leadping:workload": "api"},
)
aws.iam.RolePolicy(
    "api-inline",
    role=api_role.name,
    policy=data_bucket.arn.apply(
        lambda arn: doc([{"Effect": "Allow", "Action": "s3:GetObject", "Resource": f"{arn}/*"}])
    ),
)
aws.iam.RolePolicyAttachment("api-boundary", role=api_role.name, policy_arn=boundary.arn)
oidc = aws.iam.OpenIdConnectProvider(
    "github", url="https://token.actions.githubusercontent.com", client_id_lists=["sts.amazonaws.com"]
)
policy_doc = aws.iam.get_policy_document_output(
    statements=[
        {"actions": ["sts:AssumeRoleWithWebIdentity"], "principals": [{"type": "Federated", "identifiers": [oidc.arn]}]}
    ]
)
aws.iam.Role("ci-deploy", assume_role_policy=policy_doc.json, tags={**tags, "leadping:workload": "ci-deploy"})
aws.iam.ServiceLinkedRole(
    "workers-autoscaling",
    aws_service_name="autoscaling.amazonaws.com",
    custom_suffix="leadping-workers",
    description="Auto Scaling for the worker fleet",
    tags=tags,
)

# DynamoDB.
table = aws.dynamodb.Table(
    "leads-table",
    billing_mode="PAY_PER_REQUEST",
    hash_key="business_id",
    range_key="lead_id",
    attributes=[{"name": "business_id", "type": "S"}, {"name": "lead_id", "type": "S"}, {"name": "email", "type": "S"}],
    global_secondary_indexes=[{"name": "by-email", "hash_key": "email", "projection_type": "KEYS_ONLY"}],
    server_side_encryption={"enabled": True, "kms_key_arn": key.arn},
    point_in_time_recovery={"enabled": True},
    deletion_protection_enabled=True,
    ttl={"attribute_name": "expires_at", "enabled": True},
    tags={**tags, "leadping:data-store": "true"},
)

# Network.
zones = aws.get_availability_zones_output()
vpc = aws.ec2.Vpc("vpc", cidr_block="10.20.0.0/16", enable_dns_hostnames=True, enable_dns_support=True, tags=tags)
subnets = [
    aws.ec2.Subnet(
        f"public-{i}", vpc_id=vpc.id, cidr_block=f"10.20.{i}.0/24", availability_zone=zones.names[i], tags=tags
    )
    for i in range(2)
]
igw = aws.ec2.InternetGateway("igw", vpc_id=vpc.id, tags=tags)
table_public = aws.ec2.RouteTable("public-rt", vpc_id=vpc.id, tags=tags)
aws.ec2.Route("public-default", route_table_id=table_public.id, destination_cidr_block="0.0.0.0/0", gateway_id=igw.id)
for i, subnet in enumerate(subnets):
    aws.ec2.RouteTableAssociation(f"public-rta-{i}", route_table_id=table_public.id, subnet_id=subnet.id)
eip = aws.ec2.Eip("nat-eip", domain="vpc")
aws.ec2.NatGateway("nat", subnet_id=subnets[0].id, allocation_id=eip.allocation_id, tags=tags)
aws.ec2.DefaultSecurityGroup("default-sg", vpc_id=vpc.id, tags=tags)
lb_sg = aws.ec2.SecurityGroup("lb-sg", vpc_id=vpc.id, description="load balancer", tags=tags)
aws.vpc.SecurityGroupIngressRule(
    "lb-https", security_group_id=lb_sg.id, ip_protocol="tcp", from_port=443, to_port=443, cidr_ipv4="0.0.0.0/0"
)
aws.vpc.SecurityGroupEgressRule("lb-all", security_group_id=lb_sg.id, ip_protocol="-1", cidr_ipv4="10.20.0.0/16")
db_sg = aws.ec2.SecurityGroup(
    "db-sg",
    vpc_id=vpc.id,
    description="database",
    ingress=[{"protocol": "tcp", "from_port": 5432, "to_port": 5432, "security_groups": [lb_sg.id]}],
    tags=tags,
)
aws.ec2.SecurityGroupRule(
    "db-self", type="ingress", security_group_id=db_sg.id, protocol="tcp", from_port=5432, to_port=5432, self=True
)
flow_group = aws.cloudwatch.LogGroup("flow-logs", retention_in_days=30, kms_key_id=key.arn, tags=tags)
flow_role = aws.iam.Role("flow-role", assume_role_policy=trust("vpc-flow-logs.amazonaws.com"))
aws.ec2.FlowLog(
    "vpc-flow", vpc_id=vpc.id, traffic_type="ALL", log_destination=flow_group.arn, iam_role_arn=flow_role.arn
)
aws.ec2.VpcEndpoint(
    "s3-endpoint", vpc_id=vpc.id, service_name=f"com.amazonaws.{REGION}.s3", route_table_ids=[table_public.id]
)
# A tools VPC whose gateway is attached as its own resource.
tools_vpc = aws.ec2.Vpc("tools-vpc", cidr_block="10.30.0.0/16", enable_dns_hostnames=True, tags=tags)
tools_igw = aws.ec2.InternetGateway("tools-igw", tags=tags)
aws.ec2.InternetGatewayAttachment("tools-igw-attachment", internet_gateway_id=tools_igw.id, vpc_id=tools_vpc.id)
tools_flow_group = aws.cloudwatch.LogGroup("tools-flow-logs", retention_in_days=30, kms_key_id=key.arn, tags=tags)
aws.ec2.FlowLog(
    "tools-vpc-flow",
    vpc_id=tools_vpc.id,
    traffic_type="ALL",
    log_destination=tools_flow_group.arn,
    iam_role_arn=flow_role.arn,
)
# Private DNS for both VPCs.
private_zone = aws.route53.Zone(
    "internal",
    name="internal.dev.leadping.ai",
    comment="private names of the dev VPCs",
    vpcs=[{"vpc_id": vpc.id}, {"vpc_id": tools_vpc.id}],
    tags=tags,
)
aws.ebs.EncryptionByDefault("ebs-default", enabled=True)
aws.ebs.DefaultKmsKey("ebs-key", key_arn=key.arn)

# Database.
db_subnets = aws.rds.SubnetGroup("db-subnets", subnet_ids=[s.id for s in subnets], tags=tags)
db_params = aws.rds.ParameterGroup(
    "db-params",
    family="postgres16",
    parameters=[{"name": "rds.force_ssl", "value": "1", "apply_method": "pending-reboot"}],
    tags=tags,
)
db = aws.rds.Instance(
    "db",
    engine="postgres",
    engine_version="16",
    instance_class="db.t4g.medium",
    allocated_storage=20,
    username="leadping",
    manage_master_user_password=True,
    master_user_secret_kms_key_id=key.arn,
    db_subnet_group_name=db_subnets.name,
    vpc_security_group_ids=[db_sg.id],
    parameter_group_name=db_params.name,
    storage_encrypted=True,
    kms_key_id=key.arn,
    backup_retention_period=7,
    deletion_protection=True,
    skip_final_snapshot=True,
    tags={**tags, "leadping:data-store": "true"},
)
# RDS creates the master user secret; the program tags it like every other secret.
aws.secretsmanager.Tag(
    "db-secret-system", secret_id=db.master_user_secrets[0].secret_arn, key="system", value="postgres"
)
aws.rds.ClusterParameterGroup(
    "aurora-params",
    family="aurora-postgresql16",
    description="TLS only",
    parameters=[{"name": "rds.force_ssl", "value": "1", "apply_method": "pending-reboot"}],
    tags=tags,
)

# Certificate, DNS, load balancer, WAF.
zone_id = "Z0DEVLEADPINGAI00001"
certificate = aws.acm.Certificate("api-cert", domain_name="api.dev.leadping.ai", validation_method="DNS", tags=tags)
option = certificate.domain_validation_options[0]
validation_record = aws.route53.Record(
    "api-cert-validation",
    zone_id=zone_id,
    name=option.resource_record_name,
    type=option.resource_record_type,
    records=[option.resource_record_value],
    ttl=60,
    allow_overwrite=True,
)
validated = aws.acm.CertificateValidation(
    "api-cert-validated", certificate_arn=certificate.arn, validation_record_fqdns=[validation_record.fqdn]
)
lb = aws.lb.LoadBalancer(
    "alb",
    load_balancer_type="application",
    subnets=[s.id for s in subnets],
    security_groups=[lb_sg.id],
    drop_invalid_header_fields=True,
    enable_deletion_protection=True,
    access_logs={"bucket": logs_bucket.id, "enabled": True, "prefix": "alb"},
    tags=tags,
)
tg = aws.lb.TargetGroup(
    "api-tg", port=8080, protocol="HTTP", vpc_id=vpc.id, target_type="ip", health_check={"path": "/health"}, tags=tags
)
https = aws.lb.Listener(
    "https",
    load_balancer_arn=lb.arn,
    port=443,
    protocol="HTTPS",
    ssl_policy="ELBSecurityPolicy-TLS13-1-2-2021-06",
    certificate_arn=validated.certificate_arn,
    default_actions=[{"type": "forward", "target_group_arn": tg.arn}],
)
aws.lb.Listener(
    "http",
    load_balancer_arn=lb.arn,
    port=80,
    protocol="HTTP",
    default_actions=[{"type": "redirect", "redirect": {"port": "443", "protocol": "HTTPS", "status_code": "HTTP_301"}}],
)
acl = aws.wafv2.WebAcl(
    "waf",
    scope="REGIONAL",
    default_action={"allow": {}},
    rules=[
        {
            "name": "common",
            "priority": 1,
            "override_action": {"none": {}},
            "statement": {
                "managed_rule_group_statement": {"name": "AWSManagedRulesCommonRuleSet", "vendor_name": "AWS"}
            },
            "visibility_config": {
                "cloudwatch_metrics_enabled": True,
                "metric_name": "common",
                "sampled_requests_enabled": True,
            },
        },
        {
            "name": "rate",
            "priority": 2,
            "action": {"block": {}},
            "statement": {"rate_based_statement": {"limit": 2000, "aggregate_key_type": "IP"}},
            "visibility_config": {
                "cloudwatch_metrics_enabled": True,
                "metric_name": "rate",
                "sampled_requests_enabled": True,
            },
        },
    ],
    visibility_config={"cloudwatch_metrics_enabled": True, "metric_name": "waf", "sampled_requests_enabled": True},
    tags=tags,
)
aws.wafv2.WebAclAssociation("waf-alb", web_acl_arn=acl.arn, resource_arn=lb.arn)
# WAF logs go to a log group whose name AWS requires to start with "aws-waf-logs-"; the log
# delivery service writes to it under the account's log resource policy.
waf_logs = aws.cloudwatch.LogGroup(
    "waf-logs", name="aws-waf-logs-coverage", retention_in_days=30, kms_key_id=key.arn, tags=tags
)
aws.cloudwatch.LogResourcePolicy(
    "waf-log-delivery",
    policy_name="waf-log-delivery",
    policy_document=pulumi.Output.all(waf_logs.arn, account).apply(
        lambda args: doc(
            [
                {
                    "Effect": "Allow",
                    "Principal": {"Service": "delivery.logs.amazonaws.com"},
                    "Action": ["logs:CreateLogStream", "logs:PutLogEvents"],
                    "Resource": f"{args[0]}:*",
                    "Condition": {"StringEquals": {"aws:SourceAccount": args[1]}},
                }
            ]
        )
    ),
)
aws.wafv2.WebAclLoggingConfiguration(
    "waf-logging",
    resource_arn=acl.arn,
    log_destination_configs=[waf_logs.arn],
    redacted_fields=[{"single_header": {"name": "authorization"}}],
    logging_filter={
        "default_behavior": "KEEP",
        "filters": [
            {
                "behavior": "DROP",
                "requirement": "MEETS_ALL",
                "conditions": [{"action_condition": {"action": "ALLOW"}}],
            }
        ],
    },
)

# A second certificate served by the public load balancer (SNI), one more target, an edge rule.
app_certificate = aws.acm.Certificate("app-cert", domain_name="app.dev.leadping.ai", validation_method="DNS", tags=tags)
app_option = app_certificate.domain_validation_options[0]
app_validation_record = aws.route53.Record(
    "app-cert-validation",
    zone_id=zone_id,
    name=app_option.resource_record_name,
    type=app_option.resource_record_type,
    records=[app_option.resource_record_value],
    ttl=60,
    allow_overwrite=True,
)
app_validated = aws.acm.CertificateValidation(
    "app-cert-validated", certificate_arn=app_certificate.arn, validation_record_fqdns=[app_validation_record.fqdn]
)
aws.lb.ListenerCertificate("https-app", listener_arn=https.arn, certificate_arn=app_validated.certificate_arn)
aws.lb.TargetGroupAttachment("api-target-0", target_group_arn=tg.arn, target_id="10.20.0.10", port=8080)
aws.lb.ListenerRule(
    "https-no-internal",
    listener_arn=https.arn,
    priority=10,
    conditions=[{"path_pattern": {"values": ["/internal/*"]}}],
    actions=[
        {
            "type": "fixed-response",
            "fixed_response": {"content_type": "text/plain", "message_body": "not found", "status_code": "404"},
        }
    ],
    tags=tags,
)

# An internal load balancer declared with the aws.alb aliases, reached by the HTTP API's VPC link.
internal_sg = aws.ec2.SecurityGroup("internal-lb-sg", vpc_id=vpc.id, description="internal load balancer", tags=tags)
link_sg = aws.ec2.SecurityGroup("vpc-link-sg", vpc_id=vpc.id, description="API Gateway VPC link", tags=tags)
aws.vpc.SecurityGroupIngressRule(
    "internal-from-link",
    security_group_id=internal_sg.id,
    ip_protocol="tcp",
    from_port=443,
    to_port=443,
    referenced_security_group_id=link_sg.id,
)
aws.vpc.SecurityGroupEgressRule(
    "link-to-internal",
    security_group_id=link_sg.id,
    ip_protocol="tcp",
    from_port=443,
    to_port=443,
    referenced_security_group_id=internal_sg.id,
)
internal_lb = aws.alb.LoadBalancer(
    "internal-alb",
    internal=True,
    load_balancer_type="application",
    subnets=[s.id for s in subnets],
    security_groups=[internal_sg.id],
    drop_invalid_header_fields=True,
    enable_deletion_protection=True,
    access_logs={"bucket": logs_bucket.id, "enabled": True, "prefix": "internal-alb"},
    tags=tags,
)
workers_tg = aws.alb.TargetGroup(
    "workers-tg",
    port=8443,
    protocol="HTTPS",
    vpc_id=vpc.id,
    target_type="ip",
    deregistration_delay=30,
    health_check={"path": "/health", "protocol": "HTTPS", "matcher": "200"},
    tags=tags,
)
aws.alb.TargetGroupAttachment("workers-target-0", target_group_arn=workers_tg.arn, target_id="10.20.1.20", port=8443)
internal_https = aws.alb.Listener(
    "internal-https",
    load_balancer_arn=internal_lb.arn,
    port=443,
    protocol="HTTPS",
    ssl_policy="ELBSecurityPolicy-TLS13-1-2-2021-06",
    certificate_arn=validated.certificate_arn,
    default_actions=[{"type": "forward", "target_group_arn": workers_tg.arn}],
    tags=tags,
)
aws.alb.ListenerCertificate(
    "internal-https-app", listener_arn=internal_https.arn, certificate_arn=app_validated.certificate_arn
)
aws.alb.ListenerRule(
    "internal-app-host",
    listener_arn=internal_https.arn,
    priority=20,
    conditions=[{"host_header": {"values": ["app.dev.leadping.ai"]}}, {"http_request_method": {"values": ["GET"]}}],
    actions=[{"type": "forward", "target_group_arn": workers_tg.arn}],
    tags=tags,
)
aws.route53.Record(
    "internal-api",
    zone_id=private_zone.zone_id,
    name="api.internal.dev.leadping.ai",
    type="A",
    aliases=[{"name": internal_lb.dns_name, "zone_id": internal_lb.zone_id, "evaluate_target_health": True}],
)

# HTTP API behind a custom domain, with a JWT authorizer.
pool = aws.cognito.UserPool(
    "users",
    mfa_configuration="OPTIONAL",
    software_token_mfa_configuration={"enabled": True},
    password_policy={
        "minimum_length": 14,
        "require_numbers": True,
        "require_symbols": True,
        "require_uppercase": True,
        "require_lowercase": True,
    },
    tags=tags,
)
aws.cognito.UserPoolDomain("users-domain", domain="leadping-dev-coverage", user_pool_id=pool.id)
client = aws.cognito.UserPoolClient(
    "users-client",
    name="api",
    user_pool_id=pool.id,
    explicit_auth_flows=["ALLOW_REFRESH_TOKEN_AUTH", "ALLOW_USER_SRP_AUTH"],
)
api = aws.apigatewayv2.Api("api", protocol_type="HTTP", tags=tags)
authorizer = aws.apigatewayv2.Authorizer(
    "jwt",
    api_id=api.id,
    authorizer_type="JWT",
    identity_sources=["$request.header.Authorization"],
    jwt_configuration={"audiences": [client.id], "issuer": pool.endpoint.apply(lambda e: f"https://{e}")},
)
integration = aws.apigatewayv2.Integration(
    "alb-integration",
    api_id=api.id,
    integration_type="HTTP_PROXY",
    integration_method="ANY",
    integration_uri="https://api.dev.leadping.ai/{proxy}",
)
aws.apigatewayv2.Route(
    "health", api_id=api.id, route_key="GET /health", target=integration.id.apply(lambda i: f"integrations/{i}")
)
aws.apigatewayv2.Route(
    "leads",
    api_id=api.id,
    route_key="GET /leads",
    authorization_type="JWT",
    authorizer_id=authorizer.id,
    target=integration.id.apply(lambda i: f"integrations/{i}"),
)
api_logs = aws.cloudwatch.LogGroup("api-access", retention_in_days=30, kms_key_id=key.arn, tags=tags)
stage = aws.apigatewayv2.Stage(
    "default",
    api_id=api.id,
    name="$default",
    auto_deploy=True,
    access_log_settings={"destination_arn": api_logs.arn, "format": '{"requestId":"$context.requestId"}'},
    default_route_settings={"throttling_burst_limit": 100, "throttling_rate_limit": 50},
    tags=tags,
)
domain = aws.apigatewayv2.DomainName(
    "api-domain",
    domain_name="api.dev.leadping.ai",
    domain_name_configuration={
        "certificate_arn": validated.certificate_arn,
        "endpoint_type": "REGIONAL",
        "security_policy": "TLS_1_2",
    },
    tags=tags,
)
aws.apigatewayv2.ApiMapping("api-mapping", api_id=api.id, domain_name=domain.id, stage=stage.id)
# A private HTTP API (internal routes) through a VPC link, deployed explicitly to a named stage.
vpc_link = aws.apigatewayv2.VpcLink(
    "internal-link", subnet_ids=[s.id for s in subnets], security_group_ids=[link_sg.id], tags=tags
)
internal_api = aws.apigatewayv2.Api("internal-api", protocol_type="HTTP", tags=tags)
internal_integration = aws.apigatewayv2.Integration(
    "internal-alb-integration",
    api_id=internal_api.id,
    integration_type="HTTP_PROXY",
    integration_method="ANY",
    integration_uri=internal_https.arn,
    connection_type="VPC_LINK",
    connection_id=vpc_link.id,
    tls_config={"server_name_to_verify": "api.dev.leadping.ai"},
    payload_format_version="1.0",
)
internal_route = aws.apigatewayv2.Route(
    "internal-proxy",
    api_id=internal_api.id,
    route_key="ANY /internal/{proxy+}",
    authorization_type="JWT",
    authorizer_id=aws.apigatewayv2.Authorizer(
        "internal-jwt",
        api_id=internal_api.id,
        authorizer_type="JWT",
        identity_sources=["$request.header.Authorization"],
        jwt_configuration={"audiences": [client.id], "issuer": pool.endpoint.apply(lambda e: f"https://{e}")},
    ).id,
    target=internal_integration.id.apply(lambda i: f"integrations/{i}"),
)
internal_deployment = aws.apigatewayv2.Deployment(
    "internal-deployment",
    api_id=internal_api.id,
    description="internal routes",
    triggers={"route": internal_route.id, "integration": internal_integration.id},
    opts=pulumi.ResourceOptions(depends_on=[internal_route]),
)
aws.apigatewayv2.Stage(
    "internal-live",
    api_id=internal_api.id,
    name="live",
    deployment_id=internal_deployment.id,
    access_log_settings={"destination_arn": api_logs.arn, "format": '{"requestId":"$context.requestId"}'},
    tags=tags,
)

aws.route53.Record(
    "api-alias",
    zone_id=zone_id,
    name="api.dev.leadping.ai",
    type="A",
    aliases=[
        {
            "name": domain.domain_name_configuration.target_domain_name,
            "zone_id": domain.domain_name_configuration.hosted_zone_id,
            "evaluate_target_health": False,
        }
    ],
)

# A REST API stage behind the web ACL, reaching the load balancer through a VPC link V2, with a
# Cognito authorizer, a custom domain and the account's CloudWatch role for its logs.
rest = aws.apigateway.RestApi(
    "rest-api",
    name="coverage-rest",
    endpoint_configuration={"types": "REGIONAL"},
    disable_execute_api_endpoint=True,
    tags=tags,
)
rest_authorizer = aws.apigateway.Authorizer(
    "rest-cognito",
    rest_api=rest.id,
    type="COGNITO_USER_POOLS",
    provider_arns=[pool.arn],
    identity_source="method.request.header.Authorization",
)
rest_validator = aws.apigateway.RequestValidator(
    "rest-validator", rest_api=rest.id, validate_request_parameters=True, validate_request_body=False
)
rest_leads = aws.apigateway.Resource("rest-leads", rest_api=rest.id, parent_id=rest.root_resource_id, path_part="leads")
rest_lead = aws.apigateway.Resource("rest-lead", rest_api=rest.id, parent_id=rest_leads.id, path_part="{leadId}")
rest_methods = [
    aws.apigateway.Method(
        "rest-get-lead",
        rest_api=rest.id,
        resource_id=rest_lead.id,
        http_method="GET",
        authorization="COGNITO_USER_POOLS",
        authorizer_id=rest_authorizer.id,
        request_parameters={"method.request.path.leadId": True},
        request_validator_id=rest_validator.id,
    ),
    aws.apigateway.Method(
        "rest-get-leads", rest_api=rest.id, resource_id=rest_leads.id, http_method="GET", authorization="NONE"
    ),
]
rest_integrations = [
    aws.apigateway.Integration(
        "rest-get-lead-integration",
        rest_api=rest.id,
        resource_id=rest_lead.id,
        http_method=rest_methods[0].http_method,  # after its method, as AWS requires
        type="HTTP_PROXY",
        integration_http_method="GET",
        connection_type="VPC_LINK",
        connection_id=vpc_link.id,
        integration_target=lb.arn,
        uri="https://api.dev.leadping.ai:443/leads/{leadId}",
        request_parameters={"integration.request.path.leadId": "method.request.path.leadId"},
    ),
    aws.apigateway.Integration(
        "rest-get-leads-integration",
        rest_api=rest.id,
        resource_id=rest_leads.id,
        http_method=rest_methods[1].http_method,
        type="MOCK",
    ),
]
rest_deployment = aws.apigateway.Deployment(
    "rest-deployment",
    rest_api=rest.id,
    description="coverage",
    triggers={"methods": "2"},
    opts=pulumi.ResourceOptions(depends_on=[*rest_methods, *rest_integrations]),
)
apigateway_logs_role = aws.iam.Role("apigateway-logs", assume_role_policy=trust("apigateway.amazonaws.com"))
aws.iam.RolePolicyAttachment(
    "apigateway-logs-policy",
    role=apigateway_logs_role.name,
    policy_arn="arn:aws:iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs",
)
rest_account = aws.apigateway.Account("apigateway-account", cloudwatch_role_arn=apigateway_logs_role.arn)
rest_stage = aws.apigateway.Stage(
    "rest-stage",
    rest_api=rest.id,
    deployment=rest_deployment.id,
    stage_name="v1",
    access_log_settings={"destination_arn": api_logs.arn, "format": '{"requestId":"$context.requestId"}'},
    xray_tracing_enabled=True,
    tags=tags,
    opts=pulumi.ResourceOptions(depends_on=[rest_account]),
)
aws.apigateway.MethodSettings(
    "rest-settings",
    rest_api=rest.id,
    stage_name=rest_stage.stage_name,
    method_path="*/*",
    settings={
        "metrics_enabled": True,
        "logging_level": "ERROR",
        "throttling_rate_limit": 50,
        "throttling_burst_limit": 100,
        "caching_enabled": False,
    },
)
aws.wafv2.WebAclAssociation("waf-rest-stage", web_acl_arn=acl.arn, resource_arn=rest_stage.arn)
rest_domain = aws.apigateway.DomainName(
    "rest-domain",
    domain_name="rest.dev.leadping.ai",
    regional_certificate_arn=validated.certificate_arn,
    endpoint_configuration={"types": "REGIONAL"},
    security_policy="TLS_1_2",
    tags=tags,
)
aws.apigateway.BasePathMapping(
    "rest-mapping", rest_api=rest.id, stage_name=rest_stage.stage_name, domain_name=rest_domain.domain_name
)
aws.route53.Record(
    "rest-alias",
    zone_id=zone_id,
    name="rest.dev.leadping.ai",
    type="A",
    aliases=[
        {
            "name": rest_domain.regional_domain_name,
            "zone_id": rest_domain.regional_zone_id,
            "evaluate_target_health": False,
        }
    ],
)

# Backups, with a copy vault in a second region through an explicit provider.
copy_provider = aws.Provider("copy-region", region=COPY_REGION)
vault = aws.backup.Vault("vault", kms_key_arn=key.arn, tags=tags)
aws.backup.VaultLockConfiguration(
    "vault-lock", backup_vault_name=vault.name, min_retention_days=7, max_retention_days=400
)
copy_vault = aws.backup.Vault("copy-vault", opts=pulumi.ResourceOptions(provider=copy_provider))
plan = aws.backup.Plan(
    "plan",
    rules=[
        {
            "rule_name": "daily",
            "target_vault_name": vault.name,
            "schedule": "cron(0 5 * * ? *)",
            "lifecycle": {"delete_after": 35},
            "copy_actions": [{"destination_vault_arn": copy_vault.arn, "lifecycle": {"delete_after": 35}}],
        }
    ],
    tags=tags,
)
backup_role = aws.iam.Role("backup-role", assume_role_policy=trust("backup.amazonaws.com"))
aws.backup.Selection(
    "data-stores",
    plan_id=plan.id,
    iam_role_arn=backup_role.arn,
    selection_tags=[{"type": "STRINGEQUALS", "key": "leadping:data-store", "value": "true"}],
)
aws.backup.VaultPolicy(
    "vault-policy",
    backup_vault_name=vault.name,
    policy=vault.arn.apply(
        lambda arn: doc(
            [
                {
                    "Sid": "NoDeletingRecoveryPoints",
                    "Effect": "Deny",
                    "Principal": {"AWS": "*"},
                    "Action": ["backup:DeleteRecoveryPoint", "backup:UpdateRecoveryPointLifecycle"],
                    "Resource": "*",
                }
            ]
        )
    ),
)

# Trail, log groups, metric filter, alarm, topic.
trail_group = aws.cloudwatch.LogGroup("trail", retention_in_days=30, kms_key_id=key.arn, tags=tags)
trail_role = aws.iam.Role("trail-role", assume_role_policy=trust("cloudtrail.amazonaws.com"))
aws.cloudtrail.Trail(
    "trail",
    s3_bucket_name=logs_bucket.id,
    is_multi_region_trail=True,
    enable_log_file_validation=True,
    kms_key_id=key.arn,
    cloud_watch_logs_group_arn=trail_group.arn.apply(lambda arn: f"{arn}:*"),
    cloud_watch_logs_role_arn=trail_role.arn,
    advanced_event_selectors=[
        {"name": "management", "field_selectors": [{"field": "eventCategory", "equals": ["Management"]}]},
        {
            "name": "tenant data",
            "field_selectors": [
                {"field": "eventCategory", "equals": ["Data"]},
                {"field": "resources.type", "equals": ["AWS::S3::Object"]},
                {"field": "resources.ARN", "starts_withs": [data_bucket.arn.apply(lambda a: f"{a}/")]},
            ],
        },
    ],
    tags=tags,
    opts=pulumi.ResourceOptions(depends_on=[logs_policy]),
)
topic = aws.sns.Topic("alarms", kms_master_key_id=key.id, tags=tags)
topic_policy = aws.sns.TopicPolicy(
    "alarms-policy",
    arn=topic.arn,
    policy=pulumi.Output.all(topic.arn, account).apply(
        lambda args: doc(
            [
                {
                    "Sid": "ServicesPublish",
                    "Effect": "Allow",
                    "Principal": {"Service": ["cloudwatch.amazonaws.com", "backup.amazonaws.com"]},
                    "Action": "sns:Publish",
                    "Resource": args[0],
                    "Condition": {"StringEquals": {"aws:SourceAccount": args[1]}},
                },
                {
                    "Sid": "DenyInsecureTransport",
                    "Effect": "Deny",
                    "Principal": "*",
                    "Action": "sns:Publish",
                    "Resource": args[0],
                    "Condition": {"Bool": {"aws:SecureTransport": "false"}},
                },
            ]
        )
    ),
)
aws.backup.VaultNotifications(
    "vault-notifications",
    backup_vault_name=vault.name,
    sns_topic_arn=topic.arn,
    backup_vault_events=["BACKUP_JOB_FAILED", "COPY_JOB_FAILED", "RESTORE_JOB_COMPLETED"],
    opts=pulumi.ResourceOptions(depends_on=[topic_policy]),
)
aws.sns.TopicSubscription("alarms-email", topic=topic.arn, protocol="email", endpoint="security@leadping.ai")
aws.cloudwatch.LogMetricFilter(
    "root-use",
    log_group_name=trail_group.name,
    pattern='{ $.userIdentity.type = "Root" }',
    metric_transformation={"name": "RootUse", "namespace": "Leadping/Security", "value": "1"},
)
aws.cloudwatch.MetricAlarm(
    "root-use",
    metric_name="RootUse",
    namespace="Leadping/Security",
    statistic="Sum",
    period=300,
    evaluation_periods=1,
    threshold=1,
    comparison_operator="GreaterThanOrEqualToThreshold",
    alarm_actions=[topic.arn],
    tags=tags,
)
queue = aws.sqs.Queue("messages", kms_master_key_id=key.id, message_retention_seconds=345600, tags=tags)
messages_policy = aws.sqs.QueuePolicy(
    "messages-policy",
    queue_url=queue.id,
    policy=queue.arn.apply(
        lambda arn: doc(
            [
                {
                    "Effect": "Deny",
                    "Principal": "*",
                    "Action": "sqs:*",
                    "Resource": arn,
                    "Condition": {"Bool": {"aws:SecureTransport": "false"}},
                }
            ]
        )
    ),
)
# The queue's dead letters. Its redrive policy is set after its access policy (SetQueueAttributes
# on another attribute), which must leave the access policy in place.
dead_letters = aws.sqs.Queue(
    "messages-dlq", kms_master_key_id=queue_key.arn, message_retention_seconds=1209600, tags=tags
)
aws.sqs.RedrivePolicy(
    "messages-redrive",
    queue_url=queue.id,
    redrive_policy=dead_letters.arn.apply(lambda arn: json.dumps({"deadLetterTargetArn": arn, "maxReceiveCount": 5})),
    opts=pulumi.ResourceOptions(depends_on=[messages_policy]),
)
aws.sqs.RedriveAllowPolicy(
    "messages-dlq-sources",
    queue_url=dead_letters.id,
    redrive_allow_policy=queue.arn.apply(
        lambda arn: json.dumps({"redrivePermission": "byQueue", "sourceQueueArns": [arn]})
    ),
)
firehose_role = aws.iam.Role("firehose-role", assume_role_policy=trust("firehose.amazonaws.com"))
app_logs_stream = aws.kinesis.FirehoseDeliveryStream(
    "app-logs",
    destination="extended_s3",
    server_side_encryption={"enabled": True, "key_type": "CUSTOMER_MANAGED_CMK", "key_arn": key.arn},
    extended_s3_configuration={
        "role_arn": firehose_role.arn,
        "bucket_arn": logs_bucket.arn,
        "prefix": "app/",
        "kms_key_arn": key.arn,
        "buffering_size": 5,
        "buffering_interval": 300,
    },
    tags=tags,
)

# Application logs: a stream per writer, and everything archived through the delivery stream.
app_group = aws.cloudwatch.LogGroup("app", retention_in_days=30, kms_key_id=key.arn, tags=tags)
aws.cloudwatch.LogStream("app-audit", name="audit", log_group_name=app_group.name)
subscription_role = aws.iam.Role("logs-to-firehose", assume_role_policy=trust("logs.amazonaws.com"))
aws.iam.RolePolicy(
    "logs-to-firehose-put",
    role=subscription_role.name,
    policy=app_logs_stream.arn.apply(
        lambda arn: doc(
            [{"Effect": "Allow", "Action": ["firehose:PutRecord", "firehose:PutRecordBatch"], "Resource": arn}]
        )
    ),
)
aws.cloudwatch.LogSubscriptionFilter(
    "app-archive",
    log_group=app_group.name,
    filter_pattern="",
    destination_arn=app_logs_stream.arn,
    role_arn=subscription_role.arn,
    distribution="ByLogStream",
)

# Detection.
detector = aws.guardduty.Detector("guardduty", enable=True, tags=tags)
aws.guardduty.DetectorFeature("s3-protection", detector_id=detector.id, name="S3_DATA_EVENTS", status="ENABLED")
aws.guardduty.Detector("guardduty-copy", enable=True, opts=pulumi.ResourceOptions(provider=copy_provider))
hub = aws.securityhub.Account("hub", enable_default_standards=False)
aws.securityhub.StandardsSubscription(
    "fsbp",
    standards_arn=f"arn:aws:securityhub:{REGION}::standards/aws-foundational-security-best-practices/v/1.0.0",
    opts=pulumi.ResourceOptions(depends_on=[hub]),
)

# A secret rotated by a Lambda function.
rotation_role = aws.iam.Role("rotation-role", assume_role_policy=trust("lambda.amazonaws.com"))
rotator = aws.lambda_.Function(
    "rotator",
    role=rotation_role.arn,
    runtime="python3.12",
    handler="index.handler",
    code=pulumi.AssetArchive({"index.py": pulumi.StringAsset("def handler(event, context):\n    return None\n")}),
    environment={"variables": {"LOG_LEVEL": "info"}},
    timeout=30,
    tags=tags,
)
aws.lambda_.Permission(
    "rotator-invoke", function=rotator.name, action="lambda:InvokeFunction", principal="secretsmanager.amazonaws.com"
)
secret = aws.secretsmanager.Secret("twilio", kms_key_id=key.arn, tags={**tags, "system": "twilio"})
initial = aws.secretsmanager.SecretVersion("twilio-initial", secret_id=secret.id, secret_string="replace-me")
aws.secretsmanager.SecretPolicy(
    "twilio-policy",
    secret_arn=secret.arn,
    policy=api_role.arn.apply(
        lambda arn: doc(
            [{"Effect": "Allow", "Principal": {"AWS": arn}, "Action": "secretsmanager:GetSecretValue", "Resource": "*"}]
        )
    ),
)
aws.secretsmanager.SecretRotation(
    "twilio-rotation",
    secret_id=secret.id,
    rotation_lambda_arn=rotator.arn,
    rotation_rules={"automatically_after_days": 30},
    opts=pulumi.ResourceOptions(depends_on=[initial]),
)
aws.ssm.Parameter("api-url", type="String", value="https://api.dev.leadping.ai", tags=tags)

# Outbound integration.
connection = aws.cloudwatch.EventConnection(
    "crm",
    name="coverage-crm",
    authorization_type="API_KEY",
    auth_parameters={"api_key": {"key": "x-api-key", "value": "replace-me"}},
)
destination = aws.cloudwatch.EventApiDestination(
    "crm",
    name="coverage-crm",
    connection_arn=connection.arn,
    invocation_endpoint="https://hooks.dev.leadping.ai/crm",
    http_method="POST",
)
rule = aws.cloudwatch.EventRule("lead-created", event_pattern=json.dumps({"source": ["leadping.leads"]}), tags=tags)
# The product's own events travel on a custom bus, encrypted with the data key.
leads_bus = aws.cloudwatch.EventBus(
    "leads", name="leadping-leads", description="lead lifecycle events", kms_key_identifier=key.arn, tags=tags
)
aws.cloudwatch.EventRule(
    "lead-archived",
    event_bus_name=leads_bus.name,
    event_pattern=json.dumps({"source": ["leadping.leads"], "detail-type": ["LeadArchived"]}),
    tags=tags,
)
events_role = aws.iam.Role("events-role", assume_role_policy=trust("events.amazonaws.com"))
aws.cloudwatch.EventTarget("lead-created-crm", rule=rule.name, arn=destination.arn, role_arn=events_role.arn)

pulumi.export("bucket", data_bucket.bucket)
pulumi.export("table_arn", table.arn)
pulumi.export("lb_dns", lb.dns_name)
pulumi.export("api_endpoint", api.api_endpoint)
pulumi.export("copy_vault_arn", copy_vault.arn)
