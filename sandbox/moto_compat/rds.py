"""RDS: the rotation of the master-user secret RDS manages.

With ManageMasterUserPassword, RDS creates the secret (``rds!db-...`` / ``rds!cluster-...``) and
turns on its rotation itself: managed rotation (no rotation function), every 7 days by default,
shown by DescribeSecret as RotationEnabled with RotationRules.AutomaticallyAfterDays 7 and the next
rotation date. moto creates the secret with rotation off; the wrapper turns it on as RDS does.
"""

from __future__ import annotations

import time
from typing import Any

from sandbox.moto_compat import Patch

MANAGED_ROTATION_DAYS = 7


def _with_managed_rotation(original: Any) -> Any:
    def create_secret(self: Any, kms_key_id: str | None) -> Any:
        secret = original(self, kms_key_id)
        secret.rotation_requested = True
        secret.rotation_enabled = True
        secret.rotation_lambda_arn = ""
        secret.auto_rotate_after_days = MANAGED_ROTATION_DAYS
        secret.next_rotation_date = int(time.time()) + MANAGED_ROTATION_DAYS * 86400
        return secret

    return create_secret


def patches() -> list[Patch]:
    from moto.rds.models import MasterUserSecret

    return [Patch(MasterUserSecret, "_create_secret", _with_managed_rotation)]
