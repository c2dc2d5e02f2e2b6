"""API Gateway REST APIs: API, authorizers, request validators, resources, methods, integrations,
deployments, stages and their method settings, custom domains and base path mappings, and the
account's CloudWatch role."""

from __future__ import annotations

from typing import Any

from sandbox.handlers.base import Context, Inputs, Outputs, drop_none, handles

ACCOUNT_ID = "api-gateway-account"


def _rest_api_arn(ctx: Context, api_id: str) -> str:
    return f"arn:aws:apigateway:{ctx.region}::/restapis/{api_id}"


def _execution_arn(ctx: Context, api_id: str) -> str:
    return f"arn:aws:execute-api:{ctx.region}:{ctx.account_id}:{api_id}"


def _endpoint_configuration(block: dict[str, Any] | None) -> dict[str, Any] | None:
    """Pulumi's single ``types`` value (v7) as the API's list; VPC endpoints for PRIVATE APIs."""
    if not block:
        return None
    types = block.get("types")
    return drop_none(
        {
            "types": [types] if isinstance(types, str) else types,
            "ipAddressType": block.get("ipAddressType"),
            "vpcEndpointIds": block.get("vpcEndpointIds"),
        }
    )


@handles("aws:apigateway/restApi:RestApi")
def rest_api(inputs: Inputs, ctx: Context) -> tuple[str, Outputs]:
    client = ctx.client("apigateway")
    tags = ctx.tags(inputs)
    for key in ("body", "parameters", "binaryMediaTypes", "policy"):
        if inputs.get(key):
            raise ValueError(f"{key} is not simulated")
    inputs.ignore("putRestApiMode", "failOnWarnings")  # only apply to an imported body
    created = client.create_rest_api(
        **drop_none(
            {
                "name": inputs.get("name") or ctx.physical_name(None),
                "description": inputs.get("description"),
                "apiKeySource": inputs.get("apiKeySource"),
                "minimumCompressionSize": inputs.get("minimumCompressionSize"),
                "endpointConfiguration": _endpoint_configuration(inputs.get("endpointConfiguration")),
                "disableExecuteApiEndpoint": inputs.get("disableExecuteApiEndpoint"),
                "tags": tags or None,
            }
        )
    )
    api_id = created["id"]
    return api_id, {
        "arn": _rest_api_arn(ctx, api_id),
        "executionArn": _execution_arn(ctx, api_id),
        "rootResourceId": created["rootResourceId"],
        "name": created["name"],
        "createdDate": str(created.get("createdDate")),
        "tagsAll": tags,
    }


@handles("aws:apigateway/authorizer:Authorizer")
def authorizer(inputs: Inputs, ctx: Context) -> tuple[str, Outputs]:
    api_id = inputs["restApi"]
    created = ctx.client("apigateway").create_authorizer(
        **drop_none(
            {
                "restApiId": api_id,
                "name": inputs.get("name") or ctx.physical_name(None),
                "type": inputs.get("type") or "TOKEN",
                "providerARNs": inputs.get("providerArns"),
                "authorizerUri": inputs.get("authorizerUri"),
                "authorizerCredentials": inputs.get("authorizerCredentials"),
                "identitySource": inputs.get("identitySource"),
                "identityValidationExpression": inputs.get("identityValidationExpression"),
                "authorizerResultTtlInSeconds": inputs.get("authorizerResultTtlInSeconds"),
            }
        )
    )
    authorizer_id = created["id"]
    return authorizer_id, {"arn": f"{_rest_api_arn(ctx, api_id)}/authorizers/{authorizer_id}"}


@handles("aws:apigateway/requestValidator:RequestValidator")
def request_validator(inputs: Inputs, ctx: Context) -> tuple[str, Outputs]:
    created = ctx.client("apigateway").create_request_validator(
        **drop_none(
            {
                "restApiId": inputs["restApi"],
                "name": inputs.get("name") or ctx.physical_name(None),
                "validateRequestBody": inputs.get("validateRequestBody"),
                "validateRequestParameters": inputs.get("validateRequestParameters"),
            }
        )
    )
    return created["id"], {}


@handles("aws:apigateway/resource:Resource")
def resource(inputs: Inputs, ctx: Context) -> tuple[str, Outputs]:
    created = ctx.client("apigateway").create_resource(
        restApiId=inputs["restApi"], parentId=inputs["parentId"], pathPart=inputs["pathPart"]
    )
    return created["id"], {"path": created["path"]}


