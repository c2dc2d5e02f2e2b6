from __future__ import annotations

from compliance_checks.kit import (
    Check,
    CheckContext,
    CheckMetadata,
    ReadError,
    Severity,
    apigateway,
    errored,
    failed,
    passed,
)


class ApigatewayDomainTls12(Check):
    """Every API Gateway custom domain name negotiates TLS 1.2 or later on every endpoint.

    HTTP APIs offer TLS_1_0 and TLS_1_2; REST APIs add enhanced policies named SecurityPolicy_TLS13_*
    and SecurityPolicy_TLS12_* whose minimum is TLS 1.2 or 1.3. Those pass; TLS_1_0, or no policy
    reported, fails. Custom domains are shared by both APIs, so one domain is one result.

    Scenarios:
    - given a regional custom domain with security policy TLS_1_2, then PASS
    - given a REST custom domain with an enhanced SecurityPolicy_TLS13_1_3_2025_09 policy, then PASS
    - given a custom domain with security policy TLS_1_0, then FAIL
    - given GetDomainNames is denied, then ERROR for the region
    """

    regional = True
    metadata = CheckMetadata(
        title="API Gateway custom domains require TLS 1.2 or later",
        severity=Severity.HIGH,
        resource_type="AWS::ApiGateway::DomainName",
        rationale="LP-TX-1: API traffic uses encrypted transport with TLS 1.2 or later.",
        remediation="Set the custom domain's security policy to TLS_1_2 (or a SecurityPolicy_TLS13_* policy) "
        "(infra: the API domain component sets TLS_1_2).",
    )

    def evaluate(self, ctx: CheckContext):
        for region in ctx.reader.regions:
            try:
                domains = apigateway.domain_names(ctx.reader, region)
            except ReadError as error:
                scope = f"arn:{ctx.reader.partition()}:apigateway:{region}::/domainnames"
                yield errored(scope, error, region=region)
                continue
            for domain in domains:
                weak = [
                    f"{where}: {policy or 'none reported'}"
                    for where, policy in domain.policies
                    if not apigateway.is_tls_1_2_or_later(policy)
                ]
                evidence = {"security_policies": [policy for _, policy in domain.policies]}
                if weak:
                    yield failed(domain.arn, f"allows TLS below 1.2 ({'; '.join(weak)})", region=region, **evidence)
                else:
                    yield passed(domain.arn, "TLS 1.2 or later on every endpoint", region=region, **evidence)
