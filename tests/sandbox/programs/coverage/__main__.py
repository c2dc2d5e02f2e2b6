"""A Pulumi program that declares one of (nearly) every resource type the sandbox simulates.

The sandbox tests deploy it to check each handler against real Pulumi serialisation (camelCase
inputs, numbers as doubles, assets, provider references), independently of how far the
platform program in infra/ has grown.
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
aws.rds.Instance(
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
aws.lb.Listener(
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
aws.sqs.QueuePolicy(
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
firehose_role = aws.iam.Role("firehose-role", assume_role_policy=trust("firehose.amazonaws.com"))
aws.kinesis.FirehoseDeliveryStream(
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
events_role = aws.iam.Role("events-role", assume_role_policy=trust("events.amazonaws.com"))
aws.cloudwatch.EventTarget("lead-created-crm", rule=rule.name, arn=destination.arn, role_arn=events_role.arn)

pulumi.export("bucket", data_bucket.bucket)
pulumi.export("table_arn", table.arn)
pulumi.export("lb_dns", lb.dns_name)
pulumi.export("api_endpoint", api.api_endpoint)
pulumi.export("copy_vault_arn", copy_vault.arn)
