from __future__ import annotations

import functools
from typing import Any

from compliance_checks.kit import (
    Check,
    CheckContext,
    CheckMetadata,
    ReadError,
    Result,
    Severity,
    errored,
    evaluate_access,
    failed,
    iam,
    judge_each,
    map_each,
    passed,
    secretsmanager,
)


class SecretsmanagerSecretSingleConsumer(Check):
    """No secret is readable by more than one workload role.

    For each secret and each workload role (tagged ``leadping:workload``, or every role but service-
    linked ones when none is tagged; the break-glass administrator is left out) the check evaluates
    whether the role may call secretsmanager:GetSecretValue on it: the role's inline, customer- and
    AWS-managed policies within its permissions boundary, and the secret's resource policy (an Allow
    naming the role grants; a Deny for everyone but one role - StringNotEquals aws:PrincipalArn or
    NotPrincipal - takes the others out). Conditions on aws:PrincipalArn, principal tags and the
    secret's tags are evaluated; any other condition counts as allowing (fail closed). The result
    lists the roles found.

    Scenarios:
    - given one role allowed GetSecretValue on the secret, then PASS
    - given two roles allowed GetSecretValue on "*", then FAIL listing both
    - given two roles allowed on "*" but a resource policy denying everyone except one, then PASS
    - given a role allowed through the resource policy and another through its identity policy, then FAIL
    - given a role allowed only secrets tagged system=twilio and a secret tagged system=stripe, then it is no reader
    - given a role whose permissions boundary excludes Secrets Manager, then it is no reader
    - given a deny for all but the consumer and the (untagged) rotation role, then PASS with the consumer
    - given GetResourcePolicy is denied, then ERROR for the secret
    """

    regional = True
    metadata = CheckMetadata(
        title="Each secret is readable by one workload role",
        severity=Severity.HIGH,
        resource_type="AWS::SecretsManager::Secret",
        rationale="LP-SEC-2: separate credentials per system; each secret's resource policy admits only the role "
        "of the workload that uses it, so one compromised workload does not expose another's credentials.",
        remediation="Give the secret a resource policy that denies GetSecretValue to every principal but the "
        "consumer's role and remove broad secretsmanager:GetSecretValue grants (infra: connectedSystems consumer).",
    )

    def evaluate(self, ctx: CheckContext):
        account = ctx.reader.account_id

        def held(role: iam.Principal) -> tuple[iam.Principal, list, Any] | Result:
            try:
                documents = [p.document for p in iam.policies_of(ctx.reader, role)]
                return role, documents, iam.boundary_document(ctx.reader, role)
            except ReadError as error:
                return iam.typed(errored(role.arn, error), role)

        roles = []
        for outcome in map_each(held, iam.workload_roles(ctx.reader)):
            if isinstance(outcome, Result):
                yield outcome
            else:
                roles.append(outcome)
        for region in ctx.reader.regions:
            listed = [(secret, region) for secret in secretsmanager.secrets(ctx.reader, region)]
            yield from judge_each(listed, _located, functools.partial(_judge, ctx, account, roles))


def _located(item: tuple[dict[str, Any], str]) -> tuple[str, str]:
    secret, region = item
    return secret["ARN"], region


def _judge(ctx: CheckContext, account: str, roles: list, item: tuple[dict[str, Any], str]) -> Result:
    secret, region = item
    arn = secret["ARN"]
    policy = secretsmanager.resource_policy(ctx.reader, arn, region)
    readers, conditional = [], []
    for role, documents, boundary in roles:
        known = iam.request_context(role, account, resource_tags=secretsmanager.tags(secret))
        access = evaluate_access(
            identity=documents,
            action="secretsmanager:GetSecretValue",
            resource=arn,
            role_arn=role.arn,
            account_id=account,
            known=known,
            boundary=boundary,
            resource_policy=policy,
        )
        if access.allowed:
            readers.append(role.arn)
            if access.conditional:
                conditional.append(role.arn)
    evidence = {"readers": readers, "readers_under_unevaluated_conditions": conditional}
    if len(readers) > 1:
        return failed(
            arn, f"readable by {len(readers)} workload roles: {', '.join(readers)}", region=region, **evidence
        )
    who = readers[0] if readers else "no workload role"
    return passed(arn, f"readable by {who}", region=region, **evidence)
