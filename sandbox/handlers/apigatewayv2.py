"""API Gateway v2 (HTTP APIs): API, custom domain, authorizers, integrations, routes, stages,
API mappings, deployments, VPC links."""

from __future__ import annotations

from typing import Any

from sandbox.handlers.base import Context, Inputs, Outputs, drop_none, handles, short_id
from sandbox.moto_compat.apigateway import REGIONAL_ZONES


def _api_arn(ctx: Context, api_id: str) -> str:
    return f"arn:aws:apigateway:{ctx.region}::/apis/{api_id}"


def _execution_arn(ctx: Context, api_id: str) -> str:
    return f"arn:aws:execute-api:{ctx.region}:{ctx.account_id}:{api_id}"


@handles("aws:apigatewayv2/api:Api")
def api(inputs: Inputs, ctx: Context) -> tuple[str, Outputs]:
    client = ctx.client("apigatewayv2")
    tags = ctx.tags(inputs)
    if inputs.get("body"):
        raise ValueError("importing an OpenAPI body is not simulated")
    cors = inputs.get("corsConfiguration")
    params = drop_none(
        {
            "Name": inputs.get("name") or ctx.physical_name(None),
            "ProtocolType": inputs["protocolType"],
            "Description": inputs.get("description"),
            "ApiKeySelectionExpression": inputs.get("apiKeySelectionExpression"),
            "RouteSelectionExpression": inputs.get("routeSelectionExpression"),
            "DisableExecuteApiEndpoint": inputs.get("disableExecuteApiEndpoint"),
            "CredentialsArn": inputs.get("credentialsArn"),
            "RouteKey": inputs.get("routeKey"),
            "Target": inputs.get("target"),
            "Version": inputs.get("version"),
            "IpAddressType": inputs.get("ipAddressType"),
            "CorsConfiguration": drop_none(
                {
                    "AllowCredentials": cors.get("allowCredentials"),
                    "AllowHeaders": cors.get("allowHeaders"),
                    "AllowMethods": cors.get("allowMethods"),
                    "AllowOrigins": cors.get("allowOrigins"),
                    "ExposeHeaders": cors.get("exposeHeaders"),
                    "MaxAge": cors.get("maxAge"),
                }
            )
            if cors
            else None,
            "Tags": tags or None,
        }
    )
    inputs.ignore("failOnWarnings")  # only applies to an imported body
    created = client.create_api(**params)
    api_id = created["ApiId"]
    return api_id, {
        "apiEndpoint": created["ApiEndpoint"],
        "arn": _api_arn(ctx, api_id),
        "executionArn": _execution_arn(ctx, api_id),
        "name": created["Name"],
        "tagsAll": tags,
    }


@handles("aws:apigatewayv2/domainName:DomainName")
def domain_name(inputs: Inputs, ctx: Context) -> tuple[str, Outputs]:
    client = ctx.client("apigatewayv2")
    tags = ctx.tags(inputs)
    name = inputs["domainName"]
    config = inputs["domainNameConfiguration"]
    wanted = drop_none(
        {
            "CertificateArn": config.get("certificateArn"),
            "EndpointType": config.get("endpointType"),
            "SecurityPolicy": config.get("securityPolicy"),
            "OwnershipVerificationCertificateArn": config.get("ownershipVerificationCertificateArn"),
            "IpAddressType": config.get("ipAddressType"),
        }
    )
    params: dict[str, Any] = {"DomainName": name, "DomainNameConfigurations": [wanted]}
    mtls = inputs.get("mutualTlsAuthentication")
    if mtls:
        params["MutualTlsAuthentication"] = drop_none(
            {"TruststoreUri": mtls.get("truststoreUri"), "TruststoreVersion": mtls.get("truststoreVersion")}
        )
    if inputs.get("routingMode"):
        params["RoutingMode"] = inputs["routingMode"]
    if tags:
        params["Tags"] = tags
    created = client.create_domain_name(**params)
    stored = dict((created.get("DomainNameConfigurations") or [{}])[0])
    if not stored.get("ApiGatewayDomainName"):
        # moto does not compute the regional endpoint a custom domain's DNS alias points at;
        # derive it the way AWS names it, so that the alias record can be created.
        stored["ApiGatewayDomainName"] = f"d-{short_id(name)}.execute-api.{ctx.region}.amazonaws.com"
        stored["HostedZoneId"] = REGIONAL_ZONES.get(ctx.region)
        ctx.gap(
            "apigateway:CreateDomainName",
            "moto does not compute the domain's regional endpoint (ApiGatewayDomainName, HostedZoneId); "
            "the sandbox derived them for the DNS alias",
        )
    if wanted.get("SecurityPolicy") and stored.get("SecurityPolicy") != wanted["SecurityPolicy"]:
        ctx.gap(
            "apigateway:CreateDomainName",
            f"moto did not store SecurityPolicy {wanted['SecurityPolicy']}",
            checks=("apigateway_domain_tls_1_2",),
        )
    return name, {
        "arn": f"arn:aws:apigateway:{ctx.region}::/domainnames/{name}",
        "apiMappingSelectionExpression": created.get("ApiMappingSelectionExpression"),
        "domainNameConfiguration": {
            "certificateArn": stored.get("CertificateArn", wanted.get("CertificateArn")),
            "endpointType": stored.get("EndpointType", wanted.get("EndpointType")),
            "securityPolicy": stored.get("SecurityPolicy"),
            "hostedZoneId": stored.get("HostedZoneId"),
            "targetDomainName": stored.get("ApiGatewayDomainName"),
            "ipAddressType": stored.get("IpAddressType"),
        },
        "tagsAll": tags,
    }


