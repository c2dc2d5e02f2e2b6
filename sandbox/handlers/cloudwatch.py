"""CloudWatch: log groups (retention, KMS), metric filters, subscription filters, resource policies,
metric alarms; EventBridge rules, targets, connections and API destinations (the cloudwatch
module in pulumi-aws)."""

from __future__ import annotations

from typing import Any

from sandbox.handlers.base import Context, Inputs, Outputs, drop_none, handles, policy_text, tag_list


def log_group_arn(ctx: Context, name: str) -> str:
    return f"arn:aws:logs:{ctx.region}:{ctx.account_id}:log-group:{name}"


@handles("aws:cloudwatch/logGroup:LogGroup")
def log_group(inputs: Inputs, ctx: Context) -> tuple[str, Outputs]:
    logs = ctx.client("logs")
    tags = ctx.tags(inputs)
    name = ctx.physical_name(inputs.get("name"), inputs.get("namePrefix"), max_length=512)
    params = drop_none(
        {
            "logGroupName": name,
            "kmsKeyId": inputs.get("kmsKeyId"),
            "logGroupClass": inputs.get("logGroupClass"),
            "tags": tags or None,
        }
    )
    logs.create_log_group(**params)
    retention = inputs.get("retentionInDays")
    if retention:
        logs.put_retention_policy(logGroupName=name, retentionInDays=retention)
    if inputs.get("deletionProtectionEnabled"):
        ctx.attempt("logs", "put_log_group_deletion_protection", logGroupName=name, deletionProtectionEnabled=True)
    stored = logs.describe_log_groups(logGroupNamePrefix=name)["logGroups"]
    stored = next((g for g in stored if g["logGroupName"] == name), {})
    arn = log_group_arn(ctx, name)
    if params.get("kmsKeyId") and stored.get("kmsKeyId") != params["kmsKeyId"]:
        ctx.gap(
            "logs:CreateLogGroup",
            "moto did not store the log group's KMS key",
            checks=("logs_log_group_encrypted_cmk",),
            resource_id=arn,
        )
    return name, {"arn": arn, "name": name, "tagsAll": tags}


@handles("aws:cloudwatch/logStream:LogStream")
def log_stream(inputs: Inputs, ctx: Context) -> tuple[str, Outputs]:
    group = inputs["logGroupName"]
    name = ctx.physical_name(inputs.get("name"))
    ctx.client("logs").create_log_stream(logGroupName=group, logStreamName=name)
    return name, {"arn": f"{log_group_arn(ctx, group)}:log-stream:{name}", "name": name}


@handles("aws:cloudwatch/logMetricFilter:LogMetricFilter")
def metric_filter(inputs: Inputs, ctx: Context) -> tuple[str, Outputs]:
    transformation = inputs["metricTransformation"]
    name = ctx.physical_name(inputs.get("name"))
    params: dict[str, Any] = {
        "logGroupName": inputs["logGroupName"],
        "filterName": name,
        "filterPattern": inputs["pattern"],
        "metricTransformations": [
            drop_none(
                {
                    "metricName": transformation["name"],
                    "metricNamespace": transformation["namespace"],
                    "metricValue": transformation["value"],
                    "defaultValue": float(transformation["defaultValue"])
                    if transformation.get("defaultValue") not in (None, "")
                    else None,
                    "unit": transformation.get("unit"),
                    "dimensions": transformation.get("dimensions"),
                }
            )
        ],
    }
    if inputs.get("applyOnTransformedLogs"):
        params["applyOnTransformedLogs"] = True
    ctx.client("logs").put_metric_filter(**params)
    return name, {}


