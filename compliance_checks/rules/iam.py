"""IAM rules over policy statements (``compliance_checks.policy_eval``): LP-PA-1 no iam:PassRole on every
role; LP-AC-2 no wildcard access to data services from a workload; LP-AC-3 tenant data reached only
within the caller's business.

A ``Policy`` is one labelled document: in the audit, each policy a principal holds (the principal is
judged over all of them); in the gate, the policy resource itself (which roles hold it is the plan's
stack context, read by the gate's checks).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from compliance_checks.conventions import DATA_SERVICES
from compliance_checks.policy_eval import (
    DYNAMODB_ITEM_ACTIONS,
    Statement,
    data_actions_granted,
    granted,
    grants_whole_service,
    leading_keys_problem,
    object_scope,
    statements,
    wildcard_resources,
)
from compliance_checks.rules import Verdict, comply, violate


@dataclass(frozen=True)
class Policy:
    label: str
    statements: tuple[Statement, ...]

    @classmethod
    def of(cls, label: str, document: str | Mapping[str, Any] | None) -> Policy:
        """From a document as the plan holds it (JSON or parsed) or as IAM returns it (URL-encoded)."""
        return cls(label, tuple(statements(document)))


def passrole_on_every_role(policies: Iterable[Policy]) -> Verdict:
    grants = sorted(
        {
            f"{policy.label} on {', '.join(wildcard_resources(stmt))}"
            for policy in policies
            for stmt in policy.statements
            if stmt.allows and stmt.grants_action("iam:PassRole") and wildcard_resources(stmt)
        }
    )
    if grants:
        return violate(f"iam:PassRole is allowed on every role: {'; '.join(grants)}", passrole_on_every_role=grants)
    return comply("iam:PassRole is not allowed on every role", passrole_on_every_role=grants)


def wildcard_data_access(policies: Iterable[Policy]) -> Verdict:
    findings: set[str] = set()
    for policy in policies:
        for stmt in policy.statements:
            if not stmt.allows:
                continue
            for service in DATA_SERVICES:
                whole = grants_whole_service(stmt, service)
                if whole:
                    findings.add(f"{policy.label}: {whole} grants every {service} action")
                    continue
                actions, resources = data_actions_granted(stmt, service), wildcard_resources(stmt)
                if actions and resources:
                    findings.add(f"{policy.label}: {', '.join(actions)} on {', '.join(resources)}")
    if findings:
        return violate("wildcard access to data: " + "; ".join(sorted(findings)), findings=sorted(findings))
    return comply("no wildcard actions or resources on data services", findings=[])


@dataclass(frozen=True)
class TenantStore:
    name: str
    arn: str


def _tenant_problems(stmt: Statement, tables: list[TenantStore], buckets: list[TenantStore]) -> tuple[bool, list[str]]:
    """Whether an Allow statement reaches tenant data, and what about it is not tenant-scoped."""
    touches, problems = False, []
    for table in tables:
        if granted(stmt, DYNAMODB_ITEM_ACTIONS) and (
            stmt.covers_resource(table.arn) or stmt.covers_resource(f"{table.arn}/index/any")
        ):
            touches = True
            problem = leading_keys_problem(stmt)
            if problem:
                problems.append(f"table {table.name}: {problem}")
    for bucket in buckets:
        reaches, problem = object_scope(stmt, bucket.arn)
        touches = touches or reaches
        if problem:
            problems.append(f"bucket {bucket.name}: {problem}")
    return touches, problems


def tenant_scoped(policies: Iterable[Policy], tables: list[TenantStore], buckets: list[TenantStore]) -> Verdict | None:
    """None when no statement reaches tenant data (not judged)."""
    touches, problems = False, []
    for policy in policies:
        for stmt in policy.statements:
            if stmt.allows:
                reaches, found = _tenant_problems(stmt, tables, buckets)
                touches = touches or reaches
                problems.extend(f"{policy.label}: {p}" for p in found)
    if not touches:
        return None
    if problems:
        return violate("reaches other businesses' data: " + "; ".join(problems), problems=problems)
    return comply("every statement reaching tenant data is scoped to the business")
