"""The VPC: one test per security property (LP-LOG-1, LP-TX-1, LP-DR-1)."""

from __future__ import annotations

import ipaddress

import pytest

from infra.components.network import subnet_cidrs
from infra.render import Rendering
from tests.infra.rendered import named, output, provider_region


def ingress_of(rendering: Rendering, tier: str) -> list[dict]:
    group = output(named(rendering, "aws:ec2/securityGroup:SecurityGroup", f"network-{tier}-sg"), "id")
    return [
        r.inputs
        for r in rendering.of_type("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule")
        if r.inputs["securityGroupId"] == group
    ]


def group_id(rendering: Rendering, tier: str) -> str:
    return output(named(rendering, "aws:ec2/securityGroup:SecurityGroup", f"network-{tier}-sg"), "id")


def test_subnets_span_the_configured_zones_with_public_and_private_tiers(stack):
    zones = int(stack.config["leadping:availabilityZones"])
    subnets = stack.of_type("aws:ec2/subnet:Subnet")
    for tier in ("public", "private"):
        in_tier = [s for s in subnets if s.inputs["tags"]["tier"] == tier]
        assert len(in_tier) == zones
        assert len({s.inputs["availabilityZone"] for s in in_tier}) == zones
    vpc = ipaddress.ip_network(stack.config["leadping:vpcCidr"])
    blocks = [ipaddress.ip_network(s.inputs["cidrBlock"]) for s in subnets]
    assert all(b.subnet_of(vpc) for b in blocks)
    assert not any(a.overlaps(b) for i, a in enumerate(blocks) for b in blocks[i + 1 :])


def test_subnet_cidrs_split_the_vpc_without_overlap():
    public, private = subnet_cidrs("10.30.0.0/16", 3)
    assert public == ["10.30.0.0/19", "10.30.32.0/19", "10.30.64.0/19"]
    assert private == ["10.30.128.0/19", "10.30.160.0/19", "10.30.192.0/19"]
    assert subnet_cidrs("10.40.0.0/20", 2) == (["10.40.0.0/23", "10.40.2.0/23"], ["10.40.8.0/23", "10.40.10.0/23"])


def test_no_subnet_assigns_public_addresses(stack):
    assert all(s.inputs["mapPublicIpOnLaunch"] is False for s in stack.of_type("aws:ec2/subnet:Subnet"))


def test_flow_logs_capture_all_traffic_into_the_log_archive(stack):
    flow_log = named(stack, "aws:ec2/flowLog:FlowLog", "network-flow-log")
    (vpc,) = stack.of_type("aws:ec2/vpc:Vpc")
    archive = named(stack, "aws:s3/bucket:Bucket", "log-archive-archive-bucket")
    assert flow_log.inputs["vpcId"] == output(vpc, "id")
    assert flow_log.inputs["trafficType"] == "ALL"
    assert flow_log.inputs["logDestinationType"] == "s3"
    assert flow_log.inputs["logDestination"].startswith(output(archive, "arn") + "/")


def test_default_security_group_is_locked_down(stack):
    default = named(stack, "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup", "network-default-sg")
    assert default.inputs["vpcId"] == output(stack.of_type("aws:ec2/vpc:Vpc")[0], "id")
    assert not default.inputs.get("ingress")
    assert not default.inputs.get("egress")


def test_security_groups_use_standalone_rules_not_inline_ones(stack):
    for group in stack.of_type("aws:ec2/securityGroup:SecurityGroup"):
        assert not group.inputs.get("ingress"), group.name
        assert not group.inputs.get("egress"), group.name


def test_load_balancer_tier_admits_only_https_and_http_from_anywhere(stack):
    rules = {(r.get("cidrIpv4") or r.get("cidrIpv6"), r["fromPort"], r["toPort"]) for r in ingress_of(stack, "alb")}
    assert rules == {("0.0.0.0/0", 443, 443), ("::/0", 443, 443), ("0.0.0.0/0", 80, 80), ("::/0", 80, 80)}


def test_app_tier_admits_only_the_load_balancer(stack):
    rules = ingress_of(stack, "app")
    assert [(r["referencedSecurityGroupId"], r["fromPort"]) for r in rules] == [(group_id(stack, "alb"), 8443)]
    assert not any(r.get("cidrIpv4") or r.get("cidrIpv6") for r in rules)


def test_database_tier_admits_only_postgres_from_the_app_tier(stack):
    rules = ingress_of(stack, "db")
    assert [(r["referencedSecurityGroupId"], r["fromPort"], r["toPort"]) for r in rules] == [
        (group_id(stack, "app"), 5432, 5432)
    ]


@pytest.mark.parametrize("tier", ["endpoints", "api-link"])
def test_internal_tiers_admit_nothing_from_outside_the_vpc(stack, tier):
    assert not any(r.get("cidrIpv4") or r.get("cidrIpv6") for r in ingress_of(stack, tier))


def test_ebs_is_encrypted_by_default_with_a_rotating_customer_key(stack):
    enabled = named(stack, "aws:ebs/encryptionByDefault:EncryptionByDefault", "network-ebs-encryption")
    assert enabled.inputs["enabled"] is True
    assert provider_region(stack, enabled) == stack.config["aws:region"]
    default_key = named(stack, "aws:ebs/defaultKmsKey:DefaultKmsKey", "network-ebs-default-key")
    key = named(stack, "aws:kms/key:Key", "network-ebs-key")
    assert default_key.inputs["keyArn"] == output(key, "arn")
    assert key.inputs["enableKeyRotation"] is True


def test_prod_has_a_nat_gateway_per_zone_and_dev_shares_one(dev, prod):
    assert len(prod.of_type("aws:ec2/natGateway:NatGateway")) == int(prod.config["leadping:availabilityZones"])
    assert len(dev.of_type("aws:ec2/natGateway:NatGateway")) == 1
