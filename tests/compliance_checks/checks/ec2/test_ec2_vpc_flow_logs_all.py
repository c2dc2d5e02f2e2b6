"""Scenarios of ec2_vpc_flow_logs_all (LP-LOG-1)."""

from __future__ import annotations

import boto3

from compliance_checks.core import Status
from tests.compliance_checks.conftest import ACCOUNT_ID, REGION, by_resource, run_check

CHECK = "ec2_vpc_flow_logs_all"


def _vpc(traffic: str | None) -> str:
    ec2 = boto3.client("ec2", region_name=REGION)
    vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    if traffic:
        boto3.client("s3", region_name=REGION).create_bucket(Bucket="leadping-flow-logs")
        ec2.create_flow_logs(
            ResourceIds=[vpc],
            ResourceType="VPC",
            TrafficType=traffic,
            LogDestinationType="s3",
            LogDestination="arn:aws:s3:::leadping-flow-logs",
        )
    return f"arn:aws:ec2:{REGION}:{ACCOUNT_ID}:vpc/{vpc}"


def test_given_a_vpc_with_an_active_all_traffic_flow_log_then_pass(reader):
    arn = _vpc("ALL")
    result = by_resource(run_check(CHECK, reader))[arn]
    assert result.status is Status.PASS
    assert "leadping-flow-logs" in result.message


def test_given_a_vpc_without_a_flow_log_then_fail(reader):
    good = _vpc("ALL")
    bad = _vpc(None)
    results = by_resource(run_check(CHECK, reader))
    assert results[good].status is Status.PASS
    assert results[bad].status is Status.FAIL
    assert results[bad].message == "no flow log"


def test_given_a_vpc_whose_only_flow_log_captures_rejects_then_fail(reader):
    arn = _vpc("REJECT")
    result = by_resource(run_check(CHECK, reader))[arn]
    assert result.status is Status.FAIL
    assert "REJECT" in result.message


def test_given_describe_flow_logs_is_denied_then_error(reader, deny):
    _vpc("ALL")
    deny("ec2", "DescribeFlowLogs", code="UnauthorizedOperation")
    assert [r.status for r in run_check(CHECK, reader)] == [Status.ERROR]