@handles("aws:cloudwatch/logSubscriptionFilter:LogSubscriptionFilter")
def subscription_filter(inputs: Inputs, ctx: Context) -> tuple[str, Outputs]:
    name = ctx.physical_name(inputs.get("name"))
    ctx.client("logs").put_subscription_filter(
        **drop_none(
            {
                "logGroupName": inputs["logGroup"],
                "filterName": name,
                "filterPattern": inputs.get("filterPattern") or "",
                "destinationArn": inputs["destinationArn"],
                "roleArn": inputs.get("roleArn"),
                "distribution": inputs.get("distribution"),
                "applyOnTransformedLogs": inputs.get("applyOnTransformedLogs"),
                "emitSystemFields": inputs.get("emitSystemFields"),
            }
        )
    )
    return f"cwlsf-{name}", {}


@handles("aws:cloudwatch/logResourcePolicy:LogResourcePolicy")
def log_resource_policy(inputs: Inputs, ctx: Context) -> tuple[str, Outputs]:
    if inputs.get("resourceArn"):
        raise ValueError("resource-scoped log policies (resourceArn) are not simulated")
    name = inputs["policyName"]
    ctx.client("logs").put_resource_policy(policyName=name, policyDocument=policy_text(inputs["policyDocument"]))
    return name, {}


def _metric_query(block: dict[str, Any]) -> dict[str, Any]:
    metric = block.get("metric")
    return drop_none(
        {
            "Id": block["id"],
            "Expression": block.get("expression"),
            "Label": block.get("label"),
            "ReturnData": block.get("returnData"),
            "Period": block.get("period"),
            "AccountId": block.get("accountId"),
            "MetricStat": drop_none(
                {
                    "Metric": drop_none(
                        {
                            "Namespace": metric.get("namespace"),
                            "MetricName": metric["metricName"],
                            "Dimensions": [{"Name": k, "Value": v} for k, v in (metric.get("dimensions") or {}).items()]
                            or None,
                        }
                    ),
                    "Period": metric["period"],
                    "Stat": metric["stat"],
                    "Unit": metric.get("unit"),
                }
            )
            if metric
            else None,
        }
    )


@handles("aws:cloudwatch/metricAlarm:MetricAlarm")
def metric_alarm(inputs: Inputs, ctx: Context) -> tuple[str, Outputs]:
    cloudwatch = ctx.client("cloudwatch")
    tags = ctx.tags(inputs)
    name = ctx.physical_name(inputs.get("name"), max_length=255)
    for unsupported in ("evaluationCriteria", "evaluationWindow", "warmUpConfiguration", "evaluationInterval"):
        if inputs.get(unsupported):
            raise ValueError(f"{unsupported} is not simulated")
    params = drop_none(
        {
            "AlarmName": name,
            "AlarmDescription": inputs.get("alarmDescription"),
            "ActionsEnabled": inputs.get("actionsEnabled"),
            "AlarmActions": inputs.get("alarmActions"),
            "OKActions": inputs.get("okActions"),
            "InsufficientDataActions": inputs.get("insufficientDataActions"),
            "ComparisonOperator": inputs["comparisonOperator"],
            "EvaluationPeriods": inputs["evaluationPeriods"],
            "DatapointsToAlarm": inputs.get("datapointsToAlarm"),
            "MetricName": inputs.get("metricName"),
            "Namespace": inputs.get("namespace"),
            "Period": inputs.get("period"),
            "Statistic": inputs.get("statistic"),
            "ExtendedStatistic": inputs.get("extendedStatistic"),
            "Threshold": inputs.get("threshold"),
            "ThresholdMetricId": inputs.get("thresholdMetricId"),
            "TreatMissingData": inputs.get("treatMissingData"),
            "EvaluateLowSampleCountPercentile": inputs.get("evaluateLowSampleCountPercentiles"),
            "Unit": inputs.get("unit"),
            "Dimensions": [{"Name": k, "Value": v} for k, v in (inputs.get("dimensions") or {}).items()] or None,
            "Metrics": [_metric_query(q) for q in inputs.get("metricQueries") or []] or None,
            "Tags": tag_list(tags) or None,
        }
    )
    cloudwatch.put_metric_alarm(**params)
    arn = f"arn:aws:cloudwatch:{ctx.region}:{ctx.account_id}:alarm:{name}"
    return name, {"arn": arn, "name": name, "tagsAll": tags}


