"""The one loader for every YAML and JSON file the tools read: stack files, waivers, known gaps,
the gate's skip list, control map and type map, the catalog.

What it accepts is plain data: UTF-8 text, one document, maps with text keys (each key once),
lists, text, whole and decimal numbers, ``true``/``false`` and null. What it refuses, each with one
line naming the file, the line:column, the key path and what is accepted (``InputError``):

- bytes that are not UTF-8 (the byte offset is named), a file over ``MAX_BYTES``, a folder, a
  device or a file that cannot be read;
- a key given twice (both lines are named: a duplicate would otherwise silently win, so a prod
  file with a trailing ``environment: dev`` would read as dev);
- anchors and aliases (``&a``/``*a``): a 2 KB file of nested aliases expands to gigabytes;
- tags other than the core ones (``!!binary``, ``!!set``, ``!!python/...``, ``!custom``);
- nesting deeper than ``MAX_DEPTH``.

Scalars follow the YAML 1.2 core schema, not PyYAML's YAML 1.1: ``yes``/``on``, ``1_000``,
``0x1F``, ``12:30`` and dates (``2026-09-30``) stay text, so that a reader that expects text gets
text (never a surprise ``datetime``) and a reader that expects a number or a date validates it
itself. The events come from libyaml when PyYAML has it (an iterative parser: no recursion, so
deep nesting cannot overflow a stack) and the document is built from them in one pass.

Standard library and PyYAML only: infra/, policies/ and compliance_checks/ all import this.
"""

from __future__ import annotations

import json
import os
import re
import stat
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import yaml
from yaml.events import (
    AliasEvent,
    DocumentStartEvent,
    MappingEndEvent,
    MappingStartEvent,
    ScalarEvent,
    SequenceEndEvent,
    SequenceStartEvent,
    StreamEndEvent,
)

# A waivers file of 50,000 entries is about 10 MB; nothing the tools read legitimately nears this.
MAX_BYTES = 32 * 1024 * 1024
# The deepest file in the repository (a test fixture) nests 11 levels; the limit leaves room and bounds the work.
MAX_DEPTH = 64
# Messages quote at most this much of a value or key, so that a huge value cannot make a huge line.
QUOTE_LIMIT = 80
MESSAGE_LIMIT = 400

PLAIN_DATA = "plain YAML data: maps with text keys, lists, text, numbers, true/false, null"
_CORE = "tag:yaml.org,2002:"
_SCALAR_TAGS = frozenset(_CORE + t for t in ("str", "int", "float", "bool", "null"))
_NON_SPECIFIC = (None, "!")
_NULLS = frozenset(("", "~", "null", "Null", "NULL"))
_BOOLS = {"true": True, "True": True, "TRUE": True, "false": False, "False": False, "FALSE": False}
_INT = re.compile(r"[-+]?[0-9]+")
_FLOAT = re.compile(r"[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?")
# The first characters of the plain scalars the core schema resolves to something else than text.
_SPECIAL_STARTS = frozenset("0123456789+-.~nNtTfF") | {""}
_NODE_EVENTS = frozenset((ScalarEvent, MappingStartEvent, SequenceStartEvent, AliasEvent))
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")


class InputError(ValueError):
    """A file cannot be used as input; ``str()`` is one line: where, what is wrong, what is accepted."""

    def __init__(
        self,
        source: str | os.PathLike[str],
        problem: str,
        *,
        line: int | None = None,
        column: int | None = None,
        key: str | None = None,
        accepted: str | None = None,
    ) -> None:
        self.source = str(source)
        self.problem = problem
        self.line = line
        self.column = column
        self.key = key
        self.accepted = accepted
        where = self.source if line is None else f"{self.source}:{line}:{column or 1}"
        parts = [where, *([quote_key(key)] if key else []), problem]
        text = ": ".join(parts) + (f"; accepted: {accepted}" if accepted else "")
        super().__init__(one_line(text))


def one_line(text: str, limit: int = MESSAGE_LIMIT) -> str:
    """``text`` on one line: control characters escaped, shortened to ``limit`` characters."""
    flat = _CONTROL.sub(lambda m: m.group().encode("unicode_escape").decode("ascii"), str(text))
    return flat if len(flat) <= limit else flat[: limit - 3] + "..."


def shown(value: Any) -> str:
    """A value as a message quotes it: its repr, shortened."""
    return one_line(repr(value), QUOTE_LIMIT)


def quote_key(key: str) -> str:
    return one_line(key, QUOTE_LIMIT)


def read_text(path: str | os.PathLike[str], *, max_bytes: int = MAX_BYTES) -> str:
    """The file's text: a regular file, at most ``max_bytes``, UTF-8 (a leading BOM is dropped)."""
    path = Path(path)
    try:
        # Not following a FIFO or a device: opening one can block, reading one can never end.
        info = path.stat()
        if stat.S_ISDIR(info.st_mode):
            raise InputError(path, "is a folder, not a file")
        if not stat.S_ISREG(info.st_mode):
            raise InputError(path, "is not a regular file")
        with path.open("rb") as handle:
            data = handle.read(max_bytes + 1)
    except OSError as exc:
        raise InputError(path, f"cannot read the file: {exc.strerror or exc}") from None
    if len(data) > max_bytes:
        raise InputError(path, f"is larger than {max_bytes} bytes")
    return decode(data, path)


