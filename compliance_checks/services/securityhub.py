"""Security Hub inventory: the hub of a region and the standards it has enabled."""

from __future__ import annotations

from typing import Any

from compliance_checks.reader import Reader

# The path every version of the AWS Foundational Security Best Practices standard's ARN carries.
FSBP_STANDARD = "standards/aws-foundational-security-best-practices/v/"


def hub(reader: Reader, region: str) -> dict[str, Any] | None:
    """DescribeHub's answer, or None when Security Hub is not enabled in the region.

    Security Hub answers InvalidAccessException ("not subscribed") when it is off; a missing
    IAM permission is AccessDeniedException and raises ReadError.
    """
    return reader.call(
        "securityhub", "describe_hub", region=region, missing=("InvalidAccessException",), expect=("HubArn",)
    )


def hub_arn(reader: Reader, region: str) -> str:
    return f"arn:{reader.partition()}:securityhub:{region}:{reader.account_id}:hub/default"


def enabled_standards(reader: Reader, region: str) -> list[dict[str, Any]]:
    return reader.paginate("securityhub", "get_enabled_standards", "StandardsSubscriptions", region=region)
