"""What ties the platform (infra/) to the live audit: the tag vocabulary and the minimums.

infra/ puts these tags on what it creates; the live checks use them to find, in any account,
which roles are workload roles, which resources are data stores or hold tenant data, and which
system a secret belongs to. ``ENVIRONMENT_POLICIES`` holds the per-environment minimums of
``shared/CONTROLS.md``; settings validation, the gate's policies and the live checks all read it.
This module depends on nothing so that every part of the repository can import it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

ENVIRONMENT = "leadping:environment"
# Data class of a key or data store: one of DATA_CLASSES.
DATA_CLASS = "leadping:data-class"
# "true" on every data store (database, table, data bucket): backup selections match it (LP-BK-1).
DATA_STORE = "leadping:data-store"
# "true" on the one log-archive bucket (LP-LOG-2).
LOG_ARCHIVE = "leadping:log-archive"
# "true" on tables and buckets that hold tenant (per-business) data (LP-AC-3, LP-LOG-1).
TENANT_DATA = "leadping:tenant-data"
# The workload an IAM role serves: one of ROLE_WORKLOADS (LP-AC-2, LP-PA-1).
WORKLOAD = "leadping:workload"
# The connected system a secret belongs to (LP-SEC-2 asks for this exact key).
SYSTEM = "system"
# The workload role that consumes a secret.
CONSUMER = "leadping:consumer"
# "true" on a secret holding a provider credential (connectedSystems provider: true); those rotate
# within max_provider_secret_rotation_days (LP-SEC-3).
PROVIDER_CREDENTIAL = "leadping:provider"
# On a secret whose rotation writes each new key into EventBridge connections: their names,
# separated by spaces. EventBridge keeps a connection's key in a secret it owns and never rotates
# itself; this tag is how the live audit finds the rotation that does (LP-SEC-3).
EVENTBRIDGE_CONNECTIONS = "leadping:eventbridge-connections"

TRUE = "true"

DATA_CLASSES = ("leads", "messages", "call-recordings", "logs", "backups", "secrets")
TENANT_WORKLOADS = ("api", "workers", "ingestion")
ROLE_WORKLOADS = (*TENANT_WORKLOADS, "ci-deploy", "auditor", "break-glass")
BREAK_GLASS = "break-glass"
TENANT_PARTITION_KEY = "business_id"
TENANT_PREFIX = "businesses/"


@dataclass(frozen=True)
class EnvironmentPolicy:
    """What CONTROLS.md requires of an environment (minimums and maximums)."""

    min_log_retention_days: int
    min_key_deletion_window_days: int
    daily_backup_retention_days: int
    monthly_backup_retention_days: int | None
    requires_backup_copy: bool
    min_db_backup_retention_days: int
    max_secret_rotation_days: int
    max_provider_secret_rotation_days: int
    min_vault_lock_retention_days: int = 7


ENVIRONMENT_POLICIES: Mapping[str, EnvironmentPolicy] = {
    "dev": EnvironmentPolicy(
        min_log_retention_days=30,
        min_key_deletion_window_days=7,
        daily_backup_retention_days=7,
        monthly_backup_retention_days=None,
        requires_backup_copy=False,
        min_db_backup_retention_days=7,
        max_secret_rotation_days=90,
        max_provider_secret_rotation_days=90,
    ),
    "prod": EnvironmentPolicy(
        min_log_retention_days=365,
        min_key_deletion_window_days=14,
        daily_backup_retention_days=35,
        monthly_backup_retention_days=365,
        requires_backup_copy=True,
        min_db_backup_retention_days=14,
        max_secret_rotation_days=90,
        max_provider_secret_rotation_days=30,
    ),
}

# Listener policies that satisfy LP-TX-1: the baseline ELBSecurityPolicy-TLS13-1-2-2021-06 or a
# stricter one (restricted ciphers, TLS 1.3 only, FIPS, post-quantum). The "Ext" variants add
# older ciphers and are not stricter, so they are left out.
ALLOWED_TLS_POLICIES = (
    "ELBSecurityPolicy-TLS13-1-2-2021-06",
    "ELBSecurityPolicy-TLS13-1-2-Res-2021-06",
    "ELBSecurityPolicy-TLS13-1-3-2021-06",
    "ELBSecurityPolicy-TLS13-1-2-FIPS-2023-04",
    "ELBSecurityPolicy-TLS13-1-2-Res-FIPS-2023-04",
    "ELBSecurityPolicy-TLS13-1-3-FIPS-2023-04",
    "ELBSecurityPolicy-TLS13-1-2-PQ-2025-09",
    "ELBSecurityPolicy-TLS13-1-2-Res-PQ-2025-09",
    "ELBSecurityPolicy-TLS13-1-3-PQ-2025-09",
    "ELBSecurityPolicy-TLS13-1-2-FIPS-PQ-2025-09",
    "ELBSecurityPolicy-TLS13-1-2-Res-FIPS-PQ-2025-09",
    "ELBSecurityPolicy-TLS13-1-3-FIPS-PQ-2025-09",
)
# Data services on which no workload role may hold "*" actions or resources (LP-AC-2).
DATA_SERVICES = ("s3", "dynamodb", "kms", "secretsmanager", "rds-data")
