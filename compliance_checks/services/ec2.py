"""EC2 inventory: security groups, VPCs and their flow logs, managed prefix lists, and the regional
EBS encryption defaults."""

from __future__ import annotations

from typing import Any

from compliance_checks.reader import Reader


def security_groups(reader: Reader, region: str) -> list[dict[str, Any]]:
    return reader.paginate("ec2", "describe_security_groups", "SecurityGroups", region=region)


def security_group_arn(group: dict[str, Any], region: str, partition: str = "aws") -> str:
    """The group's SecurityGroupArn, or its ARN built where the answer lacks it."""
    fallback = f"arn:{partition}:ec2:{region}:{group.get('OwnerId', '')}:security-group/{group['GroupId']}"
    return group.get("SecurityGroupArn") or fallback


def prefix_list_cidrs(reader: Reader, region: str, prefix_list_id: str) -> list[str]:
    """The CIDRs of a managed prefix list (needs ec2:GetManagedPrefixListEntries)."""
    entries = reader.paginate(
        "ec2", "get_managed_prefix_list_entries", "Entries", region=region, PrefixListId=prefix_list_id
    )
    return [e["Cidr"] for e in entries if e.get("Cidr")]


def vpcs(reader: Reader, region: str) -> list[dict[str, Any]]:
    return reader.paginate("ec2", "describe_vpcs", "Vpcs", region=region)


def flow_logs_by_resource(reader: Reader, region: str) -> dict[str, list[dict[str, Any]]]:
    """Every flow log of the region, keyed by the resource (VPC, subnet, ENI) it is attached to."""
    grouped: dict[str, list[dict[str, Any]]] = {}
    for flow_log in reader.paginate("ec2", "describe_flow_logs", "FlowLogs", region=region):
        grouped.setdefault(flow_log.get("ResourceId", ""), []).append(flow_log)
    return grouped


def ebs_encryption_by_default(reader: Reader, region: str) -> bool:
    response = (
        reader.call("ec2", "get_ebs_encryption_by_default", region=region, expect=("EbsEncryptionByDefault",)) or {}
    )
    return bool(response.get("EbsEncryptionByDefault"))


def ebs_default_kms_key(reader: Reader, region: str) -> str | None:
    response = reader.call("ec2", "get_ebs_default_kms_key_id", region=region, expect=("KmsKeyId",)) or {}
    return response.get("KmsKeyId")
