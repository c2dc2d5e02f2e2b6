"""SSM Parameter Store parameters (String, StringList, SecureString with a KMS key)."""

from __future__ import annotations

from sandbox.handlers.base import Context, Inputs, Outputs, drop_none, handles, tag_list


@handles("aws:ssm/parameter:Parameter")
def parameter(inputs: Inputs, ctx: Context) -> tuple[str, Outputs]:
    ssm = ctx.client("ssm")
    tags = ctx.tags(inputs)
    name = inputs.get("name") or ctx.physical_name(None)
    value = inputs.get("value") or inputs.get("valueWo") or inputs.get("insecureValue")
    inputs.ignore("valueWoVersion", "overwrite")
    params = drop_none(
        {
            "Name": name,
            "Type": inputs["type"],
            "Value": value,
            "Description": inputs.get("description"),
            "KeyId": inputs.get("keyId"),
            "Tier": inputs.get("tier"),
            "AllowedPattern": inputs.get("allowedPattern"),
            "DataType": inputs.get("dataType"),
            "Tags": tag_list(tags) or None,
        }
    )
    version = ssm.put_parameter(**params)["Version"]
    arn = f"arn:aws:ssm:{ctx.region}:{ctx.account_id}:parameter/{name.lstrip('/')}"
    return name, {"arn": arn, "name": name, "version": version, "tagsAll": tags}
