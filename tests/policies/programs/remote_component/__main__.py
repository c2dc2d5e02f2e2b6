"""A service on a VPC and a load balancer from awsx-style (remote) components.

Most of what this program deploys is inside the two components, which the offline render cannot
see: the gate must refuse it (naming both) unless they are accepted as unjudged. Around them, the
program's own resources (a cluster, a security group, a log group) are judged as usual.
"""

import pulumi
import pulumi_aws as aws
from awsx_style import ApplicationLoadBalancer, Vpc

vpc = Vpc("vpc", cidr_block="10.0.0.0/16", number_of_availability_zones=2)

lb = ApplicationLoadBalancer("lb", subnet_ids=vpc.public_subnet_ids)

cluster = aws.ecs.Cluster("cluster")

tasks = aws.ec2.SecurityGroup(
    "tasks",
    vpc_id=vpc.vpc_id,
    description="tasks reached by the load balancer",
    ingress=[{"protocol": "tcp", "from_port": 8080, "to_port": 8080, "cidr_blocks": ["10.0.0.0/16"]}],
    egress=[{"protocol": "-1", "from_port": 0, "to_port": 0, "cidr_blocks": ["0.0.0.0/0"]}],
)

logs = aws.cloudwatch.LogGroup("service-logs", retention_in_days=7)

pulumi.export("url", lb.load_balancer.apply(lambda balancer: balancer["dnsName"]))
