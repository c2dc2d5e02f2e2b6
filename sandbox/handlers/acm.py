"""ACM: certificates (DNS validation) and the validation that waits for them."""

from __future__ import annotations

from typing import Any

from sandbox.handlers.base import Context, Inputs, Outputs, drop_none, handles, tag_list


def _validation_options(certificate: dict[str, Any]) -> list[dict[str, Any]]:
    options = []
    for option in certificate.get("DomainValidationOptions") or []:
        record = option.get("ResourceRecord") or {}
        options.append(
            {
                "domainName": option["DomainName"],
                "resourceRecordName": record.get("Name"),
                "resourceRecordType": record.get("Type"),
                "resourceRecordValue": record.get("Value"),
            }
        )
    return options


@handles("aws:acm/certificate:Certificate")
def certificate(inputs: Inputs, ctx: Context) -> tuple[str, Outputs]:
    acm = ctx.client("acm")
    tags = ctx.tags(inputs)
    for key in ("certificateBody", "privateKey", "privateKeyWo", "certificateAuthorityArn", "validationOptions"):
        if inputs.get(key):
            raise ValueError(f"{key} (imported, private or e-mail validated certificates) is not simulated")
    options = inputs.get("options")
    params = drop_none(
        {
            "DomainName": inputs["domainName"],
            "ValidationMethod": inputs.get("validationMethod") or "DNS",
            "SubjectAlternativeNames": inputs.get("subjectAlternativeNames"),
            "KeyAlgorithm": inputs.get("keyAlgorithm"),
            "Options": drop_none(
                {
                    "CertificateTransparencyLoggingPreference": options.get("certificateTransparencyLoggingPreference"),
                    "Export": options.get("export"),
                }
            )
            if options
            else None,
            "Tags": tag_list(tags) or None,
        }
    )
    inputs.ignore("earlyRenewalDuration")  # only for private certificates
    arn = acm.request_certificate(**params)["CertificateArn"]
    described = acm.describe_certificate(CertificateArn=arn)["Certificate"]
    return arn, {
        "arn": arn,
        "domainValidationOptions": _validation_options(described),
        "status": described.get("Status"),
        "type": described.get("Type"),
        "validationEmails": [],
        "tagsAll": tags,
    }


@handles("aws:acm/certificateValidation:CertificateValidation")
def certificate_validation(inputs: Inputs, ctx: Context) -> tuple[str, Outputs]:
    """Waits, like the provider, until every DNS validation record exists.

    ACM issues a certificate once its validation records resolve; here that means the records
    exist in the sandbox's Route 53. moto itself flips the status to ISSUED after a delay.
    """
    arn = inputs["certificateArn"]
    described = ctx.client("acm").describe_certificate(CertificateArn=arn)["Certificate"]
    wanted = {
        (o["ResourceRecord"]["Name"].rstrip(".").lower(), o["ResourceRecord"]["Value"])
        for o in described.get("DomainValidationOptions") or []
        if o.get("ResourceRecord")
    }
    fqdns = {name.rstrip(".").lower() for name in inputs.get("validationRecordFqdns") or []}
    if fqdns and fqdns != {name for name, _ in wanted}:
        raise ValueError(f"validationRecordFqdns {sorted(fqdns)} are not the certificate's records {sorted(wanted)}")
    found = set()
    route53 = ctx.client("route53")
    for zone in route53.list_hosted_zones()["HostedZones"]:
        for record in route53.list_resource_record_sets(HostedZoneId=zone["Id"])["ResourceRecordSets"]:
            for value in record.get("ResourceRecords") or []:
                found.add((record["Name"].rstrip(".").lower(), value["Value"]))
    missing = wanted - found
    if missing:
        raise ValueError(f"certificate {arn} cannot be validated: no DNS record for {sorted(missing)}")
    return arn, {"certificateArn": arn}
