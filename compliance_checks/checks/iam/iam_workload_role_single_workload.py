from __future__ import annotations

import re

from compliance_checks.kit import Check, CheckContext, CheckMetadata, Severity, Statement, failed, iam, passed

# "api,workers", "api workers", "api|workers", "api+workers", "api/workers", "api;workers", "api&workers".
_SEPARATORS = re.compile(r"[\s,;|+/&]+")
# Services that run one workload under two principals (Lambda@Edge replicas run as edgelambda).
_SAME_KIND = {"edgelambda.amazonaws.com": "lambda.amazonaws.com"}


def _self_assumption(stmt: Statement, role: iam.Principal) -> bool:
    """A statement that only lets the role re-assume itself (e.g. to add a business_id session tag)."""
    if set(stmt.principals) != {"AWS"}:
        return False
    if all(v == role.arn for v in stmt.principals["AWS"]):
        return True
    return any(
        (pinned := stmt.condition(op, "aws:PrincipalArn")) and all(v == role.arn for v in pinned)
        for op in ("ArnEquals", "ArnLike", "StringEquals", "StringLike")
    )


def _trust_kinds(role: iam.Principal) -> set[str]:
    kinds = set()
    for stmt in iam.assume_statements(role):
        if _self_assumption(stmt, role):
            continue
        for principal_type, values in stmt.principals.items():
            for value in values:
                if principal_type == "*" or value == "*":
                    kinds.add("everyone")
                elif principal_type == "Service":
                    kinds.add(f"service {_SAME_KIND.get(value.lower(), value.lower())}")
                elif principal_type == "Federated" and ":oidc-provider/" in value:
                    kinds.add(f"web identity {value.split(':oidc-provider/', 1)[1]}")
                elif principal_type == "Federated" and ":saml-provider/" not in value:
                    kinds.add(f"web identity {value}")
                else:
                    # IAM principals and SAML federation: people (or other accounts) assuming the role.
                    kinds.add("people and accounts")
    return kinds


class IamWorkloadRoleSingleWorkload(Check):
    """No IAM role is shared by two workloads.

    The rule, per workload role (roles tagged ``leadping:workload``, every non-service-linked role when
    the account tags none):
    - its ``leadping:workload`` tag names exactly one workload (a value such as "api,workers" fails);
    - its trust policy lets exactly one kind of principal assume it: one AWS service (ecs-tasks,
      lambda, ...), one web-identity provider (GitHub's OIDC provider, Cognito), or people and other
      accounts (IAM principals and SAML). A role that both an ECS task and a Lambda function, or a
      service and a person, can assume is shared by two workloads.
    A statement that only lets the role assume itself (principal = the role, or the account with
    aws:PrincipalArn pinned to the role, as tenant workloads do to add a business_id session tag)
    adds no principal. Two roles tagged with the same workload do not fail: a workload may own
    several roles (a task role and its execution role); what CONTROLS forbids is one role serving two
    workloads.

    Scenarios:
    - given a role tagged api trusted by ecs-tasks.amazonaws.com only, then PASS
    - given a role tagged "api,workers", then FAIL
    - given a role tagged leadping:workload with an empty value, then FAIL
    - given a role trusted by both ecs-tasks.amazonaws.com and lambda.amazonaws.com, then FAIL
    - given a role trusted by lambda.amazonaws.com and an IAM role of the account, then FAIL
    - given a Lambda@Edge role trusted by lambda and edgelambda, then PASS
    - given an ECS task role that may also re-assume itself (account principal, PrincipalArn = itself), then PASS
    - given two roles tagged api, each trusted by one service, then PASS for both
    - given GetAccountAuthorizationDetails is denied, then ERROR
    """

    metadata = CheckMetadata(
        title="Each IAM role serves one workload",
        severity=Severity.MEDIUM,
        resource_type="AWS::IAM::Role",
        rationale="LP-AC-2: one IAM role per workload; a role shared by two workloads gives each the other's "
        "access and blurs CloudTrail attribution.",
        remediation="Give each workload its own role (infra: one role per workload component) and restrict the "
        "trust policy to that workload's principal.",
    )

    def evaluate(self, ctx: CheckContext):
        for role in iam.workload_roles(ctx.reader, include_break_glass=True):
            problems = []
            claimed = sorted(set(filter(None, _SEPARATORS.split(role.workload or ""))))
            if len(claimed) > 1:
                problems.append(f"tagged with {len(claimed)} workloads ({', '.join(claimed)})")
            elif role.workload is not None and not claimed:
                problems.append("tagged leadping:workload with no workload name")
            kinds = sorted(_trust_kinds(role))
            if len(kinds) > 1:
                problems.append(f"assumable by {len(kinds)} kinds of principal ({'; '.join(kinds)})")
            evidence = {"workloads": claimed, "trusted_principal_kinds": kinds}
            if problems:
                yield failed(role.arn, "shared by more than one workload: " + " and ".join(problems), **evidence)
            else:
                yield passed(role.arn, "serves one workload", **evidence)
