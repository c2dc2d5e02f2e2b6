"""Pure functions that build IAM, key and resource policy documents (JSON-ready dicts).

No Pulumi here: every function takes plain strings and returns a dict, so each can be tested
without the mock runtime and reused by the components, which wrap them in ``Output.apply``.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

Policy = dict[str, Any]


def document(statements: Iterable[Policy]) -> Policy:
    return {"Version": "2012-10-17", "Statement": list(statements)}


def account_root(account_id: str, partition: str = "aws") -> str:
    return f"arn:{partition}:iam::{account_id}:root"


def key_policy(
    account_id: str,
    region: str,
    *,
    service_principals: Sequence[str] = (),
    via_services: Sequence[str] = (),
    partition: str = "aws",
) -> Policy:
    """The key policy of a customer-managed data key (LP-DR-1).

    The account keeps administrative control (without it a key can become unmanageable), IAM
    policies in the account decide who may use the key, and the AWS services that encrypt
    this data class on Leadping's behalf are admitted only for this account (confused-deputy
    guard). ``via_services`` admits principals of the account only through those services.
    """
    statements: list[Policy] = [
        {
            "Sid": "AccountAdministersTheKey",
            "Effect": "Allow",
            "Principal": {"AWS": account_root(account_id, partition)},
            "Action": "kms:*",
            "Resource": "*",
        }
    ]
    if service_principals:
        statements.append(
            {
                "Sid": "ServicesEncryptForThisAccount",
                "Effect": "Allow",
                "Principal": {"Service": sorted(set(service_principals))},
                "Action": [
                    "kms:Encrypt",
                    "kms:Decrypt",
                    "kms:ReEncrypt*",
                    "kms:GenerateDataKey*",
                    "kms:DescribeKey",
                ],
                "Resource": "*",
                "Condition": {"StringEquals": {"aws:SourceAccount": account_id}},
            }
        )
    if via_services:
        statements.append(
            {
                "Sid": "AccountPrincipalsThroughServices",
                "Effect": "Allow",
                "Principal": {"AWS": "*"},
                "Action": ["kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:DescribeKey"],
                "Resource": "*",
                "Condition": {
                    "StringEquals": {
                        "kms:CallerAccount": account_id,
                        "kms:ViaService": sorted(f"{s}.{region}.amazonaws.com" for s in via_services),
                    }
                },
            }
        )
    return document(statements)
