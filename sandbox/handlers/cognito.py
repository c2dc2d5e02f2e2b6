"""Cognito user pools (MFA, password policy), app clients and domains."""

from __future__ import annotations

from typing import Any

from sandbox.handlers.base import Context, Inputs, Outputs, drop_none, handles, pascal


def _schema(block: dict[str, Any]) -> dict[str, Any]:
    converted = drop_none(
        {
            "Name": block["name"],
            "AttributeDataType": block["attributeDataType"],
            "DeveloperOnlyAttribute": block.get("developerOnlyAttribute"),
            "Mutable": block.get("mutable"),
            "Required": block.get("required"),
        }
    )
    if block.get("stringAttributeConstraints"):
        converted["StringAttributeConstraints"] = pascal(block["stringAttributeConstraints"])
    if block.get("numberAttributeConstraints"):
        converted["NumberAttributeConstraints"] = pascal(block["numberAttributeConstraints"])
    return converted


_NOT_SIMULATED = (
    "lambdaConfig",
    "smsConfiguration",
    "emailMfaConfiguration",
    "webAuthnConfiguration",
    "signInPolicy",
    "userPoolTier",
)


@handles("aws:cognito/userPool:UserPool")
def user_pool(inputs: Inputs, ctx: Context) -> tuple[str, Outputs]:
    for key in _NOT_SIMULATED:
        if inputs.get(key):
            raise ValueError(f"{key} is not simulated")
    cognito = ctx.client("cognito-idp")
    tags = ctx.tags(inputs)
    name = inputs.get("name") or ctx.physical_name(None, max_length=128)
    policy = inputs.get("passwordPolicy")
    recovery = inputs.get("accountRecoverySetting")
    admin = inputs.get("adminCreateUserConfig")
    params = drop_none(
        {
            "PoolName": name,
            "Policies": {"PasswordPolicy": pascal(policy)} if policy else None,
            "DeletionProtection": inputs.get("deletionProtection"),
            "AutoVerifiedAttributes": inputs.get("autoVerifiedAttributes"),
            "AliasAttributes": inputs.get("aliasAttributes"),
            "UsernameAttributes": inputs.get("usernameAttributes"),
            "UsernameConfiguration": pascal(inputs["usernameConfiguration"])
            if inputs.get("usernameConfiguration")
            else None,
            "EmailVerificationMessage": inputs.get("emailVerificationMessage"),
            "EmailVerificationSubject": inputs.get("emailVerificationSubject"),
            "SmsVerificationMessage": inputs.get("smsVerificationMessage"),
            "SmsAuthenticationMessage": inputs.get("smsAuthenticationMessage"),
            "VerificationMessageTemplate": pascal(inputs["verificationMessageTemplate"])
            if inputs.get("verificationMessageTemplate")
            else None,
            "DeviceConfiguration": pascal(inputs["deviceConfiguration"]) if inputs.get("deviceConfiguration") else None,
            "EmailConfiguration": pascal(inputs["emailConfiguration"], {"sourceArn": "SourceArn"})
            if inputs.get("emailConfiguration")
            else None,
            "UserAttributeUpdateSettings": pascal(inputs["userAttributeUpdateSettings"])
            if inputs.get("userAttributeUpdateSettings")
            else None,
            "UserPoolAddOns": pascal(inputs["userPoolAddOns"]) if inputs.get("userPoolAddOns") else None,
            "AdminCreateUserConfig": pascal(admin) if admin else None,
            "AccountRecoverySetting": {"RecoveryMechanisms": pascal(recovery["recoveryMechanisms"])}
            if recovery
            else None,
            "Schema": [_schema(s) for s in inputs.get("schemas") or []] or None,
            "UserPoolTags": tags or None,
        }
    )
    pool = cognito.create_user_pool(**params)["UserPool"]
    pool_id = pool["Id"]
    mfa = inputs.get("mfaConfiguration") or "OFF"
    totp = inputs.get("softwareTokenMfaConfiguration")
    if mfa != "OFF" or totp:
        mfa_params: dict[str, Any] = {"UserPoolId": pool_id, "MfaConfiguration": mfa}
        if totp:
            mfa_params["SoftwareTokenMfaConfiguration"] = {"Enabled": bool(totp.get("enabled"))}
        cognito.set_user_pool_mfa_config(**mfa_params)
    return pool_id, {
        "arn": pool["Arn"],
        "name": name,
        "endpoint": f"cognito-idp.{ctx.region}.amazonaws.com/{pool_id}",
        "creationDate": str(pool.get("CreationDate")),
        "tagsAll": tags,
    }


@handles("aws:cognito/userPoolClient:UserPoolClient")
def user_pool_client(inputs: Inputs, ctx: Context) -> tuple[str, Outputs]:
    if inputs.get("analyticsConfiguration") or inputs.get("refreshTokenRotation"):
        raise ValueError("analyticsConfiguration and refreshTokenRotation are not simulated")
    units = inputs.get("tokenValidityUnits")
    params = drop_none(
        {
            "UserPoolId": inputs["userPoolId"],
            "ClientName": ctx.physical_name(inputs.get("name"), max_length=128),
            "GenerateSecret": inputs.get("generateSecret"),
            "RefreshTokenValidity": inputs.get("refreshTokenValidity"),
            "AccessTokenValidity": inputs.get("accessTokenValidity"),
            "IdTokenValidity": inputs.get("idTokenValidity"),
            "TokenValidityUnits": pascal(units) if units else None,
            "ReadAttributes": inputs.get("readAttributes"),
            "WriteAttributes": inputs.get("writeAttributes"),
            "ExplicitAuthFlows": inputs.get("explicitAuthFlows"),
            "SupportedIdentityProviders": inputs.get("supportedIdentityProviders"),
            "CallbackURLs": inputs.get("callbackUrls"),
            "LogoutURLs": inputs.get("logoutUrls"),
            "DefaultRedirectURI": inputs.get("defaultRedirectUri"),
            "AllowedOAuthFlows": inputs.get("allowedOauthFlows"),
            "AllowedOAuthScopes": inputs.get("allowedOauthScopes"),
            "AllowedOAuthFlowsUserPoolClient": inputs.get("allowedOauthFlowsUserPoolClient"),
            "PreventUserExistenceErrors": inputs.get("preventUserExistenceErrors"),
            "EnableTokenRevocation": inputs.get("enableTokenRevocation"),
            "EnablePropagateAdditionalUserContextData": inputs.get("enablePropagateAdditionalUserContextData"),
            "AuthSessionValidity": inputs.get("authSessionValidity"),
        }
    )
    client = ctx.client("cognito-idp").create_user_pool_client(**params)["UserPoolClient"]
    return client["ClientId"], {"clientSecret": client.get("ClientSecret"), "name": client["ClientName"]}


@handles("aws:cognito/userPoolDomain:UserPoolDomain")
def user_pool_domain(inputs: Inputs, ctx: Context) -> tuple[str, Outputs]:
    domain = inputs["domain"]
    params = drop_none(
        {
            "Domain": domain,
            "UserPoolId": inputs["userPoolId"],
            "CustomDomainConfig": {"CertificateArn": inputs["certificateArn"]}
            if inputs.get("certificateArn")
            else None,
            "ManagedLoginVersion": inputs.get("managedLoginVersion"),
        }
    )
    created = ctx.client("cognito-idp").create_user_pool_domain(**params)
    return domain, {
        "cloudfrontDistribution": created.get("CloudFrontDomain"),
        "cloudfrontDistributionArn": created.get("CloudFrontDomain"),
        "cloudfrontDistributionZoneId": "Z2FDTNDATAQYW2",
    }
