"""The VPC: public and private subnets, flow logs, one security group per tier, EBS encryption.

Covers LP-LOG-1 (flow logs of ALL traffic into the archive), LP-TX-1 (only the load balancer
admits the internet, on 443 and 80) and LP-DR-1 (EBS encryption by default with a customer key,
in the stack's region; ``EbsEncryption`` covers the stack's other regions).
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass, field

import pulumi
import pulumi_aws as aws

from infra.components._outputs import child
from infra.components.ebs_encryption import encrypt_ebs_by_default

HTTPS = 443
HTTP = 80
POSTGRES = 5432
# The port the application tier serves HTTPS on behind the load balancer.
APP_PORT = 8443
ANYWHERE_V4 = "0.0.0.0/0"
ANYWHERE_V6 = "::/0"
TIERS = ("alb", "app", "db", "endpoints", "api-link")


def flow_log_destination(bucket_arn: pulumi.Input[str]) -> pulumi.Output[str]:
    """Where VPC flow logs land: the archive's ``vpc-flow-logs/`` folder (S3 adds the region)."""
    return pulumi.Output.concat(bucket_arn, "/vpc-flow-logs/")


def lock_down_and_log(
    name: str,
    vpc_id: pulumi.Input[str],
    flow_log_bucket_arn: pulumi.Input[str],
    *,
    security_group_name: str,
    tags: dict[str, str],
    opts: pulumi.ResourceOptions,
) -> aws.ec2.FlowLog:
    """What every VPC gets (LP-LOG-1, LP-TX-1): its default security group adopted with no rules,
    which removes AWS's allow-all defaults, and a flow log of ALL traffic into the archive.
    Creates ``<name>-default-sg`` and ``<name>-flow-log``."""
    aws.ec2.DefaultSecurityGroup(
        f"{name}-default-sg",
        vpc_id=vpc_id,
        tags={**tags, "Name": security_group_name},
        opts=opts,
    )
    return aws.ec2.FlowLog(
        f"{name}-flow-log",
        vpc_id=vpc_id,
        traffic_type="ALL",
        log_destination_type="s3",
        log_destination=flow_log_destination(flow_log_bucket_arn),
        max_aggregation_interval=60,
        destination_options={"file_format": "parquet", "per_hour_partition": True},
        tags=tags,
        opts=opts,
    )


def subnet_cidrs(vpc_cidr: str, zones: int) -> tuple[list[str], list[str]]:
    """Splits the VPC into eight equal blocks: public subnets first, private subnets after."""
    network = ipaddress.ip_network(vpc_cidr)
    blocks = [str(b) for b in network.subnets(prefixlen_diff=3)]
    return blocks[:zones], blocks[4 : 4 + zones]


@dataclass(frozen=True)
class NetworkArgs:
    name_prefix: str
    environment: str
    account_id: pulumi.Input[str]
    region: str
    vpc_cidr: str
    availability_zone_count: int
    flow_log_bucket_arn: pulumi.Input[str]
    key_deletion_window_days: int
    # One NAT gateway per zone survives a zone outage; dev shares one to save cost.
    nat_gateway_per_zone: bool = True
    tags: dict[str, str] = field(default_factory=dict)