def decode(data: bytes, source: str | os.PathLike[str]) -> str:
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise InputError(
            source,
            f"byte {exc.start} (line {line}) is not UTF-8 (0x{data[exc.start]:02x})",
            accepted="UTF-8 text",
        ) from None
    return text.removeprefix("\ufeff")


def load_yaml_file(path: str | os.PathLike[str], *, max_bytes: int = MAX_BYTES) -> Any:
    """The one YAML document in the file (None when the file holds none)."""
    return load_yaml_text(read_text(path, max_bytes=max_bytes), str(path))


def load_yaml_text(text: str, source: str = "<yaml>") -> Any:
    return _Builder(source, text).build(_events(text))


def load_json_file(path: str | os.PathLike[str], *, max_bytes: int = MAX_BYTES) -> Any:
    return load_json_text(read_text(path, max_bytes=max_bytes), str(path))


def load_json_text(text: str, source: str = "<json>") -> Any:
    """JSON with the same rules: each key once, no NaN/Infinity, nesting bounded."""

    def pairs(items: list[tuple[str, Any]]) -> dict[str, Any]:
        document: dict[str, Any] = {}
        for key, value in items:
            if key in document:
                raise InputError(source, f"key {shown(key)} appears twice in one object", accepted="each key once")
            document[key] = value
        return document

    def constant(name: str) -> Any:
        raise InputError(source, f"{name} is not a JSON number", accepted="finite numbers")

    try:
        document = json.loads(text, object_pairs_hook=pairs, parse_constant=constant)
    except json.JSONDecodeError as exc:
        raise InputError(source, f"not valid JSON: {exc.msg}", line=exc.lineno, column=exc.colno) from None
    except RecursionError:
        raise InputError(source, f"nested deeper than {MAX_DEPTH} levels") from None
    except InputError:
        raise
    except ValueError:  # an integer longer than Python converts (int_max_str_digits)
        raise InputError(source, "a number has too many digits") from None
    if _depth(document) > MAX_DEPTH:
        raise InputError(source, f"nested deeper than {MAX_DEPTH} levels")
    return document


def _depth(document: Any) -> int:
    deepest, pending = 0, [(document, 1)]
    while pending:
        value, depth = pending.pop()
        if isinstance(value, dict | list):
            deepest = max(deepest, depth)
            children = value.values() if isinstance(value, dict) else value
            pending.extend((child, depth + 1) for child in children)
    return deepest


class PythonParser(yaml.reader.Reader, yaml.scanner.Scanner, yaml.parser.Parser):
    """PyYAML's own parser: the same events as libyaml's, for a PyYAML built without libyaml."""

    def __init__(self, stream: str) -> None:
        yaml.reader.Reader.__init__(self, stream)
        yaml.scanner.Scanner.__init__(self)
        yaml.parser.Parser.__init__(self)


# libyaml's parser is about ten times faster; both are iterative, so deep nesting cannot overflow.
try:
    from yaml.cyaml import CParser as _Parser
except ImportError:  # PyYAML built without libyaml
    _Parser = PythonParser  # type: ignore[misc,assignment]


def _events(text: str) -> Iterator[Any]:
    parser = _Parser(text)
    try:
        while True:
            event = parser.get_event()
            yield event
            if event is None or isinstance(event, StreamEndEvent):
                return
    finally:
        dispose = getattr(parser, "dispose", None)
        if dispose is not None:
            dispose()


class _Frame:
    """A map or list being built, with what the next event fills."""

    __slots__ = ("container", "key", "lines", "path")

    def __init__(self, container: dict[str, Any] | list[Any], path: str) -> None:
        self.container = container
        self.path = path
        self.key: str | None = None  # a map's key waiting for its value
        self.lines: dict[str, int] = {}  # a map's keys: the line each was first given on


