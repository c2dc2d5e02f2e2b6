from __future__ import annotations

import re

from compliance_checks.kit import Check, CheckContext, CheckMetadata, Severity, Statement, failed, iam, passed

_PINNED_SUB = re.compile(r"^repo:(?P<repo>[^/*?:]+/[^/*?:]+):ref:refs/heads/(?P<branch>[^*?]+)$")
_AUDIENCE = "sts.amazonaws.com"


def _statement_problems(stmt: Statement, issuer: str, repository: str | None, branch: str) -> list[str]:
    problems = []
    audience = stmt.condition("StringEquals", f"{issuer}:aud")
    if not audience or set(audience) != {_AUDIENCE}:
        problems.append(f"no StringEquals {issuer}:aud = {_AUDIENCE}")
    pinned = stmt.condition("StringEquals", f"{issuer}:sub")
    like = stmt.condition("StringLike", f"{issuer}:sub")
    if pinned is None and like:
        if any("*" in v or "?" in v for v in like):
            problems.append(f"{issuer}:sub is matched with StringLike wildcards ({', '.join(like)})")
            return problems
        pinned = like  # StringLike without a wildcard compares like StringEquals
    if not pinned:
        problems.append(f"no StringEquals condition on {issuer}:sub")
        return problems
    if len(pinned) != 1:
        problems.append(f"{issuer}:sub admits {len(pinned)} values ({', '.join(pinned)}), not one branch")
        return problems
    match = _PINNED_SUB.match(pinned[0])
    if match is None:
        problems.append(f"{issuer}:sub {pinned[0]!r} is not repo:<owner>/<repo>:ref:refs/heads/<branch>")
    elif repository and match["repo"].lower() != repository.lower():
        problems.append(f"{issuer}:sub names repository {match['repo']}, expected {repository}")
    elif repository and match["branch"] != branch:
        problems.append(f"{issuer}:sub names branch {match['branch']}, expected the protected branch {branch}")
    return problems


class IamCiDeployRoleOidcPinned(Check):
    """The CI deploy role trusts only GitHub's OIDC provider, pinned to the repository and its
    protected branch.

    CI deploy roles: every role whose trust admits the token.actions.githubusercontent.com OIDC
    provider, and every role tagged ``leadping:workload=ci-deploy``. Each must be assumable only
    through that provider (no other principal in its trust), and every statement admitting the
    provider needs StringEquals ``<issuer>:aud`` = sts.amazonaws.com and exactly one ``<issuer>:sub``
    value of the form ``repo:<owner>/<repo>:ref:refs/heads/<branch>`` under StringEquals (StringLike
    with a wildcard, e.g. ``repo:org/*``, fails). When the expectations name the repository, the
    value must be that repository and the expected protected branch (default main); without an
    expected repository, any single pinned repository and branch passes.

    Scenarios:
    - given a role trusting GitHub OIDC with aud sts.amazonaws.com and sub repo:org/app:ref:refs/heads/main, then PASS
    - given the sub condition uses StringLike repo:org/app:*, then FAIL
    - given no aud condition, then FAIL
    - given the expected repository is org/app and the sub names org/other, then FAIL
    - given the sub names branch dev while the protected branch is main, then FAIL
    - given the role also trusts an IAM principal, then FAIL
    - given a role tagged ci-deploy that trusts an IAM user instead of GitHub, then FAIL
    - given no role trusts GitHub's OIDC provider or is tagged ci-deploy, then no result
    - given GetAccountAuthorizationDetails is denied, then ERROR
    """

    metadata = CheckMetadata(
        title="The CI deploy role trusts only the repository's protected branch through GitHub OIDC",
        severity=Severity.HIGH,
        resource_type="AWS::IAM::Role",
        rationale="LP-PA-1: the CI deploy role trusts only the repository's OIDC provider with a sub condition "
        "pinned to the repository and its protected branch; otherwise any repository or branch could deploy.",
        remediation="Set the trust policy to the GitHub OIDC provider only, with StringEquals aud = "
        "sts.amazonaws.com and sub = repo:<owner>/<repo>:ref:refs/heads/<protected branch> (infra: the CI "
        "deploy role component, settings githubRepository and protectedBranch).",
    )

    def evaluate(self, ctx: CheckContext):
        repository = ctx.expectations.github_repository
        branch = ctx.expectations.protected_branch
        for role in iam.ci_deploy_roles(ctx.reader):
            problems = []
            github = 0
            for stmt in iam.assume_statements(role):
                issuers = [iam.github_oidc_issuer(v) for v in stmt.principals.get("Federated", ())]
                others = [
                    f"{kind} {value}"
                    for kind, values in stmt.principals.items()
                    for value in values
                    if not (kind == "Federated" and iam.github_oidc_issuer(value))
                ]
                if others:
                    problems.append(f"also trusts {', '.join(others)}")
                for issuer in filter(None, issuers):
                    github += 1
                    problems.extend(_statement_problems(stmt, issuer, repository, branch))
            if not github:
                problems.append("does not trust GitHub's OIDC provider")
            evidence = {"expected_repository": repository, "expected_branch": branch, "problems": problems}
            if problems:
                yield failed(role.arn, "; ".join(problems), **evidence)
            else:
                yield passed(role.arn, "trusts only GitHub OIDC, pinned to one repository branch", **evidence)
