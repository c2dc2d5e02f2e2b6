from __future__ import annotations

from compliance_checks.kit import CheckMetadata, EnvironmentSecretsCheck, ReadError, Severity, awslambda, scan_all


class AwslambdaFunctionEnvNoSecrets(EnvironmentSecretsCheck):
    """No Lambda function holds a credential in its environment variables.

    Every version of every function is scanned ($LATEST and published versions, which keep the
    environment they were published with) with compliance_checks.secret_detector. The result names
    the variable, the version and the detector rule, never the value. A version whose variables
    cannot be decrypted for the auditor is an ERROR for the function.

    Scenarios:
    - given a function whose variables hold only settings and a secret's ARN, then PASS
    - given a function with a GitHub token in a variable, then FAIL naming the variable, not the value
    - given a published version that still holds a password while $LATEST is clean, then FAIL
    - given a function without environment variables, then PASS
    - given ListFunctions is denied, then ERROR
    """

    regional = True
    metadata = CheckMetadata(
        title="Lambda environment variables hold no secrets",
        severity=Severity.HIGH,
        resource_type="AWS::Lambda::Function",
        rationale="LP-SEC-1: credentials live in Secrets Manager; environment variables are readable by anyone "
        "with lambda:GetFunctionConfiguration and are copied into every published version.",
        remediation="Move the value to Secrets Manager (infra: connectedSystems), pass the secret's ARN instead, "
        "rotate the exposed credential, and delete published versions that still carry it.",
    )

    kind = "function:*"

    def listing(self, ctx, region):
        return awslambda.functions(ctx.reader, region)

    def findings(self, ctx, item):
        unreadable = [f"{v.version}: {v.error}" for v in item.versions if v.error]
        if unreadable:
            raise ReadError(ReadError.FAILED, "lambda:ListFunctions", "; ".join(unreadable), item.region)
        hits = {f"{finding} in version {v.version}" for v in item.versions for finding in scan_all(v.variables)}
        return sorted(hits), {"variables": sorted({name for v in item.versions for name in v.variables})}
