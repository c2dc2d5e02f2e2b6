"""No verdict without a parsed answer: what the reader requires of every answer before a check sees it.

botocore (1.44, ``parsers.py``) is lenient where an audit must not be:
- ``json`` and ``rest-json``: an empty body parses as ``{}`` and a body that is not JSON as
  ``{"message": <body>}``, which the output shape then drops; a truncated or garbled answer reads
  as "nothing there" (a check then passes with "no log group in scope");
- ``rest-xml`` (S3): an empty body parses as an empty element, so the answer has no members;
- ``query`` and ``ec2``: malformed or empty XML raises ``ResponseParserError`` (already a failure);
- ``smithy-rpc-v2-cbor`` (CloudWatch): truncated CBOR raises, but an empty or non-CBOR body fails
  with an AttributeError that names nothing.

So, in one place for every service: ``check_body`` (hooked on botocore's ``before-parse``) refuses a
2xx answer whose output shape has members in the body unless the body is there and well formed for
the protocol; ``check_members`` refuses a parsed answer without a member the output shape marks
required or the caller expects; ``Pages`` refuses a page without its result key and a pagination
that does not end.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import jmespath

# Where a member of a REST output shape lives when it is not in the body.
_OUTSIDE_BODY = frozenset({"header", "headers", "statusCode"})
_JSON = frozenset({"json", "rest-json"})
_XML = frozenset({"query", "ec2", "rest-xml"})
_CBOR = frozenset({"smithy-rpc-v2-cbor"})
_CBOR_MAP = 5  # CBOR major type of a map: every rpc-v2-cbor answer is one

# Paginated reads whose pages AWS documents as leaving the result key out when there is nothing
# to list; for every other read a page without its key is a failed read.
OMITS_EMPTY_RESULT = frozenset(
    {
        # "If there are no queues, QueueUrls is not returned" (SQS ListQueues, API reference).
        ("sqs", "list_queues"),
    }
)
MAX_PAGES = 10_000  # a listing longer than this is a pagination that does not end


class MalformedAnswer(Exception):
    """An answer the audit cannot use: empty, truncated or garbled, or without what it must carry."""

    def __init__(self, operation: str, why: str) -> None:
        self.operation = operation
        self.why = why
        super().__init__(f"{operation}: {why}")


def _body_expected(operation_model: Any) -> bool:
    """Whether a successful answer of this operation carries members in its body."""
    shape = operation_model.output_shape
    if shape is None or operation_model.has_streaming_output or operation_model.has_event_stream_output:
        return False
    payload = shape.serialization.get("payload")
    if payload is not None:
        # A string or blob payload is the raw body (an S3 bucket policy): its meaning is the caller's.
        return shape.members[payload].type_name == "structure"
    return any(m.serialization.get("location") not in _OUTSIDE_BODY for m in shape.members.values())


def _why_unusable(protocol: str, body: bytes) -> str | None:
    if not body.strip():
        return "the answer's body is empty"
    if protocol in _JSON:
        try:
            value = json.loads(body)
        except ValueError:
            return "the answer is not JSON (truncated or garbled)"
        if not isinstance(value, dict):
            return f"the answer is JSON {type(value).__name__}, not an object"
    elif protocol in _CBOR and body[0] >> 5 != _CBOR_MAP:
        return "the answer is not a CBOR map (garbled)"
    # XML protocols: botocore refuses malformed XML itself (ResponseParserError).
    return None


def check_body(operation_model: Any, response_dict: Mapping[str, Any], **_: Any) -> None:
    """``before-parse`` hook: refuse a successful answer whose body botocore would read as empty."""
    status = response_dict.get("status_code", 0)
    if not 200 <= status < 300 or status == 204 or not _body_expected(operation_model):
        return
    body = response_dict.get("body")
    if not isinstance(body, bytes | bytearray):
        return  # a stream: read by the caller, not parsed here
    why = _why_unusable(operation_model.service_model.resolved_protocol, bytes(body))
    if why:
        raise MalformedAnswer(operation_model.name, why)


def check_members(operation_model: Any, parsed: Mapping[str, Any], expect: Iterable[str] = ()) -> None:
    """Refuse a parsed answer without a member its shape marks required or the caller relies on."""
    shape = operation_model.output_shape
    required = [*(shape.required_members if shape is not None else ()), *expect]
    missing = [name for name in dict.fromkeys(required) if name not in parsed]
    if missing:
        raise MalformedAnswer(operation_model.name, f"the answer lacks {', '.join(missing)}")


class Pages:
    """Follows one pagination and refuses what would leave it incomplete."""

    def __init__(self, operation_model: Any, config: Mapping[str, Any] | None, result_key: str, may_omit: bool) -> None:
        self._operation = operation_model
        self._result_key = result_key
        self._may_omit = may_omit
        tokens = (config or {}).get("output_token") or []
        self._tokens: Sequence[str] = [tokens] if isinstance(tokens, str) else list(tokens)
        self._more = (config or {}).get("more_results")
        self._seen: set[str] = set()
        self.count = 0

    def check(self, page: Mapping[str, Any]) -> list[Any]:
        """The items of one page; raises MalformedAnswer when the page or the pagination is unusable."""
        self.count += 1
        name = self._operation.name
        if self.count > MAX_PAGES:
            raise MalformedAnswer(name, f"the pagination did not end after {MAX_PAGES} pages")
        if self._result_key not in page and not self._may_omit:
            raise MalformedAnswer(name, f"a page of the answer lacks {self._result_key}")
        items = page.get(self._result_key) or []
        if not isinstance(items, list):
            raise MalformedAnswer(name, f"{self._result_key} is a {type(items).__name__}, not a list")
        if self._more and not jmespath.search(self._more, page):
            return items  # the page says it is the last (botocore ignores any token then)
        found = [jmespath.search(expression, page) for expression in self._tokens]
        if any(found):
            token = json.dumps(found, default=str, sort_keys=True)
            if token in self._seen:
                raise MalformedAnswer(name, "the pagination repeats a page token and would never end")
            self._seen.add(token)
        elif self._more:
            raise MalformedAnswer(name, f"a page says {self._more} but gives no token for the next page")
        return items
