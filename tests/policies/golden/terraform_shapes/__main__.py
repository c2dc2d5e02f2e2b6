"""A dozen representative resources, configured with literal values only.

tests/policies/test_mapping.py renders this program, exports it and compares each resource's
planned values with ``expected.json``: what Terraform's own plan holds for the same configuration,
written by hand from the Terraform AWS provider's documented arguments (attribute names; blocks as
lists of objects; single nested attributes as objects; maps with their keys verbatim).
"""

import json

import pulumi_aws as aws

BUCKET = "golden-shapes-bucket"
POLICY = json.dumps(
    {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "kms:*", "Resource": "*"}],
    }
)

# S3: the bucket and its v2 sub-resources
aws.s3.Bucket("bucket", bucket=BUCKET, force_destroy=True, tags={"dataClass": "internal"})
aws.s3.BucketVersioning("bucket-versioning", bucket=BUCKET, versioning_configuration={"status": "Enabled"})
aws.s3.BucketServerSideEncryptionConfiguration(
    "bucket-encryption",
    bucket=BUCKET,
    rules=[
        {
            "apply_server_side_encryption_by_default": {
                "sse_algorithm": "aws:kms",
                "kms_master_key_id": "arn:aws:kms:us-east-1:111122223333:key/golden",
            },
            "bucket_key_enabled": True,
        }
    ],
)
aws.s3.BucketPublicAccessBlock(
    "bucket-public-access",
    bucket=BUCKET,
    block_public_acls=True,
    block_public_policy=True,
    ignore_public_acls=True,
    restrict_public_buckets=True,
)
aws.s3.BucketLifecycleConfiguration(
    "bucket-lifecycle",
    bucket=BUCKET,
    rules=[
        {
            "id": "expire-old",
            "status": "Enabled",
            "filter": {"prefix": "logs/"},
            "expiration": {"days": 365},
            "noncurrent_version_expiration": {"noncurrent_days": 30},
        }
    ],
)
aws.s3.BucketLogging("bucket-logging", bucket=BUCKET, target_bucket="golden-logs", target_prefix="s3/")

# EC2: a security group with ingress rules, a launch template with nested blocks
aws.ec2.SecurityGroup(
    "web-sg",
    name="web",
    description="web tier",
    vpc_id="vpc-0123456789abcdef0",
    ingress=[
        {"protocol": "tcp", "from_port": 443, "to_port": 443, "cidr_blocks": ["0.0.0.0/0"], "description": "https"},
        {"protocol": "tcp", "from_port": 80, "to_port": 80, "ipv6_cidr_blocks": ["::/0"]},
    ],
    egress=[{"protocol": "-1", "from_port": 0, "to_port": 0, "cidr_blocks": ["10.0.0.0/8"]}],
)
aws.ec2.LaunchTemplate(
    "app-template",
    name="app",
    image_id="ami-0123456789abcdef0",
    instance_type="t3.micro",
    block_device_mappings=[
        {"device_name": "/dev/xvda", "ebs": {"volume_size": 20, "encrypted": "true", "volume_type": "gp3"}}
    ],
    metadata_options={"http_tokens": "required", "http_endpoint": "enabled"},
    iam_instance_profile={"name": "app-profile"},
    network_interfaces=[{"associate_public_ip_address": "false", "security_groups": ["sg-0123456789abcdef0"]}],
    tag_specifications=[{"resource_type": "instance", "tags": {"Name": "app"}}],
)

# Load balancing: a listener with default actions
aws.lb.Listener(
    "https-listener",
    load_balancer_arn="arn:aws:elasticloadbalancing:us-east-1:111122223333:loadbalancer/app/web/50dc6c495c0c9188",
    port=443,
    protocol="HTTPS",
    ssl_policy="ELBSecurityPolicy-TLS13-1-2-2021-06",
    certificate_arn="arn:aws:acm:us-east-1:111122223333:certificate/golden",
    default_actions=[
        {
            "type": "forward",
            "forward": {
                "target_groups": [
                    {"arn": "arn:aws:elasticloadbalancing:us-east-1:111122223333:targetgroup/blue/1", "weight": 80},
                    {"arn": "arn:aws:elasticloadbalancing:us-east-1:111122223333:targetgroup/green/2", "weight": 20},
                ],
                "stickiness": {"enabled": True, "duration": 600},
            },
        }
    ],
)
aws.lb.Listener(
    "http-redirect",
    load_balancer_arn="arn:aws:elasticloadbalancing:us-east-1:111122223333:loadbalancer/app/web/50dc6c495c0c9188",
    port=80,
    protocol="HTTP",
    default_actions=[{"type": "redirect", "redirect": {"port": "443", "protocol": "HTTPS", "status_code": "HTTP_301"}}],
)