@handles("aws:cloudwatch/eventRule:EventRule")
def event_rule(inputs: Inputs, ctx: Context) -> tuple[str, Outputs]:
    events = ctx.client("events")
    tags = ctx.tags(inputs)
    name = ctx.physical_name(inputs.get("name"), inputs.get("namePrefix"), max_length=64)
    state = inputs.get("state") or ("DISABLED" if inputs.get("isEnabled") is False else "ENABLED")
    inputs.ignore("isEnabled", "forceDestroy")
    arn = events.put_rule(
        **drop_none(
            {
                "Name": name,
                "EventPattern": inputs.get("eventPattern"),
                "ScheduleExpression": inputs.get("scheduleExpression"),
                "State": state,
                "Description": inputs.get("description"),
                "EventBusName": inputs.get("eventBusName"),
                "RoleArn": inputs.get("roleArn"),
                "Tags": tag_list(tags) or None,
            }
        )
    )["RuleArn"]
    bus = inputs.get("eventBusName") or "default"
    return f"{bus}/{name}" if bus != "default" else name, {"arn": arn, "name": name, "tagsAll": tags}


@handles("aws:cloudwatch/eventTarget:EventTarget")
def event_target(inputs: Inputs, ctx: Context) -> tuple[str, Outputs]:
    target_id = inputs.get("targetId") or ctx.physical_name(None, max_length=64)
    target: dict[str, Any] = drop_none(
        {
            "Id": target_id,
            "Arn": inputs["arn"],
            "RoleArn": inputs.get("roleArn"),
            "Input": inputs.get("input"),
            "InputPath": inputs.get("inputPath"),
        }
    )
    http = inputs.get("httpTarget")
    if http:
        target["HttpParameters"] = drop_none(
            {
                "PathParameterValues": http.get("pathParameterValues"),
                "HeaderParameters": http.get("headerParameters"),
                "QueryStringParameters": http.get("queryStringParameters"),
            }
        )
    retry = inputs.get("retryPolicy")
    if retry:
        target["RetryPolicy"] = drop_none(
            {
                "MaximumRetryAttempts": retry.get("maximumRetryAttempts"),
                "MaximumEventAgeInSeconds": retry.get("maximumEventAgeInSeconds"),
            }
        )
    dead_letter = inputs.get("deadLetterConfig")
    if dead_letter:
        target["DeadLetterConfig"] = {"Arn": dead_letter["arn"]}
    transformer = inputs.get("inputTransformer")
    if transformer:
        target["InputTransformer"] = drop_none(
            {"InputPathsMap": transformer.get("inputPaths"), "InputTemplate": transformer["inputTemplate"]}
        )
    for unsupported in (
        "ecsTarget",
        "batchTarget",
        "kinesisTarget",
        "sqsTarget",
        "redshiftTarget",
        "sagemakerPipelineTarget",
        "runCommandTargets",
        "appsyncTarget",
    ):
        if inputs.get(unsupported):
            raise ValueError(f"{unsupported} is not simulated")
    response = ctx.client("events").put_targets(
        **drop_none({"Rule": inputs["rule"], "EventBusName": inputs.get("eventBusName"), "Targets": [target]})
    )
    if response.get("FailedEntryCount"):
        raise ValueError(f"PutTargets refused: {response['FailedEntries']}")
    inputs.ignore("forceDestroy")
    return f"{inputs['rule']}-{target_id}", {"targetId": target_id}


