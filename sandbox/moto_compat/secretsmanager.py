"""Secrets Manager: rotation of a secret that has no value yet, and what DescribeSecret omits.

- RotateSecret with a rotation function on a secret that has no value yet (AWS lets the function's
  createSecret step create the first one): moto crashes. The wrapper checks the function exists,
  lets moto enable rotation and record it, and sets the function's ARN. moto's Lambda (without
  Docker) runs no code, so no value is created, as moto does for any secret.
- DescribeSecret/ListSecrets of a secret whose rotation the owning service manages (no rotation
  function, not rotated yet): AWS leaves out RotationLambdaARN and LastRotatedDate; moto sends an
  empty ARN and a null date.
"""

from __future__ import annotations

from typing import Any

from sandbox.moto_compat import Patch


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


def _without_empty_rotation_fields(original: Any) -> Any:
    def to_dict(self: Any) -> dict[str, Any]:
        described = original(self)
        if described.get("RotationLambdaARN") == "":
            del described["RotationLambdaARN"]
        if "LastRotatedDate" in described and described["LastRotatedDate"] is None:
            del described["LastRotatedDate"]
        return described

    return to_dict


def patches() -> list[Patch]:
    from moto.secretsmanager.models import FakeSecret, SecretsManagerBackend

    return [
        Patch(SecretsManagerBackend, "rotate_secret", _rotation_of_empty_secrets),
        Patch(FakeSecret, "to_dict", _without_empty_rotation_fields),
    ]
