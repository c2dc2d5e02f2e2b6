"""CloudWatch Logs inventory: log groups and metric filters per region, and a faithful evaluator of
metric-filter patterns so checks can ask "would this filter count that CloudTrail event?" instead of
comparing pattern text.

The evaluator implements the CloudWatch Logs filter-pattern syntax for JSON log events
(``{ $.a.b = "x" && ($.c != y* || $.d NOT EXISTS) }`` with ``= != < > <= >=``, ``IS NULL``,
``NOT EXISTS``, ``IS TRUE``/``IS FALSE``, ``*`` wildcards, ``%regex%`` values, unquoted values,
array indexes) and term patterns (``ERROR``, ``"some phrase"``, ``?A ?B``, ``-exclude``).
Space-delimited ``[...]`` patterns do not apply to JSON events; a pattern it cannot parse raises
``FilterPatternError`` so a caller never counts a filter it did not understand.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from compliance_checks.reader import Reader

# -- inventory -------------------------------------------------------------------------------


def log_groups(reader: Reader, region: str) -> list[dict[str, Any]]:
    return reader.paginate("logs", "describe_log_groups", "logGroups", region=region)


def log_group_arn(group: Mapping[str, Any]) -> str:
    """The log group's ARN without the ``:*`` suffix DescribeLogGroups puts on ``arn``."""
    arn = str(group.get("logGroupArn") or group.get("arn", ""))
    return arn[:-2] if arn.endswith(":*") else arn


def parse_log_group_arn(arn: str) -> tuple[str, str]:
    """(region, name) of ``arn:aws:logs:<region>:<account>:log-group:<name>[:*]``."""
    parts = arn.split(":", 6)
    if len(parts) < 7 or parts[2] != "logs" or parts[5] != "log-group":
        raise ValueError(f"not a log group ARN: {arn}")
    name = parts[6]
    return parts[3], name[:-2] if name.endswith(":*") else name


def metric_filters(reader: Reader, region: str, log_group_name: str) -> list[dict[str, Any]]:
    return reader.paginate(
        "logs",
        "describe_metric_filters",
        "metricFilters",
        region=region,
        missing=("ResourceNotFoundException",),
        logGroupName=log_group_name,
    )


# -- filter patterns -------------------------------------------------------------------------


class FilterPatternError(ValueError):
    """A pattern this evaluator does not understand (never treated as a match)."""


_MISSING = object()
_TOKEN = re.compile(
    r"""\s*(?:
        (?P<op>&&|\|\||!=|<=|>=|=|<|>|\(|\)|\{|\})
      | (?P<string>"(?:[^"\\]|\\.)*")
      | (?P<regex>%(?:[^%\\]|\\.)*%)
      | (?P<selector>\$(?:\.[^\s.=!<>()&|\[\]{}]+|\[\d+\])*)
      | (?P<word>[^\s=!<>()&|{}"]+)
    )""",
    re.VERBOSE,
)


@dataclass(frozen=True)
class _Token:
    kind: str
    text: str


def _tokens(text: str) -> list[_Token]:
    tokens, position = [], 0
    text = text.strip()
    while position < len(text):
        match = _TOKEN.match(text, position)
        if not match or match.end() == position:
            raise FilterPatternError(f"cannot read the pattern at {text[position : position + 20]!r}")
        kind = match.lastgroup or ""
        tokens.append(_Token(kind, match.group(kind)))
        position = match.end()
    return tokens


def _resolve(event: Any, selector: str) -> Any:
    value = event
    for part in re.findall(r"\.([^.\[\]]+)|\[(\d+)\]", selector[1:]):
        key, index = part
        if key:
            if not isinstance(value, Mapping) or key not in value:
                return _MISSING
            value = value[key]
        else:
            if not isinstance(value, list) or int(index) >= len(value):
                return _MISSING
            value = value[int(index)]
    return value


def _number(text: str) -> float | None:
    try:
        return float(text)
    except ValueError:
        return None