class Network(pulumi.ComponentResource):
    vpc: aws.ec2.Vpc
    public_subnets: list[aws.ec2.Subnet]
    private_subnets: list[aws.ec2.Subnet]
    security_groups: dict[str, aws.ec2.SecurityGroup]

    def __init__(self, name: str, args: NetworkArgs, opts: pulumi.ResourceOptions | None = None):
        super().__init__("leadping:network:Network", name, None, opts)
        tags = args.tags
        zones = aws.get_availability_zones_output(state="available").names
        public_cidrs, private_cidrs = subnet_cidrs(args.vpc_cidr, args.availability_zone_count)

        self.vpc = aws.ec2.Vpc(
            f"{name}-vpc",
            cidr_block=args.vpc_cidr,
            enable_dns_hostnames=True,
            enable_dns_support=True,
            tags={**tags, "Name": f"{args.name_prefix}-vpc"},
            opts=child(self),
        )
        vpc_id = self.vpc.id
        lock_down_and_log(
            name,
            vpc_id,
            args.flow_log_bucket_arn,
            security_group_name=f"{args.name_prefix}-default-locked",
            tags=tags,
            opts=child(self),
        )
        igw = aws.ec2.InternetGateway(f"{name}-igw", vpc_id=vpc_id, tags=tags, opts=child(self))
        self._subnets(name, args, tags, vpc_id, zones, public_cidrs, private_cidrs)
        private_route_tables = self._routes(name, args, tags, vpc_id, igw)
        self._security_groups(name, args, tags, vpc_id)
        self._endpoints(name, args, tags, vpc_id, private_route_tables)
        self.ebs_key = encrypt_ebs_by_default(
            name,
            environment=args.environment,
            account_id=args.account_id,
            region=args.region,
            deletion_window_days=args.key_deletion_window_days,
            tags=tags,
            opts=child(self),
        )

        self.register_outputs(
            {
                "vpc_id": vpc_id,
                "public_subnet_ids": [s.id for s in self.public_subnets],
                "private_subnet_ids": [s.id for s in self.private_subnets],
                "security_group_ids": {tier: sg.id for tier, sg in self.security_groups.items()},
            }
        )

    def _subnets(
        self,
        name: str,
        args: NetworkArgs,
        tags: dict[str, str],
        vpc_id: pulumi.Output[str],
        zones: pulumi.Output[list[str]],
        public_cidrs: list[str],
        private_cidrs: list[str],
    ) -> None:
        self.public_subnets = []
        self.private_subnets = []
        for index in range(args.availability_zone_count):
            zone = zones.apply(lambda names, i=index: names[i])
            self.public_subnets.append(
                aws.ec2.Subnet(
                    f"{name}-public-{index}",
                    vpc_id=vpc_id,
                    cidr_block=public_cidrs[index],
                    availability_zone=zone,
                    map_public_ip_on_launch=False,
                    tags={**tags, "Name": f"{args.name_prefix}-public-{index}", "tier": "public"},
                    opts=child(self),
                )
            )
            self.private_subnets.append(
                aws.ec2.Subnet(
                    f"{name}-private-{index}",
                    vpc_id=vpc_id,
                    cidr_block=private_cidrs[index],
                    availability_zone=zone,
                    map_public_ip_on_launch=False,
                    tags={**tags, "Name": f"{args.name_prefix}-private-{index}", "tier": "private"},
                    opts=child(self),
                )
            )

    def _routes(
        self,
        name: str,
        args: NetworkArgs,
        tags: dict[str, str],
        vpc_id: pulumi.Output[str],
        igw: aws.ec2.InternetGateway,
    ) -> list[aws.ec2.RouteTable]:
        public_routes = aws.ec2.RouteTable(f"{name}-public-routes", vpc_id=vpc_id, tags=tags, opts=child(self))
        aws.ec2.Route(
            f"{name}-public-default-route",
            route_table_id=public_routes.id,
            destination_cidr_block=ANYWHERE_V4,
            gateway_id=igw.id,
            opts=child(self),
        )
        for index, subnet in enumerate(self.public_subnets):
            aws.ec2.RouteTableAssociation(
                f"{name}-public-{index}-routes",
                subnet_id=subnet.id,
                route_table_id=public_routes.id,
                opts=child(self),
            )

        nat_count = args.availability_zone_count if args.nat_gateway_per_zone else 1
        nat_gateways = []
        for index in range(nat_count):
            address = aws.ec2.Eip(f"{name}-nat-{index}-ip", domain="vpc", tags=tags, opts=child(self))
            nat_gateways.append(
                aws.ec2.NatGateway(
                    f"{name}-nat-{index}",
                    allocation_id=address.allocation_id,
                    subnet_id=self.public_subnets[index].id,
                    tags=tags,
                    opts=child(self, depends_on=[igw]),
                )
            )
        private_route_tables = []
        for index, subnet in enumerate(self.private_subnets):
            table = aws.ec2.RouteTable(f"{name}-private-{index}-routes", vpc_id=vpc_id, tags=tags, opts=child(self))
            aws.ec2.Route(
                f"{name}-private-{index}-default-route",
                route_table_id=table.id,
                destination_cidr_block=ANYWHERE_V4,
                nat_gateway_id=nat_gateways[index % nat_count].id,
                opts=child(self),
            )
            aws.ec2.RouteTableAssociation(
                f"{name}-private-{index}-association",
                subnet_id=subnet.id,
                route_table_id=table.id,
                opts=child(self),
            )
            private_route_tables.append(table)
        return private_route_tables

    def _security_groups(self, name: str, args: NetworkArgs, tags: dict[str, str], vpc_id: pulumi.Output[str]) -> None:
        self.security_groups = {
            tier: aws.ec2.SecurityGroup(
                f"{name}-{tier}-sg",
                name=f"{args.name_prefix}-{tier}",
                description=f"Leadping {args.environment} {tier} tier",
                vpc_id=vpc_id,
                tags={**tags, "tier": tier},
                opts=child(self),
            )
            for tier in TIERS
        }
        self._rules(name)

    def _endpoints(
        self,
        name: str,
        args: NetworkArgs,
        tags: dict[str, str],
        vpc_id: pulumi.Output[str],
        private_route_tables: list[aws.ec2.RouteTable],
    ) -> None:
        # Private paths to the AWS APIs the private tier uses most, so that traffic to S3,
        # DynamoDB and Secrets Manager never leaves the VPC.
        for service in ("s3", "dynamodb"):
            aws.ec2.VpcEndpoint(
                f"{name}-{service}-endpoint",
                vpc_id=vpc_id,
                service_name=f"com.amazonaws.{args.region}.{service}",
                vpc_endpoint_type="Gateway",
                route_table_ids=[t.id for t in private_route_tables],
                tags=tags,
                opts=child(self),
            )
        aws.ec2.VpcEndpoint(
            f"{name}-secretsmanager-endpoint",
            vpc_id=vpc_id,
            service_name=f"com.amazonaws.{args.region}.secretsmanager",
            vpc_endpoint_type="Interface",
            private_dns_enabled=True,
            subnet_ids=[s.id for s in self.private_subnets],
            security_group_ids=[self.security_groups["endpoints"].id],
            tags=tags,
            opts=child(self),
        )

    def _rules(self, name: str) -> None:
        sg = self.security_groups

        def ingress(
            role: str,
            tier: str,
            port: int,
            *,
            cidr4: str | None = None,
            cidr6: str | None = None,
            source: str | None = None,
        ) -> None:
            aws.vpc.SecurityGroupIngressRule(
                f"{name}-{tier}-in-{role}",
                security_group_id=sg[tier].id,
                ip_protocol="tcp",
                from_port=port,
                to_port=port,
                cidr_ipv4=cidr4,
                cidr_ipv6=cidr6,
                referenced_security_group_id=sg[source].id if source else None,
                description=f"{role} into {tier}",
                opts=child(self),
            )

        def egress(role: str, tier: str, port: int, *, cidr4: str | None = None, target: str | None = None) -> None:
            aws.vpc.SecurityGroupEgressRule(
                f"{name}-{tier}-out-{role}",
                security_group_id=sg[tier].id,
                ip_protocol="tcp",
                from_port=port,
                to_port=port,
                cidr_ipv4=cidr4,
                referenced_security_group_id=sg[target].id if target else None,
                description=f"{tier} to {role}",
                opts=child(self),
            )

        # The load balancer is the only thing the internet reaches: HTTPS, and HTTP to redirect.
        ingress("https-v4", "alb", HTTPS, cidr4=ANYWHERE_V4)
        ingress("https-v6", "alb", HTTPS, cidr6=ANYWHERE_V6)
        ingress("http-v4", "alb", HTTP, cidr4=ANYWHERE_V4)
        ingress("http-v6", "alb", HTTP, cidr6=ANYWHERE_V6)
        egress("app", "alb", APP_PORT, target="app")
        ingress("alb", "app", APP_PORT, source="alb")
        egress("db", "app", POSTGRES, target="db")
        # Providers (Twilio, SendGrid, ...) and AWS APIs without a VPC endpoint, over TLS only.
        egress("https", "app", HTTPS, cidr4=ANYWHERE_V4)
        ingress("app", "db", POSTGRES, source="app")
        ingress("app", "endpoints", HTTPS, source="app")
        # API Gateway's VPC link reaches the load balancer's HTTPS listener and nothing else.
        egress("alb", "api-link", HTTPS, target="alb")

    @property
    def private_subnet_ids(self) -> list[pulumi.Output[str]]:
        return [s.id for s in self.private_subnets]

    @property
    def public_subnet_ids(self) -> list[pulumi.Output[str]]:
        return [s.id for s in self.public_subnets]
