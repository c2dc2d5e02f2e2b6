"""The default VPC of each region the stack uses: flow-logged and locked down (LP-LOG-1)."""

from __future__ import annotations

from typing import Any

from infra.fake_functions import FUNCTIONS
from infra.render import FAKE_ACCOUNT_ID, FakeCloud, render
from tests.infra.rendered import named, output, provider_region, regions_of, within

COMPONENT = "leadping:network:DefaultVpcs"


def default_vpc_id(region: str) -> str:
    """The id the offline render gives a region's default VPC."""
    answer = FUNCTIONS["aws:ec2/getVpcs:getVpcs"](
        {"filters": [{"name": "is-default", "values": ["true"]}]}, FAKE_ACCOUNT_ID, region
    )
    (vpc_id,) = answer["ids"]
    return vpc_id


def test_each_region_the_stack_uses_flow_logs_its_default_vpc_into_the_archive(stack):
    archive = output(named(stack, "aws:s3/bucket:Bucket", "log-archive-archive-bucket"), "arn")
    for region in regions_of(stack):
        flow_log = named(stack, "aws:ec2/flowLog:FlowLog", f"default-vpcs-{region}-flow-log")
        assert provider_region(stack, flow_log) == region
        assert flow_log.inputs["vpcId"] == default_vpc_id(region)
        assert flow_log.inputs["trafficType"] == "ALL"
        assert flow_log.inputs["logDestinationType"] == "s3"
        assert flow_log.inputs["logDestination"] == f"{archive}/vpc-flow-logs/"


def test_each_default_vpc_keeps_a_default_security_group_without_rules(stack):
    for region in regions_of(stack):
        group = named(stack, "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup", f"default-vpcs-{region}-default-sg")
        assert provider_region(stack, group) == region
        assert group.inputs["vpcId"] == default_vpc_id(region)
        assert not group.inputs.get("ingress")
        assert not group.inputs.get("egress")


def test_every_vpc_the_stack_creates_or_adopts_has_an_all_traffic_flow_log(stack):
    own = {output(v, "id") for v in stack.of_type("aws:ec2/vpc:Vpc")}
    adopted = {default_vpc_id(r) for r in regions_of(stack)}
    logged = {f.inputs["vpcId"] for f in stack.of_type("aws:ec2/flowLog:FlowLog") if f.inputs["trafficType"] == "ALL"}
    assert logged == own | adopted


def test_the_program_creates_no_default_vpc(stack):
    assert not stack.of_type("aws:ec2/defaultVpc:DefaultVpc")
    adopted = {r.type for r in within(stack, COMPONENT) if not r.type.startswith("pulumi:providers:")}
    assert adopted == {"aws:ec2/flowLog:FlowLog", "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup"}


class _WithoutDefaultVpc(FakeCloud):
    """An account whose default VPC in ``region`` was deleted."""

    def __init__(self, region: str) -> None:
        super().__init__()
        self.deleted_in = region

    def call(self, args: Any) -> dict[str, Any]:
        answer = super().call(args)
        if args.token == "aws:ec2/getVpcs:getVpcs" and answer["id"] == self.deleted_in:
            return {**answer, "ids": []}
        return answer


def test_a_region_without_a_default_vpc_gets_nothing_adopted():
    rendering = render("prod", handler=_WithoutDefaultVpc("us-west-2"))
    names = {r.name for r in within(rendering, COMPONENT) if not r.type.startswith("pulumi:providers:")}
    assert names == {"default-vpcs-us-east-1-flow-log", "default-vpcs-us-east-1-default-sg"}
