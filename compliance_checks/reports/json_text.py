"""JSON text for reports of thousands of findings: indented for a reader, written an element at a time.

A document is written as ``json.dumps(document, indent=2)`` writes it, except its ``Items``: a JSON
array whose elements come from any iterable (a generator over a ``reports.store.FindingStore``) and
are written one at a time, so a report of an organization is never one string, nor one list, in
memory. An ``Items`` may sit anywhere in the document, and in an element of another ``Items`` (an
OSCAL finding's related observations, streamed within the streamed findings).

Its elements are laid out in one of two ways:
- ``one_a_line``: each element is one line, written by the C encoder. ``json.dumps(..., indent=2)``
  runs the standard library's pure-Python encoder (the C encoder serves compact output only), which
  costs seconds for a report of a few thousand findings; a finding a line stays readable, diffs line
  by line and is fast (the JSON report, ASFF, OCSF).
- indented: each element as ``json.dumps(..., indent=2)`` would indent it there, so that the document
  is the very text ``json.dumps(document, indent=2)`` gives (SARIF and OSCAL keep their layout).
"""

from __future__ import annotations

import io
import json
import re
import uuid
from collections.abc import Iterable, Iterator, Mapping
from typing import Any, TextIO


class Items:
    """A JSON array written an element at a time (see the module's text); iterable, once when its
    elements are a generator."""

    __slots__ = ("elements", "one_a_line")

    def __init__(self, elements: Iterable[Any], *, one_a_line: bool = False) -> None:
        self.elements = elements
        self.one_a_line = one_a_line

    def __iter__(self) -> Iterator[Any]:
        return iter(self.elements)


def _line(item: Any) -> str:
    return json.dumps(item, default=str, separators=(", ", ": "))


def _write_items(out: TextIO, items: Items, indent: str) -> None:
    inner = indent + "  "
    first = True
    for item in items:
        out.write(("[\n" if first else ",\n") + inner)
        if items.one_a_line:
            out.write(_line(item))
        else:
            _write_value(out, item, inner)
        first = False
    out.write("[]" if first else "\n" + indent + "]")


def _hollow(value: Any, found: list[Items], token: str) -> Any:
    """``value`` with each ``Items`` in it replaced by a placeholder string (``found`` lists them in the
    placeholders' numbers); ``value`` itself when it holds none. Descends where the json encoder does."""
    if isinstance(value, Items):
        found.append(value)
        return f"{token}-{len(found) - 1}"
    if isinstance(value, dict):
        hollowed = {key: _hollow(item, found, token) for key, item in value.items()}
        return hollowed if any(hollowed[key] is not item for key, item in value.items()) else value
    if isinstance(value, list | tuple):
        items = [_hollow(item, found, token) for item in value]
        return items if any(new is not old for new, old in zip(items, value, strict=True)) else value
    return value


def _write_value(out: TextIO, value: Any, indent: str) -> None:
    """``value`` as ``json.dumps(value, indent=2)`` writes it ``indent`` deep, its ``Items`` streamed."""
    if isinstance(value, Items):
        _write_items(out, value, indent)
        return
    found: list[Items] = []
    token = f"items-{uuid.uuid4().hex}"
    text = json.dumps(_hollow(value, found, token), indent=2, default=str)
    if indent:
        text = text.replace("\n", "\n" + indent)
    if not found:
        out.write(text)
        return
    # Text and placeholder numbers alternate; an array opens where its placeholder stood and closes
    # as deep as that line is indented.
    pieces = re.split(f'"{token}-([0-9]+)"', text)
    for position in range(0, len(pieces) - 1, 2):
        head = pieces[position]
        out.write(head)
        line = head.rpartition("\n")[2]
        _write_items(out, found[int(pieces[position + 1])], line[: len(line) - len(line.lstrip(" "))])
    out.write(pieces[-1])


def materialized(value: Any) -> Any:
    """``value`` with each ``Items`` in it (at any depth) a list: the whole document, for a reader of it."""
    if isinstance(value, Items):
        return [materialized(item) for item in value]
    if isinstance(value, dict):
        return {key: materialized(item) for key, item in value.items()}
    if isinstance(value, list):
        return [materialized(item) for item in value]
    if isinstance(value, tuple):
        return tuple(materialized(item) for item in value)
    return value


def write(out: TextIO, document: Any, *, items_at: str | None = None) -> None:
    """Writes ``document`` as JSON text, ending with a newline: a mapping indented two spaces, its
    ``Items`` streamed (and the elements of its iterable ``items_at``, if named, one a line); any
    other iterable as an array of one element a line."""
    if not isinstance(document, Mapping):
        _write_items(out, Items(document, one_a_line=True), "")
    else:
        if items_at is not None and items_at in document:
            document = {**document, items_at: Items(document[items_at], one_a_line=True)}
        _write_value(out, document, "")
    out.write("\n")


def dumps(document: Any, *, items_at: str | None = None) -> str:
    """``write``'s text as a string."""
    buffer = io.StringIO()
    write(buffer, document, items_at=items_at)
    return buffer.getvalue()
