"""Secrets Manager: secrets (customer key, system tag), values, resource policies, rotation, and
tags on secrets another service created (RDS, EventBridge)."""

from __future__ import annotations

from sandbox.handlers.base import Context, Inputs, Outputs, drop_none, handles, policy_text, tag_list


@handles("aws:secretsmanager/secret:Secret")
def secret(inputs: Inputs, ctx: Context) -> tuple[str, Outputs]:
    secretsmanager = ctx.client("secretsmanager")
    tags = ctx.tags(inputs)
    if inputs.get("replicas"):
        raise ValueError("secret replicas are not simulated")
    if inputs.get("type"):
        raise ValueError("managed external secret types are not simulated")
    name = ctx.physical_name(inputs.get("name"), inputs.get("namePrefix"), max_length=512)
    created = secretsmanager.create_secret(
        **drop_none(
            {
                "Name": name,
                "Description": inputs.get("description"),
                "KmsKeyId": inputs.get("kmsKeyId"),
                "Tags": tag_list(tags) or None,
                "ForceOverwriteReplicaSecret": inputs.get("forceOverwriteReplicaSecret"),
            }
        )
    )
    arn = created["ARN"]
    if inputs.get("policy"):
        secretsmanager.put_resource_policy(SecretId=arn, ResourcePolicy=policy_text(inputs["policy"]))
    # The provider's id of a secret is its ARN.
    return arn, {"arn": arn, "name": name, "tagsAll": tags}


@handles("aws:secretsmanager/secretVersion:SecretVersion")
def secret_version(inputs: Inputs, ctx: Context) -> tuple[str, Outputs]:
    secret_id = inputs["secretId"]
    value = inputs.get("secretString") or inputs.get("secretStringWo")
    inputs.ignore("secretStringWoVersion")  # only tells Pulumi when a write-only value changed
    params = drop_none(
        {
            "SecretId": secret_id,
            "SecretString": value,
            "SecretBinary": inputs.get("secretBinary"),
            "VersionStages": inputs.get("versionStages"),
        }
    )
    version = ctx.client("secretsmanager").put_secret_value(**params)["VersionId"]
    return f"{secret_id}|{version}", {"arn": secret_id, "versionId": version}


@handles("aws:secretsmanager/secretPolicy:SecretPolicy")
def secret_policy(inputs: Inputs, ctx: Context) -> tuple[str, Outputs]:
    arn = inputs["secretArn"]
    ctx.client("secretsmanager").put_resource_policy(
        **drop_none(
            {
                "SecretId": arn,
                "ResourcePolicy": policy_text(inputs["policy"]),
                "BlockPublicPolicy": inputs.get("blockPublicPolicy"),
            }
        )
    )
    return arn, {}


@handles("aws:secretsmanager/secretRotation:SecretRotation")
def secret_rotation(inputs: Inputs, ctx: Context) -> tuple[str, Outputs]:
    secretsmanager = ctx.client("secretsmanager")
    secret_id = inputs["secretId"]
    if inputs.get("externalSecretRotationMetadatas") or inputs.get("externalSecretRotationRoleArn"):
        raise ValueError("external secret rotation is not simulated")
    if inputs.get("rotationEnabled") is False:
        raise ValueError("a SecretRotation with rotationEnabled=false is not simulated")
    rules = inputs["rotationRules"]
    rotate_now = inputs.get("rotateImmediately", True)
    response = secretsmanager.rotate_secret(
        **drop_none(
            {
                "SecretId": secret_id,
                "RotationLambdaARN": inputs.get("rotationLambdaArn"),
                "RotationRules": drop_none(
                    {
                        "AutomaticallyAfterDays": rules.get("automaticallyAfterDays"),
                        "Duration": rules.get("duration"),
                        "ScheduleExpression": rules.get("scheduleExpression"),
                    }
                ),
                "RotateImmediately": rotate_now,
            }
        )
    )
    return response["ARN"], {"rotationEnabled": True}


@handles("aws:secretsmanager/tag:Tag")
def tag(inputs: Inputs, ctx: Context) -> tuple[str, Outputs]:
    secret_id, key, value = inputs["secretId"], inputs["key"], inputs["value"]
    secretsmanager = ctx.client("secretsmanager")
    secretsmanager.tag_resource(SecretId=secret_id, Tags=[{"Key": key, "Value": value}])
    # The provider's id is "<secret id>,<key>".
    return f"{secret_id},{key}", {"secretId": secret_id, "key": key, "value": value}
