"""Values a preview does not know, in the plan as Terraform writes them.

Terraform leaves a value unknown at plan time out of ``planned_values`` (an unknown list element
becomes ``null``, so that the other elements keep their positions) and marks it ``true`` in the
resource's ``resource_changes[].change.after_unknown``, a tree of the same shape (a list as a
list of its elements' marks, a known element ``false`` or ``{}``). Checkov's plan parser reads
that tree (``_eval_after_unknown``, with ``EVAL_TF_PLAN_AFTER_UNKNOWN`` set).

The render records unknown inputs by path (``RenderedResource.unknown``, Pulumi names). The
exporter puts a marker at each path before it converts the inputs to Terraform names, and takes
the markers out afterwards: whatever the names become, the marks land where the values were.
"""

from __future__ import annotations

import copy
from collections.abc import Iterable, Mapping
from typing import Any

from infra.render_runtime import parse_path

# A whole value (a map entry, an attribute, a block) unknown, and one unknown list element.
UNKNOWN = "\x00unknown at plan time\x00"
UNKNOWN_ELEMENT = "\x00unknown list element at plan time\x00"


class _Omitted:
    def __repr__(self) -> str:
        return "OMITTED"


OMITTED = _Omitted()


def with_markers(inputs: Mapping[str, Any], paths: Iterable[str]) -> dict[str, Any]:
    """A copy of ``inputs`` with a marker at each unknown path ("policy", "rules[0].cidrBlocks")."""
    marked = copy.deepcopy(dict(inputs))
    for text in paths:
        *parents, last = parse_path(text)
        node: Any = marked
        for part in parents:
            node = node[part]
        node[last] = UNKNOWN_ELEMENT if isinstance(last, int) else UNKNOWN
    return marked


def is_unknown(value: Any) -> bool:
    """A value that is unknown as a whole (a converter may have wrapped it in a one-element block)."""
    return value == UNKNOWN or (isinstance(value, list) and UNKNOWN in value)


def split(value: Any) -> tuple[Any, Any]:
    """(the value without markers or OMITTED, its after_unknown mark: True, a tree, or False)."""
    if is_unknown(value):
        return OMITTED, True
    if isinstance(value, Mapping):
        known: dict[str, Any] = {}
        marks: dict[str, Any] = {}
        for key, item in value.items():
            item_value, item_mark = split(item)
            if item_value is not OMITTED:
                known[key] = item_value
            if item_mark:
                marks[key] = item_mark
        return known, marks
    if isinstance(value, list):
        items, item_marks = [], []
        for item in value:
            if item == UNKNOWN_ELEMENT:
                items.append(None)
                item_marks.append(True)
                continue
            item_value, item_mark = split(item)
            items.append(item_value)
            item_marks.append(item_mark or ({} if isinstance(item, Mapping) else False))
        return items, item_marks if any(item_marks) else False
    return value, False


def split_values(values: Mapping[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """A resource's planned values and its after_unknown tree."""
    known, marks = split(values)
    return known, marks or {}
