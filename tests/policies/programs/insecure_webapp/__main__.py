"""An insecure web application, written the way a hurried Pulumi user would: the gate must stop it.

Open SSH/RDP to the internet, a public unencrypted database, an unencrypted bucket without a
public-access block or policy, an HTTP listener that serves traffic, an old TLS policy, a key
without rotation, a log group without a key and kept for a week, and a role with s3:* and PassRole on *.
"""

import pulumi
import pulumi_aws as aws

vpc = aws.ec2.get_vpc(default=True)
subnets = aws.ec2.get_subnets(filters=[{"name": "vpc-id", "values": [vpc.id]}])
ami = aws.ec2.get_ami(most_recent=True, owners=["amazon"], filters=[{"name": "name", "values": ["al2023-ami-*"]}])

uploads = aws.s3.Bucket("uploads")

web = aws.ec2.SecurityGroup(
    "web",
    vpc_id=vpc.id,
    description="web servers",
    ingress=[
        {"protocol": "tcp", "from_port": 22, "to_port": 22, "cidr_blocks": ["0.0.0.0/0"]},
        {"protocol": "tcp", "from_port": 3389, "to_port": 3389, "cidr_blocks": ["0.0.0.0/0"]},
        {"protocol": "tcp", "from_port": 80, "to_port": 80, "cidr_blocks": ["0.0.0.0/0"]},
    ],
)

server = aws.ec2.Instance("server", ami=ami.id, instance_type="t3.micro", vpc_security_group_ids=[web.id])

database = aws.rds.Instance(
    "database",
    engine="postgres",
    instance_class="db.t4g.micro",
    allocated_storage=20,
    username="app",
    manage_master_user_password=True,
    publicly_accessible=True,
    storage_encrypted=False,
    backup_retention_period=1,
    skip_final_snapshot=True,
)

key = aws.kms.Key("app-key", enable_key_rotation=False)
logs = aws.cloudwatch.LogGroup("app-logs", retention_in_days=7)  # a week: less than LP-LOG-2 keeps

assume = aws.iam.get_policy_document(
    statements=[
        {"actions": ["sts:AssumeRole"], "principals": [{"type": "Service", "identifiers": ["ec2.amazonaws.com"]}]}
    ]
)
role = aws.iam.Role("app-role", assume_role_policy=assume.json)
everything = aws.iam.get_policy_document(
    statements=[
        {"sid": "AllTheBuckets", "actions": ["s3:*"], "resources": ["*"]},
        {"sid": "HandAnyRoleOver", "actions": ["iam:PassRole"], "resources": ["*"]},
    ]
)
aws.iam.RolePolicy("app-role-access", role=role.id, policy=everything.json)

balancer = aws.lb.LoadBalancer(
    "web-lb", load_balancer_type="application", subnets=subnets.ids, security_groups=[web.id]
)
targets = aws.lb.TargetGroup("web-targets", port=80, protocol="HTTP", vpc_id=vpc.id)
aws.lb.Listener(
    "web-http",
    load_balancer_arn=balancer.arn,
    port=80,
    protocol="HTTP",
    default_actions=[{"type": "forward", "target_group_arn": targets.arn}],
)
aws.lb.Listener(
    "web-https",
    load_balancer_arn=balancer.arn,
    port=443,
    protocol="HTTPS",
    ssl_policy="ELBSecurityPolicy-2016-08",
    certificate_arn="arn:aws:acm:us-east-1:123456789012:certificate/insecure-sample",
    default_actions=[{"type": "forward", "target_group_arn": targets.arn}],
)

pulumi.export("bucket", uploads.id)
