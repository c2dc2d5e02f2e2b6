"""Scenarios of ec2_security_group_public_ingress_restricted (LP-TX-1)."""

from __future__ import annotations

import boto3

from compliance_checks.core import Status
from tests.compliance_checks.checks.elbv2.helpers import load_balancer, network
from tests.compliance_checks.conftest import ACCOUNT_ID, REGION, by_resource, run_check

CHECK = "ec2_security_group_public_ingress_restricted"


def _group(name: str, *rules: dict, vpc: str | None = None) -> tuple[str, str]:
    """(group id, group ARN) of a new security group with the given ingress permissions."""
    ec2 = boto3.client("ec2", region_name=REGION)
    vpc = vpc or network()[0]
    group = ec2.create_security_group(GroupName=name, Description=name, VpcId=vpc)["GroupId"]
    if rules:
        ec2.authorize_security_group_ingress(GroupId=group, IpPermissions=list(rules))
    return group, f"arn:aws:ec2:{REGION}:{ACCOUNT_ID}:security-group/{group}"


def _tcp(port: int, to_port: int | None = None, cidr: str = "0.0.0.0/0") -> dict:
    ranges = {"Ipv6Ranges": [{"CidrIpv6": cidr}]} if ":" in cidr else {"IpRanges": [{"CidrIp": cidr}]}
    return {"IpProtocol": "tcp", "FromPort": port, "ToPort": to_port or port, **ranges}


def test_given_a_group_open_only_on_443_then_pass(reader):
    _, arn = _group("https", _tcp(443), _tcp(443, cidr="::/0"), _tcp(5432, cidr="10.0.0.0/16"))
    result = by_resource(run_check(CHECK, reader))[arn]
    assert result.status is Status.PASS
    assert result.evidence["open_ingress"] == []


def test_given_a_group_open_on_ssh_then_fail(reader):
    _, good = _group("https", _tcp(443))
    _, bad = _group("ssh", _tcp(443), _tcp(22))
    results = by_resource(run_check(CHECK, reader))
    assert results[good].status is Status.PASS
    assert results[bad].status is Status.FAIL
    assert results[bad].evidence["open_ingress"] == ["tcp 22 from 0.0.0.0/0"]


def test_given_a_group_open_to_ipv6_on_all_protocols_then_fail(reader):
    _, arn = _group("all", {"IpProtocol": "-1", "Ipv6Ranges": [{"CidrIpv6": "::/0"}]})
    result = by_resource(run_check(CHECK, reader))[arn]
    assert result.status is Status.FAIL
    assert "all traffic from ::/0" in result.message


def test_given_a_group_open_on_a_port_range_covering_443_then_fail(reader):
    _, arn = _group("range", _tcp(0, 65535))
    result = by_resource(run_check(CHECK, reader))[arn]
    assert result.status is Status.FAIL
    assert "tcp 0-65535" in result.message


def test_given_a_load_balancer_group_open_on_80_and_443_then_pass(reader):
    vpc = network()[0]
    group, arn = _group("alb", _tcp(80), _tcp(443), vpc=vpc)
    load_balancer(groups=[group])
    result = by_resource(run_check(CHECK, reader))[arn]
    assert result.status is Status.PASS


def test_given_a_group_of_no_load_balancer_open_on_80_then_fail(reader):
    _, arn = _group("web", _tcp(80), _tcp(443))
    result = by_resource(run_check(CHECK, reader))[arn]
    assert result.status is Status.FAIL
    assert result.evidence["open_ingress"] == ["tcp 80 from 0.0.0.0/0"]


def test_given_a_prefix_list_source_containing_the_internet_then_fail(reader):
    ec2 = boto3.client("ec2", region_name=REGION)
    prefix_list = ec2.create_managed_prefix_list(
        PrefixListName="everyone", AddressFamily="IPv4", MaxEntries=2, Entries=[{"Cidr": "0.0.0.0/0"}]
    )["PrefixList"]["PrefixListId"]
    _, arn = _group(
        "db", {"IpProtocol": "tcp", "FromPort": 5432, "ToPort": 5432, "PrefixListIds": [{"PrefixListId": prefix_list}]}
    )
    result = by_resource(run_check(CHECK, reader))[arn]
    assert result.status is Status.FAIL
    assert prefix_list in result.message


def test_given_describe_security_groups_is_denied_then_error(reader, deny):
    _group("ssh", _tcp(22))
    deny("ec2", "DescribeSecurityGroups", code="UnauthorizedOperation")
    assert [r.status for r in run_check(CHECK, reader)] == [Status.ERROR]


def test_given_describe_load_balancers_is_denied_then_error_only_where_port_80_is_open(reader, deny):
    _, web = _group("web", _tcp(80))
    _, https = _group("https", _tcp(443))
    deny("elbv2", "DescribeLoadBalancers")
    results = by_resource(run_check(CHECK, reader))
    assert results[web].status is Status.ERROR
    assert results[https].status is Status.PASS
