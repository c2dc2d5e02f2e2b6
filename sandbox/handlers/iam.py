"""IAM (global): roles, customer-managed policies, inline policies, attachments, OIDC providers."""

from __future__ import annotations

import hashlib

from sandbox.handlers.base import Context, Inputs, Outputs, drop_none, handles, policy_text, tag_list


def _role_name(role: str) -> str:
    # Attachments take a role name; accept an ARN too, as the provider does.
    return role.rsplit("/", 1)[-1] if role.startswith("arn:") else role


@handles("aws:iam/role:Role")
def role(inputs: Inputs, ctx: Context) -> tuple[str, Outputs]:
    iam = ctx.client("iam")
    name = ctx.physical_name(inputs.get("name"), inputs.get("namePrefix"), max_length=64)
    tags = ctx.tags(inputs)
    params = drop_none(
        {
            "RoleName": name,
            "Path": inputs.get("path"),
            "AssumeRolePolicyDocument": policy_text(inputs["assumeRolePolicy"]),
            "Description": inputs.get("description"),
            "MaxSessionDuration": inputs.get("maxSessionDuration"),
            "PermissionsBoundary": inputs.get("permissionsBoundary"),
            "Tags": tag_list(tags) or None,
        }
    )
    created = iam.create_role(**params)["Role"]
    for inline in inputs.get("inlinePolicies") or []:
        if inline.get("name") and inline.get("policy"):
            iam.put_role_policy(RoleName=name, PolicyName=inline["name"], PolicyDocument=policy_text(inline["policy"]))
    for arn in inputs.get("managedPolicyArns") or []:
        iam.attach_role_policy(RoleName=name, PolicyArn=arn)
    return name, {
        "arn": created["Arn"],
        "name": name,
        "uniqueId": created["RoleId"],
        "createDate": created["CreateDate"].isoformat(),
        "tagsAll": tags,
    }


@handles("aws:iam/policy:Policy")
def policy(inputs: Inputs, ctx: Context) -> tuple[str, Outputs]:
    iam = ctx.client("iam")
    name = ctx.physical_name(inputs.get("name"), inputs.get("namePrefix"), max_length=128)
    tags = ctx.tags(inputs)
    created = iam.create_policy(
        **drop_none(
            {
                "PolicyName": name,
                "Path": inputs.get("path"),
                "PolicyDocument": policy_text(inputs["policy"]),
                "Description": inputs.get("description"),
                "Tags": tag_list(tags) or None,
            }
        )
    )["Policy"]
    # The provider's id of a policy is its ARN.
    return created["Arn"], {
        "arn": created["Arn"],
        "name": name,
        "policyId": created["PolicyId"],
        "attachmentCount": 0,
        "tagsAll": tags,
    }


@handles("aws:iam/rolePolicy:RolePolicy")
def role_policy(inputs: Inputs, ctx: Context) -> tuple[str, Outputs]:
    role_name = _role_name(inputs["role"])
    name = ctx.physical_name(inputs.get("name"), inputs.get("namePrefix"), max_length=128)
    ctx.client("iam").put_role_policy(RoleName=role_name, PolicyName=name, PolicyDocument=policy_text(inputs["policy"]))
    return f"{role_name}:{name}", {"name": name, "role": role_name}


@handles("aws:iam/rolePolicyAttachment:RolePolicyAttachment")
def role_policy_attachment(inputs: Inputs, ctx: Context) -> tuple[str, Outputs]:
    role_name = _role_name(inputs["role"])
    policy_arn = inputs["policyArn"]
    ctx.client("iam").attach_role_policy(RoleName=role_name, PolicyArn=policy_arn)
    digest = hashlib.sha256(f"{role_name}/{policy_arn}".encode()).hexdigest()[:12]
    return f"{role_name}-{digest}", {}


@handles("aws:iam/openIdConnectProvider:OpenIdConnectProvider")
def oidc_provider(inputs: Inputs, ctx: Context) -> tuple[str, Outputs]:
    tags = ctx.tags(inputs)
    params = drop_none(
        {
            "Url": inputs["url"],
            "ClientIDList": inputs.get("clientIdLists"),
            # AWS no longer needs thumbprints for GitHub's provider; moto requires the key.
            "ThumbprintList": inputs.get("thumbprintLists") or [],
            "Tags": tag_list(tags) or None,
        }
    )
    arn = ctx.client("iam").create_open_id_connect_provider(**params)["OpenIDConnectProviderArn"]
    return arn, {"arn": arn, "tagsAll": tags}


@handles("aws:iam/serviceLinkedRole:ServiceLinkedRole")
def service_linked_role(inputs: Inputs, ctx: Context) -> tuple[str, Outputs]:
    iam = ctx.client("iam")
    created = iam.create_service_linked_role(
        **drop_none(
            {
                "AWSServiceName": inputs["awsServiceName"],
                "Description": inputs.get("description"),
                "CustomSuffix": inputs.get("customSuffix"),
            }
        )
    )["Role"]
    tags = ctx.tags(inputs)
    if tags:  # CreateServiceLinkedRole takes no tags
        iam.tag_role(RoleName=created["RoleName"], Tags=tag_list(tags))
    return created["Arn"], {
        "arn": created["Arn"],
        "name": created["RoleName"],
        "path": created["Path"],
        "uniqueId": created["RoleId"],
        "createDate": created["CreateDate"].isoformat(),
        "tagsAll": tags,
    }