@handles("aws:apigatewayv2/authorizer:Authorizer")
def authorizer(inputs: Inputs, ctx: Context) -> tuple[str, Outputs]:
    jwt = inputs.get("jwtConfiguration")
    params = drop_none(
        {
            "ApiId": inputs["apiId"],
            "AuthorizerType": inputs["authorizerType"],
            "Name": inputs.get("name") or ctx.physical_name(None),
            "IdentitySource": inputs.get("identitySources"),
            "AuthorizerUri": inputs.get("authorizerUri"),
            "AuthorizerCredentialsArn": inputs.get("authorizerCredentialsArn"),
            "AuthorizerPayloadFormatVersion": inputs.get("authorizerPayloadFormatVersion"),
            "AuthorizerResultTtlInSeconds": inputs.get("authorizerResultTtlInSeconds"),
            "EnableSimpleResponses": inputs.get("enableSimpleResponses"),
            "JwtConfiguration": drop_none({"Audience": jwt.get("audiences"), "Issuer": jwt.get("issuer")})
            if jwt
            else None,
        }
    )
    created = ctx.client("apigatewayv2").create_authorizer(**params)
    return created["AuthorizerId"], {}


@handles("aws:apigatewayv2/integration:Integration")
def integration(inputs: Inputs, ctx: Context) -> tuple[str, Outputs]:
    tls = inputs.get("tlsConfig")
    params = drop_none(
        {
            "ApiId": inputs["apiId"],
            "IntegrationType": inputs["integrationType"],
            "IntegrationUri": inputs.get("integrationUri"),
            "IntegrationMethod": inputs.get("integrationMethod"),
            "IntegrationSubtype": inputs.get("integrationSubtype"),
            "ConnectionType": inputs.get("connectionType"),
            "ConnectionId": inputs.get("connectionId"),
            "ContentHandlingStrategy": inputs.get("contentHandlingStrategy"),
            "CredentialsArn": inputs.get("credentialsArn"),
            "Description": inputs.get("description"),
            "PassthroughBehavior": inputs.get("passthroughBehavior"),
            "PayloadFormatVersion": inputs.get("payloadFormatVersion"),
            "RequestParameters": inputs.get("requestParameters"),
            "RequestTemplates": inputs.get("requestTemplates"),
            "TemplateSelectionExpression": inputs.get("templateSelectionExpression"),
            "TimeoutInMillis": inputs.get("timeoutMilliseconds"),
            "TlsConfig": {"ServerNameToVerify": tls["serverNameToVerify"]} if tls else None,
            "ResponseParameters": {p["statusCode"]: p["mappings"] for p in inputs.get("responseParameters") or []}
            or None,
        }
    )
    created = ctx.client("apigatewayv2").create_integration(**params)
    return created["IntegrationId"], {"integrationResponseSelectionExpression": None}


@handles("aws:apigatewayv2/route:Route")
def route(inputs: Inputs, ctx: Context) -> tuple[str, Outputs]:
    params = drop_none(
        {
            "ApiId": inputs["apiId"],
            "RouteKey": inputs["routeKey"],
            "AuthorizationType": inputs.get("authorizationType"),
            "AuthorizerId": inputs.get("authorizerId"),
            "AuthorizationScopes": inputs.get("authorizationScopes"),
            "ApiKeyRequired": inputs.get("apiKeyRequired"),
            "OperationName": inputs.get("operationName"),
            "Target": inputs.get("target"),
            "ModelSelectionExpression": inputs.get("modelSelectionExpression"),
            "RouteResponseSelectionExpression": inputs.get("routeResponseSelectionExpression"),
            "RequestModels": inputs.get("requestModels"),
            "RequestParameters": {
                p["requestParameterKey"]: {"Required": p["required"]} for p in inputs.get("requestParameters") or []
            }
            or None,
        }
    )
    created = ctx.client("apigatewayv2").create_route(**params)
    return created["RouteId"], {}


