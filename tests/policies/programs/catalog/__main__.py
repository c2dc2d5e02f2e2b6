"""A Pulumi program with one resource of every type the gate maps (policies/type_map.yaml).

Not a deployable design: it exists so that every mapping entry is exercised on a real rendered
resource (tests/policies/test_mapping.py) whatever the Leadping program happens to use.
"""

import json

import pulumi
import pulumi_aws as aws

tags = {"purpose": "gate-catalog"}
account = aws.get_caller_identity().account_id
vpc_lookup = aws.ec2.get_vpc(default=True)
ami = aws.ec2.get_ami(most_recent=True, owners=["amazon"], filters=[{"name": "name", "values": ["al2023-ami-*"]}])
assume_lambda = aws.iam.get_policy_document(
    statements=[
        {"actions": ["sts:AssumeRole"], "principals": [{"type": "Service", "identifiers": ["lambda.amazonaws.com"]}]}
    ]
)

# kms
key = aws.kms.Key("key", enable_key_rotation=True, deletion_window_in_days=30, tags=tags)
aws.kms.Alias("key-alias", name="alias/catalog", target_key_id=key.key_id)

# s3 (current tokens and the deprecated V2 ones other programs still use)
bucket = aws.s3.Bucket("bucket", bucket="catalog-bucket", tags=tags)
log_bucket = aws.s3.BucketV2("log-bucket", bucket="catalog-logs")
aws.s3.BucketPolicy(
    "bucket-policy",
    bucket=bucket.id,
    policy=bucket.arn.apply(
        lambda arn: json.dumps(
            {
                "Version": "2012-10-17",
                "Statement": [
                    {
                        "Effect": "Deny",
                        "Principal": "*",
                        "Action": "s3:*",
                        "Resource": [arn, f"{arn}/*"],
                        "Condition": {"Bool": {"aws:SecureTransport": "false"}},
                    }
                ],
            }
        )
    ),
)
aws.s3.BucketPublicAccessBlock(
    "bucket-pab",
    bucket=bucket.id,
    block_public_acls=True,
    block_public_policy=True,
    ignore_public_acls=True,
    restrict_public_buckets=True,
)
sse_rule = [{"apply_server_side_encryption_by_default": {"sse_algorithm": "aws:kms", "kms_master_key_id": key.arn}}]
aws.s3.BucketServerSideEncryptionConfiguration("bucket-sse", bucket=bucket.id, rules=sse_rule)
aws.s3.BucketServerSideEncryptionConfigurationV2("log-bucket-sse", bucket=log_bucket.id, rules=sse_rule)
aws.s3.BucketVersioning("bucket-versioning", bucket=bucket.id, versioning_configuration={"status": "Enabled"})
aws.s3.BucketVersioningV2("log-bucket-versioning", bucket=log_bucket.id, versioning_configuration={"status": "Enabled"})
aws.s3.BucketLogging("bucket-logging", bucket=bucket.id, target_bucket=log_bucket.id, target_prefix="bucket/")
aws.s3.BucketLoggingV2("log-bucket-logging", bucket=log_bucket.id, target_bucket=bucket.id, target_prefix="logs/")
lifecycle_rules = [
    {"id": "cold", "status": "Enabled", "filter": {}, "transitions": [{"days": 30, "storage_class": "GLACIER"}]}
]
aws.s3.BucketLifecycleConfiguration("bucket-lifecycle", bucket=bucket.id, rules=lifecycle_rules)
aws.s3.BucketLifecycleConfigurationV2("log-bucket-lifecycle", bucket=log_bucket.id, rules=lifecycle_rules)
lock_rule = {"default_retention": {"mode": "COMPLIANCE", "days": 30}}
aws.s3.BucketObjectLockConfiguration("bucket-lock", bucket=bucket.id, rule=lock_rule)
aws.s3.BucketObjectLockConfigurationV2("log-bucket-lock", bucket=log_bucket.id, rule=lock_rule)
aws.s3.BucketOwnershipControls("bucket-ownership", bucket=bucket.id, rule={"object_ownership": "BucketOwnerEnforced"})

