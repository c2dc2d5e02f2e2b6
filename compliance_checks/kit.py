"""What a check needs, in one import (as a Checkov check imports its base and enums):

    from compliance_checks.kit import BucketCheck, CheckMetadata, Severity, rules, s3, verdict

- the check model (``core``): ``Check``, ``CheckMetadata``, ``Severity``, results and their makers;
- the families a check extends (``families``: a kind of resource, customer keys, environments...);
- the service helpers, one module per AWS service (``s3.buckets``, ``iam.workload_roles``...),
  where each read names its API operation (the check's IAM actions are derived from them);
- the rules both the gate and the audit judge with (``rules.s3.tls_only``...);
- the conventions (tags), the policy evaluator and the secret detector.

``services/reads.py`` follows the names imported here to where they are defined, so a check's
permissions are derived through this module as through a direct import.
"""

from __future__ import annotations

# The rule modules, as ``rules.<module>`` (``rules.s3.tls_only``).
import compliance_checks.rules.apigateway
import compliance_checks.rules.backup
import compliance_checks.rules.cloudtrail
import compliance_checks.rules.ec2
import compliance_checks.rules.elbv2
import compliance_checks.rules.events
import compliance_checks.rules.iam
import compliance_checks.rules.logs
import compliance_checks.rules.rds
import compliance_checks.rules.s3
import compliance_checks.rules.secrets  # noqa: F401 - each ``rules.<module>`` loaded for the checks
from compliance_checks import conventions, core, rules
from compliance_checks.conventions import (
    DATA_STORE,
    EVENTBRIDGE_CONNECTIONS,
    LOG_ARCHIVE,
    PROVIDER_CREDENTIAL,
    SYSTEM,
    TENANT_DATA,
    TRUE,
)
from compliance_checks.core import (
    Check,
    CheckContext,
    CheckMetadata,
    ReadError,
    Result,
    Severity,
    Status,
    account_scope,
    errored,
    failed,
    judge_each,
    map_each,
    passed,
    verdict,
)
from compliance_checks.families import (
    AlbAttributeCheck,
    BucketCheck,
    CustomerKeyCheck,
    DatabaseCheck,
    EnvironmentSecretsCheck,
    KeyUse,
    Listed,
    ListedCheck,
    ListenerCheck,
    LogArchiveCheck,
    LogGroupCheck,
    PrincipalPoliciesCheck,
    RegionCheck,
    ResourceCheck,
    RouteAuthorizerCheck,
    SecretCheck,
    TableCheck,
    TrailCheck,
    UserCredentialsCheck,
    VaultCheck,
    regional,
)
from compliance_checks.known_gaps import AWAITING_PERSON
from compliance_checks.policy_eval import Statement, evaluate_access, is_full_wildcard_action, statements
from compliance_checks.reader import Reader
from compliance_checks.rules import comply, violate
from compliance_checks.secret_detector import scan, scan_all
from compliance_checks.services import (
    apigateway,
    awslambda,
    backup,
    cloudfront,
    cloudtrail,
    cloudwatch,
    dynamodb,
    ec2,
    ecs,
    elbv2,
    events,
    firehose,
    guardduty,
    iam,
    kms,
    logs,
    rds,
    s3,
    secretsmanager,
    securityhub,
    sns,
    sqs,
    ssm,
    wafv2,
)

__all__ = [
    "AWAITING_PERSON",
    "DATA_STORE",
    "EVENTBRIDGE_CONNECTIONS",
    "LOG_ARCHIVE",
    "PROVIDER_CREDENTIAL",
    "SYSTEM",
    "TENANT_DATA",
    "TRUE",
    "AlbAttributeCheck",
    "BucketCheck",
    "Check",
    "CheckContext",
    "CheckMetadata",
    "CustomerKeyCheck",
    "DatabaseCheck",
    "EnvironmentSecretsCheck",
    "KeyUse",
    "Listed",
    "ListedCheck",
    "ListenerCheck",
    "LogArchiveCheck",
    "LogGroupCheck",
    "PrincipalPoliciesCheck",
    "ReadError",
    "Reader",
    "RegionCheck",
    "ResourceCheck",
    "Result",
    "RouteAuthorizerCheck",
    "SecretCheck",
    "Severity",
    "Statement",
    "Status",
    "TableCheck",
    "TrailCheck",
    "UserCredentialsCheck",
    "VaultCheck",
    "account_scope",
    "apigateway",
    "awslambda",
    "backup",
    "cloudfront",
    "cloudtrail",
    "cloudwatch",
    "comply",
    "conventions",
    "core",
    "dynamodb",
    "ec2",
    "ecs",
    "elbv2",
    "errored",
    "evaluate_access",
    "events",
    "failed",
    "firehose",
    "guardduty",
    "iam",
    "is_full_wildcard_action",
    "judge_each",
    "kms",
    "logs",
    "map_each",
    "passed",
    "rds",
    "regional",
    "rules",
    "s3",
    "scan",
    "scan_all",
    "secretsmanager",
    "securityhub",
    "sns",
    "sqs",
    "ssm",
    "statements",
    "verdict",
    "violate",
    "wafv2",
]
