from __future__ import annotations

from compliance_checks.kit import CheckMetadata, ResourceCheck, Result, Severity, apigateway, failed, passed


class ApigatewayStageAccessLogging(ResourceCheck):
    """Every API stage (HTTP/WebSocket and REST) writes access logs: a destination and a log format are set.

    Scenarios:
    - given an HTTP API stage with AccessLogSettings (DestinationArn and Format), then PASS
    - given an HTTP API stage without access log settings, then FAIL
    - given an HTTP API stage with a destination but no format, then FAIL
    - given a REST API stage with accessLogSettings (destinationArn and format), then PASS
    - given a REST API stage without access logging, then FAIL
    - given GetStages is denied, then ERROR for that API
    """

    regional = True
    metadata = CheckMetadata(
        title="API Gateway stages have access logging",
        severity=Severity.MEDIUM,
        resource_type="AWS::ApiGateway::Stage",
        rationale="LP-LOG-1: API requests are logged for abuse prevention and incident investigation "
        "(FSBP APIGateway.1, APIGateway.9).",
        remediation="Set the stage's access log destination (a CloudWatch log group or Firehose stream) and log "
        "format (infra: the API component configures access logs on every stage).",
    )

    def resources(self, ctx):
        return [*apigateway.http_apis(ctx.reader), *apigateway.rest_apis(ctx.reader)]

    def judge(self, ctx, api):
        if api.protocol == "REST":  # REST stages spell their fields in camelCase
            for stage in apigateway.rest_stages(ctx.reader, api):
                settings = stage.get("accessLogSettings") or {}
                yield self._judge(api, stage["stageName"], settings.get("destinationArn"), settings.get("format"))
        else:
            for stage in apigateway.http_stages(ctx.reader, api):
                settings = stage.get("AccessLogSettings") or {}
                yield self._judge(api, stage["StageName"], settings.get("DestinationArn"), settings.get("Format"))

    @staticmethod
    def _judge(api: apigateway.Api, stage: str, destination: str | None, log_format: str | None) -> Result:
        arn = api.stage_arn(stage)
        evidence = {
            "api": api.name,
            "protocol": api.protocol,
            "destination": destination,
            "has_format": bool(log_format),
        }
        if destination and log_format:
            return passed(arn, f"access logs go to {destination}", region=api.region, **evidence)
        missing = " and ".join(n for n, v in (("destination", destination), ("log format", log_format)) if not v)
        return failed(arn, f"access logging is off: no {missing}", region=api.region, **evidence)
