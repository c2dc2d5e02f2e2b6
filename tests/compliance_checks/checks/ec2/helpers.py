"""Answering one API call with fixed data, for the calls moto does not implement or gets wrong."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from botocore.awsrequest import AWSResponse

from compliance_checks.reader import Reader


def answer_operation(
    reader: Reader,
    service: str,
    operation_name: str,
    answer: dict[str, Any] | Callable[[dict[str, Any]], dict[str, Any]],
) -> None:
    """Makes every call of ``operation_name`` (e.g. "GetEbsDefaultKmsKeyId") return ``answer`` (a parsed
    response, or a function of the call's parameters returning one) without reaching moto."""

    def respond(params: dict[str, Any], **_: object):
        parsed = answer(params) if callable(answer) else answer
        return AWSResponse(f"https://{service}.amazonaws.com/", 200, {}, None), {
            **parsed,
            "ResponseMetadata": {"HTTPStatusCode": 200},
        }

    for region in reader.regions:
        reader.client(service, region).meta.events.register(f"before-call.*.{operation_name}", respond)
