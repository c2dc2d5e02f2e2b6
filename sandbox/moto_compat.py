"""Narrow fixes for moto behaviour that differs from AWS in ways the platform trips over.

Each fix makes moto accept what AWS accepts; none makes moto report a state it does not hold.
They are active only inside ``fixes()`` (the sandbox's lifetime) and restored afterwards.

- S3 PutBucketLogging: moto requires the target bucket's policy (or ACL) to let the logging
  service write, and crashes on any statement whose Principal is the string "*" (every TLS-only
  deny, LP-TX-1, has one). AWS checks log-delivery ACL grants only on buckets that use ACLs; on a
  bucket with ACLs disabled (BucketOwnerEnforced, the default for new buckets) delivery is granted
  by the bucket policy, which PutBucketLogging does not validate, so the order in which a program
  creates the logging configuration and the target's policy does not matter. The replacement
  accepts ACL-disabled targets and otherwise performs moto's check over the statement forms AWS
  allows.
- EC2 CreateFlowLogs to S3: AWS accepts a folder in the destination ARN
  (``arn:aws:s3:::bucket/prefix/``); moto looks for a bucket named ``bucket/prefix/``. The
  wrapper validates the bucket and stores the full destination.
- Secrets Manager RotateSecret with a rotation function on a secret that has no value yet (AWS
  lets the function's createSecret step create the first one): moto crashes. The wrapper checks
  the function exists, lets moto enable rotation and record it, and sets the function's ARN.
  moto's Lambda (without Docker) runs no code, so no value is created, as moto does for any secret.
- EventBridge CreateConnection/UpdateConnection with KmsKeyIdentifier: AWS encrypts the secret it
  keeps for the connection (``events!connection/...``) with that customer key and DescribeConnection
  returns it; moto drops the parameter and leaves the secret on the AWS-managed key. The wrappers
  store the key on the connection and on its secret, as AWS does.
- SQS SetQueueAttributes without a Policy (a RedrivePolicy, a visibility timeout): AWS changes
  only the attributes given; moto also clears the queue's access policy, so a queue's TLS-only
  policy disappeared or not depending on whether its redrive policy was set first. The wrapper
  keeps the policy unless the call sets it (an empty Policy still removes it, as in AWS).
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

_LOGGING_SERVICE = "logging.s3.amazonaws.com"
_lock = threading.Lock()
_depth = 0
_saved: dict[str, Any] = {}


def _as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def _log_permissions_enabled_policy(target_bucket: Any, target_prefix: str | None) -> bool:
    if getattr(target_bucket, "ownership_rule", None) in (None, "BucketOwnerEnforced"):
        return True
    policy = target_bucket.policy
    if not policy:
        return False
    document = json.loads(policy.decode() if isinstance(policy, bytes) else policy)
    bucket_arn = f"arn:{target_bucket.partition}:s3:::{target_bucket.name}"
    accepted = {f"{bucket_arn}/{target_prefix or ''}*", f"{bucket_arn}/*", bucket_arn}
    for statement in _as_list(document.get("Statement")):
        principal = statement.get("Principal")
        services = _as_list(principal.get("Service")) if isinstance(principal, dict) else []
        if _LOGGING_SERVICE not in services or statement.get("Effect") != "Allow":
            continue
        actions = _as_list(statement.get("Action"))
        if not any(a in ("s3:PutObject", "s3:*", "*") for a in actions):
            continue
        if accepted & set(_as_list(statement.get("Resource"))):
            return True
    return False


def _flow_logs_with_s3_folders(original: Any) -> Any:
    def create_flow_logs(
        self: Any,
        resource_type: str,
        resource_ids: list[str],
        traffic_type: str,
        deliver_logs_permission_arn: str,
        log_destination_type: str,
        log_destination: str,
        log_group_name: str,
        log_format: str,
        max_aggregation_interval: int,
    ) -> Any:
        checked = log_destination
        if log_destination_type == "s3" and log_destination and ":::" in log_destination:
            head, _, path = log_destination.partition(":::")
            checked = f"{head}:::{path.split('/', 1)[0]}"
        created, unsuccessful = original(
            self,
            resource_type,
            resource_ids,
            traffic_type,
            deliver_logs_permission_arn,
            log_destination_type,
            checked,
            log_group_name,
            log_format,
            max_aggregation_interval,
        )
        for flow_log in created:
            flow_log.log_destination = log_destination
        return created, unsuccessful

    return create_flow_logs


def _rotation_of_empty_secrets(original: Any) -> Any:
    def rotate_secret(
        self: Any,
        secret_id: str,
        client_request_token: str | None = None,
        rotation_lambda_arn: str | None = None,
        rotation_rules: dict[str, Any] | None = None,
        rotate_immediately: bool = True,
    ) -> Any:
        secret = self.secrets[secret_id] if rotation_lambda_arn and self._is_valid_identifier(secret_id) else None
        if secret is None or getattr(secret, "versions", None):
            return original(
                self, secret_id, client_request_token, rotation_lambda_arn, rotation_rules, rotate_immediately
            )
        from moto.awslambda.utils import get_backend
        from moto.secretsmanager.exceptions import ResourceNotFoundException

        try:
            get_backend(self.account_id, self.region_name).get_function(rotation_lambda_arn)
        except Exception:
            raise ResourceNotFoundException(f"Resource not found for ARN '{rotation_lambda_arn}'.") from None
        result = original(self, secret_id, client_request_token, None, rotation_rules, rotate_immediately)
        secret.rotation_lambda_arn = rotation_lambda_arn
        return result

    return rotate_secret


def _connections_with_keys(original: Any) -> Any:
    def handle(self: Any) -> Any:
        response = original(self)
        key = self._get_param("KmsKeyIdentifier")
        if key:
            from moto.secretsmanager.models import secretsmanager_backends

            connection = self.events_backend.connections[self._get_param("Name")]
            connection.kms_key_identifier = key
            store = secretsmanager_backends[self.current_account][self.region].secrets
            store[connection.secret_arn].kms_key_id = key
        return response

    return handle


def _describe_with_key(original: Any) -> Any:
    def describe(self: Any) -> dict[str, Any]:
        described = original(self)
        key = getattr(self, "kms_key_identifier", None)
        if key:
            described["KmsKeyIdentifier"] = key
        return described

    return describe


def _queue_attributes_keep_policy(original: Any) -> Any:
    def set_queue_attributes(self: Any, queue_name: str, attributes: dict[str, Any]) -> Any:
        queue = self.get_queue(queue_name)
        policy = queue.policy
        result = original(self, queue_name, attributes)
        if "Policy" not in attributes:
            queue.policy = policy
        return result

    return set_queue_attributes


@contextmanager
def fixes() -> Iterator[None]:
    """Applies the fixes for the duration of the block (re-entrant, thread-safe)."""
    global _depth
    from moto.ec2.models.flow_logs import FlowLogsBackend
    from moto.events.models import Connection
    from moto.events.responses import EventsHandler
    from moto.s3.models import FakeBucket
    from moto.secretsmanager.models import SecretsManagerBackend
    from moto.sqs.models import SQSBackend

    with _lock:
        if _depth == 0:
            _saved["rotate_secret"] = SecretsManagerBackend.__dict__["rotate_secret"]
            SecretsManagerBackend.rotate_secret = _rotation_of_empty_secrets(_saved["rotate_secret"])
            _saved["s3_logging"] = FakeBucket.__dict__["_log_permissions_enabled_policy"]
            FakeBucket._log_permissions_enabled_policy = staticmethod(_log_permissions_enabled_policy)
            _saved["flow_logs"] = FlowLogsBackend.__dict__["create_flow_logs"]
            FlowLogsBackend.create_flow_logs = _flow_logs_with_s3_folders(_saved["flow_logs"])
            for operation in ("create_connection", "update_connection"):
                _saved[operation] = EventsHandler.__dict__[operation]
                setattr(EventsHandler, operation, _connections_with_keys(_saved[operation]))
            _saved["describe_connection"] = Connection.__dict__["describe"]
            Connection.describe = _describe_with_key(_saved["describe_connection"])
            _saved["set_queue_attributes"] = SQSBackend.__dict__["set_queue_attributes"]
            SQSBackend.set_queue_attributes = _queue_attributes_keep_policy(_saved["set_queue_attributes"])
        _depth += 1
    try:
        yield
    finally:
        with _lock:
            _depth -= 1
            if _depth == 0:
                FakeBucket._log_permissions_enabled_policy = _saved.pop("s3_logging")
                FlowLogsBackend.create_flow_logs = _saved.pop("flow_logs")
                SecretsManagerBackend.rotate_secret = _saved.pop("rotate_secret")
                for operation in ("create_connection", "update_connection"):
                    setattr(EventsHandler, operation, _saved.pop(operation))
                Connection.describe = _saved.pop("describe_connection")
                SQSBackend.set_queue_attributes = _saved.pop("set_queue_attributes")
