"""The tag vocabulary that ties the platform (infra/) to the live audit.

infra/ puts these tags on what it creates; the live checks use them to find, in any account,
which roles are workload roles, which resources are data stores or hold tenant data, and which
system a secret belongs to. This module has no dependencies so that infra/ can import it.
"""

ENVIRONMENT = "leadping:environment"
# Data class of a key or data store: one of DATA_CLASSES.
DATA_CLASS = "leadping:data-class"
# "true" on every data store (database, table, data bucket): backup selections match it (LP-BK-1).
DATA_STORE = "leadping:data-store"
# "true" on tables and buckets that hold tenant (per-business) data (LP-AC-3, LP-LOG-1).
TENANT_DATA = "leadping:tenant-data"
# The workload an IAM role serves: one of ROLE_WORKLOADS (LP-AC-2, LP-PA-1).
WORKLOAD = "leadping:workload"
# The connected system a secret belongs to (LP-SEC-2 asks for this exact key).
SYSTEM = "system"
# The workload role that consumes a secret.
CONSUMER = "leadping:consumer"

TRUE = "true"

DATA_CLASSES = ("leads", "messages", "call-recordings", "logs", "backups", "secrets")
TENANT_WORKLOADS = ("api", "workers", "ingestion")
ROLE_WORKLOADS = (*TENANT_WORKLOADS, "ci-deploy", "auditor", "break-glass")
BREAK_GLASS = "break-glass"
TENANT_PARTITION_KEY = "business_id"
TENANT_PREFIX = "businesses/"
