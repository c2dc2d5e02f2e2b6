"""Components declared as pulumi-awsx's Python SDK declares its own: ``remote=True``.

A remote (multi-language) component is built by its provider's plugin, in another language: the
Python SDK only registers it and receives its outputs. An offline render does not run that
plugin, so nothing inside such a component is rendered, and its outputs stay unknown.
"""

import pulumi


class Vpc(pulumi.ComponentResource):
    """Like ``awsx.ec2.Vpc``: a VPC with public and private subnets, NAT gateways, routes."""

    vpc_id: pulumi.Output[str]
    public_subnet_ids: pulumi.Output[list]
    private_subnet_ids: pulumi.Output[list]

    def __init__(self, name, cidr_block=None, number_of_availability_zones=None, opts=None):
        props = {
            "cidr_block": cidr_block,
            "number_of_availability_zones": number_of_availability_zones,
            "vpc_id": None,
            "public_subnet_ids": None,
            "private_subnet_ids": None,
        }
        super().__init__("awsx:ec2:Vpc", name, props, opts, remote=True)


class ApplicationLoadBalancer(pulumi.ComponentResource):
    """Like ``awsx.lb.ApplicationLoadBalancer``: a load balancer, its listener and target group."""

    load_balancer: pulumi.Output[dict]
    default_target_group: pulumi.Output[dict]

    def __init__(self, name, subnet_ids=None, opts=None):
        props = {"subnet_ids": subnet_ids, "load_balancer": None, "default_target_group": None}
        super().__init__("awsx:lb:ApplicationLoadBalancer", name, props, opts, remote=True)