@handles("aws:apigateway/method:Method")
def method(inputs: Inputs, ctx: Context) -> tuple[str, Outputs]:
    api_id, resource_id, http_method = inputs["restApi"], inputs["resourceId"], inputs["httpMethod"]
    ctx.client("apigateway").put_method(
        **drop_none(
            {
                "restApiId": api_id,
                "resourceId": resource_id,
                "httpMethod": http_method,
                "authorizationType": inputs["authorization"],
                "authorizerId": inputs.get("authorizerId"),
                "authorizationScopes": inputs.get("authorizationScopes"),
                "apiKeyRequired": inputs.get("apiKeyRequired"),
                "operationName": inputs.get("operationName"),
                "requestModels": inputs.get("requestModels"),
                "requestParameters": inputs.get("requestParameters"),
                "requestValidatorId": inputs.get("requestValidatorId"),
            }
        )
    )
    return f"agm-{api_id}-{resource_id}-{http_method}", {}


@handles("aws:apigateway/integration:Integration")
def integration(inputs: Inputs, ctx: Context) -> tuple[str, Outputs]:
    api_id, resource_id, http_method = inputs["restApi"], inputs["resourceId"], inputs["httpMethod"]
    tls = inputs.get("tlsConfig")
    ctx.client("apigateway").put_integration(
        **drop_none(
            {
                "restApiId": api_id,
                "resourceId": resource_id,
                "httpMethod": http_method,
                "type": inputs["type"],
                "integrationHttpMethod": inputs.get("integrationHttpMethod"),
                "uri": inputs.get("uri"),
                "connectionType": inputs.get("connectionType"),
                "connectionId": inputs.get("connectionId"),
                "integrationTarget": inputs.get("integrationTarget"),
                "credentials": inputs.get("credentials"),
                "requestParameters": inputs.get("requestParameters"),
                "requestTemplates": inputs.get("requestTemplates"),
                "passthroughBehavior": inputs.get("passthroughBehavior"),
                "cacheKeyParameters": inputs.get("cacheKeyParameters"),
                "cacheNamespace": inputs.get("cacheNamespace"),
                "contentHandling": inputs.get("contentHandling"),
                "timeoutInMillis": inputs.get("timeoutMilliseconds"),
                "tlsConfig": {"insecureSkipVerification": tls["insecureSkipVerification"]} if tls else None,
                "responseTransferMode": inputs.get("responseTransferMode"),
            }
        )
    )
    return f"agi-{api_id}-{resource_id}-{http_method}", {}


@handles("aws:apigateway/deployment:Deployment")
def deployment(inputs: Inputs, ctx: Context) -> tuple[str, Outputs]:
    inputs.ignore("triggers")  # only decides when Pulumi replaces the deployment
    api_id = inputs["restApi"]
    created = ctx.client("apigateway").create_deployment(
        **drop_none(
            {"restApiId": api_id, "description": inputs.get("description"), "variables": inputs.get("variables")}
        )
    )
    return created["id"], {
        "createdDate": str(created.get("createdDate")),
        "executionArn": _execution_arn(ctx, api_id),
    }


def _patch(path: str, value: Any) -> dict[str, str]:
    text = str(value).lower() if isinstance(value, bool) else str(value)
    return {"op": "replace", "path": path, "value": text}


@handles("aws:apigateway/stage:Stage")
def stage(inputs: Inputs, ctx: Context) -> tuple[str, Outputs]:
    client = ctx.client("apigateway")
    tags = ctx.tags(inputs)
    api_id, name = inputs["restApi"], inputs["stageName"]
    if inputs.get("canarySettings"):
        raise ValueError("canarySettings is not simulated")
    client.create_stage(
        **drop_none(
            {
                "restApiId": api_id,
                "stageName": name,
                "deploymentId": inputs["deployment"],
                "description": inputs.get("description"),
                "cacheClusterEnabled": inputs.get("cacheClusterEnabled"),
                "cacheClusterSize": inputs.get("cacheClusterSize"),
                "variables": inputs.get("variables"),
                "documentationVersion": inputs.get("documentationVersion"),
                "tracingEnabled": inputs.get("xrayTracingEnabled"),
                "tags": tags or None,
            }
        )
    )
    # As the provider does: what CreateStage does not take is patched in afterwards.
    patches = []
    logs = inputs.get("accessLogSettings")
    if logs:
        patches += [
            _patch("/accessLogSettings/destinationArn", logs["destinationArn"]),
            _patch("/accessLogSettings/format", logs["format"]),
        ]
    if inputs.get("clientCertificateId"):
        patches.append(_patch("/clientCertificateId", inputs["clientCertificateId"]))
    if patches:
        client.update_stage(restApiId=api_id, stageName=name, patchOperations=patches)
    arn = f"{_rest_api_arn(ctx, api_id)}/stages/{name}"
    return f"ags-{api_id}-{name}", {
        "arn": arn,
        "executionArn": f"{_execution_arn(ctx, api_id)}/{name}",
        "invokeUrl": f"https://{api_id}.execute-api.{ctx.region}.amazonaws.com/{name}",
        "tagsAll": tags,
    }


