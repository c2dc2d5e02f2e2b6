from __future__ import annotations

from compliance_checks.kit import (
    Check,
    CheckContext,
    CheckMetadata,
    ReadError,
    Severity,
    errored,
    failed,
    passed,
    scan,
    ssm,
)


class SsmParameterNoPlaintextSecrets(Check):
    """No String or StringList SSM parameter holds a credential.

    Values of String/StringList parameters are read (ten per GetParameters call, never decrypting)
    and scanned with compliance_checks.secret_detector, the parameter name serving as the variable
    name. SecureString parameters are the right place for a secret and are not read. The result
    names the parameter and the rule, never the value.

    Scenarios:
    - given a String parameter holding a feature flag, then PASS
    - given a String parameter /app/db/password holding a literal password, then FAIL
    - given a StringList parameter with a Slack token among its items, then FAIL
    - given a SecureString parameter, then no result
    - given GetParameters is denied, then ERROR for the parameters of that read
    - given DescribeParameters is denied, then ERROR
    """

    regional = True
    metadata = CheckMetadata(
        title="SSM String parameters hold no secrets",
        severity=Severity.HIGH,
        resource_type="AWS::SSM::Parameter",
        rationale="LP-SEC-1: no plaintext secret in SSM String parameters (only SecureString); String values are "
        "unencrypted and readable with ssm:GetParameter.",
        remediation="Move the credential to Secrets Manager (or a SecureString parameter under the secrets key), "
        "delete the String parameter and its history, and rotate the credential.",
    )

    def evaluate(self, ctx: CheckContext):
        account = ctx.reader.account_id_or_unknown()
        for region in ctx.reader.regions:
            try:
                plain = [p["Name"] for p in ssm.parameters(ctx.reader, region) if p.get("Type") in ssm.PLAINTEXT_TYPES]
            except ReadError as error:
                yield errored(f"arn:aws:ssm:{region}:{account}:parameter/*", error)
                continue
            for batch in ssm.batches(plain):
                try:
                    found = ssm.values(ctx.reader, batch, region)
                except ReadError as error:
                    for name in batch:
                        yield errored(
                            f"arn:aws:ssm:{region}:{account}:parameter/{name.lstrip('/')}", error, region=region
                        )
                    continue
                for name in batch:
                    entry = found.get(name)
                    arn = (entry or {}).get("ARN") or f"arn:aws:ssm:{region}:{account}:parameter/{name.lstrip('/')}"
                    if entry is None:
                        yield errored(arn, f"GetParameters did not return {name}", region=region)
                        continue
                    hits = [str(f) for f in scan(name, entry.get("Value"))]
                    if hits:
                        yield failed(
                            arn,
                            f"{entry.get('Type')} parameter holds a secret: {', '.join(hits)}",
                            region=region,
                            findings=hits,
                        )
                    else:
                        yield passed(arn, f"{entry.get('Type')} parameter holds no secret", region=region)