# network
vpc = aws.ec2.Vpc("vpc", cidr_block="10.0.0.0/16", enable_dns_hostnames=True, tags=tags)
subnet = aws.ec2.Subnet("subnet", vpc_id=vpc.id, cidr_block="10.0.1.0/24", availability_zone="us-east-1a")
subnet_b = aws.ec2.Subnet("subnet-b", vpc_id=vpc.id, cidr_block="10.0.2.0/24", availability_zone="us-east-1b")
igw = aws.ec2.InternetGateway("igw", vpc_id=vpc.id)
eip = aws.ec2.Eip("nat-ip", domain="vpc")
aws.ec2.NatGateway("nat", subnet_id=subnet.id, allocation_id=eip.id)
route_table = aws.ec2.RouteTable("routes", vpc_id=vpc.id)
aws.ec2.Route("default-route", route_table_id=route_table.id, destination_cidr_block="0.0.0.0/0", gateway_id=igw.id)
aws.ec2.RouteTableAssociation("routes-subnet", route_table_id=route_table.id, subnet_id=subnet.id)
sg = aws.ec2.SecurityGroup(
    "sg",
    vpc_id=vpc.id,
    description="https in",
    ingress=[{"protocol": "tcp", "from_port": 443, "to_port": 443, "cidr_blocks": ["10.0.0.0/16"]}],
    egress=[{"protocol": "tcp", "from_port": 443, "to_port": 443, "cidr_blocks": ["0.0.0.0/0"]}],
)
aws.ec2.SecurityGroupRule(
    "sg-rule", type="ingress", security_group_id=sg.id, protocol="tcp", from_port=8443, to_port=8443, self=True
)
aws.vpc.SecurityGroupIngressRule(
    "sg-in", security_group_id=sg.id, ip_protocol="tcp", from_port=443, to_port=443, cidr_ipv4="10.0.0.0/16"
)
aws.vpc.SecurityGroupEgressRule(
    "sg-out", security_group_id=sg.id, ip_protocol="tcp", from_port=443, to_port=443, cidr_ipv4="10.0.0.0/16"
)
aws.ec2.DefaultSecurityGroup("default-sg", vpc_id=vpc.id)
flow_logs = aws.cloudwatch.LogGroup("flow-logs", retention_in_days=365, kms_key_id=key.arn)
flow_role = aws.iam.Role(
    "flow-role",
    assume_role_policy=json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {"Effect": "Allow", "Action": "sts:AssumeRole", "Principal": {"Service": "vpc-flow-logs.amazonaws.com"}}
            ],
        }
    ),
)
aws.ec2.FlowLog(
    "flow-log", vpc_id=vpc.id, traffic_type="ALL", log_destination=flow_logs.arn, iam_role_arn=flow_role.arn
)
aws.ec2.VpcEndpoint("s3-endpoint", vpc_id=vpc.id, service_name="com.amazonaws.us-east-1.s3")
template = aws.ec2.LaunchTemplate(
    "template",
    image_id=ami.id,
    instance_type="t3.micro",
    metadata_options={"http_tokens": "required", "http_endpoint": "enabled"},
)
instance = aws.ec2.Instance(
    "instance",
    ami=ami.id,
    instance_type="t3.micro",
    subnet_id=subnet.id,
    vpc_security_group_ids=[sg.id],
    metadata_options={"http_tokens": "required"},
    root_block_device={"encrypted": True},
)
aws.ebs.Volume("volume", availability_zone="us-east-1a", size=10, encrypted=True, kms_key_id=key.arn)
aws.ebs.EncryptionByDefault("ebs-default", enabled=True)
aws.ebs.DefaultKmsKey("ebs-key", key_arn=key.arn)
aws.autoscaling.Group(
    "asg",
    min_size=1,
    max_size=2,
    vpc_zone_identifiers=[subnet.id, subnet_b.id],
    launch_template={"id": template.id, "version": "$Latest"},
)