# MethodSettings inputs -> the stage's patch paths under /{methodPath}/ (UpdateStage's method settings).
_METHOD_SETTINGS = {
    "metricsEnabled": "metrics/enabled",
    "loggingLevel": "logging/loglevel",
    "dataTraceEnabled": "logging/dataTrace",
    "throttlingBurstLimit": "throttling/burstLimit",
    "throttlingRateLimit": "throttling/rateLimit",
    "cachingEnabled": "caching/enabled",
    "cacheTtlInSeconds": "caching/ttlInSeconds",
    "cacheDataEncrypted": "caching/dataEncrypted",
    "requireAuthorizationForCacheControl": "caching/requireAuthorizationForCacheControl",
    "unauthorizedCacheControlHeaderStrategy": "caching/unauthorizedCacheControlHeaderStrategy",
}


@handles("aws:apigateway/methodSettings:MethodSettings")
def method_settings(inputs: Inputs, ctx: Context) -> tuple[str, Outputs]:
    api_id, stage_name, method_path = inputs["restApi"], inputs["stageName"], inputs["methodPath"]
    settings = inputs["settings"]
    unknown = sorted(set(settings) - set(_METHOD_SETTINGS))
    if unknown:
        raise ValueError(f"method settings {', '.join(unknown)} are not simulated")
    patches = [
        _patch(f"/{method_path}/{path}", settings[key])
        for key, path in _METHOD_SETTINGS.items()
        if settings.get(key) is not None
    ]
    ctx.client("apigateway").update_stage(restApiId=api_id, stageName=stage_name, patchOperations=patches)
    return f"{api_id}-{stage_name}-{method_path}", {}


@handles("aws:apigateway/domainName:DomainName")
def domain_name(inputs: Inputs, ctx: Context) -> tuple[str, Outputs]:
    tags = ctx.tags(inputs)
    name = inputs["domainName"]
    for key in ("mutualTlsAuthentication", "ownershipVerificationCertificateArn", "policy", "certificateBody"):
        if inputs.get(key):
            raise ValueError(f"{key} is not simulated")
    created = ctx.client("apigateway").create_domain_name(
        **drop_none(
            {
                "domainName": name,
                "certificateArn": inputs.get("certificateArn"),
                "certificateName": inputs.get("certificateName"),
                "regionalCertificateArn": inputs.get("regionalCertificateArn"),
                "regionalCertificateName": inputs.get("regionalCertificateName"),
                "endpointConfiguration": _endpoint_configuration(inputs.get("endpointConfiguration")),
                "securityPolicy": inputs.get("securityPolicy"),
                "tags": tags or None,
            }
        )
    )
    return name, {
        "arn": f"arn:aws:apigateway:{ctx.region}::/domainnames/{name}",
        "regionalDomainName": created.get("regionalDomainName"),
        "regionalZoneId": created.get("regionalHostedZoneId"),
        "cloudfrontDomainName": created.get("distributionDomainName"),
        "cloudfrontZoneId": created.get("distributionHostedZoneId"),
        "tagsAll": tags,
    }


@handles("aws:apigateway/basePathMapping:BasePathMapping")
def base_path_mapping(inputs: Inputs, ctx: Context) -> tuple[str, Outputs]:
    domain = inputs["domainName"]
    created = ctx.client("apigateway").create_base_path_mapping(
        **drop_none(
            {
                "domainName": domain,
                "restApiId": inputs["restApi"],
                "basePath": inputs.get("basePath"),
                "stage": inputs.get("stageName"),
            }
        )
    )
    inputs.ignore("domainNameId")  # private custom domains only
    return f"{domain}/{created.get('basePath') or ''}", {"basePath": created.get("basePath")}


@handles("aws:apigateway/account:Account")
def account(inputs: Inputs, ctx: Context) -> tuple[str, Outputs]:
    client = ctx.client("apigateway")
    inputs.ignore("resetOnDelete")  # what Pulumi does when the resource is deleted
    role = inputs.get("cloudwatchRoleArn")
    if role:
        client.update_account(patchOperations=[_patch("/cloudwatchRoleArn", role)])
    stored = client.get_account()
    return ACCOUNT_ID, {"cloudwatchRoleArn": stored.get("cloudwatchRoleArn"), "features": stored.get("features")}
