"""CloudTrail: trails (multi-region, validation, KMS, CloudWatch Logs delivery), event selectors,
and logging started."""

from __future__ import annotations

from typing import Any

from sandbox.handlers.base import Context, Inputs, Outputs, drop_none, handles, tag_list

_FIELD_OPERATORS = {
    "equals": "Equals",
    "notEquals": "NotEquals",
    "startsWiths": "StartsWith",
    "notStartsWiths": "NotStartsWith",
    "endsWiths": "EndsWith",
    "notEndsWiths": "NotEndsWith",
}


def advanced_selector(block: dict[str, Any]) -> dict[str, Any]:
    """One pulumi-aws advanced event selector as CloudTrail's AdvancedEventSelector."""
    fields = []
    for field in block["fieldSelectors"]:
        converted: dict[str, Any] = {"Field": field["field"]}
        for key, api_key in _FIELD_OPERATORS.items():
            if field.get(key):
                converted[api_key] = field[key]
        fields.append(converted)
    return drop_none({"Name": block.get("name"), "FieldSelectors": fields})


def event_selector(block: dict[str, Any]) -> dict[str, Any]:
    return drop_none(
        {
            "ReadWriteType": block.get("readWriteType") or "All",
            "IncludeManagementEvents": block.get("includeManagementEvents", True),
            "DataResources": [{"Type": d["type"], "Values": d["values"]} for d in block.get("dataResources") or []],
            "ExcludeManagementEventSources": block.get("excludeManagementEventSources"),
        }
    )


@handles("aws:cloudtrail/trail:Trail")
def trail(inputs: Inputs, ctx: Context) -> tuple[str, Outputs]:
    cloudtrail = ctx.client("cloudtrail")
    tags = ctx.tags(inputs)
    name = ctx.physical_name(inputs.get("name"), max_length=128)
    params = drop_none(
        {
            "Name": name,
            "S3BucketName": inputs["s3BucketName"],
            "S3KeyPrefix": inputs.get("s3KeyPrefix"),
            "SnsTopicName": inputs.get("snsTopicName"),
            # The provider's defaults: global service events on, single-region, no validation.
            "IncludeGlobalServiceEvents": inputs.get("includeGlobalServiceEvents", True),
            "IsMultiRegionTrail": inputs.get("isMultiRegionTrail", False),
            "EnableLogFileValidation": inputs.get("enableLogFileValidation", False),
            "CloudWatchLogsLogGroupArn": inputs.get("cloudWatchLogsGroupArn"),
            "CloudWatchLogsRoleArn": inputs.get("cloudWatchLogsRoleArn"),
            "KmsKeyId": inputs.get("kmsKeyId"),
            "IsOrganizationTrail": inputs.get("isOrganizationTrail"),
            "TagsList": tag_list(tags) or None,
        }
    )
    created = cloudtrail.create_trail(**params)
    arn = created["TrailARN"]
    stored = cloudtrail.get_trail(Name=arn)["Trail"]
    for key, check in (
        ("CloudWatchLogsLogGroupArn", "cloudtrail_cloudwatch_logs_delivery"),
        ("KmsKeyId", "cloudtrail_kms_encrypted"),
    ):
        if params.get(key) and not stored.get(key):
            ctx.gap("cloudtrail:CreateTrail", f"moto did not store {key}", checks=(check,), resource_id=arn)
    advanced = inputs.get("advancedEventSelectors") or []
    basic = inputs.get("eventSelectors") or []
    if advanced and basic:
        raise ValueError("a trail takes either eventSelectors or advancedEventSelectors, not both")
    if advanced:
        cloudtrail.put_event_selectors(TrailName=arn, AdvancedEventSelectors=[advanced_selector(s) for s in advanced])
    elif basic:
        cloudtrail.put_event_selectors(TrailName=arn, EventSelectors=[event_selector(s) for s in basic])
    insights = inputs.get("insightSelectors") or []
    if insights:
        ctx.attempt(
            "cloudtrail",
            "put_insight_selectors",
            TrailName=arn,
            InsightSelectors=[{"InsightType": i["insightType"]} for i in insights],
        )
    logging = inputs.get("enableLogging", True)
    if logging:
        cloudtrail.start_logging(Name=arn)
    return arn, {
        "arn": arn,
        "name": name,
        "homeRegion": ctx.region,
        "enableLogging": logging,
        "tagsAll": tags,
    }
