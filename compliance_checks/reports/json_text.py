"""JSON text for reports of thousands of findings: indented for a reader, fast to write.

``json.dumps(..., indent=2)`` runs the standard library's pure-Python encoder (the C encoder serves
compact output only), which costs seconds for a report of a few thousand findings. Here the
document is indented as usual, but each finding (an element of the list named) is one line,
written by the C encoder: a report stays readable a finding a line, and diffs line by line.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Sequence
from typing import Any


def _line(item: Any) -> str:
    return json.dumps(item, default=str, separators=(", ", ": "))


def _items(items: Sequence[Any], indent: str) -> str:
    if not items:
        return "[]"
    inner = indent + "  "
    return "[\n" + ",\n".join(inner + _line(item) for item in items) + "\n" + indent + "]"


def dumps(document: Any, *, items_at: str | None = None) -> str:
    """``document`` as JSON text: a list's elements one a line, or, for a mapping, the elements of its
    list ``items_at`` one a line and the rest indented two spaces. Ends with a newline."""
    if isinstance(document, list):
        return _items(document, "") + "\n"
    if items_at is None or items_at not in document:
        return json.dumps(document, indent=2, default=str) + "\n"
    placeholder = f"items-{uuid.uuid4().hex}"
    text = json.dumps({**document, items_at: placeholder}, indent=2, default=str)
    return text.replace(f'"{placeholder}"', _items(document[items_at], "  "), 1) + "\n"
