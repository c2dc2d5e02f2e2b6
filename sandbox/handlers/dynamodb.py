"""DynamoDB: tables with SSE (customer key), point-in-time recovery, deletion protection, TTL."""

from __future__ import annotations

from typing import Any

from sandbox.handlers.base import Context, Inputs, Outputs, drop_none, handles, tag_list


def _key_schema(hash_key: str | None, range_key: str | None) -> list[dict[str, str]]:
    schema = [{"AttributeName": hash_key, "KeyType": "HASH"}] if hash_key else []
    if range_key:
        schema.append({"AttributeName": range_key, "KeyType": "RANGE"})
    return schema


def _throughput(block: dict[str, Any] | Inputs, provisioned: bool) -> dict[str, Any]:
    if not provisioned:
        return {}
    return {
        "ProvisionedThroughput": {
            "ReadCapacityUnits": block.get("readCapacity") or 1,
            "WriteCapacityUnits": block.get("writeCapacity") or 1,
        }
    }


def _projection(index: dict[str, Any]) -> dict[str, Any]:
    return drop_none({"ProjectionType": index.get("projectionType"), "NonKeyAttributes": index.get("nonKeyAttributes")})


@handles("aws:dynamodb/table:Table")
def table(inputs: Inputs, ctx: Context) -> tuple[str, Outputs]:
    for unsupported in ("replicas", "importTable", "restoreSourceName", "restoreSourceTableArn", "globalTableWitness"):
        if inputs.get(unsupported):
            raise ValueError(f"{unsupported} is not simulated")
    dynamodb = ctx.client("dynamodb")
    name = ctx.physical_name(inputs.get("name"))
    provisioned = (inputs.get("billingMode") or "PROVISIONED") == "PROVISIONED"
    params: dict[str, Any] = {
        "TableName": name,
        "AttributeDefinitions": [
            {"AttributeName": a["name"], "AttributeType": a["type"]} for a in inputs["attributes"]
        ],
        "KeySchema": _key_schema(inputs.get("hashKey"), inputs.get("rangeKey")),
        "BillingMode": inputs.get("billingMode") or "PROVISIONED",
        **_throughput(inputs, provisioned),
    }
    gsis = []
    for index in inputs.get("globalSecondaryIndexes") or []:
        schema = [
            {"AttributeName": k["attributeName"], "KeyType": k["keyType"]} for k in index.get("keySchemas") or []
        ] or _key_schema(index.get("hashKey"), index.get("rangeKey"))
        gsis.append(
            {
                "IndexName": index["name"],
                "KeySchema": schema,
                "Projection": _projection(index),
                **_throughput(index, provisioned),
            }
        )
    if gsis:
        params["GlobalSecondaryIndexes"] = gsis
    lsis = [
        {
            "IndexName": index["name"],
            "KeySchema": _key_schema(inputs.get("hashKey"), index["rangeKey"]),
            "Projection": _projection(index),
        }
        for index in inputs.get("localSecondaryIndexes") or []
    ]
    if lsis:
        params["LocalSecondaryIndexes"] = lsis
    sse = inputs.get("serverSideEncryption")
    if sse and sse.get("enabled"):
        params["SSESpecification"] = drop_none(
            {"Enabled": True, "SSEType": "KMS", "KMSMasterKeyId": sse.get("kmsKeyArn")}
        )
    if inputs.get("streamEnabled"):
        params["StreamSpecification"] = {"StreamEnabled": True, "StreamViewType": inputs.get("streamViewType")}
    else:
        inputs.ignore("streamViewType")
    if inputs.get("deletionProtectionEnabled") is not None:
        params["DeletionProtectionEnabled"] = inputs["deletionProtectionEnabled"]
    if inputs.get("tableClass"):
        params["TableClass"] = inputs["tableClass"]
    if inputs.get("onDemandThroughput"):
        throughput = inputs["onDemandThroughput"]
        params["OnDemandThroughput"] = drop_none(
            {
                "MaxReadRequestUnits": throughput.get("maxReadRequestUnits"),
                "MaxWriteRequestUnits": throughput.get("maxWriteRequestUnits"),
            }
        )
    if inputs.get("warmThroughput"):
        raise ValueError("warmThroughput is not simulated")
    tags = ctx.tags(inputs)
    if tags:
        params["Tags"] = tag_list(tags)
    description = dynamodb.create_table(**params)["TableDescription"]
    arn = description["TableArn"]

    pitr = inputs.get("pointInTimeRecovery")
    if pitr and pitr.get("enabled"):
        spec: dict[str, Any] = {"PointInTimeRecoveryEnabled": True}
        if pitr.get("recoveryPeriodInDays"):
            spec["RecoveryPeriodInDays"] = pitr["recoveryPeriodInDays"]
        dynamodb.update_continuous_backups(TableName=name, PointInTimeRecoverySpecification=spec)
        status = dynamodb.describe_continuous_backups(TableName=name)["ContinuousBackupsDescription"]
        stored = status.get("PointInTimeRecoveryDescription", {}).get("PointInTimeRecoveryStatus")
        if stored != "ENABLED":
            ctx.gap(
                "dynamodb:UpdateContinuousBackups",
                f"moto did not store point-in-time recovery (status {stored})",
                checks=("dynamodb_pitr_enabled",),
                resource_id=arn,
            )
    ttl = inputs.get("ttl")
    if ttl and ttl.get("enabled"):
        dynamodb.update_time_to_live(
            TableName=name, TimeToLiveSpecification={"Enabled": True, "AttributeName": ttl["attributeName"]}
        )
    return name, {
        "arn": arn,
        "name": name,
        "streamArn": description.get("LatestStreamArn"),
        "streamLabel": description.get("LatestStreamLabel"),
        "tagsAll": tags,
    }