def _connection_auth(auth: dict[str, Any]) -> dict[str, Any]:
    converted: dict[str, Any] = {}
    if auth.get("apiKey"):
        converted["ApiKeyAuthParameters"] = {
            "ApiKeyName": auth["apiKey"]["key"],
            "ApiKeyValue": auth["apiKey"]["value"],
        }
    if auth.get("basic"):
        converted["BasicAuthParameters"] = {
            "Username": auth["basic"]["username"],
            "Password": auth["basic"]["password"],
        }
    if auth.get("oauth"):
        oauth = auth["oauth"]
        client = oauth.get("clientParameters") or {}
        converted["OAuthParameters"] = drop_none(
            {
                "AuthorizationEndpoint": oauth["authorizationEndpoint"],
                "HttpMethod": oauth["httpMethod"],
                "ClientParameters": {"ClientID": client.get("clientId"), "ClientSecret": client.get("clientSecret")}
                if client
                else None,
                "OAuthHttpParameters": _http_parameters(oauth.get("oauthHttpParameters")),
            }
        )
    if auth.get("invocationHttpParameters"):
        converted["InvocationHttpParameters"] = _http_parameters(auth["invocationHttpParameters"])
    return converted


def _http_parameters(block: dict[str, Any] | None) -> dict[str, Any] | None:
    if not block:
        return None

    def items(values: list[dict[str, Any]] | None) -> list[dict[str, Any]] | None:
        return [
            drop_none({"Key": v.get("key"), "Value": v.get("value"), "IsValueSecret": v.get("isValueSecret")})
            for v in values or []
        ] or None

    return drop_none(
        {
            "HeaderParameters": items(block.get("headers")),
            "QueryStringParameters": items(block.get("queryStrings")),
            "BodyParameters": items(block.get("bodies")),
        }
    )


@handles("aws:cloudwatch/eventConnection:EventConnection")
def event_connection(inputs: Inputs, ctx: Context) -> tuple[str, Outputs]:
    events = ctx.client("events")
    name = ctx.physical_name(inputs.get("name"))
    if inputs.get("invocationConnectivityParameters"):
        raise ValueError("private connectivity (invocationConnectivityParameters) is not simulated")
    created = events.create_connection(
        **drop_none(
            {
                "Name": name,
                "Description": inputs.get("description"),
                "AuthorizationType": inputs["authorizationType"],
                "AuthParameters": _connection_auth(inputs["authParameters"]),
                "KmsKeyIdentifier": inputs.get("kmsKeyIdentifier"),
            }
        )
    )
    described = events.describe_connection(Name=name)
    key = inputs.get("kmsKeyIdentifier")
    if key and described.get("KmsKeyIdentifier") != key:
        ctx.gap(
            "events:CreateConnection",
            "moto did not store the connection's KmsKeyIdentifier (its secret stays on the AWS-managed key)",
            checks=("secretsmanager_secret_encrypted_cmk",),
            resource_id=described.get("SecretArn"),
        )
    return name, {"arn": created["ConnectionArn"], "secretArn": described.get("SecretArn")}


@handles("aws:cloudwatch/eventApiDestination:EventApiDestination")
def event_api_destination(inputs: Inputs, ctx: Context) -> tuple[str, Outputs]:
    name = ctx.physical_name(inputs.get("name"))
    created = ctx.client("events").create_api_destination(
        **drop_none(
            {
                "Name": name,
                "Description": inputs.get("description"),
                "ConnectionArn": inputs["connectionArn"],
                "InvocationEndpoint": inputs["invocationEndpoint"],
                "HttpMethod": inputs["httpMethod"],
                "InvocationRateLimitPerSecond": inputs.get("invocationRateLimitPerSecond"),
            }
        )
    )
    return name, {"arn": created["ApiDestinationArn"]}


@handles("aws:cloudwatch/eventBus:EventBus")
def event_bus(inputs: Inputs, ctx: Context) -> tuple[str, Outputs]:
    tags = ctx.tags(inputs)
    name = ctx.physical_name(inputs.get("name"))
    created = ctx.client("events").create_event_bus(
        **drop_none(
            {
                "Name": name,
                "EventSourceName": inputs.get("eventSourceName"),
                "KmsKeyIdentifier": inputs.get("kmsKeyIdentifier"),
                "Description": inputs.get("description"),
                "Tags": tag_list(tags) or None,
            }
        )
    )
    return name, {"arn": created["EventBusArn"], "tagsAll": tags}