def _route_settings(block: dict[str, Any]) -> dict[str, Any]:
    return drop_none(
        {
            "DataTraceEnabled": block.get("dataTraceEnabled"),
            "DetailedMetricsEnabled": block.get("detailedMetricsEnabled"),
            "LoggingLevel": block.get("loggingLevel"),
            "ThrottlingBurstLimit": block.get("throttlingBurstLimit"),
            "ThrottlingRateLimit": block.get("throttlingRateLimit"),
        }
    )


@handles("aws:apigatewayv2/stage:Stage")
def stage(inputs: Inputs, ctx: Context) -> tuple[str, Outputs]:
    client = ctx.client("apigatewayv2")
    tags = ctx.tags(inputs)
    api_id = inputs["apiId"]
    name = inputs.get("name") or ctx.physical_name(None)
    logs = inputs.get("accessLogSettings")
    params = drop_none(
        {
            "ApiId": api_id,
            "StageName": name,
            "AutoDeploy": inputs.get("autoDeploy"),
            "ClientCertificateId": inputs.get("clientCertificateId"),
            "DeploymentId": inputs.get("deploymentId"),
            "Description": inputs.get("description"),
            "StageVariables": inputs.get("stageVariables"),
            "AccessLogSettings": drop_none({"DestinationArn": logs.get("destinationArn"), "Format": logs.get("format")})
            if logs
            else None,
            "DefaultRouteSettings": _route_settings(inputs["defaultRouteSettings"])
            if inputs.get("defaultRouteSettings")
            else None,
            "RouteSettings": {s["routeKey"]: _route_settings(s) for s in inputs.get("routeSettings") or []} or None,
            "Tags": tags or None,
        }
    )
    client.create_stage(**params)
    stored = client.get_stage(ApiId=api_id, StageName=name)
    stored_logs = stored.get("AccessLogSettings") or {}
    if logs and logs.get("destinationArn") and stored_logs.get("DestinationArn") != logs["destinationArn"]:
        ctx.gap(
            "apigateway:CreateStage",
            "moto did not store the stage's access log settings",
            checks=("apigateway_stage_access_logging",),
        )
    if params.get("DeploymentId") and stored.get("DeploymentId") != params["DeploymentId"]:
        ctx.gap("apigateway:CreateStage", "moto did not store the stage's DeploymentId")
    api_endpoint = client.get_api(ApiId=api_id)["ApiEndpoint"]
    return name, {
        "arn": f"arn:aws:apigateway:{ctx.region}::/apis/{api_id}/stages/{name}",
        "executionArn": f"{_execution_arn(ctx, api_id)}/{name}",
        "invokeUrl": f"{api_endpoint}/{'' if name == '$default' else name}",
        "name": name,
        "tagsAll": tags,
    }


@handles("aws:apigatewayv2/apiMapping:ApiMapping")
def api_mapping(inputs: Inputs, ctx: Context) -> tuple[str, Outputs]:
    created = ctx.client("apigatewayv2").create_api_mapping(
        **drop_none(
            {
                "ApiId": inputs["apiId"],
                "DomainName": inputs["domainName"],
                "Stage": inputs["stage"],
                "ApiMappingKey": inputs.get("apiMappingKey"),
            }
        )
    )
    return created["ApiMappingId"], {}


@handles("aws:apigatewayv2/deployment:Deployment")
def deployment(inputs: Inputs, ctx: Context) -> tuple[str, Outputs]:
    inputs.ignore("triggers")  # only decides when Pulumi replaces the deployment
    created = ctx.attempt(
        "apigatewayv2",
        "create_deployment",
        **drop_none({"ApiId": inputs["apiId"], "Description": inputs.get("description")}),
    )
    if created is None:
        # Not created (the gap says so): the id only lets dependants register.
        return f"unsupported-in-moto-{short_id(inputs['apiId'], ctx.name)}", {}
    return created["DeploymentId"], {"autoDeployed": created.get("AutoDeployed", False)}


@handles("aws:apigatewayv2/vpcLink:VpcLink")
def vpc_link(inputs: Inputs, ctx: Context) -> tuple[str, Outputs]:
    tags = ctx.tags(inputs)
    created = ctx.client("apigatewayv2").create_vpc_link(
        **drop_none(
            {
                "Name": inputs.get("name") or ctx.physical_name(None),
                "SubnetIds": inputs["subnetIds"],
                "SecurityGroupIds": inputs.get("securityGroupIds"),
                "Tags": tags or None,
            }
        )
    )
    link_id = created["VpcLinkId"]
    return link_id, {"arn": f"arn:aws:apigateway:{ctx.region}::/vpclinks/{link_id}", "tagsAll": tags}
