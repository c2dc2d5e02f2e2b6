"""A web server on EC2 in the account's default VPC, as the webserver examples build it.

The AMI comes from the public SSM parameter AWS keeps for Amazon Linux (a value only AWS knows:
offline, the AMI id is unknown and the gate says so); the instance takes a key pair, user data
that starts a web server, and a security group open to the world on SSH and HTTP.
"""

import pulumi
import pulumi_aws as aws

config = pulumi.Config()
instance_type = config.get("instanceType") or "t3.micro"

AMAZON_LINUX = "/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64"
ami_id = aws.ssm.get_parameter_output(name=AMAZON_LINUX).value

default_vpc = aws.ec2.get_vpc(default=True)
default_subnets = aws.ec2.get_subnets(filters=[{"name": "vpc-id", "values": [default_vpc.id]}])

key = aws.ec2.KeyPair("operator", public_key=config.require("publicKey"))

group = aws.ec2.SecurityGroup(
    "web-secgrp",
    description="Enable SSH and HTTP access",
    vpc_id=default_vpc.id,
    ingress=[
        {"protocol": "tcp", "from_port": 22, "to_port": 22, "cidr_blocks": ["0.0.0.0/0"]},
        {"protocol": "tcp", "from_port": 80, "to_port": 80, "cidr_blocks": ["0.0.0.0/0"]},
    ],
    egress=[{"protocol": "-1", "from_port": 0, "to_port": 0, "cidr_blocks": ["0.0.0.0/0"]}],
)

user_data = """#!/bin/bash
echo "Hello, World!" > index.html
nohup python3 -m http.server 80 &
"""

server = aws.ec2.Instance(
    "web-server",
    instance_type=instance_type,
    ami=ami_id,
    key_name=key.key_name,
    subnet_id=default_subnets.ids[0],
    vpc_security_group_ids=[group.id],
    associate_public_ip_address=True,
    user_data=user_data,
    tags={"Name": "web-server"},
)

pulumi.export("public_ip", server.public_ip)
pulumi.export("url", server.public_dns.apply(lambda dns: f"http://{dns}"))
