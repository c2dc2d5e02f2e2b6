from __future__ import annotations

from compliance_checks.kit import CheckMetadata, EnvironmentSecretsCheck, Listed, Severity, ecs, scan


class EcsTaskDefinitionEnvNoSecrets(EnvironmentSecretsCheck):
    """No active ECS task definition holds a credential in a container's environment.

    Every ACTIVE revision (each can still be run) is read; each container's ``environment`` entries
    are scanned with compliance_checks.secret_detector. ``secrets`` entries (valueFrom Secrets
    Manager or SSM) are the right way and are not values. The result names the container and the
    variable with the detector rule, never the value.

    Scenarios:
    - given a task definition with plain settings and secrets passed through valueFrom, then PASS
    - given a container environment holding a Stripe secret key, then FAIL naming container and variable
    - given an older active revision with a password while the newest is clean, then FAIL for the older one
    - given DescribeTaskDefinition is denied, then ERROR for the task definition
    - given ListTaskDefinitions is denied, then ERROR
    """

    regional = True
    metadata = CheckMetadata(
        title="ECS task definitions hold no secrets in container environments",
        severity=Severity.HIGH,
        resource_type="AWS::ECS::TaskDefinition",
        rationale="LP-SEC-1: credentials live in Secrets Manager; task definition environments are readable by "
        "anyone with ecs:DescribeTaskDefinition and every revision keeps them.",
        remediation="Pass the credential with the container's secrets (valueFrom the Secrets Manager ARN), rotate "
        "the exposed value, and deregister the revisions that hold it.",
    )

    kind = "task-definition/*"
    where = "container environment"

    def listing(self, ctx, region):
        return [Listed(arn, region, arn) for arn in ecs.active_task_definition_arns(ctx.reader, region)]

    def findings(self, ctx, item):
        definition = ecs.task_definition(ctx.reader, item.arn, item.region)
        hits = [
            f"{container.get('name', '?')}/{finding}"
            for container in definition.get("containerDefinitions", [])
            for entry in container.get("environment") or []
            for finding in scan(str(entry.get("name", "")), entry.get("value"))
        ]
        return hits, {}
