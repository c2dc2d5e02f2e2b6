from __future__ import annotations

from compliance_checks.kit import Check, CheckContext, CheckMetadata, Severity, ec2, rules, verdict


class Ec2VpcFlowLogsAll(Check):
    """Every VPC of the account has an active flow log capturing ALL traffic (accepted and rejected).

    A flow log counts when FlowLogStatus is ACTIVE, TrafficType is ALL and its delivery is not failing
    (DeliverLogsStatus FAILED means nothing is written). VPCs shared into the account by another
    account are judged in the owner's audit.

    Scenarios:
    - given a VPC with an active flow log of ALL traffic, then PASS
    - given a VPC without a flow log, then FAIL
    - given a VPC whose only flow log captures REJECT traffic, then FAIL
    - given DescribeFlowLogs is denied, then ERROR
    """

    regional = True
    metadata = CheckMetadata(
        title="VPCs have flow logs of all traffic",
        severity=Severity.MEDIUM,
        resource_type="AWS::EC2::VPC",
        rationale="LP-LOG-1: network traffic is recorded for abuse prevention and incident investigation (FSBP EC2.6).",
        remediation="Create a flow log on the VPC with TrafficType ALL to the log archive or a log group "
        "(infra: the network component does).",
    )

    def evaluate(self, ctx: CheckContext):
        account = ctx.reader.account_id_or_unknown()
        for region in ctx.reader.regions:
            # With the account unknown, judge every VPC rather than skip them all.
            vpcs = [
                v for v in ec2.vpcs(ctx.reader, region) if account == "unknown" or v.get("OwnerId") in (None, account)
            ]
            if not vpcs:
                continue
            flow_logs = ec2.flow_logs_by_resource(ctx.reader, region)
            for vpc in vpcs:
                arn = f"arn:{ctx.reader.partition()}:ec2:{region}:{vpc.get('OwnerId', account)}:vpc/{vpc['VpcId']}"
                judged = rules.ec2.vpc_flow_logs(rules.ec2.FlowLog.from_aws(f) for f in flow_logs.get(vpc["VpcId"], []))
                yield verdict(arn, judged, region=region, vpc_id=vpc["VpcId"])
