"""EventBridge CreateConnection/UpdateConnection with KmsKeyIdentifier: AWS encrypts the secret it
keeps for the connection (``events!connection/...``) with that customer key and DescribeConnection
returns it; moto drops the parameter and leaves the secret on the AWS-managed key. The wrappers
store the key on the connection and on its secret, as AWS does.
"""

from __future__ import annotations

from typing import Any

from sandbox.moto_compat import Patch


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


def patches() -> list[Patch]:
    from moto.events.models import Connection
    from moto.events.responses import EventsHandler

    return [
        Patch(EventsHandler, "create_connection", _connections_with_keys),
        Patch(EventsHandler, "update_connection", _connections_with_keys),
        Patch(Connection, "describe", _describe_with_key),
    ]
