"""An application stack that builds on a network stack, as the StackReference examples do.

The VPC, its subnets, the administrators' address range and the department's name are another
stack's outputs: a preview without them sees unknowns (and the gate says so); with them
(``stack-outputs.yaml``, the gate's ``--stack-outputs``) the rules are judged on the real ranges,
and the network stack's administrators' range turns out to be the whole internet.
"""

import pulumi
import pulumi_aws as aws

config = pulumi.Config()
network = pulumi.StackReference(config.require("networkStack"))

vpc_id = network.require_output("vpcId")
vpc_cidr = network.require_output("vpcCidr")
admin_cidr = network.require_output("adminCidr")
subnet_ids = network.require_output("privateSubnetIds")

tags = {
    "team": config.require("teamName"),
    "department": network.get_output("departmentName"),
    "Managed By": "Pulumi",
}

database_group = aws.ec2.SecurityGroup(
    "db-secgrp",
    vpc_id=vpc_id,
    description="PostgreSQL from inside the VPC",
    ingress=[
        {"protocol": "tcp", "from_port": 5432, "to_port": 5432, "cidr_blocks": [vpc_cidr]},
        {"protocol": "tcp", "from_port": 22, "to_port": 22, "cidr_blocks": [admin_cidr]},
    ],
    tags=tags,
)

subnets = aws.rds.SubnetGroup("db-subnets", subnet_ids=subnet_ids, tags=tags)

database = aws.rds.Instance(
    "app-db",
    engine="postgres",
    instance_class="db.t4g.micro",
    allocated_storage=20,
    username="app",
    manage_master_user_password=True,
    db_subnet_group_name=subnets.name,
    vpc_security_group_ids=[database_group.id],
    storage_encrypted=True,
    skip_final_snapshot=True,
    tags=tags,
)

pulumi.export("database_endpoint", database.endpoint)