# load balancing, WAF, certificates, DNS
alb = aws.lb.LoadBalancer(
    "alb", load_balancer_type="application", subnets=[subnet.id, subnet_b.id], security_groups=[sg.id]
)
target_group = aws.lb.TargetGroup("targets", port=443, protocol="HTTPS", vpc_id=vpc.id, target_type="instance")
aws.lb.TargetGroupAttachment("target", target_group_arn=target_group.arn, target_id=instance.id)
certificate = aws.acm.Certificate("certificate", domain_name="api.example.com", validation_method="DNS")
record = aws.route53.Record(
    "validation", zone_id="Z0CATALOG", name="_x.api.example.com", type="CNAME", ttl=300, records=["_y.acm"]
)
aws.acm.CertificateValidation(
    "certificate-valid", certificate_arn=certificate.arn, validation_record_fqdns=[record.fqdn]
)
listener = aws.lb.Listener(
    "https",
    load_balancer_arn=alb.arn,
    port=443,
    protocol="HTTPS",
    ssl_policy="ELBSecurityPolicy-TLS13-1-2-2021-06",
    certificate_arn=certificate.arn,
    default_actions=[{"type": "forward", "target_group_arn": target_group.arn}],
)
aws.lb.ListenerRule(
    "rule",
    listener_arn=listener.arn,
    priority=10,
    actions=[{"type": "forward", "target_group_arn": target_group.arn}],
    conditions=[{"path_pattern": {"values": ["/api/*"]}}],
)
visibility = {"cloudwatch_metrics_enabled": True, "metric_name": "catalog", "sampled_requests_enabled": True}
acl = aws.wafv2.WebAcl(
    "acl",
    scope="REGIONAL",
    default_action={"allow": {}},
    visibility_config=visibility,
    rules=[
        {
            "name": "common",
            "priority": 1,
            "override_action": {"none": {}},
            "statement": {
                "managed_rule_group_statement": {"name": "AWSManagedRulesCommonRuleSet", "vendor_name": "AWS"}
            },
            "visibility_config": visibility,
        }
    ],
)
aws.wafv2.WebAclAssociation("acl-alb", resource_arn=alb.arn, web_acl_arn=acl.arn)
waf_logs = aws.cloudwatch.LogGroup("aws-waf-logs-catalog", name="aws-waf-logs-catalog", retention_in_days=365)
aws.wafv2.WebAclLoggingConfiguration("acl-logging", resource_arn=acl.arn, log_destination_configs=[waf_logs.arn])

