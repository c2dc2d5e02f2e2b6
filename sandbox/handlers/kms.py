"""KMS: customer-managed keys (rotation, key policy), aliases."""

from __future__ import annotations

from sandbox.handlers.base import Context, Inputs, Outputs, drop_none, handles, policy_text, tag_list


@handles("aws:kms/key:Key")
def key(inputs: Inputs, ctx: Context) -> tuple[str, Outputs]:
    kms = ctx.client("kms")
    tags = ctx.tags(inputs)
    params = drop_none(
        {
            "Description": inputs.get("description"),
            "KeyUsage": inputs.get("keyUsage"),
            "KeySpec": inputs.get("customerMasterKeySpec"),
            "Policy": policy_text(inputs.get("policy")),
            "MultiRegion": inputs.get("multiRegion"),
            "BypassPolicyLockoutSafetyCheck": inputs.get("bypassPolicyLockoutSafetyCheck"),
            "Tags": tag_list(tags, "TagKey", "TagValue") or None,
        }
    )
    if inputs.get("customKeyStoreId") or inputs.get("xksKeyId"):
        raise ValueError("custom key stores are not simulated")
    metadata = kms.create_key(**params)["KeyMetadata"]
    key_id = metadata["KeyId"]
    if inputs.get("enableKeyRotation"):
        period = inputs.get("rotationPeriodInDays")
        kms.enable_key_rotation(KeyId=key_id, **({"RotationPeriodInDays": period} if period else {}))
    if inputs.get("isEnabled") is False:
        kms.disable_key(KeyId=key_id)
    return key_id, {"arn": metadata["Arn"], "keyId": key_id, "tagsAll": tags}


@handles("aws:kms/alias:Alias")
def alias(inputs: Inputs, ctx: Context) -> tuple[str, Outputs]:
    kms = ctx.client("kms")
    name = inputs.get("name") or ctx.physical_name(None, inputs.get("namePrefix") or "alias/")
    target = inputs["targetKeyId"]
    kms.create_alias(AliasName=name, TargetKeyId=target)
    target_arn = kms.describe_key(KeyId=target)["KeyMetadata"]["Arn"]
    arn = f"arn:aws:kms:{ctx.region}:{ctx.account_id}:{name}"
    return name, {"arn": arn, "name": name, "targetKeyArn": target_arn}


@handles("aws:kms/keyPolicy:KeyPolicy")
def key_policy(inputs: Inputs, ctx: Context) -> tuple[str, Outputs]:
    key_id = inputs["keyId"]
    inputs.ignore("bypassPolicyLockoutSafetyCheck")  # moto does not evaluate the lockout check
    ctx.client("kms").put_key_policy(KeyId=key_id, PolicyName="default", Policy=policy_text(inputs["policy"]))
    return key_id, {}
