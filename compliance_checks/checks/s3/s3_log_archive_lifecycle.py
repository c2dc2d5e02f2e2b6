from __future__ import annotations

from typing import Any

from compliance_checks.kit import CheckMetadata, LogArchiveCheck, Severity, failed, passed, s3

# Archival storage classes. STANDARD_IA / ONEZONE_IA are infrequent-access tiers of hot storage and
# INTELLIGENT_TIERING only archives when its archive tiers are opted into: neither is cold storage.
COLD_CLASSES = ("GLACIER", "DEEP_ARCHIVE", "GLACIER_IR")


def _whole_bucket(rule: dict[str, Any]) -> bool:
    """Whether a rule applies to every object (object-size bounds allowed, prefixes and tags not)."""
    if rule.get("Prefix"):
        return False
    selection = rule.get("Filter") or {}
    selection = selection.get("And", selection)
    return not selection.get("Prefix") and not selection.get("Tag") and not selection.get("Tags")


def _cold_transitions(rule: dict[str, Any]) -> list[str]:
    transitions = [*(rule.get("Transitions") or []), *([rule["Transition"]] if rule.get("Transition") else [])]
    return [
        f"{t['StorageClass']} after {t.get('Days', t.get('Date'))}"
        for t in transitions
        if t.get("StorageClass") in COLD_CLASSES
    ]


class S3LogArchiveLifecycle(LogArchiveCheck):
    """The log archive moves its objects to cold storage.

    The archive (tagged ``leadping:log-archive=true``, else the CloudTrail buckets) needs an Enabled
    lifecycle rule that applies to the whole bucket (no prefix or tag filter; object-size bounds are
    fine) and transitions current objects to GLACIER, DEEP_ARCHIVE or GLACIER_IR. Infrequent-access
    classes and Intelligent-Tiering are not cold storage. No archive found: no result here (the
    Object Lock check reports the missing archive).

    Scenarios:
    - given the archive with an enabled whole-bucket rule to GLACIER after 90 days, then PASS
    - given the archive whose only transition is to STANDARD_IA, then FAIL
    - given the archive whose cold rule is disabled, then FAIL
    - given the archive whose cold rule applies only to one prefix, then FAIL
    - given the archive without a lifecycle configuration, then FAIL
    - given GetLifecycleConfiguration is denied, then ERROR for the archive
    """

    metadata = CheckMetadata(
        title="The log archive transitions to cold storage",
        severity=Severity.LOW,
        resource_type="AWS::S3::Bucket",
        rationale="LP-LOG-2: the archive keeps logs for years; a lifecycle to cold storage keeps that affordable "
        "so retention is not cut to save cost.",
        remediation="Add an enabled lifecycle rule with an empty filter that transitions objects to GLACIER or "
        "DEEP_ARCHIVE (infra: the log archive component).",
    )

    def judge(self, ctx, item):
        bucket, archive = item.raw
        rules = s3.lifecycle_rules(ctx.reader, bucket)
        cold = [
            f"{rule.get('ID') or 'rule'}: {', '.join(_cold_transitions(rule))}"
            for rule in rules
            if rule.get("Status") == "Enabled" and _whole_bucket(rule) and _cold_transitions(rule)
        ]
        evidence = {"found_by": archive.source, "rules": len(rules), "cold_rules": cold}
        if cold:
            message = f"moves objects to cold storage ({'; '.join(cold)})"
            return passed(bucket.arn, message, region=bucket.region, **evidence)
        message = (
            "no enabled whole-bucket rule moves objects to a Glacier class" if rules else "no lifecycle configuration"
        )
        return failed(bucket.arn, message, region=bucket.region, **evidence)