# API Gateway v2 and v1
api = aws.apigatewayv2.Api("http-api", protocol_type="HTTP")
jwt = aws.apigatewayv2.Authorizer(
    "jwt",
    api_id=api.id,
    authorizer_type="JWT",
    identity_sources=["$request.header.Authorization"],
    jwt_configuration={"audiences": ["catalog"], "issuer": "https://issuer.example.com"},
)
vpc_link = aws.apigatewayv2.VpcLink("link", subnet_ids=[subnet.id], security_group_ids=[sg.id])
integration = aws.apigatewayv2.Integration(
    "integration",
    api_id=api.id,
    integration_type="HTTP_PROXY",
    integration_method="ANY",
    integration_uri=listener.arn,
    connection_type="VPC_LINK",
    connection_id=vpc_link.id,
)
aws.apigatewayv2.Route(
    "route",
    api_id=api.id,
    route_key="GET /items",
    authorization_type="JWT",
    authorizer_id=jwt.id,
    target=integration.id.apply(lambda i: f"integrations/{i}"),
)
api_logs = aws.cloudwatch.LogGroup("api-logs", retention_in_days=365, kms_key_id=key.arn)
stage = aws.apigatewayv2.Stage(
    "stage",
    api_id=api.id,
    name="$default",
    auto_deploy=True,
    access_log_settings={"destination_arn": api_logs.arn, "format": "$context.requestId"},
)
domain = aws.apigatewayv2.DomainName(
    "domain",
    domain_name="api.example.com",
    domain_name_configuration={
        "certificate_arn": certificate.arn,
        "endpoint_type": "REGIONAL",
        "security_policy": "TLS_1_2",
    },
)
aws.apigatewayv2.ApiMapping("mapping", api_id=api.id, domain_name=domain.id, stage=stage.id)
rest = aws.apigateway.RestApi("rest-api", name="catalog")
resource = aws.apigateway.Resource("items", rest_api=rest.id, parent_id=rest.root_resource_id, path_part="items")
method = aws.apigateway.Method(
    "items-get", rest_api=rest.id, resource_id=resource.id, http_method="GET", authorization="AWS_IAM"
)
aws.apigateway.Integration(
    "items-mock", rest_api=rest.id, resource_id=resource.id, http_method=method.http_method, type="MOCK"
)
aws.apigateway.Authorizer("rest-authorizer", rest_api=rest.id, type="COGNITO_USER_POOLS", provider_arns=["arn"])
deployment = aws.apigateway.Deployment("deployment", rest_api=rest.id)
rest_stage = aws.apigateway.Stage(
    "rest-stage", rest_api=rest.id, deployment=deployment.id, stage_name="prod", xray_tracing_enabled=True
)
aws.apigateway.MethodSettings(
    "rest-settings",
    rest_api=rest.id,
    stage_name=rest_stage.stage_name,
    method_path="*/*",
    settings={"logging_level": "INFO", "metrics_enabled": True},
)
aws.apigateway.DomainName(
    "rest-domain", domain_name="rest.example.com", regional_certificate_arn=certificate.arn, security_policy="TLS_1_2"
)
aws.apigateway.RestApiPolicy(
    "rest-policy",
    rest_api_id=rest.id,
    policy=json.dumps({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": "*", "Action": "*"}]}),
)
api_gateway_role = aws.iam.Role("apigw-logs", assume_role_policy=assume_lambda.json)
aws.apigateway.Account("apigw-account", cloudwatch_role_arn=api_gateway_role.arn)

# identity
pool = aws.cognito.UserPool(
    "users",
    mfa_configuration="ON",
    software_token_mfa_configuration={"enabled": True},
    password_policy={"minimum_length": 14},
)
aws.cognito.UserPoolClient("users-app", user_pool_id=pool.id)
aws.cognito.UserPoolDomain("users-domain", domain="catalog-auth", user_pool_id=pool.id)

# data stores
table = aws.dynamodb.Table(
    "table",
    hash_key="business_id",
    billing_mode="PAY_PER_REQUEST",
    attributes=[{"name": "business_id", "type": "S"}],
    point_in_time_recovery={"enabled": True},
    server_side_encryption={"enabled": True, "kms_key_arn": key.arn},
    deletion_protection_enabled=True,
)
aws.dynamodb.ResourcePolicy(
    "table-policy",
    resource_arn=table.arn,
    policy=json.dumps({"Version": "2012-10-17", "Statement": [{"Effect": "Deny", "Principal": "*", "Action": "*"}]}),
)
db_subnets = aws.rds.SubnetGroup("db-subnets", subnet_ids=[subnet.id, subnet_b.id])
db_parameters = aws.rds.ParameterGroup(
    "db-parameters", family="postgres16", parameters=[{"name": "rds.force_ssl", "value": "1"}]
)
aws.rds.Instance(
    "db",
    engine="postgres",
    instance_class="db.t4g.medium",
    allocated_storage=20,
    username="catalog",
    manage_master_user_password=True,
    storage_encrypted=True,
    kms_key_id=key.arn,
    db_subnet_group_name=db_subnets.name,
    parameter_group_name=db_parameters.name,
    backup_retention_period=14,
)
cluster_parameters = aws.rds.ClusterParameterGroup(
    "cluster-parameters", family="aurora-postgresql16", parameters=[{"name": "rds.force_ssl", "value": "1"}]
)
cluster = aws.rds.Cluster(
    "cluster",
    engine="aurora-postgresql",
    master_username="catalog",
    manage_master_user_password=True,
    storage_encrypted=True,
    db_cluster_parameter_group_name=cluster_parameters.name,
    backup_retention_period=14,
)
aws.rds.ClusterInstance(
    "cluster-1", cluster_identifier=cluster.id, instance_class="db.r6g.large", engine="aurora-postgresql"
)
cache_subnets = aws.elasticache.SubnetGroup("cache-subnets", subnet_ids=[subnet.id, subnet_b.id])
aws.elasticache.ReplicationGroup(
    "cache",
    description="catalog cache",
    node_type="cache.t4g.small",
    subnet_group_name=cache_subnets.name,
    at_rest_encryption_enabled=True,
    transit_encryption_enabled=True,
    kms_key_id=key.arn,
)
aws.elasticache.Cluster("memcache", engine="memcached", node_type="cache.t4g.small", num_cache_nodes=1)
search = aws.opensearch.Domain(
    "search",
    engine_version="OpenSearch_2.13",
    encrypt_at_rest={"enabled": True},
    node_to_node_encryption={"enabled": True},
    domain_endpoint_options={"enforce_https": True, "tls_security_policy": "Policy-Min-TLS-1-2-2019-07"},
)
aws.opensearch.DomainPolicy(
    "search-policy",
    domain_name=search.domain_name,
    access_policies=json.dumps({"Version": "2012-10-17", "Statement": []}),
)
aws.redshift.SubnetGroup("warehouse-subnets", subnet_ids=[subnet.id, subnet_b.id])
aws.redshift.Cluster(
    "warehouse",
    cluster_identifier="catalog",
    node_type="ra3.xlplus",
    encrypted=True,
    kms_key_id=key.arn,
    master_username="catalog",
    manage_master_password=True,
)
efs = aws.efs.FileSystem("files", encrypted=True, kms_key_id=key.arn)
aws.efs.MountTarget("files-mount", file_system_id=efs.id, subnet_id=subnet.id)
aws.efs.AccessPoint("files-access", file_system_id=efs.id)

# IAM
role = aws.iam.Role(
    "role",
    assume_role_policy=assume_lambda.json,
    tags={"leadping:workload": "workers"},
    inline_policies=[{"name": "inline", "policy": json.dumps({"Version": "2012-10-17", "Statement": []})}],
)
policy_document = aws.iam.get_policy_document(
    statements=[
        {"sid": "ReadTable", "actions": ["dynamodb:GetItem"], "resources": ["arn:aws:dynamodb:us-east-1:1:table/t"]}
    ]
)
policy = aws.iam.Policy("policy", policy=policy_document.json)
aws.iam.RolePolicy("role-inline", role=role.id, policy=policy_document.json)
aws.iam.RolePolicyAttachment("role-policy", role=role.name, policy_arn=policy.arn)
aws.iam.OpenIdConnectProvider(
    "github", url="https://token.actions.githubusercontent.com", client_id_lists=["sts.amazonaws.com"]
)
aws.iam.InstanceProfile("profile", role=role.name)
user = aws.iam.User("user", name="catalog-user")
aws.iam.UserPolicy("user-inline", user=user.name, policy=policy_document.json)
aws.iam.UserPolicyAttachment("user-policy", user=user.name, policy_arn=policy.arn)
aws.iam.AccessKey("user-key", user=user.name)
aws.iam.UserLoginProfile("user-login", user=user.name)
aws.iam.AccountPasswordPolicy("passwords", minimum_password_length=14, require_symbols=True, max_password_age=90)

# secrets, functions
secret = aws.secretsmanager.Secret("secret", kms_key_id=key.arn)
aws.secretsmanager.SecretVersion("secret-value", secret_id=secret.id, secret_string=pulumi.Output.secret("catalog"))
aws.secretsmanager.SecretPolicy(
    "secret-policy", secret_arn=secret.arn, policy=json.dumps({"Version": "2012-10-17", "Statement": []})
)
function = aws.lambda_.Function(
    "function",
    role=role.arn,
    runtime="python3.12",
    handler="index.handler",
    code=pulumi.AssetArchive({"index.py": pulumi.StringAsset("def handler(e, c):\n    return e\n")}),
    kms_key_arn=key.arn,
    tracing_config={"mode": "Active"},
    environment={"variables": {"MODE": "catalog"}},
)
aws.lambda_.Permission(
    "function-invoke", function=function.name, action="lambda:InvokeFunction", principal="s3.amazonaws.com"
)
aws.secretsmanager.SecretRotation(
    "secret-rotation",
    secret_id=secret.id,
    rotation_lambda_arn=function.arn,
    rotation_rules={"automatically_after_days": 30},
)

# logging, events, monitoring
logs = aws.cloudwatch.LogGroup("logs", retention_in_days=365, kms_key_id=key.arn)
aws.cloudwatch.LogStream("stream", log_group_name=logs.name)
aws.cloudwatch.LogMetricFilter(
    "root-use",
    log_group_name=logs.name,
    pattern='{ $.userIdentity.type = "Root" }',
    metric_transformation={"name": "RootUse", "namespace": "Catalog", "value": "1"},
)
topic = aws.sns.Topic("topic", kms_master_key_id=key.id)
aws.sns.TopicSubscription("topic-email", topic=topic.arn, protocol="email", endpoint="ops@example.com")
aws.sns.TopicPolicy("topic-policy", arn=topic.arn, policy=json.dumps({"Version": "2012-10-17", "Statement": []}))
aws.cloudwatch.MetricAlarm(
    "alarm",
    comparison_operator="GreaterThanOrEqualToThreshold",
    evaluation_periods=1,
    metric_name="RootUse",
    namespace="Catalog",
    period=300,
    statistic="Sum",
    threshold=1,
    alarm_actions=[topic.arn],
)
bus = aws.cloudwatch.EventBus("bus", name="catalog")
rule = aws.cloudwatch.EventRule(
    "event-rule", event_bus_name=bus.name, event_pattern=json.dumps({"source": ["catalog"]})
)
connection = aws.cloudwatch.EventConnection(
    "connection",
    authorization_type="API_KEY",
    auth_parameters={"api_key": {"key": "x-api-key", "value": pulumi.Output.secret("catalog-placeholder")}},
)
destination = aws.cloudwatch.EventApiDestination(
    "destination", connection_arn=connection.arn, http_method="POST", invocation_endpoint="https://hooks.example.com/in"
)
aws.cloudwatch.EventTarget("event-target", rule=rule.name, event_bus_name=bus.name, arn=destination.arn)
aws.cloudwatch.LogResourcePolicy(
    "log-resource-policy", policy_name="catalog", policy_document=json.dumps({"Version": "2012-10-17", "Statement": []})
)
queue = aws.sqs.Queue("queue", kms_master_key_id=key.id)
dead_letters = aws.sqs.Queue("dead-letters", kms_master_key_id=key.id)
aws.sqs.QueuePolicy("queue-policy", queue_url=queue.url, policy=json.dumps({"Version": "2012-10-17", "Statement": []}))
aws.sqs.RedrivePolicy(
    "queue-redrive",
    queue_url=queue.url,
    redrive_policy=dead_letters.arn.apply(lambda a: json.dumps({"deadLetterTargetArn": a, "maxReceiveCount": 5})),
)
aws.sqs.RedriveAllowPolicy(
    "dead-letters-allow",
    queue_url=dead_letters.url,
    redrive_allow_policy=json.dumps({"redrivePermission": "allowAll"}),
)
stream = aws.kinesis.FirehoseDeliveryStream(
    "firehose",
    destination="extended_s3",
    server_side_encryption={"enabled": True, "key_type": "CUSTOMER_MANAGED_CMK", "key_arn": key.arn},
    extended_s3_configuration={"role_arn": role.arn, "bucket_arn": bucket.arn, "kms_key_arn": key.arn},
)
aws.cloudwatch.LogSubscriptionFilter(
    "to-firehose", log_group=logs.name, filter_pattern="", destination_arn=stream.arn, role_arn=role.arn
)
trail = aws.cloudtrail.Trail(
    "trail",
    s3_bucket_name=bucket.id,
    is_multi_region_trail=True,
    enable_log_file_validation=True,
    kms_key_id=key.arn,
    cloud_watch_logs_group_arn=logs.arn.apply(lambda a: f"{a}:*"),
    cloud_watch_logs_role_arn=role.arn,
    event_selectors=[
        {"read_write_type": "All", "data_resources": [{"type": "AWS::S3::Object", "values": ["arn:aws:s3"]}]}
    ],
)

# backup
vault = aws.backup.Vault("vault", kms_key_arn=key.arn)
aws.backup.VaultLockConfiguration("vault-lock", backup_vault_name=vault.name, min_retention_days=7)
aws.backup.VaultPolicy(
    "vault-policy", backup_vault_name=vault.name, policy=json.dumps({"Version": "2012-10-17", "Statement": []})
)
aws.backup.VaultNotifications(
    "vault-notifications",
    backup_vault_name=vault.name,
    sns_topic_arn=topic.arn,
    backup_vault_events=["BACKUP_JOB_FAILED"],
)
plan = aws.backup.Plan(
    "plan",
    rules=[
        {
            "rule_name": "daily",
            "target_vault_name": vault.name,
            "schedule": "cron(0 5 ? * * *)",
            "lifecycle": {"delete_after": 35},
        }
    ],
)
aws.backup.Selection(
    "selection",
    plan_id=plan.id,
    iam_role_arn=role.arn,
    selection_tags=[{"type": "STRINGEQUALS", "key": "leadping:data-store", "value": "true"}],
)

# detection
detector = aws.guardduty.Detector("detector", enable=True)
aws.guardduty.DetectorFeature("detector-s3", detector_id=detector.id, name="S3_DATA_EVENTS", status="ENABLED")
hub = aws.securityhub.Account("hub")
aws.securityhub.StandardsSubscription(
    "fsbp",
    standards_arn="arn:aws:securityhub:us-east-1::standards/aws-foundational-security-best-practices/v/1.0.0",
    opts=pulumi.ResourceOptions(depends_on=[hub]),
)
aws.accessanalyzer.Analyzer("analyzer", analyzer_name="catalog")

# containers and edge
cluster_ecs = aws.ecs.Cluster("ecs", settings=[{"name": "containerInsights", "value": "enabled"}])
task = aws.ecs.TaskDefinition(
    "task",
    family="catalog",
    requires_compatibilities=["FARGATE"],
    network_mode="awsvpc",
    cpu="256",
    memory="512",
    container_definitions=json.dumps(
        [{"name": "app", "image": "app:1", "essential": True, "readonlyRootFilesystem": True}]
    ),
)
aws.ecs.Service(
    "service",
    cluster=cluster_ecs.arn,
    task_definition=task.arn,
    desired_count=1,
    launch_type="FARGATE",
    network_configuration={"subnets": [subnet.id], "security_groups": [sg.id]},
)
repository = aws.ecr.Repository(
    "repository",
    image_tag_mutability="IMMUTABLE",
    image_scanning_configuration={"scan_on_push": True},
    encryption_configurations=[{"encryption_type": "KMS", "kms_key": key.arn}],
)
aws.ecr.LifecyclePolicy("repository-lifecycle", repository=repository.name, policy=json.dumps({"rules": []}))
aws.ecr.RepositoryPolicy(
    "repository-policy", repository=repository.name, policy=json.dumps({"Version": "2012-10-17", "Statement": []})
)
oac = aws.cloudfront.OriginAccessControl(
    "oac", origin_access_control_origin_type="s3", signing_behavior="always", signing_protocol="sigv4"
)
aws.cloudfront.Distribution(
    "cdn",
    enabled=True,
    origins=[
        {"domain_name": bucket.bucket_regional_domain_name, "origin_id": "s3", "origin_access_control_id": oac.id}
    ],
    default_cache_behavior={
        "target_origin_id": "s3",
        "viewer_protocol_policy": "redirect-to-https",
        "allowed_methods": ["GET", "HEAD"],
        "cached_methods": ["GET", "HEAD"],
        "cache_policy_id": "658327ea-f89d-4fab-a63d-7e88639e58f6",
    },
    restrictions={"geo_restriction": {"restriction_type": "none"}},
    viewer_certificate={"acm_certificate_arn": certificate.arn, "ssl_support_method": "sni-only"},
)
eks = aws.eks.Cluster(
    "eks",
    role_arn=role.arn,
    vpc_config={"subnet_ids": [subnet.id, subnet_b.id], "endpoint_public_access": False},
    encryption_config={"resources": ["secrets"], "provider": {"key_arn": key.arn}},
)
aws.eks.NodeGroup(
    "eks-nodes",
    cluster_name=eks.name,
    node_role_arn=role.arn,
    subnet_ids=[subnet.id],
    scaling_config={"desired_size": 1, "max_size": 1, "min_size": 1},
)
aws.ssm.Parameter("parameter", type="SecureString", value=pulumi.Output.secret("catalog"), key_id=key.arn)

pulumi.export("vpc_lookup", vpc_lookup.id)
pulumi.export("account", account)