# WAFv2: a web ACL whose rules nest statements
aws.wafv2.WebAcl(
    "web-acl",
    name="web",
    scope="REGIONAL",
    default_action={"allow": {}},
    rules=[
        {
            "name": "managed-common",
            "priority": 1,
            "override_action": {"none": {}},
            "statement": {
                "managed_rule_group_statement": {
                    "name": "AWSManagedRulesCommonRuleSet",
                    "vendor_name": "AWS",
                    "rule_action_overrides": [{"name": "SizeRestrictions_BODY", "action_to_use": {"count": {}}}],
                }
            },
            "visibility_config": {
                "cloudwatch_metrics_enabled": True,
                "metric_name": "common",
                "sampled_requests_enabled": True,
            },
        },
        {
            "name": "rate-limit",
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
    visibility_config={"cloudwatch_metrics_enabled": True, "metric_name": "web", "sampled_requests_enabled": True},
)

# RDS
aws.rds.Instance(
    "db",
    identifier="golden-db",
    engine="postgres",
    engine_version="16.3",
    instance_class="db.t4g.micro",
    allocated_storage=20,
    db_name="app",
    username="app_admin",
    manage_master_user_password=True,
    storage_encrypted=True,
    backup_retention_period=14,
    vpc_security_group_ids=["sg-0123456789abcdef0"],
    iam_database_authentication_enabled=True,
)

# IAM: a role with inline policies
aws.iam.Role(
    "app-role",
    name="app",
    assume_role_policy=json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}
            ],
        }
    ),
    inline_policies=[
        {
            "name": "read-bucket",
            "policy": json.dumps(
                {
                    "Version": "2012-10-17",
                    "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::golden/*"}],
                }
            ),
        }
    ],
    max_session_duration=3600,
)

# Lambda: environment and VPC configuration
aws.lambda_.Function(
    "fn",
    name="golden-fn",
    role="arn:aws:iam::111122223333:role/app",
    runtime="python3.12",
    handler="index.handler",
    s3_bucket="golden-artifacts",
    s3_key="fn.zip",
    environment={"variables": {"LOG_LEVEL": "info", "tableName": "orders"}},
    vpc_config={"subnet_ids": ["subnet-0123456789abcdef0"], "security_group_ids": ["sg-0123456789abcdef0"]},
    tracing_config={"mode": "Active"},
    kms_key_arn="arn:aws:kms:us-east-1:111122223333:key/golden",
)

# CloudFront
aws.cloudfront.Distribution(
    "cdn",
    enabled=True,
    default_root_object="index.html",
    origins=[
        {
            "origin_id": "site",
            "domain_name": "golden-shapes-bucket.s3.us-east-1.amazonaws.com",
            "origin_access_control_id": "E2QWRUHAPOMQZL",
        }
    ],
    default_cache_behavior={
        "target_origin_id": "site",
        "viewer_protocol_policy": "redirect-to-https",
        "allowed_methods": ["GET", "HEAD"],
        "cached_methods": ["GET", "HEAD"],
        "cache_policy_id": "658327ea-f89d-4fab-a63d-7e88639e58f6",
    },
    ordered_cache_behaviors=[
        {
            "path_pattern": "/api/*",
            "target_origin_id": "site",
            "viewer_protocol_policy": "https-only",
            "allowed_methods": ["GET", "HEAD"],
            "cached_methods": ["GET", "HEAD"],
        }
    ],
    restrictions={"geo_restriction": {"restriction_type": "whitelist", "locations": ["US", "CA"]}},
    viewer_certificate={
        "acm_certificate_arn": "arn:aws:acm:us-east-1:111122223333:certificate/golden",
        "ssl_support_method": "sni-only",
        "minimum_protocol_version": "TLSv1.2_2021",
    },
    logging_config={"bucket": "golden-logs.s3.amazonaws.com", "prefix": "cdn/"},
    web_acl_id="arn:aws:wafv2:us-east-1:111122223333:global/webacl/web/1",
)

# ECS: a task definition
aws.ecs.TaskDefinition(
    "task",
    family="app",
    requires_compatibilities=["FARGATE"],
    network_mode="awsvpc",
    cpu="256",
    memory="512",
    execution_role_arn="arn:aws:iam::111122223333:role/exec",
    container_definitions=json.dumps(
        [{"name": "app", "image": "nginx:1.27", "essential": True, "readonlyRootFilesystem": True}]
    ),
    volumes=[
        {
            "name": "data",
            "efs_volume_configuration": {"file_system_id": "fs-0123456789abcdef0", "transit_encryption": "ENABLED"},
        }
    ],
    runtime_platform={"operating_system_family": "LINUX", "cpu_architecture": "ARM64"},
)

# API Gateway: a stage with access log settings
aws.apigateway.Stage(
    "stage",
    rest_api="a1b2c3d4e5",
    deployment="dep123",
    stage_name="prod",
    xray_tracing_enabled=True,
    access_log_settings={
        "destination_arn": "arn:aws:logs:us-east-1:111122223333:log-group:api-access",
        "format": "$context.requestId $context.status",
    },
    variables={"backendHost": "api.internal"},
)

# KMS
aws.kms.Key(
    "key",
    description="golden data key",
    enable_key_rotation=True,
    deletion_window_in_days=30,
    policy=POLICY,
    tags={"dataClass": "confidential"},
)
