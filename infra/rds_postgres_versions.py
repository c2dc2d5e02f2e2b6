"""The PostgreSQL engine versions Amazon RDS offers for a new DB instance (``dbEngineVersion``).

Vendored data, not computed: RDS answers ``aws rds describe-db-engine-versions --engine postgres``
only with credentials, and the settings are validated offline. Sources, as of December 2026:

- AWS CDK, ``packages/aws-cdk-lib/aws-rds/lib/instance-engine.ts`` (``PostgresEngineVersion``):
  every version RDS has offered, those no longer offered marked ``@deprecated``;
- the AWS Health notice of RDS for PostgreSQL minor versions 14.14-14.17, 15.9-15.12, 16.5-16.8 and
  17.1-17.4 (no new instances from May 1, 2026; end of standard support May 31, 2026), which the
  CDK list had not yet marked.

A major version alone (``"16"``) makes RDS pick that major's default minor version. Major 13 is
past its RDS end of standard support (February 2026): RDS still creates it, enrolled in the paid
RDS Extended Support. Update this list when RDS adds or retires versions.
"""

from __future__ import annotations

MAJOR_VERSIONS = ("13", "14", "15", "16", "17", "18")

MINOR_VERSIONS = (
    "13.15", "13.16", "13.18", "13.20", "13.21", "13.22", "13.23",
    "14.12", "14.13", "14.18", "14.19", "14.20", "14.21", "14.22",
    "15.7", "15.8", "15.13", "15.14", "15.15", "15.16", "15.17",
    "16.3", "16.4", "16.9", "16.10", "16.11", "16.12", "16.13",
    "17.5", "17.6", "17.7", "17.8", "17.9",
    "18.1", "18.2", "18.3",
)  # fmt: skip

ENGINE_VERSIONS = frozenset(MAJOR_VERSIONS + MINOR_VERSIONS)
