"""GuardDuty inventory: the detectors of a region."""

from __future__ import annotations

from typing import Any

from compliance_checks.reader import Reader


def detector_ids(reader: Reader, region: str) -> list[str]:
    return reader.paginate("guardduty", "list_detectors", "DetectorIds", region=region)


def detector(reader: Reader, detector_id: str, region: str) -> dict[str, Any] | None:
    response = reader.call(
        "guardduty",
        "get_detector",
        region=region,
        missing=("BadRequestException",),
        expect=("Status",),
        DetectorId=detector_id,
    )
    if response is None:
        return None
    return {k: v for k, v in response.items() if k != "ResponseMetadata"}


def detector_arn(reader: Reader, detector_id: str, region: str) -> str:
    return f"arn:{reader.partition()}:guardduty:{region}:{reader.account_id}:detector/{detector_id}"
