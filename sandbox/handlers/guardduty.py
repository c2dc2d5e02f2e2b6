"""GuardDuty: detectors and their protection features."""

from __future__ import annotations

from typing import Any

from sandbox.handlers.base import Context, Inputs, Outputs, drop_none, handles


def _datasources(block: dict[str, Any]) -> dict[str, Any]:
    converted: dict[str, Any] = {}
    if block.get("s3Logs"):
        converted["S3Logs"] = {"Enable": bool(block["s3Logs"].get("enable"))}
    kubernetes = block.get("kubernetes")
    if kubernetes and kubernetes.get("auditLogs"):
        converted["Kubernetes"] = {"AuditLogs": {"Enable": bool(kubernetes["auditLogs"].get("enable"))}}
    malware = block.get("malwareProtection")
    if malware:
        scan = (malware.get("scanEc2InstanceWithFindings") or {}).get("ebsVolumes") or {}
        converted["MalwareProtection"] = {"ScanEc2InstanceWithFindings": {"EbsVolumes": bool(scan.get("enable"))}}
    return converted


@handles("aws:guardduty/detector:Detector")
def detector(inputs: Inputs, ctx: Context) -> tuple[str, Outputs]:
    guardduty = ctx.client("guardduty")
    tags = ctx.tags(inputs)
    enable = inputs.get("enable", True)
    params = drop_none(
        {
            "Enable": enable,
            "FindingPublishingFrequency": inputs.get("findingPublishingFrequency"),
            "DataSources": _datasources(inputs["datasources"]) if inputs.get("datasources") else None,
            "Tags": tags or None,
        }
    )
    detector_id = guardduty.create_detector(**params)["DetectorId"]
    return detector_id, {
        "arn": f"arn:aws:guardduty:{ctx.region}:{ctx.account_id}:detector/{detector_id}",
        "accountId": ctx.account_id,
        "enable": enable,
        "tagsAll": tags,
    }


@handles("aws:guardduty/detectorFeature:DetectorFeature")
def detector_feature(inputs: Inputs, ctx: Context) -> tuple[str, Outputs]:
    guardduty = ctx.client("guardduty")
    detector_id, name = inputs["detectorId"], inputs["name"]
    feature: dict[str, Any] = {"Name": name, "Status": inputs["status"]}
    extra = inputs.get("additionalConfigurations") or []
    if extra:
        feature["AdditionalConfiguration"] = [{"Name": c["name"], "Status": c["status"]} for c in extra]
    # UpdateDetector replaces the feature list in moto; keep the features set so far.
    current = guardduty.get_detector(DetectorId=detector_id).get("Features") or []
    features = [f for f in current if f.get("Name") != name] + [feature]
    guardduty.update_detector(
        DetectorId=detector_id,
        Features=[{k: v for k, v in f.items() if k in ("Name", "Status", "AdditionalConfiguration")} for f in features],
    )
    return f"{detector_id}/{name}", {}
