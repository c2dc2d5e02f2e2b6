"""The runbook actions, by CLI name, in the order `--help` lists them."""

from __future__ import annotations

from typing import Any

from runbooks.actions.collect_evidence import CollectEvidence
from runbooks.actions.disable_access_key import DisableAccessKey
from runbooks.actions.quarantine_principal import QuarantinePrincipal
from runbooks.actions.restore_db import RestoreDb
from runbooks.actions.restore_table import RestoreTable
from runbooks.actions.restrict_kms_key import RestrictKmsKey
from runbooks.actions.revoke_role_sessions import RevokeRoleSessions
from runbooks.actions.rotate_secret import RotateSecret
from runbooks.core import Action

ACTIONS: dict[str, type[Action]] = {
    action.name: action
    for action in (
        CollectEvidence,
        DisableAccessKey,
        RotateSecret,
        RevokeRoleSessions,
        QuarantinePrincipal,
        RestrictKmsKey,
        RestoreTable,
        RestoreDb,
    )
}


def responder_policy() -> dict[str, Any]:
    """The IAM policy an incident responder's role needs to run every action (one statement per action)."""
    return {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "Runbook" + "".join(part.title() for part in name.split("-")),
                "Effect": "Allow",
                "Action": sorted(set(action.permissions)),
                "Resource": "*",
            }
            for name, action in ACTIONS.items()
        ],
    }
