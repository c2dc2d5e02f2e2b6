"""Every resource type the sandbox simulates is created in moto by the coverage program, and what
the deploy handed back to the program (ids, ARNs, the settings it applied) is what moto holds.

The coverage program (tests/sandbox/programs/coverage/) declares every type with a handler. Each
type has a read-back below: the calls an auditor would make, compared with the deployed
resource's state (its inputs and the outputs its handler returned). A type whose result moto
cannot show (an operation it does not implement, an attribute it never returns) has no read-back;
the deploy must have recorded a gap for each of its resources instead. A new handler therefore
needs a resource in the coverage program and a read-back here.

One sandbox serves the whole module (a deploy takes seconds): the tests read it, none change it.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from typing import Any

import boto3
import pytest

from sandbox import handlers
from sandbox.api import Sandbox
from sandbox.deploy import DeployedResource

pytestmark = pytest.mark.slow

Observed = Iterator[tuple[str, Any, Any]]  # (what, as moto holds it, as the deployment says)


class Moto:
    """boto3 clients on the sandbox, in the region each resource was deployed to."""

    def __init__(self, session: boto3.Session) -> None:
        self.session = session
        self._clients: dict[tuple[str, str], Any] = {}

    def __call__(self, service: str, resource: DeployedResource) -> Any:
        key = (service, resource.region)
        if key not in self._clients:
            self._clients[key] = self.session.client(service, region_name=resource.region)
        return self._clients[key]


ReadBack = Callable[[Moto, DeployedResource], Observed]
READ_BACK: dict[str, ReadBack] = {}


def reads(*type_tokens: str) -> Callable[[ReadBack], ReadBack]:
    def register(fn: ReadBack) -> ReadBack:
        for token in type_tokens:
            READ_BACK[token] = fn
        return fn

    return register


# Types whose operation moto does not implement (or whose result it cannot return): the deploy
# records a gap with this operation for each resource, and nothing can be read back.
UNREADABLE = {
    "aws:apigatewayv2/deployment:Deployment": "apigatewayv2:CreateDeployment",
    "aws:backup/vaultNotifications:VaultNotifications": "backup:PutBackupVaultNotifications",
    "aws:backup/vaultPolicy:VaultPolicy": "backup:PutBackupVaultAccessPolicy",
    "aws:sqs/redriveAllowPolicy:RedriveAllowPolicy": "sqs:SetQueueAttributes",
}


def listed(value: Any, values: Any) -> Any:
    """``value`` when moto lists it, else a marker that cannot equal it."""
    return value if value in list(values) else f"<{value!r} not found in moto>"


def same(a: Any, b: Any) -> bool:
    """Equal, reading JSON documents (policies) as data: moto may re-serialise them."""

    def parsed(value: Any) -> Any:
        if isinstance(value, str) and value[:1] in "{[":
            try:
                return json.loads(value)
            except ValueError:
                return value
        return value

    return parsed(a) == parsed(b)


# -- ACM ---------------------------------------------------------------------------------------


@reads("aws:acm/certificate:Certificate")
def _certificate(m: Moto, r: DeployedResource) -> Observed:
    described = m("acm", r).describe_certificate(CertificateArn=r.id)["Certificate"]
    yield "arn", described["CertificateArn"], r.outputs["arn"]
    yield "domainName", described["DomainName"], r.outputs["domainName"]


@reads("aws:acm/certificateValidation:CertificateValidation")
def _certificate_validation(m: Moto, r: DeployedResource) -> Observed:
    described = m("acm", r).describe_certificate(CertificateArn=r.id)["Certificate"]
    yield "certificateArn", described["CertificateArn"], r.outputs["certificateArn"]


# -- Elastic Load Balancing (aws.lb and its aws.alb aliases) ---------------------------------


@reads("aws:lb/loadBalancer:LoadBalancer", "aws:alb/loadBalancer:LoadBalancer")
def _load_balancer(m: Moto, r: DeployedResource) -> Observed:
    (lb,) = m("elbv2", r).describe_load_balancers(LoadBalancerArns=[r.id])["LoadBalancers"]
    yield "arn", lb["LoadBalancerArn"], r.outputs["arn"]
    yield "dnsName", lb["DNSName"], r.outputs["dnsName"]
    yield "zoneId", lb["CanonicalHostedZoneId"], r.outputs["zoneId"]
    yield "scheme", lb["Scheme"], "internal" if r.outputs.get("internal") else "internet-facing"


@reads("aws:lb/targetGroup:TargetGroup", "aws:alb/targetGroup:TargetGroup")
def _target_group(m: Moto, r: DeployedResource) -> Observed:
    (tg,) = m("elbv2", r).describe_target_groups(TargetGroupArns=[r.id])["TargetGroups"]
    yield "arn", tg["TargetGroupArn"], r.outputs["arn"]
    yield "name", tg["TargetGroupName"], r.outputs["name"]
    yield "port", tg["Port"], r.outputs["port"]


@reads("aws:lb/targetGroupAttachment:TargetGroupAttachment", "aws:alb/targetGroupAttachment:TargetGroupAttachment")
def _target_group_attachment(m: Moto, r: DeployedResource) -> Observed:
    health = m("elbv2", r).describe_target_health(TargetGroupArn=r.outputs["targetGroupArn"])
    targets = {t["Target"]["Id"]: t["Target"] for t in health["TargetHealthDescriptions"]}
    target = targets.get(r.outputs["targetId"], {})
    yield "targetId", target.get("Id"), r.outputs["targetId"]
    yield "port", target.get("Port"), r.outputs["port"]


@reads("aws:lb/listener:Listener", "aws:alb/listener:Listener")
def _listener(m: Moto, r: DeployedResource) -> Observed:
    (listener,) = m("elbv2", r).describe_listeners(ListenerArns=[r.id])["Listeners"]
    yield "arn", listener["ListenerArn"], r.outputs["arn"]
    yield "loadBalancerArn", listener["LoadBalancerArn"], r.outputs["loadBalancerArn"]
    yield "sslPolicy", listener.get("SslPolicy"), r.outputs.get("sslPolicy")


@reads("aws:lb/listenerCertificate:ListenerCertificate", "aws:alb/listenerCertificate:ListenerCertificate")
def _listener_certificate(m: Moto, r: DeployedResource) -> Observed:
    served = m("elbv2", r).describe_listener_certificates(ListenerArn=r.outputs["listenerArn"])["Certificates"]
    extra = [c["CertificateArn"] for c in served if not c.get("IsDefault")]
    yield "certificateArn", listed(r.outputs["certificateArn"], extra), r.outputs["certificateArn"]


@reads("aws:lb/listenerRule:ListenerRule", "aws:alb/listenerRule:ListenerRule")
def _listener_rule(m: Moto, r: DeployedResource) -> Observed:
    (rule,) = m("elbv2", r).describe_rules(RuleArns=[r.id])["Rules"]
    yield "arn", rule["RuleArn"], r.outputs["arn"]
    yield "priority", int(rule["Priority"]), r.outputs["priority"]
    yield "actions", [a["Type"] for a in rule["Actions"]], [a["type"] for a in r.outputs["actions"]]


# -- API Gateway (REST APIs) -------------------------------------------------------------------


@reads("aws:apigateway/restApi:RestApi")
def _rest_api(m: Moto, r: DeployedResource) -> Observed:
    api = m("apigateway", r).get_rest_api(restApiId=r.id)
    yield "name", api["name"], r.outputs["name"]
    yield "rootResourceId", api["rootResourceId"], r.outputs["rootResourceId"]
    yield "disableExecuteApiEndpoint", api.get("disableExecuteApiEndpoint"), r.outputs.get("disableExecuteApiEndpoint")
    yield "endpointConfiguration", api["endpointConfiguration"]["types"], [r.outputs["endpointConfiguration"]["types"]]


@reads("aws:apigateway/authorizer:Authorizer")
def _rest_authorizer(m: Moto, r: DeployedResource) -> Observed:
    authorizer = m("apigateway", r).get_authorizer(restApiId=r.outputs["restApi"], authorizerId=r.id)
    yield "type", authorizer["type"], r.outputs["type"]
    yield "providerArns", authorizer.get("providerARNs"), r.outputs.get("providerArns")


@reads("aws:apigateway/requestValidator:RequestValidator")
def _request_validator(m: Moto, r: DeployedResource) -> Observed:
    validator = m("apigateway", r).get_request_validator(restApiId=r.outputs["restApi"], requestValidatorId=r.id)
    yield "validateRequestParameters", validator["validateRequestParameters"], r.outputs["validateRequestParameters"]


@reads("aws:apigateway/resource:Resource")
def _rest_resource(m: Moto, r: DeployedResource) -> Observed:
    resource = m("apigateway", r).get_resource(restApiId=r.outputs["restApi"], resourceId=r.id)
    yield "path", resource["path"], r.outputs["path"]
    yield "parentId", resource["parentId"], r.outputs["parentId"]


@reads("aws:apigateway/method:Method")
def _rest_method(m: Moto, r: DeployedResource) -> Observed:
    method = m("apigateway", r).get_method(
        restApiId=r.outputs["restApi"], resourceId=r.outputs["resourceId"], httpMethod=r.outputs["httpMethod"]
    )
    yield "authorization", method["authorizationType"], r.outputs["authorization"]
    yield "authorizerId", method.get("authorizerId"), r.outputs.get("authorizerId")
    yield "requestParameters", method.get("requestParameters") or {}, r.outputs.get("requestParameters") or {}


@reads("aws:apigateway/integration:Integration")
def _rest_integration(m: Moto, r: DeployedResource) -> Observed:
    integration = m("apigateway", r).get_integration(
        restApiId=r.outputs["restApi"], resourceId=r.outputs["resourceId"], httpMethod=r.outputs["httpMethod"]
    )
    yield "type", integration["type"], r.outputs["type"]
    for key in ("uri", "connectionType", "connectionId", "integrationTarget"):
        yield key, integration.get(key), r.outputs.get(key)


@reads("aws:apigateway/deployment:Deployment")
def _rest_deployment(m: Moto, r: DeployedResource) -> Observed:
    deployment = m("apigateway", r).get_deployment(restApiId=r.outputs["restApi"], deploymentId=r.id)
    yield "id", deployment["id"], r.id


@reads("aws:apigateway/stage:Stage")
def _rest_stage(m: Moto, r: DeployedResource) -> Observed:
    stage = m("apigateway", r).get_stage(restApiId=r.outputs["restApi"], stageName=r.outputs["stageName"])
    yield "deploymentId", stage["deploymentId"], r.outputs["deployment"]
    yield "accessLogSettings", stage.get("accessLogSettings"), r.outputs.get("accessLogSettings")
    yield "tracingEnabled", stage.get("tracingEnabled"), r.outputs.get("xrayTracingEnabled")
    web_acl = m("wafv2", r).get_web_acl_for_resource(ResourceArn=r.outputs["arn"]).get("WebACL") or {}
    yield "web ACL", bool(web_acl), True  # the coverage program protects its stage


@reads("aws:apigateway/methodSettings:MethodSettings")
def _method_settings(m: Moto, r: DeployedResource) -> Observed:
    stage = m("apigateway", r).get_stage(restApiId=r.outputs["restApi"], stageName=r.outputs["stageName"])
    stored = (stage.get("methodSettings") or {}).get(r.outputs["methodPath"], {})
    for key, value in r.outputs["settings"].items():
        yield key, stored.get(key), value


@reads("aws:apigateway/domainName:DomainName")
def _rest_domain(m: Moto, r: DeployedResource) -> Observed:
    domain = m("apigateway", r).get_domain_name(domainName=r.id)
    yield "securityPolicy", domain.get("securityPolicy"), r.outputs["securityPolicy"]
    yield "regionalDomainName", domain.get("regionalDomainName"), r.outputs["regionalDomainName"]
    yield "regionalZoneId", domain.get("regionalHostedZoneId"), r.outputs["regionalZoneId"]


@reads("aws:apigateway/basePathMapping:BasePathMapping")
def _base_path_mapping(m: Moto, r: DeployedResource) -> Observed:
    mappings = m("apigateway", r).get_base_path_mappings(domainName=r.outputs["domainName"])["items"]
    yield "mapping", [(x["restApiId"], x["stage"]) for x in mappings], [(r.outputs["restApi"], r.outputs["stageName"])]


@reads("aws:apigateway/account:Account")
def _apigateway_account(m: Moto, r: DeployedResource) -> Observed:
    yield "cloudwatchRoleArn", m("apigateway", r).get_account().get("cloudwatchRoleArn"), r.outputs["cloudwatchRoleArn"]


# -- API Gateway v2 --------------------------------------------------------------------------


@reads("aws:apigatewayv2/api:Api")
def _api(m: Moto, r: DeployedResource) -> Observed:
    api = m("apigatewayv2", r).get_api(ApiId=r.id)
    yield "apiEndpoint", api["ApiEndpoint"], r.outputs["apiEndpoint"]
    yield "name", api["Name"], r.outputs["name"]


@reads("aws:apigatewayv2/authorizer:Authorizer")
def _authorizer(m: Moto, r: DeployedResource) -> Observed:
    authorizer = m("apigatewayv2", r).get_authorizer(ApiId=r.outputs["apiId"], AuthorizerId=r.id)
    yield "authorizerType", authorizer["AuthorizerType"], r.outputs["authorizerType"]


@reads("aws:apigatewayv2/integration:Integration")
def _integration(m: Moto, r: DeployedResource) -> Observed:
    integration = m("apigatewayv2", r).get_integration(ApiId=r.outputs["apiId"], IntegrationId=r.id)
    yield "integrationUri", integration.get("IntegrationUri"), r.outputs.get("integrationUri")
    yield "connectionId", integration.get("ConnectionId"), r.outputs.get("connectionId")


@reads("aws:apigatewayv2/route:Route")
def _route(m: Moto, r: DeployedResource) -> Observed:
    route = m("apigatewayv2", r).get_route(ApiId=r.outputs["apiId"], RouteId=r.id)
    yield "routeKey", route["RouteKey"], r.outputs["routeKey"]
    yield "target", route.get("Target"), r.outputs.get("target")
    yield "authorizerId", route.get("AuthorizerId"), r.outputs.get("authorizerId")


@reads("aws:apigatewayv2/stage:Stage")
def _stage(m: Moto, r: DeployedResource) -> Observed:
    stage = m("apigatewayv2", r).get_stage(ApiId=r.outputs["apiId"], StageName=r.id)
    yield "name", stage["StageName"], r.outputs["name"]
    logs = stage.get("AccessLogSettings") or {}
    yield (
        "accessLogSettings",
        logs.get("DestinationArn"),
        (r.outputs.get("accessLogSettings") or {}).get("destinationArn"),
    )


@reads("aws:apigatewayv2/domainName:DomainName")
def _domain_name(m: Moto, r: DeployedResource) -> Observed:
    domain = m("apigatewayv2", r).get_domain_name(DomainName=r.id)
    (config,) = domain["DomainNameConfigurations"]
    yield "domainName", domain["DomainName"], r.outputs["domainName"]
    yield "certificateArn", config["CertificateArn"], r.outputs["domainNameConfiguration"]["certificateArn"]


@reads("aws:apigatewayv2/apiMapping:ApiMapping")
def _api_mapping(m: Moto, r: DeployedResource) -> Observed:
    mapping = m("apigatewayv2", r).get_api_mapping(ApiMappingId=r.id, DomainName=r.outputs["domainName"])
    yield "apiId", mapping["ApiId"], r.outputs["apiId"]
    yield "stage", mapping["Stage"], r.outputs["stage"]


@reads("aws:apigatewayv2/vpcLink:VpcLink")
def _vpc_link(m: Moto, r: DeployedResource) -> Observed:
    link = m("apigatewayv2", r).get_vpc_link(VpcLinkId=r.id)
    yield "subnetIds", sorted(link["SubnetIds"]), sorted(r.outputs["subnetIds"])
    yield "securityGroupIds", sorted(link["SecurityGroupIds"]), sorted(r.outputs["securityGroupIds"])


# -- Backup ----------------------------------------------------------------------------------


@reads("aws:backup/vault:Vault")
def _vault(m: Moto, r: DeployedResource) -> Observed:
    vault = m("backup", r).describe_backup_vault(BackupVaultName=r.id)
    yield "arn", vault["BackupVaultArn"], r.outputs["arn"]
    yield "kmsKeyArn", vault.get("EncryptionKeyArn"), r.outputs.get("kmsKeyArn")


@reads("aws:backup/vaultLockConfiguration:VaultLockConfiguration")
def _vault_lock(m: Moto, r: DeployedResource) -> Observed:
    vault = m("backup", r).describe_backup_vault(BackupVaultName=r.id)
    yield "backupVaultArn", vault["BackupVaultArn"], r.outputs["backupVaultArn"]
    yield "minRetentionDays", vault.get("MinRetentionDays"), r.outputs["minRetentionDays"]
    yield "maxRetentionDays", vault.get("MaxRetentionDays"), r.outputs["maxRetentionDays"]


@reads("aws:backup/plan:Plan")
def _plan(m: Moto, r: DeployedResource) -> Observed:
    plan = m("backup", r).get_backup_plan(BackupPlanId=r.id)
    yield "arn", plan["BackupPlanArn"], r.outputs["arn"]
    yield "version", plan["VersionId"], r.outputs["version"]


@reads("aws:backup/selection:Selection")
def _selection(m: Moto, r: DeployedResource) -> Observed:
    backup = m("backup", r)
    stored = backup.get_backup_selection(BackupPlanId=r.outputs["planId"], SelectionId=r.id)["BackupSelection"]
    listed_ids = [
        s["SelectionId"]
        for s in backup.list_backup_selections(BackupPlanId=r.outputs["planId"])["BackupSelectionsList"]
    ]
    yield "id", listed(r.id, listed_ids), r.id
    yield "name", stored["SelectionName"], r.outputs["name"]
    yield "iamRoleArn", stored["IamRoleArn"], r.outputs["iamRoleArn"]
    tags = [
        {"type": t["ConditionType"], "key": t["ConditionKey"], "value": t["ConditionValue"]}
        for t in stored.get("ListOfTags", [])
    ]
    yield "selectionTags", tags, r.outputs.get("selectionTags") or []


# -- CloudTrail, CloudWatch Logs, alarms, EventBridge ------------------------------------------


@reads("aws:cloudtrail/trail:Trail")
def _trail(m: Moto, r: DeployedResource) -> Observed:
    trail = m("cloudtrail", r).get_trail(Name=r.id)["Trail"]
    yield "arn", trail["TrailARN"], r.outputs["arn"]
    yield "s3BucketName", trail["S3BucketName"], r.outputs["s3BucketName"]


@reads("aws:cloudwatch/logGroup:LogGroup")
def _log_group(m: Moto, r: DeployedResource) -> Observed:
    groups = m("logs", r).describe_log_groups(logGroupNamePrefix=r.id)["logGroups"]
    group = next((g for g in groups if g["logGroupName"] == r.id), {})
    yield "arn", group.get("logGroupArn"), r.outputs["arn"]
    yield "retentionInDays", group.get("retentionInDays"), r.outputs.get("retentionInDays")


@reads("aws:cloudwatch/logStream:LogStream")
def _log_stream(m: Moto, r: DeployedResource) -> Observed:
    streams = m("logs", r).describe_log_streams(logGroupName=r.outputs["logGroupName"], logStreamNamePrefix=r.id)
    stream = next((s for s in streams["logStreams"] if s["logStreamName"] == r.id), {})
    yield "arn", stream.get("arn"), r.outputs["arn"]


@reads("aws:cloudwatch/logMetricFilter:LogMetricFilter")
def _metric_filter(m: Moto, r: DeployedResource) -> Observed:
    filters = m("logs", r).describe_metric_filters(logGroupName=r.outputs["logGroupName"], filterNamePrefix=r.id)
    found = next((f for f in filters["metricFilters"] if f["filterName"] == r.id), {})
    yield "pattern", found.get("filterPattern"), r.outputs["pattern"]


@reads("aws:cloudwatch/logSubscriptionFilter:LogSubscriptionFilter")
def _subscription_filter(m: Moto, r: DeployedResource) -> Observed:
    filters = m("logs", r).describe_subscription_filters(logGroupName=r.outputs["logGroup"])["subscriptionFilters"]
    found = next((f for f in filters if f"cwlsf-{f['filterName']}" == r.id), {})
    yield "destinationArn", found.get("destinationArn"), r.outputs["destinationArn"]
    yield "roleArn", found.get("roleArn"), r.outputs.get("roleArn")
    yield "distribution", found.get("distribution"), r.outputs.get("distribution")


@reads("aws:cloudwatch/logResourcePolicy:LogResourcePolicy")
def _log_resource_policy(m: Moto, r: DeployedResource) -> Observed:
    policies = {p["policyName"]: p for p in m("logs", r).describe_resource_policies()["resourcePolicies"]}
    yield "policyDocument", (policies.get(r.id) or {}).get("policyDocument"), r.outputs["policyDocument"]


@reads("aws:cloudwatch/metricAlarm:MetricAlarm")
def _metric_alarm(m: Moto, r: DeployedResource) -> Observed:
    (alarm,) = m("cloudwatch", r).describe_alarms(AlarmNames=[r.id])["MetricAlarms"]
    yield "arn", alarm["AlarmArn"], r.outputs["arn"]
    yield "alarmActions", alarm["AlarmActions"], r.outputs["alarmActions"]


@reads("aws:cloudwatch/eventBus:EventBus")
def _event_bus(m: Moto, r: DeployedResource) -> Observed:
    bus = m("events", r).describe_event_bus(Name=r.id)
    yield "arn", bus["Arn"], r.outputs["arn"]
    yield "kmsKeyIdentifier", bus.get("KmsKeyIdentifier"), r.outputs.get("kmsKeyIdentifier")


@reads("aws:cloudwatch/eventRule:EventRule")
def _event_rule(m: Moto, r: DeployedResource) -> Observed:
    bus = r.outputs.get("eventBusName") or "default"
    rule = m("events", r).describe_rule(Name=r.outputs["name"], EventBusName=bus)
    yield "arn", rule["Arn"], r.outputs["arn"]
    yield "eventPattern", rule.get("EventPattern"), r.outputs.get("eventPattern")


@reads("aws:cloudwatch/eventTarget:EventTarget")
def _event_target(m: Moto, r: DeployedResource) -> Observed:
    bus = r.outputs.get("eventBusName") or "default"
    targets = m("events", r).list_targets_by_rule(Rule=r.outputs["rule"], EventBusName=bus)["Targets"]
    target = next((t for t in targets if t["Id"] == r.outputs["targetId"]), {})
    yield "arn", target.get("Arn"), r.outputs["arn"]
    yield "roleArn", target.get("RoleArn"), r.outputs.get("roleArn")


@reads("aws:cloudwatch/eventConnection:EventConnection")
def _event_connection(m: Moto, r: DeployedResource) -> Observed:
    connection = m("events", r).describe_connection(Name=r.id)
    yield "arn", connection["ConnectionArn"], r.outputs["arn"]
    yield "secretArn", connection["SecretArn"], r.outputs["secretArn"]


@reads("aws:cloudwatch/eventApiDestination:EventApiDestination")
def _event_api_destination(m: Moto, r: DeployedResource) -> Observed:
    destination = m("events", r).describe_api_destination(Name=r.id)
    yield "arn", destination["ApiDestinationArn"], r.outputs["arn"]
    yield "connectionArn", destination["ConnectionArn"], r.outputs["connectionArn"]


# -- Cognito ---------------------------------------------------------------------------------


@reads("aws:cognito/userPool:UserPool")
def _user_pool(m: Moto, r: DeployedResource) -> Observed:
    pool = m("cognito-idp", r).describe_user_pool(UserPoolId=r.id)["UserPool"]
    yield "arn", pool["Arn"], r.outputs["arn"]


@reads("aws:cognito/userPoolClient:UserPoolClient")
def _user_pool_client(m: Moto, r: DeployedResource) -> Observed:
    client = m("cognito-idp", r).describe_user_pool_client(UserPoolId=r.outputs["userPoolId"], ClientId=r.id)
    yield "name", client["UserPoolClient"]["ClientName"], r.outputs["name"]


@reads("aws:cognito/userPoolDomain:UserPoolDomain")
def _user_pool_domain(m: Moto, r: DeployedResource) -> Observed:
    domain = m("cognito-idp", r).describe_user_pool_domain(Domain=r.id)["DomainDescription"]
    yield "userPoolId", domain.get("UserPoolId"), r.outputs["userPoolId"]
    yield "cloudfrontDistribution", domain.get("CloudFrontDistribution"), r.outputs["cloudfrontDistribution"]


# -- DynamoDB, Firehose, Lambda, SSM ---------------------------------------------------------


@reads("aws:dynamodb/table:Table")
def _table(m: Moto, r: DeployedResource) -> Observed:
    table = m("dynamodb", r).describe_table(TableName=r.id)["Table"]
    yield "arn", table["TableArn"], r.outputs["arn"]


@reads("aws:kinesis/firehoseDeliveryStream:FirehoseDeliveryStream")
def _delivery_stream(m: Moto, r: DeployedResource) -> Observed:
    stream = m("firehose", r).describe_delivery_stream(DeliveryStreamName=r.outputs["name"])
    yield "arn", stream["DeliveryStreamDescription"]["DeliveryStreamARN"], r.outputs["arn"]


@reads("aws:lambda/function:Function")
def _function(m: Moto, r: DeployedResource) -> Observed:
    configuration = m("lambda", r).get_function(FunctionName=r.id)["Configuration"]
    yield "arn", configuration["FunctionArn"], r.outputs["arn"]
    yield "codeSha256", configuration["CodeSha256"], r.outputs["codeSha256"]


@reads("aws:lambda/permission:Permission")
def _permission(m: Moto, r: DeployedResource) -> Observed:
    policy = json.loads(m("lambda", r).get_policy(FunctionName=r.outputs["function"])["Policy"])
    statement = next((s for s in policy["Statement"] if s["Sid"] == r.id), {})
    yield "principal", (statement.get("Principal") or {}).get("Service"), r.outputs["principal"]


@reads("aws:ssm/parameter:Parameter")
def _parameter(m: Moto, r: DeployedResource) -> Observed:
    parameter = m("ssm", r).get_parameter(Name=r.id)["Parameter"]
    yield "arn", parameter["ARN"], r.outputs["arn"]
    yield "version", parameter["Version"], r.outputs["version"]


# -- EC2 and VPC -----------------------------------------------------------------------------


@reads("aws:ec2/vpc:Vpc")
def _vpc(m: Moto, r: DeployedResource) -> Observed:
    (vpc,) = m("ec2", r).describe_vpcs(VpcIds=[r.id])["Vpcs"]
    yield "cidrBlock", vpc["CidrBlock"], r.outputs["cidrBlock"]


@reads("aws:ec2/subnet:Subnet")
def _subnet(m: Moto, r: DeployedResource) -> Observed:
    (subnet,) = m("ec2", r).describe_subnets(SubnetIds=[r.id])["Subnets"]
    yield "arn", subnet["SubnetArn"], r.outputs["arn"]
    yield "vpcId", subnet["VpcId"], r.outputs["vpcId"]
    yield "availabilityZone", subnet["AvailabilityZone"], r.outputs["availabilityZone"]


@reads("aws:ec2/internetGateway:InternetGateway")
def _internet_gateway(m: Moto, r: DeployedResource) -> Observed:
    (gateway,) = m("ec2", r).describe_internet_gateways(InternetGatewayIds=[r.id])["InternetGateways"]
    yield "ownerId", gateway["OwnerId"], r.outputs["ownerId"]
    if r.outputs.get("vpcId"):  # else an InternetGatewayAttachment attaches it
        yield "vpcId", [a["VpcId"] for a in gateway["Attachments"]], [r.outputs["vpcId"]]


@reads("aws:ec2/internetGatewayAttachment:InternetGatewayAttachment")
def _internet_gateway_attachment(m: Moto, r: DeployedResource) -> Observed:
    ec2 = m("ec2", r)
    (gateway,) = ec2.describe_internet_gateways(InternetGatewayIds=[r.outputs["internetGatewayId"]])["InternetGateways"]
    yield "vpcId", [a["VpcId"] for a in gateway["Attachments"]], [r.outputs["vpcId"]]


@reads("aws:ec2/eip:Eip")
def _eip(m: Moto, r: DeployedResource) -> Observed:
    (address,) = m("ec2", r).describe_addresses(AllocationIds=[r.id])["Addresses"]
    yield "publicIp", address["PublicIp"], r.outputs["publicIp"]


@reads("aws:ec2/natGateway:NatGateway")
def _nat_gateway(m: Moto, r: DeployedResource) -> Observed:
    (gateway,) = m("ec2", r).describe_nat_gateways(NatGatewayIds=[r.id])["NatGateways"]
    yield "subnetId", gateway["SubnetId"], r.outputs["subnetId"]
    yield "publicIp", gateway["NatGatewayAddresses"][0].get("PublicIp"), r.outputs["publicIp"]


@reads("aws:ec2/routeTable:RouteTable")
def _route_table(m: Moto, r: DeployedResource) -> Observed:
    (table,) = m("ec2", r).describe_route_tables(RouteTableIds=[r.id])["RouteTables"]
    yield "vpcId", table["VpcId"], r.outputs["vpcId"]


@reads("aws:ec2/route:Route")
def _route_entry(m: Moto, r: DeployedResource) -> Observed:
    (table,) = m("ec2", r).describe_route_tables(RouteTableIds=[r.outputs["routeTableId"]])["RouteTables"]
    routes = {route.get("DestinationCidrBlock"): route for route in table["Routes"]}
    route = routes.get(r.outputs["destinationCidrBlock"], {})
    yield "gatewayId", route.get("GatewayId"), r.outputs.get("gatewayId")


@reads("aws:ec2/routeTableAssociation:RouteTableAssociation")
def _route_table_association(m: Moto, r: DeployedResource) -> Observed:
    (table,) = m("ec2", r).describe_route_tables(RouteTableIds=[r.outputs["routeTableId"]])["RouteTables"]
    associations = {a["RouteTableAssociationId"]: a for a in table["Associations"]}
    yield "subnetId", associations.get(r.id, {}).get("SubnetId"), r.outputs["subnetId"]


@reads("aws:ec2/securityGroup:SecurityGroup", "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup")
def _security_group(m: Moto, r: DeployedResource) -> Observed:
    (group,) = m("ec2", r).describe_security_groups(GroupIds=[r.id])["SecurityGroups"]
    yield "name", group["GroupName"], r.outputs["name"]
    yield "vpcId", group["VpcId"], r.outputs["vpcId"]


@reads("aws:ec2/securityGroupRule:SecurityGroupRule")
def _security_group_rule(m: Moto, r: DeployedResource) -> Observed:
    (group,) = m("ec2", r).describe_security_groups(GroupIds=[r.outputs["securityGroupId"]])["SecurityGroups"]
    permissions = group["IpPermissions"] if r.outputs["type"] == "ingress" else group["IpPermissionsEgress"]
    ports = [(p.get("IpProtocol"), p.get("FromPort"), p.get("ToPort")) for p in permissions]
    wanted = (r.outputs["protocol"], r.outputs["fromPort"], r.outputs["toPort"])
    yield "permission", listed(wanted, ports), wanted


@reads(
    "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule",
    "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule",
)
def _security_group_rule_resource(m: Moto, r: DeployedResource) -> Observed:
    (rule,) = m("ec2", r).describe_security_group_rules(SecurityGroupRuleIds=[r.id])["SecurityGroupRules"]
    yield "securityGroupRuleId", rule["SecurityGroupRuleId"], r.outputs["securityGroupRuleId"]
    yield "securityGroupId", rule["GroupId"], r.outputs["securityGroupId"]
    yield "isEgress", rule["IsEgress"], r.type.endswith(":SecurityGroupEgressRule")


@reads("aws:ec2/flowLog:FlowLog")
def _flow_log(m: Moto, r: DeployedResource) -> Observed:
    (flow_log,) = m("ec2", r).describe_flow_logs(FlowLogIds=[r.id])["FlowLogs"]
    yield "vpcId", flow_log["ResourceId"], r.outputs["vpcId"]
    yield "trafficType", flow_log["TrafficType"], r.outputs["trafficType"]


@reads("aws:ec2/vpcEndpoint:VpcEndpoint")
def _vpc_endpoint(m: Moto, r: DeployedResource) -> Observed:
    (endpoint,) = m("ec2", r).describe_vpc_endpoints(VpcEndpointIds=[r.id])["VpcEndpoints"]
    yield "serviceName", endpoint["ServiceName"], r.outputs["serviceName"]
    yield "routeTableIds", endpoint.get("RouteTableIds"), r.outputs.get("routeTableIds")


@reads("aws:ebs/encryptionByDefault:EncryptionByDefault")
def _ebs_encryption_by_default(m: Moto, r: DeployedResource) -> Observed:
    yield "enabled", m("ec2", r).get_ebs_encryption_by_default()["EbsEncryptionByDefault"], r.outputs["enabled"]


@reads("aws:ebs/defaultKmsKey:DefaultKmsKey")
def _ebs_default_kms_key(m: Moto, r: DeployedResource) -> Observed:
    yield "keyArn", m("ec2", r).get_ebs_default_kms_key_id()["KmsKeyId"], r.outputs["keyArn"]


# -- GuardDuty, Security Hub -----------------------------------------------------------------


@reads("aws:guardduty/detector:Detector")
def _detector(m: Moto, r: DeployedResource) -> Observed:
    guardduty = m("guardduty", r)
    yield "id", listed(r.id, guardduty.list_detectors()["DetectorIds"]), r.id
    yield "enable", guardduty.get_detector(DetectorId=r.id)["Status"] == "ENABLED", r.outputs["enable"]


@reads("aws:guardduty/detectorFeature:DetectorFeature")
def _detector_feature(m: Moto, r: DeployedResource) -> Observed:
    features = m("guardduty", r).get_detector(DetectorId=r.outputs["detectorId"]).get("Features") or []
    status = {f["Name"]: f["Status"] for f in features}
    yield "status", status.get(r.outputs["name"]), r.outputs["status"]


@reads("aws:securityhub/account:Account")
def _security_hub(m: Moto, r: DeployedResource) -> Observed:
    hub = m("securityhub", r).describe_hub()
    yield "arn", hub["HubArn"], r.outputs["arn"]
    if r.outputs.get("autoEnableControls") is not None:
        yield "autoEnableControls", hub["AutoEnableControls"], r.outputs["autoEnableControls"]


@reads("aws:securityhub/standardsSubscription:StandardsSubscription")
def _standards_subscription(m: Moto, r: DeployedResource) -> Observed:
    enabled = m("securityhub", r).get_enabled_standards()["StandardsSubscriptions"]
    by_arn = {s["StandardsSubscriptionArn"]: s for s in enabled}
    yield "id", listed(r.id, by_arn), r.id
    yield "standardsArn", (by_arn.get(r.id) or {}).get("StandardsArn"), r.outputs["standardsArn"]
    yield "status", (by_arn.get(r.id) or {}).get("StandardsStatus"), "READY"


# -- IAM and KMS -----------------------------------------------------------------------------


@reads("aws:iam/role:Role")
def _role(m: Moto, r: DeployedResource) -> Observed:
    role = m("iam", r).get_role(RoleName=r.id)["Role"]
    yield "arn", role["Arn"], r.outputs["arn"]
    yield "uniqueId", role["RoleId"], r.outputs["uniqueId"]


@reads("aws:iam/serviceLinkedRole:ServiceLinkedRole")
def _service_linked_role(m: Moto, r: DeployedResource) -> Observed:
    role = m("iam", r).get_role(RoleName=r.outputs["name"])["Role"]
    yield "arn", role["Arn"], r.id
    yield "uniqueId", role["RoleId"], r.outputs["uniqueId"]
    yield "path", role["Path"], r.outputs["path"]
    yield "tags", {t["Key"]: t["Value"] for t in role.get("Tags") or []}, r.outputs["tagsAll"]


@reads("aws:iam/policy:Policy")
def _policy(m: Moto, r: DeployedResource) -> Observed:
    policy = m("iam", r).get_policy(PolicyArn=r.id)["Policy"]
    yield "arn", policy["Arn"], r.outputs["arn"]
    yield "policyId", policy["PolicyId"], r.outputs["policyId"]


@reads("aws:iam/rolePolicy:RolePolicy")
def _role_policy(m: Moto, r: DeployedResource) -> Observed:
    policy = m("iam", r).get_role_policy(RoleName=r.outputs["role"], PolicyName=r.outputs["name"])
    yield "policy", policy["PolicyDocument"], r.outputs["policy"]


@reads("aws:iam/rolePolicyAttachment:RolePolicyAttachment")
def _role_policy_attachment(m: Moto, r: DeployedResource) -> Observed:
    attached = m("iam", r).list_attached_role_policies(RoleName=r.outputs["role"])["AttachedPolicies"]
    yield "policyArn", listed(r.outputs["policyArn"], [p["PolicyArn"] for p in attached]), r.outputs["policyArn"]


@reads("aws:iam/openIdConnectProvider:OpenIdConnectProvider")
def _oidc_provider(m: Moto, r: DeployedResource) -> Observed:
    provider = m("iam", r).get_open_id_connect_provider(OpenIDConnectProviderArn=r.id)
    yield "clientIdLists", provider["ClientIDList"], r.outputs["clientIdLists"]


@reads("aws:kms/key:Key")
def _key(m: Moto, r: DeployedResource) -> Observed:
    kms = m("kms", r)
    metadata = kms.describe_key(KeyId=r.id)["KeyMetadata"]
    yield "arn", metadata["Arn"], r.outputs["arn"]
    rotation = kms.get_key_rotation_status(KeyId=r.id)["KeyRotationEnabled"]
    yield "enableKeyRotation", rotation, bool(r.outputs.get("enableKeyRotation"))


@reads("aws:kms/keyPolicy:KeyPolicy")
def _key_policy(m: Moto, r: DeployedResource) -> Observed:
    yield "policy", m("kms", r).get_key_policy(KeyId=r.id, PolicyName="default")["Policy"], r.outputs["policy"]


@reads("aws:kms/alias:Alias")
def _alias(m: Moto, r: DeployedResource) -> Observed:
    aliases = {a["AliasName"]: a for a in m("kms", r).list_aliases()["Aliases"]}
    alias = aliases.get(r.id, {})
    yield "arn", alias.get("AliasArn"), r.outputs["arn"]
    yield "targetKeyId", alias.get("TargetKeyId"), r.outputs["targetKeyId"]


# -- RDS -------------------------------------------------------------------------------------


@reads("aws:rds/instance:Instance")
def _db_instance(m: Moto, r: DeployedResource) -> Observed:
    (db,) = m("rds", r).describe_db_instances(DBInstanceIdentifier=r.outputs["identifier"])["DBInstances"]
    yield "resourceId", db["DbiResourceId"], r.id
    yield "arn", db["DBInstanceArn"], r.outputs["arn"]
    yield "address", db["Endpoint"]["Address"], r.outputs["address"]
    for secret in r.outputs.get("masterUserSecrets") or []:
        # RDS turns on the rotation of the master-user secret it manages (every 7 days).
        described = m("secretsmanager", r).describe_secret(SecretId=secret["secretArn"])
        yield (
            "masterUserSecret rotation",
            (described.get("RotationEnabled"), described.get("RotationRules")),
            (
                True,
                {"AutomaticallyAfterDays": 7},
            ),
        )


@reads("aws:rds/subnetGroup:SubnetGroup")
def _db_subnet_group(m: Moto, r: DeployedResource) -> Observed:
    (group,) = m("rds", r).describe_db_subnet_groups(DBSubnetGroupName=r.id)["DBSubnetGroups"]
    yield "arn", group["DBSubnetGroupArn"], r.outputs["arn"]


@reads("aws:rds/parameterGroup:ParameterGroup")
def _db_parameter_group(m: Moto, r: DeployedResource) -> Observed:
    rds = m("rds", r)
    (group,) = rds.describe_db_parameter_groups(DBParameterGroupName=r.id)["DBParameterGroups"]
    yield "arn", group["DBParameterGroupArn"], r.outputs["arn"]
    stored = {
        p["ParameterName"]: p.get("ParameterValue")
        for p in rds.describe_db_parameters(DBParameterGroupName=r.id)["Parameters"]
    }
    yield (
        "parameters",
        {p["name"]: stored.get(p["name"]) for p in r.outputs["parameters"]},
        {p["name"]: p["value"] for p in r.outputs["parameters"]},
    )


@reads("aws:rds/clusterParameterGroup:ClusterParameterGroup")
def _db_cluster_parameter_group(m: Moto, r: DeployedResource) -> Observed:
    rds = m("rds", r)
    (group,) = rds.describe_db_cluster_parameter_groups(DBClusterParameterGroupName=r.id)["DBClusterParameterGroups"]
    yield "arn", group["DBClusterParameterGroupArn"], r.outputs["arn"]
    parameters = rds.describe_db_cluster_parameters(DBClusterParameterGroupName=r.id)["Parameters"]
    stored = {p["ParameterName"]: p.get("ParameterValue") for p in parameters}
    yield (
        "parameters",
        {p["name"]: stored.get(p["name"]) for p in r.outputs["parameters"]},
        {p["name"]: p["value"] for p in r.outputs["parameters"]},
    )


# -- Route 53 --------------------------------------------------------------------------------


@reads("aws:route53/zone:Zone")
def _zone(m: Moto, r: DeployedResource) -> Observed:
    zone = m("route53", r).get_hosted_zone(Id=r.id)
    yield "name", zone["HostedZone"]["Name"].rstrip("."), r.outputs["name"]
    yield "vpcs", sorted(v["VPCId"] for v in zone.get("VPCs") or []), sorted(v["vpcId"] for v in r.outputs["vpcs"])


@reads("aws:route53/record:Record")
def _record(m: Moto, r: DeployedResource) -> Observed:
    route53 = m("route53", r)
    fqdn = r.outputs["fqdn"]
    zones = [z for z in route53.list_hosted_zones()["HostedZones"] if f".{fqdn}.".endswith(f".{z['Name']}")]
    zone = max(zones, key=lambda z: len(z["Name"]))  # the most specific zone holding the name
    records = route53.list_resource_record_sets(HostedZoneId=zone["Id"])["ResourceRecordSets"]
    found = [(s["Name"].rstrip("."), s["Type"]) for s in records]
    yield "record", listed((fqdn, r.outputs["type"]), found), (fqdn, r.outputs["type"])


# -- S3 --------------------------------------------------------------------------------------


@reads("aws:s3/bucket:Bucket", "aws:s3/bucketV2:BucketV2")
def _bucket(m: Moto, r: DeployedResource) -> Observed:
    s3 = m("s3", r)
    yield "bucket", listed(r.id, [b["Name"] for b in s3.list_buckets()["Buckets"]]), r.outputs["bucket"]
    location = s3.get_bucket_location(Bucket=r.id)["LocationConstraint"] or "us-east-1"
    yield "region", location, r.outputs["region"]
    if r.outputs.get("objectLockEnabled"):
        lock = s3.get_object_lock_configuration(Bucket=r.id)["ObjectLockConfiguration"]
        yield "objectLockEnabled", lock["ObjectLockEnabled"], "Enabled"


@reads(
    "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
    "aws:s3/bucketServerSideEncryptionConfigurationV2:BucketServerSideEncryptionConfigurationV2",
)
def _bucket_encryption(m: Moto, r: DeployedResource) -> Observed:
    rules = m("s3", r).get_bucket_encryption(Bucket=r.id)["ServerSideEncryptionConfiguration"]["Rules"]
    stored = [rule["ApplyServerSideEncryptionByDefault"] for rule in rules]
    wanted = [rule["applyServerSideEncryptionByDefault"] for rule in r.outputs["rules"]]
    yield "sseAlgorithm", [s["SSEAlgorithm"] for s in stored], [w["sseAlgorithm"] for w in wanted]
    yield "kmsMasterKeyId", [s.get("KMSMasterKeyID") for s in stored], [w.get("kmsMasterKeyId") for w in wanted]


@reads("aws:s3/bucketPolicy:BucketPolicy")
def _bucket_policy(m: Moto, r: DeployedResource) -> Observed:
    yield "policy", m("s3", r).get_bucket_policy(Bucket=r.id)["Policy"], r.outputs["policy"]


@reads("aws:s3/bucketVersioning:BucketVersioning", "aws:s3/bucketVersioningV2:BucketVersioningV2")
def _bucket_versioning(m: Moto, r: DeployedResource) -> Observed:
    status = m("s3", r).get_bucket_versioning(Bucket=r.id).get("Status")
    yield "status", status, r.outputs["versioningConfiguration"]["status"]


@reads("aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock")
def _bucket_public_access_block(m: Moto, r: DeployedResource) -> Observed:
    block = m("s3", r).get_public_access_block(Bucket=r.id)["PublicAccessBlockConfiguration"]
    for key in ("blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets"):
        yield key, block[key[:1].upper() + key[1:]], bool(r.outputs.get(key))


@reads("aws:s3/bucketOwnershipControls:BucketOwnershipControls")
def _bucket_ownership(m: Moto, r: DeployedResource) -> Observed:
    (rule,) = m("s3", r).get_bucket_ownership_controls(Bucket=r.id)["OwnershipControls"]["Rules"]
    yield "objectOwnership", rule["ObjectOwnership"], r.outputs["rule"]["objectOwnership"]


@reads(
    "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration",
    "aws:s3/bucketLifecycleConfigurationV2:BucketLifecycleConfigurationV2",
)
def _bucket_lifecycle(m: Moto, r: DeployedResource) -> Observed:
    rules = m("s3", r).get_bucket_lifecycle_configuration(Bucket=r.id)["Rules"]
    yield "rules", [(x["ID"], x["Status"]) for x in rules], [(x["id"], x["status"]) for x in r.outputs["rules"]]


@reads("aws:s3/bucketLogging:BucketLogging", "aws:s3/bucketLoggingV2:BucketLoggingV2")
def _bucket_logging(m: Moto, r: DeployedResource) -> Observed:
    enabled = m("s3", r).get_bucket_logging(Bucket=r.id).get("LoggingEnabled") or {}
    yield "targetBucket", enabled.get("TargetBucket"), r.outputs["targetBucket"]
    yield "targetPrefix", enabled.get("TargetPrefix"), r.outputs["targetPrefix"]


@reads(
    "aws:s3/bucketObjectLockConfiguration:BucketObjectLockConfiguration",
    "aws:s3/bucketObjectLockConfigurationV2:BucketObjectLockConfigurationV2",
)
def _bucket_object_lock(m: Moto, r: DeployedResource) -> Observed:
    lock = m("s3", r).get_object_lock_configuration(Bucket=r.id)["ObjectLockConfiguration"]
    retention = lock.get("Rule", {}).get("DefaultRetention", {})
    wanted = r.outputs["rule"]["defaultRetention"]
    yield "mode", retention.get("Mode"), wanted["mode"]
    yield "days", retention.get("Days"), wanted.get("days")


# -- Secrets Manager -------------------------------------------------------------------------


@reads("aws:secretsmanager/secret:Secret")
def _secret(m: Moto, r: DeployedResource) -> Observed:
    secret = m("secretsmanager", r).describe_secret(SecretId=r.id)
    yield "arn", secret["ARN"], r.outputs["arn"]
    yield "kmsKeyId", secret.get("KmsKeyId"), r.outputs.get("kmsKeyId")


@reads("aws:secretsmanager/secretVersion:SecretVersion")
def _secret_version(m: Moto, r: DeployedResource) -> Observed:
    versions = m("secretsmanager", r).describe_secret(SecretId=r.outputs["arn"])["VersionIdsToStages"]
    yield "versionId", listed(r.outputs["versionId"], versions), r.outputs["versionId"]


@reads("aws:secretsmanager/secretPolicy:SecretPolicy")
def _secret_policy(m: Moto, r: DeployedResource) -> Observed:
    yield "policy", m("secretsmanager", r).get_resource_policy(SecretId=r.id)["ResourcePolicy"], r.outputs["policy"]


@reads("aws:secretsmanager/secretRotation:SecretRotation")
def _secret_rotation(m: Moto, r: DeployedResource) -> Observed:
    secret = m("secretsmanager", r).describe_secret(SecretId=r.id)
    yield "rotationEnabled", secret.get("RotationEnabled"), r.outputs["rotationEnabled"]
    yield "rotationLambdaArn", secret.get("RotationLambdaARN"), r.outputs["rotationLambdaArn"]


@reads("aws:secretsmanager/tag:Tag")
def _secret_tag(m: Moto, r: DeployedResource) -> Observed:
    tags = m("secretsmanager", r).describe_secret(SecretId=r.outputs["secretId"]).get("Tags") or []
    yield "value", {t["Key"]: t["Value"] for t in tags}.get(r.outputs["key"]), r.outputs["value"]


# -- SNS, SQS --------------------------------------------------------------------------------


@reads("aws:sns/topic:Topic")
def _topic(m: Moto, r: DeployedResource) -> Observed:
    attributes = m("sns", r).get_topic_attributes(TopicArn=r.id)["Attributes"]
    yield "arn", attributes["TopicArn"], r.outputs["arn"]


@reads("aws:sns/topicPolicy:TopicPolicy")
def _topic_policy(m: Moto, r: DeployedResource) -> Observed:
    yield "policy", m("sns", r).get_topic_attributes(TopicArn=r.id)["Attributes"]["Policy"], r.outputs["policy"]


@reads("aws:sns/topicSubscription:TopicSubscription")
def _subscription(m: Moto, r: DeployedResource) -> Observed:
    attributes = m("sns", r).get_subscription_attributes(SubscriptionArn=r.id)["Attributes"]
    yield "topic", attributes["TopicArn"], r.outputs["topic"]
    yield "endpoint", attributes["Endpoint"], r.outputs["endpoint"]
    # An e-mail subscription waits for its recipient, as in AWS.
    yield "pendingConfirmation", attributes["PendingConfirmation"] == "true", r.outputs["pendingConfirmation"]


@reads("aws:sqs/queue:Queue")
def _queue(m: Moto, r: DeployedResource) -> Observed:
    sqs = m("sqs", r)
    yield "url", sqs.get_queue_url(QueueName=r.outputs["name"])["QueueUrl"], r.id
    attributes = sqs.get_queue_attributes(QueueUrl=r.id, AttributeNames=["All"])["Attributes"]
    yield "arn", attributes["QueueArn"], r.outputs["arn"]
    yield "kmsMasterKeyId", attributes.get("KmsMasterKeyId"), r.outputs.get("kmsMasterKeyId")


@reads("aws:sqs/queuePolicy:QueuePolicy")
def _queue_policy(m: Moto, r: DeployedResource) -> Observed:
    attributes = m("sqs", r).get_queue_attributes(QueueUrl=r.id, AttributeNames=["All"])["Attributes"]
    yield "policy", attributes.get("Policy"), r.outputs["policy"]


@reads("aws:sqs/redrivePolicy:RedrivePolicy")
def _redrive_policy(m: Moto, r: DeployedResource) -> Observed:
    attributes = m("sqs", r).get_queue_attributes(QueueUrl=r.id, AttributeNames=["All"])["Attributes"]
    yield "redrivePolicy", attributes.get("RedrivePolicy"), r.outputs["redrivePolicy"]


# -- WAF -------------------------------------------------------------------------------------


@reads("aws:wafv2/webAcl:WebAcl")
def _web_acl(m: Moto, r: DeployedResource) -> Observed:
    acl = m("wafv2", r).get_web_acl(Name=r.outputs["name"], Scope=r.outputs["scope"], Id=r.id)["WebACL"]
    yield "arn", acl["ARN"], r.outputs["arn"]
    yield "rules", [rule["Name"] for rule in acl["Rules"]], [rule["name"] for rule in r.outputs["rules"]]


@reads("aws:wafv2/webAclAssociation:WebAclAssociation")
def _web_acl_association(m: Moto, r: DeployedResource) -> Observed:
    acl = m("wafv2", r).get_web_acl_for_resource(ResourceArn=r.outputs["resourceArn"]).get("WebACL") or {}
    yield "webAclArn", acl.get("ARN"), r.outputs["webAclArn"]


@reads("aws:wafv2/webAclLoggingConfiguration:WebAclLoggingConfiguration")
def _web_acl_logging(m: Moto, r: DeployedResource) -> Observed:
    config = m("wafv2", r).get_logging_configuration(ResourceArn=r.id)["LoggingConfiguration"]
    yield "logDestinationConfigs", config["LogDestinationConfigs"], r.outputs["logDestinationConfigs"]
    yield (
        "loggingFilter",
        config.get("LoggingFilter", {}).get("DefaultBehavior"),
        r.outputs["loggingFilter"]["defaultBehavior"],
    )


# -- the tests -------------------------------------------------------------------------------


def test_the_coverage_program_deploys_every_simulated_type(coverage: Sandbox) -> None:
    deployment = coverage.deployment
    deployed = {r.type for r in deployment.resources}
    missing = sorted(set(handlers.supported_types()) - deployed)
    assert not missing, f"types with a handler that the coverage program does not deploy: {missing}"
    # Every resource the program registered was created, under the id Pulumi handed its dependants.
    registered = [r for r in deployment.rendering.of_custom() if not r.type.startswith("pulumi:providers:")]
    created = {(r.type, r.name): r for r in deployment.resources}
    assert len(created) == len(deployment.resources) == len(registered)
    assert all(created[(r.type, r.name)].id == r.id for r in registered)


def test_every_simulated_type_has_a_read_back_or_a_recorded_gap() -> None:
    assert set(READ_BACK).isdisjoint(UNREADABLE)
    assert sorted(set(READ_BACK) | set(UNREADABLE)) == handlers.supported_types()


def test_what_the_deploy_returned_is_what_moto_holds(coverage: Sandbox) -> None:
    """Ids, ARNs and applied settings of every resource, read back the way an auditor reads them."""
    deployment = coverage.deployment
    moto = Moto(coverage.session)
    mismatches = []
    for resource in deployment.resources:
        read_back = READ_BACK.get(resource.type)
        if read_back is None:
            continue
        observed = list(read_back(moto, resource))
        assert observed, resource.type
        mismatches += [
            f"{resource.type} {resource.name!r} {what}: moto has {in_moto!r}, the deployment says {deployed!r}"
            for what, in_moto, deployed in observed
            if not same(in_moto, deployed)
        ]
    assert not mismatches, "\n".join(mismatches)


def test_what_moto_cannot_do_is_a_recorded_gap_not_a_success(coverage: Sandbox) -> None:
    deployment = coverage.deployment
    gaps = {(g.type, g.resource, g.operation) for g in deployment.gaps}
    for type_token, operation in UNREADABLE.items():
        resources = deployment.of_type(type_token)
        assert resources, type_token
        for resource in resources:
            assert (type_token, resource.name, operation) in gaps, (type_token, resource.name)
    # A resource moto did not create gets an id that says so, and only such a resource does.
    placeholders = {r.name for r in deployment.resources if r.id.startswith("unsupported-in-moto-")}
    not_created = {g.resource for g in deployment.gaps if g.reason.startswith("moto does not implement Create")}
    assert placeholders == not_created == {"internal-deployment"}
