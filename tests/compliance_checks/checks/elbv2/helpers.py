"""Builders of load balancer state in moto, shared by the elbv2 (and ec2/wafv2) check tests."""

from __future__ import annotations

import boto3

from tests.compliance_checks.conftest import REGION

REDIRECT_301 = {
    "Type": "redirect",
    "RedirectConfig": {"Protocol": "HTTPS", "Port": "443", "StatusCode": "HTTP_301"},
}


def network() -> tuple[str, list[str]]:
    """(vpc id, two subnet ids in two zones)."""
    ec2 = boto3.client("ec2", region_name=REGION)
    vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    subnets = [
        ec2.create_subnet(VpcId=vpc, CidrBlock=f"10.0.{i}.0/24", AvailabilityZone=f"{REGION}{zone}")["Subnet"][
            "SubnetId"
        ]
        for i, zone in enumerate("ab")
    ]
    return vpc, subnets


def load_balancer(
    name: str = "leadping-alb",
    lb_type: str = "application",
    scheme: str = "internet-facing",
    groups: list[str] | None = None,
) -> str:
    vpc, subnets = network()
    if groups is None and lb_type == "application":
        groups = [
            boto3.client("ec2", region_name=REGION).create_security_group(
                GroupName=f"{name}-sg", Description="lb", VpcId=vpc
            )["GroupId"]
        ]
    kwargs = {"SecurityGroups": groups} if groups else {}
    return boto3.client("elbv2", region_name=REGION).create_load_balancer(
        Name=name, Subnets=subnets, Type=lb_type, Scheme=scheme, **kwargs
    )["LoadBalancers"][0]["LoadBalancerArn"]


def target_group(lb_arn: str, name: str = "app") -> str:
    elbv2 = boto3.client("elbv2", region_name=REGION)
    vpc = elbv2.describe_load_balancers(LoadBalancerArns=[lb_arn])["LoadBalancers"][0]["VpcId"]
    return elbv2.create_target_group(Name=name, Protocol="HTTP", Port=8080, VpcId=vpc)["TargetGroups"][0][
        "TargetGroupArn"
    ]


def certificate() -> str:
    return boto3.client("acm", region_name=REGION).request_certificate(DomainName="app.leadping.ai")["CertificateArn"]


def listener(lb_arn: str, protocol: str, port: int, actions: list[dict], policy: str | None = None) -> str:
    kwargs: dict = {}
    if protocol in ("HTTPS", "TLS"):
        kwargs = {"Certificates": [{"CertificateArn": certificate()}], "SslPolicy": policy}
    return boto3.client("elbv2", region_name=REGION).create_listener(
        LoadBalancerArn=lb_arn, Protocol=protocol, Port=port, DefaultActions=actions, **kwargs
    )["Listeners"][0]["ListenerArn"]


def set_attributes(lb_arn: str, **attributes: str) -> None:
    boto3.client("elbv2", region_name=REGION).modify_load_balancer_attributes(
        LoadBalancerArn=lb_arn, Attributes=[{"Key": k, "Value": v} for k, v in attributes.items()]
    )
