"""A small compliant program (S3 + security group + RDS): the gate must let it through.

Customer-managed key with rotation and a key policy; a data bucket and its log bucket with
SSE-KMS, public-access blocks, TLS-only policies, versioning, access logging and lifecycle; a
private PostgreSQL instance (encrypted, TLS forced, IAM auth, backups, monitoring) behind a
security group that admits only the VPC on 5432; a VPC with flow logs and a closed default group.
"""

import json

import pulumi
import pulumi_aws as aws

config = pulumi.Config()
environment = config.require("environment")
account = aws.get_caller_identity().account_id
region = aws.get_region().name
tags = {"environment": environment}

key_policy = aws.iam.get_policy_document(
    statements=[
        {
            "sid": "AccountAdministersTheKey",
            "actions": ["kms:*"],
            "resources": ["*"],
            "principals": [{"type": "AWS", "identifiers": [f"arn:aws:iam::{account}:root"]}],
        }
    ]
)
key = aws.kms.Key(
    "data-key",
    enable_key_rotation=True,
    deletion_window_in_days=30,
    policy=key_policy.json,
    tags=tags,
)


def tls_only(bucket: aws.s3.Bucket) -> pulumi.Output[str]:
    return bucket.arn.apply(
        lambda arn: (
            aws.iam.get_policy_document(
                statements=[
                    {
                        "sid": "DenyInsecureTransport",
                        "effect": "Deny",
                        "actions": ["s3:*"],
                        "resources": [arn, f"{arn}/*"],
                        "principals": [{"type": "*", "identifiers": ["*"]}],
                        "conditions": [{"test": "Bool", "variable": "aws:SecureTransport", "values": ["false"]}],
                    }
                ]
            ).json
        )
    )


def secure_bucket(name: str, log_target: aws.s3.Bucket | None) -> aws.s3.Bucket:
    bucket = aws.s3.Bucket(name, bucket=f"compliant-{name}-{environment}", tags=tags)
    aws.s3.BucketServerSideEncryptionConfiguration(
        f"{name}-sse",
        bucket=bucket.id,
        rules=[
            {
                "apply_server_side_encryption_by_default": {"sse_algorithm": "aws:kms", "kms_master_key_id": key.arn},
                "bucket_key_enabled": True,
            }
        ],
    )
    aws.s3.BucketPublicAccessBlock(
        f"{name}-public-access",
        bucket=bucket.id,
        block_public_acls=True,
        block_public_policy=True,
        ignore_public_acls=True,
        restrict_public_buckets=True,
    )
    aws.s3.BucketPolicy(f"{name}-policy", bucket=bucket.id, policy=tls_only(bucket))
    aws.s3.BucketVersioning(f"{name}-versioning", bucket=bucket.id, versioning_configuration={"status": "Enabled"})
    aws.s3.BucketLifecycleConfiguration(
        f"{name}-lifecycle",
        bucket=bucket.id,
        rules=[
            {
                "id": "archive",
                "status": "Enabled",
                "filter": {},
                "transitions": [{"days": 90, "storage_class": "GLACIER"}],
                "abort_incomplete_multipart_upload": {"days_after_initiation": 7},
            }
        ],
    )
    aws.s3.BucketLogging(
        f"{name}-logging",
        bucket=bucket.id,
        target_bucket=(log_target or bucket).id,
        target_prefix=f"{name}/",
    )
    return bucket


access_logs = secure_bucket("access-logs", None)
data = secure_bucket("data", access_logs)