class _Builder:
    def __init__(self, source: str, text: str) -> None:
        self.source = source
        self.text = text

    def error(self, event: Any, problem: str, path: str | None = None, accepted: str | None = None) -> InputError:
        mark = getattr(event, "start_mark", None)
        line = None if mark is None else mark.line + 1
        column = None if mark is None else mark.column + 1
        return InputError(self.source, problem, line=line, column=column, key=path or None, accepted=accepted)

    def build(self, events: Iterator[Any]) -> Any:
        stack: list[_Frame] = []
        root: Any = None
        documents = 0
        try:
            for event in events:
                kind = type(event)
                if kind in _NODE_EVENTS:
                    frame = stack[-1] if stack else None
                    if kind is AliasEvent or event.anchor is not None:
                        raise self.error(
                            event,
                            "YAML anchors and aliases (&name, *name) are not accepted",
                            child_path(frame),
                            "each value written out where it is used",
                        )
                    if frame is not None and frame.key is None and type(frame.container) is dict:
                        self.take_key(frame, event)
                        continue
                    if kind is ScalarEvent:
                        value = self.scalar(event, frame)
                    else:
                        self.check_collection_tag(event, frame)
                        if len(stack) >= MAX_DEPTH:
                            raise self.error(event, f"nested deeper than {MAX_DEPTH} levels", child_path(frame))
                        value = {} if kind is MappingStartEvent else []
                        stack.append(_Frame(value, child_path(frame)))
                    if frame is None:
                        root = value
                    elif frame.key is None:
                        frame.container.append(value)  # type: ignore[union-attr]
                    else:
                        frame.container[frame.key] = value  # type: ignore[index]
                        frame.key = None
                elif kind is MappingEndEvent or kind is SequenceEndEvent:
                    stack.pop()
                elif kind is DocumentStartEvent:
                    documents += 1
                    if documents > 1:
                        raise self.error(event, "holds more than one YAML document", accepted="one document")
        except yaml.MarkedYAMLError as exc:
            mark = exc.problem_mark or exc.context_mark
            problem = " ".join(p for p in (exc.problem, exc.context and f"({exc.context})") if p)
            raise InputError(
                self.source,
                f"not valid YAML: {problem or 'syntax error'}",
                line=None if mark is None else mark.line + 1,
                column=None if mark is None else mark.column + 1,
            ) from None
        except yaml.reader.ReaderError as exc:
            line = self.text.encode("utf-8", "replace")[: exc.position].count(b"\n") + 1
            raise InputError(self.source, f"not valid YAML: {exc.reason} (offset {exc.position})", line=line) from None
        except yaml.YAMLError as exc:
            raise InputError(self.source, f"not valid YAML: {exc}") from None
        return root

    def take_key(self, frame: _Frame, event: Any) -> None:
        if type(event) is not ScalarEvent:
            raise self.error(event, "a map or list is used as a key", frame.path, "text keys")
        key = self.scalar(event, frame)
        if type(key) is not str:
            shown_key = shown(event.value if key is None else key)
            raise self.error(event, f"the key {shown_key} is not text", frame.path, "text keys (quote it)")
        line = event.start_mark.line + 1
        first = frame.lines.get(key)
        if first is not None:
            path = f"{frame.path}.{key}" if frame.path else key
            raise self.error(event, f"given twice (lines {first} and {line})", path, "each key once")
        frame.lines[key] = line
        frame.key = key

    def check_collection_tag(self, event: Any, frame: _Frame | None) -> None:
        core = _CORE + ("map" if type(event) is MappingStartEvent else "seq")
        if event.tag not in (*_NON_SPECIFIC, core):
            raise self.error(event, f"the tag {_tag_name(event.tag)} is not accepted", child_path(frame), PLAIN_DATA)

    def scalar(self, event: Any, frame: _Frame | None) -> Any:
        tag, value = event.tag, event.value
        if tag is None:
            # Only a plain (unquoted) scalar is resolved; quoted text stays text.
            return self.resolve(event, frame) if event.implicit[0] else value
        if tag == "!" or tag == _CORE + "str":
            return value
        if tag not in _SCALAR_TAGS:
            raise self.error(event, f"the tag {_tag_name(tag)} is not accepted", child_path(frame), PLAIN_DATA)
        resolved = self.resolve(event, frame)
        if _tag_of(resolved) != tag:
            problem = f"{shown(value)} is not a valid {tag.removeprefix(_CORE)}"
            raise self.error(event, problem, child_path(frame), PLAIN_DATA)
        return resolved

    def resolve(self, event: Any, frame: _Frame | None) -> Any:
        """YAML 1.2 core schema: null, true/false, decimal integers and floats; the rest is text."""
        value = event.value
        if value[:1] not in _SPECIAL_STARTS:  # most text: nothing to resolve
            return value
        if value in _NULLS:
            return None
        if value in _BOOLS:
            return _BOOLS[value]
        if _INT.fullmatch(value):
            try:
                return int(value)
            except ValueError:  # longer than Python converts (int_max_str_digits)
                raise self.error(event, "the number has too many digits", child_path(frame)) from None
        if _FLOAT.fullmatch(value):
            return float(value)
        return value


def child_path(frame: _Frame | None) -> str:
    """The key path of what the next event fills in ``frame`` (``config.leadping:apiRoutes[2]``)."""
    if frame is None:
        return ""
    if type(frame.container) is list:
        return f"{frame.path}[{len(frame.container)}]"
    if frame.key is None:
        return frame.path
    return f"{frame.path}.{frame.key}" if frame.path else frame.key


def _tag_name(tag: str) -> str:
    return shown(tag.replace(_CORE, "!!", 1) if tag.startswith(_CORE) else tag)


def _tag_of(value: Any) -> str:
    kind = {type(None): "null", bool: "bool", int: "int", float: "float"}.get(type(value), "str")
    return _CORE + kind