class _JsonPattern:
    """Recursive-descent parser producing a predicate over a decoded JSON event."""

    def __init__(self, tokens: list[_Token]) -> None:
        self.tokens = tokens
        self.position = 0

    def peek(self) -> _Token | None:
        return self.tokens[self.position] if self.position < len(self.tokens) else None

    def take(self, kind: str | None = None, text: str | None = None) -> _Token:
        token = self.peek()
        if token is None or (kind and token.kind != kind) or (text and token.text.upper() != text):
            wanted = text or kind or "a token"
            raise FilterPatternError(f"expected {wanted}, found {token.text if token else 'the end'}")
        self.position += 1
        return token

    def parse(self):
        self.take("op", "{")
        predicate = self.disjunction()
        self.take("op", "}")
        if self.peek() is not None:
            raise FilterPatternError("text after the closing brace")
        return predicate

    def disjunction(self):
        terms = [self.conjunction()]
        while (token := self.peek()) and token.text == "||":
            self.take()
            terms.append(self.conjunction())
        return lambda event: any(term(event) for term in terms)

    def conjunction(self):
        terms = [self.primary()]
        while (token := self.peek()) and token.text == "&&":
            self.take()
            terms.append(self.primary())
        return lambda event: all(term(event) for term in terms)

    def primary(self):
        token = self.peek()
        if token and token.text == "(":
            self.take()
            inner = self.disjunction()
            self.take("op", ")")
            return inner
        return self.comparison()

    def comparison(self):
        selector = self.take("selector").text
        token = self.peek()
        if token and token.kind == "word" and token.text.upper() in ("IS", "NOT", "EXISTS"):
            return self.keyword(selector)
        operator = self.take("op").text
        if operator not in ("=", "!=", "<", ">", "<=", ">="):
            raise FilterPatternError(f"unknown operator {operator}")
        value = self.take()
        if value.kind not in ("string", "regex", "word"):
            raise FilterPatternError(f"expected a value after {operator}, found {value.text}")
        return _comparison(selector, operator, value)

    def keyword(self, selector: str):
        first = self.take("word").text.upper()
        if first == "EXISTS":
            return lambda event: _resolve(event, selector) is not _MISSING
        second = self.take("word").text.upper()
        if (first, second) == ("NOT", "EXISTS"):
            return lambda event: _resolve(event, selector) is _MISSING
        if (first, second) == ("IS", "NULL"):
            return lambda event: _resolve(event, selector) is None
        if (first, second) in (("IS", "TRUE"), ("IS", "FALSE")):
            expected = second == "TRUE"
            return lambda event: _resolve(event, selector) is expected
        raise FilterPatternError(f"unknown test {first} {second}")


def _comparison(selector: str, operator: str, value: _Token):
    text = json.loads(value.text) if value.kind == "string" else value.text
    number = _number(text) if value.kind == "word" else None

    if operator in ("<", ">", "<=", ">="):
        if number is None:
            raise FilterPatternError(f"{operator} needs a number, found {value.text}")
        compare = {"<": float.__lt__, ">": float.__gt__, "<=": float.__le__, ">=": float.__ge__}[operator]

        def numeric(event: Any) -> bool:
            found = _resolve(event, selector)
            return isinstance(found, int | float) and not isinstance(found, bool) and compare(float(found), number)

        return numeric

    if value.kind == "regex":
        try:
            expression = re.compile(text[1:-1])
        except re.error as exc:
            raise FilterPatternError(f"unreadable regular expression {text}: {exc}") from exc

        def equal(found: Any) -> bool:
            return isinstance(found, str) and expression.search(found) is not None

    elif number is not None:

        def equal(found: Any) -> bool:
            if isinstance(found, int | float) and not isinstance(found, bool):
                return float(found) == number
            return isinstance(found, str) and found == text

    else:
        # Only "*" is a wildcard in filter patterns; everything else is literal.
        glob = re.compile(".*".join(re.escape(part) for part in text.split("*")), re.DOTALL)

        def equal(found: Any) -> bool:
            if isinstance(found, bool) or found is None or isinstance(found, Mapping | list):
                return False
            return glob.fullmatch(str(found)) is not None

    def test(event: Any) -> bool:
        found = _resolve(event, selector)
        if found is _MISSING:
            # A comparison on an absent property does not match, whichever the operator.
            return False
        return equal(found) if operator == "=" else not equal(found)

    return test


def _term_pattern(text: str):
    if text.startswith("["):
        raise FilterPatternError("space-delimited patterns do not apply to JSON events")
    words = re.findall(r'[?-]?"(?:[^"\\]|\\.)*"|\S+', text)
    required, optional, excluded = [], [], []
    for word in words:
        sign = word[0] if word[0] in "?-" else ""
        term = word[len(sign) :]
        if term.startswith('"'):
            term = json.loads(term)
        {"": required, "?": optional, "-": excluded}[sign].append(term)

    def test(event: Any) -> bool:
        message = json.dumps(event) if not isinstance(event, str) else event
        if any(term in message for term in excluded):
            return False
        if optional and not any(term in message for term in optional):
            return False
        return all(term in message for term in required)

    return test


def pattern_matches(pattern: str, event: Mapping[str, Any]) -> bool:
    """Whether a metric filter with ``pattern`` counts the (JSON) log event ``event``.

    Raises FilterPatternError for syntax this evaluator does not implement.
    """
    text = (pattern or "").strip()
    if not text:
        return True  # the empty pattern matches every event
    if text.startswith("{"):
        return _JsonPattern(_tokens(text)).parse()(event)
    return _term_pattern(text)(event)
