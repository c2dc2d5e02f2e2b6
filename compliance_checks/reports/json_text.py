"""JSON text for reports of thousands of findings: indented for a reader, fast to write, streamed.

``json.dumps(..., indent=2)`` runs the standard library's pure-Python encoder (the C encoder serves
compact output only), which costs seconds for a report of a few thousand findings. Here the
document is indented as usual, but each finding (an element of the list named) is one line,
written by the C encoder: a report stays readable a finding a line, and diffs line by line. The
list may be any iterable (a generator over a ``reports.store.FindingStore``): ``write`` writes an
element at a time, so a report of an organization is never one string in memory.
"""

from __future__ import annotations

import io
import json
import uuid
from collections.abc import Iterable, Mapping
from typing import Any, TextIO


def _line(item: Any) -> str:
    return json.dumps(item, default=str, separators=(", ", ": "))


def _write_items(out: TextIO, items: Iterable[Any], indent: str) -> None:
    inner = indent + "  "
    first = True
    for item in items:
        out.write(("[\n" if first else ",\n") + inner + _line(item))
        first = False
    out.write("[]" if first else "\n" + indent + "]")


def write(out: TextIO, document: Any, *, items_at: str | None = None) -> None:
    """Writes ``document`` as JSON text: an iterable's elements one a line, or, for a mapping, the
    elements of its iterable ``items_at`` one a line and the rest indented two spaces. Ends with a
    newline."""
    if not isinstance(document, Mapping):
        _write_items(out, document, "")
        out.write("\n")
        return
    if items_at is None or items_at not in document:
        out.write(json.dumps(document, indent=2, default=str) + "\n")
        return
    placeholder = f"items-{uuid.uuid4().hex}"
    head, tail = json.dumps({**document, items_at: placeholder}, indent=2, default=str).split(f'"{placeholder}"', 1)
    out.write(head)
    _write_items(out, document[items_at], "  ")
    out.write(tail + "\n")


def dumps(document: Any, *, items_at: str | None = None) -> str:
    """``write``'s text as a string."""
    buffer = io.StringIO()
    write(buffer, document, items_at=items_at)
    return buffer.getvalue()
