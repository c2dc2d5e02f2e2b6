"""One secret per connected system (LP-SEC-1, LP-SEC-2), rotated by a Lambda (LP-SEC-3).

No secret value appears in the program: generated credentials get their first value from the
rotation function right after creation; provider credentials are put by an operator and then
rotated on schedule. Each secret's policy lets only its consumer role (and the rotation) read it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pulumi
import pulumi_aws as aws

from compliance_checks import conventions
from infra import policy_documents
from infra.components._outputs import child, policy_json
from infra.settings import ConnectedSystem

# Network interfaces in the VPC and X-Ray traces: the AWS managed policies Lambda documents.
LAMBDA_MANAGED_POLICIES = (
    "arn:aws:iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole",
    "arn:aws:iam::aws:policy/AWSXRayDaemonWriteAccess",
)
ROTATION_CODE = Path(__file__).resolve().parent.parent / "lambdas" / "secret_rotation"
CONNECTIONS_TAG = conventions.EVENTBRIDGE_CONNECTIONS


@dataclass(frozen=True)
class SecretsArgs:
    name_prefix: str
    environment: str
    account_id: pulumi.Input[str]
    region: str
    systems: tuple[ConnectedSystem, ...]
    consumer_role_arns: dict[str, pulumi.Input[str]]
    secrets_key_arn: pulumi.Input[str]
    logs_key_arn: pulumi.Input[str]
    log_retention_days: int
    private_subnet_ids: list[pulumi.Input[str]]
    security_group_id: pulumi.Input[str]
    recovery_window_days: int = 30
    # System -> EventBridge connection names its rotation writes the new key into.
    connections: dict[str, tuple[str, ...]] = field(default_factory=dict)
    # Those connections: the first rotation (at creation) waits for them.
    connections_ready: list[pulumi.Resource] = field(default_factory=list)
    tags: dict[str, str] = field(default_factory=dict)


class Secrets(pulumi.ComponentResource):
    secrets: dict[str, aws.secretsmanager.Secret]
    rotation_function: aws.lambda_.Function

    def __init__(self, name: str, args: SecretsArgs, opts: pulumi.ResourceOptions | None = None):
        super().__init__("leadping:secrets:Secrets", name, None, opts)
        function_name = f"{args.name_prefix}-secret-rotation"
        tags = {**args.tags, conventions.DATA_CLASS: "secrets"}
        log_group = self._rotation_logs(name, args, function_name)
        self._dead_letter_queue(name, args, tags)
        self.rotation_role = self._rotation_role(name, args, function_name)
        self._secrets(name, args, tags)
        attachments = self._rotation_permissions(name, args, function_name, log_group)
        permission = self._rotation_function(name, args, function_name, log_group, attachments)
        self._rotations(name, args, permission)
        self.register_outputs({"secret_arns": {n: s.arn for n, s in self.secrets.items()}})

    def _rotation_logs(self, name: str, args: SecretsArgs, function_name: str) -> aws.cloudwatch.LogGroup:
        """The rotation function's log group."""
        return aws.cloudwatch.LogGroup(
            f"{name}-rotation-logs",
            name=f"/aws/lambda/{function_name}",
            retention_in_days=args.log_retention_days,
            kms_key_id=args.logs_key_arn,
            tags={**args.tags, conventions.DATA_CLASS: "logs"},
            opts=child(self),
        )

    def _dead_letter_queue(self, name: str, args: SecretsArgs, tags: dict[str, str]) -> None:
        """The queue the rotation function's failed invocations land in, and its policy."""
        self.dead_letter_queue = aws.sqs.Queue(
            f"{name}-rotation-dlq",
            name=f"{args.name_prefix}-secret-rotation-dlq",
            kms_master_key_id=args.secrets_key_arn,
            message_retention_seconds=14 * 24 * 3600,
            tags=tags,
            opts=child(self),
        )
        aws.sqs.QueuePolicy(
            f"{name}-rotation-dlq-policy",
            queue_url=self.dead_letter_queue.url,
            policy=policy_json(policy_documents.queue_policy, self.dead_letter_queue.arn, args.account_id),
            opts=child(self),
        )

    def _rotation_role(self, name: str, args: SecretsArgs, function_name: str) -> aws.iam.Role:
        """The role the rotation function runs as."""
        return aws.iam.Role(
            f"{name}-rotation-role",
            name=function_name,
            description="Runs the secret-rotation function",
            assume_role_policy=policy_json(
                lambda a: policy_documents.service_trust("lambda.amazonaws.com", a), args.account_id
            ),
            tags=args.tags,
            opts=child(self),
        )

    def _secrets(self, name: str, args: SecretsArgs, tags: dict[str, str]) -> None:
        """One secret per connected system, tagged with its system, consumer and connections."""
        unknown = set(args.connections) - {s.name for s in args.systems}
        if unknown:
            raise ValueError(f"connections name systems that are not connected: {sorted(unknown)}")
        self.secrets = {}
        for system in args.systems:
            connections = args.connections.get(system.name, ())
            self.secrets[system.name] = aws.secretsmanager.Secret(
                f"{name}-{system.name}",
                name=f"{args.name_prefix}/{system.name}",
                description=f"{system.name} credential, used by the {system.consumer} workload",
                kms_key_id=args.secrets_key_arn,
                recovery_window_in_days=args.recovery_window_days,
                tags={
                    **tags,
                    conventions.SYSTEM: system.name,
                    conventions.CONSUMER: system.consumer,
                    # Provider credentials rotate within the provider window (LP-SEC-3) and need a
                    # provider adapter in the rotation function.
                    conventions.PROVIDER_CREDENTIAL: "true" if system.provider else "false",
                    # Tag values allow no commas: the names are space-separated.
                    **({CONNECTIONS_TAG: " ".join(connections)} if connections else {}),
                },
                opts=child(self),
            )

    def _rotation_permissions(
        self, name: str, args: SecretsArgs, function_name: str, log_group: aws.cloudwatch.LogGroup
    ) -> list[aws.iam.RolePolicyAttachment]:
        """The rotation role's own policy and the managed policies Lambda needs, attached."""
        role = self.rotation_role
        policy = aws.iam.Policy(
            f"{name}-rotation-policy",
            name=f"{function_name}-access",
            description="The rotation function's secrets, key, dead-letter queue and logs",
            policy=policy_json(
                lambda secret_arns, key, dlq, logs, account: policy_documents.rotation_function_policy(
                    secret_arns,
                    key,
                    dlq,
                    logs,
                    connection_arns=[
                        f"arn:aws:events:{args.region}:{account}:connection/{c}/*"
                        for names in args.connections.values()
                        for c in names
                    ],
                ),
                pulumi.Output.all(*(s.arn for s in self.secrets.values())),
                args.secrets_key_arn,
                self.dead_letter_queue.arn,
                log_group.arn,
                args.account_id,
            ),
            tags=args.tags,
            opts=child(self),
        )
        return [
            aws.iam.RolePolicyAttachment(
                f"{name}-rotation-attachment", role=role.name, policy_arn=policy.arn, opts=child(self)
            ),
            *(
                aws.iam.RolePolicyAttachment(
                    f"{name}-rotation-{arn.rsplit('/', 1)[-1]}", role=role.name, policy_arn=arn, opts=child(self)
                )
                for arn in LAMBDA_MANAGED_POLICIES
            ),
        ]

    def _rotation_function(
        self,
        name: str,
        args: SecretsArgs,
        function_name: str,
        log_group: aws.cloudwatch.LogGroup,
        attachments: list[aws.iam.RolePolicyAttachment],
    ) -> aws.lambda_.Permission:
        """The rotation function and Secrets Manager's permission to invoke it."""
        self.rotation_function = aws.lambda_.Function(
            f"{name}-rotation-function",
            name=function_name,
            description="Rotates Leadping's connected-system secrets",
            runtime="python3.12",
            architectures=["arm64"],
            handler="handler.handler",
            code=pulumi.AssetArchive({"handler.py": pulumi.FileAsset(str(ROTATION_CODE / "handler.py"))}),
            role=self.rotation_role.arn,
            timeout=60,
            memory_size=256,
            reserved_concurrent_executions=2,
            dead_letter_config={"target_arn": self.dead_letter_queue.arn},
            kms_key_arn=args.secrets_key_arn,
            # Configuration only; the function reads every value from Secrets Manager.
            environment={
                "variables": {
                    "SECRETS_MANAGER_ENDPOINT": f"https://secretsmanager.{args.region}.amazonaws.com",
                }
            },
            vpc_config={"subnet_ids": args.private_subnet_ids, "security_group_ids": [args.security_group_id]},
            tracing_config={"mode": "Active"},
            logging_config={"log_format": "JSON", "log_group": log_group.name},
            tags=args.tags,
            opts=child(self, depends_on=[*attachments, log_group]),
        )
        return aws.lambda_.Permission(
            f"{name}-rotation-invoke",
            action="lambda:InvokeFunction",
            function=self.rotation_function.name,
            principal="secretsmanager.amazonaws.com",
            source_account=args.account_id,
            opts=child(self),
        )

    def _rotations(self, name: str, args: SecretsArgs, permission: aws.lambda_.Permission) -> None:
        """Each secret's policy (its consumer and the rotation only) and its rotation schedule."""
        self.rotations: dict[str, aws.secretsmanager.SecretRotation] = {}
        for system in args.systems:
            secret = self.secrets[system.name]
            aws.secretsmanager.SecretPolicy(
                f"{name}-{system.name}-policy",
                secret_arn=secret.arn,
                block_public_policy=True,
                policy=policy_json(
                    lambda consumer, rotation, account: policy_documents.secret_policy([consumer, rotation], account),
                    args.consumer_role_arns[system.consumer],
                    self.rotation_role.arn,
                    args.account_id,
                ),
                opts=child(self),
            )
            self.rotations[system.name] = aws.secretsmanager.SecretRotation(
                f"{name}-{system.name}-rotation",
                secret_id=secret.arn,
                rotation_lambda_arn=self.rotation_function.arn,
                rotation_rules={"automatically_after_days": system.rotation_days},
                # A generated credential gets its first value now; a provider credential waits
                # for the operator to put the one the provider issued.
                rotate_immediately=not system.provider,
                opts=child(
                    self,
                    depends_on=[permission, *(args.connections_ready if system.name in args.connections else [])],
                ),
            )