vpc = aws.ec2.Vpc("vpc", cidr_block="10.40.0.0/16", enable_dns_hostnames=True, enable_dns_support=True, tags=tags)
aws.ec2.DefaultSecurityGroup("vpc-default-closed", vpc_id=vpc.id, tags=tags)
flow_logs = aws.cloudwatch.LogGroup("flow-logs", retention_in_days=365, kms_key_id=key.arn, tags=tags)
flow_role = aws.iam.Role(
    "flow-logs-role",
    assume_role_policy=aws.iam.get_policy_document(
        statements=[
            {
                "actions": ["sts:AssumeRole"],
                "principals": [{"type": "Service", "identifiers": ["vpc-flow-logs.amazonaws.com"]}],
                "conditions": [{"test": "StringEquals", "variable": "aws:SourceAccount", "values": [account]}],
            }
        ]
    ).json,
)
aws.iam.RolePolicy(
    "flow-logs-write",
    role=flow_role.id,
    policy=flow_logs.arn.apply(
        lambda arn: json.dumps(
            {
                "Version": "2012-10-17",
                "Statement": [
                    {
                        "Effect": "Allow",
                        "Action": ["logs:CreateLogStream", "logs:PutLogEvents"],
                        "Resource": f"{arn}:*",
                    }
                ],
            }
        )
    ),
)
aws.ec2.FlowLog(
    "vpc-flow-log", vpc_id=vpc.id, traffic_type="ALL", log_destination=flow_logs.arn, iam_role_arn=flow_role.arn
)
subnets = [
    aws.ec2.Subnet(f"private-{zone}", vpc_id=vpc.id, cidr_block=f"10.40.{i}.0/24", availability_zone=f"{region}{zone}")
    for i, zone in enumerate("ab")
]

database_group = aws.ec2.SecurityGroup(
    "database",
    vpc_id=vpc.id,
    description="PostgreSQL from inside the VPC only",
    ingress=[
        {
            "description": "PostgreSQL from the VPC",
            "protocol": "tcp",
            "from_port": 5432,
            "to_port": 5432,
            "cidr_blocks": ["10.40.0.0/16"],
        }
    ],
    egress=[
        {
            "description": "answers inside the VPC",
            "protocol": "tcp",
            "from_port": 1024,
            "to_port": 65535,
            "cidr_blocks": ["10.40.0.0/16"],
        }
    ],
    tags=tags,
)
subnet_group = aws.rds.SubnetGroup("database", subnet_ids=[s.id for s in subnets], tags=tags)
parameters = aws.rds.ParameterGroup(
    "database",
    family="postgres16",
    parameters=[
        {"name": "rds.force_ssl", "value": "1"},
        {"name": "log_statement", "value": "all"},
        {"name": "log_min_duration_statement", "value": "1000"},
    ],
    tags=tags,
)
monitoring_role = aws.iam.Role(
    "database-monitoring",
    assume_role_policy=aws.iam.get_policy_document(
        statements=[
            {
                "actions": ["sts:AssumeRole"],
                "principals": [{"type": "Service", "identifiers": ["monitoring.rds.amazonaws.com"]}],
            }
        ]
    ).json,
    managed_policy_arns=["arn:aws:iam::aws:policy/service-role/AmazonRDSEnhancedMonitoringRole"],
)
aws.rds.Instance(
    "database",
    identifier=f"compliant-{environment}",
    engine="postgres",
    engine_version="16.4",
    instance_class="db.r6g.large",
    allocated_storage=50,
    username="app",
    manage_master_user_password=True,
    master_user_secret_kms_key_id=key.arn,
    storage_encrypted=True,
    kms_key_id=key.arn,
    db_subnet_group_name=subnet_group.name,
    parameter_group_name=parameters.name,
    vpc_security_group_ids=[database_group.id],
    publicly_accessible=False,
    multi_az=True,
    backup_retention_period=14,
    deletion_protection=True,
    copy_tags_to_snapshot=True,
    iam_database_authentication_enabled=True,
    auto_minor_version_upgrade=True,
    monitoring_interval=60,
    monitoring_role_arn=monitoring_role.arn,
    performance_insights_enabled=True,
    performance_insights_kms_key_id=key.arn,
    enabled_cloudwatch_logs_exports=["postgresql", "upgrade"],
    tags=tags,
)

pulumi.export("data_bucket", data.id)
