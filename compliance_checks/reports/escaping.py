"""Data shown as data: one escaping helper per output kind, all built on ``visible``.

Whatever a report shows (a resource id, a check's message, an evidence value, a waiver's
justification) comes from an AWS account or a file someone else wrote. It must reach the reader as
the characters it is, never as an instruction to the medium: no terminal escape sequence that
recolours or rewrites the screen, no carriage return that overwrites a line, no bidi override that
reorders an ARN, no markup (rich's ``[bold]``, its ``:secret:`` emoji codes, Markdown's ``*`` or
GitHub's ``:shortcode:``), no HTML. ``visible`` turns every control, format and separator character
into a backslash escape a reader can see (``\\x1b``, ``\\r``, ``\\u202e``); the helpers below add what
their medium needs on top. JSON formats need none of this: ``json.dumps`` escapes the same characters.
"""

from __future__ import annotations

import re
import unicodedata
from html import escape as _html_escape

from rich.text import Text

# Unicode categories that never belong in a displayed value: controls (C0, DEL, C1 incl. CSI),
# format characters (bidi overrides and isolates, zero-width characters, tag characters), line and
# paragraph separators, and lone surrogates (which no UTF-8 file can even hold).
_HIDDEN_CATEGORIES = frozenset({"Cc", "Cf", "Zl", "Zp", "Cs"})
_NAMED = {"\t": "\\t", "\n": "\\n", "\r": "\\r"}


def _is_noncharacter(code: int) -> bool:
    """U+FDD0..U+FDEF and U+xFFFE/U+xFFFF: XML 1.0 refuses them and no text should carry them."""
    return 0xFDD0 <= code <= 0xFDEF or (code & 0xFFFE) == 0xFFFE


def _escape_char(char: str) -> str:
    if char in _NAMED:
        return _NAMED[char]
    code = ord(char)
    if code < 0x100:
        return f"\\x{code:02x}"
    if code < 0x10000:
        return f"\\u{code:04x}"
    return f"\\U{code:08x}"


def _hidden(char: str) -> bool:
    return unicodedata.category(char) in _HIDDEN_CATEGORIES or _is_noncharacter(ord(char))


def visible(value: object, *, keep: str = "") -> str:
    """``value`` as text in which every hidden character is a visible backslash escape.

    ``keep`` names the whitespace controls the medium shows as they are (``"\\n\\t"`` where a
    line break in a message is a line break, as in an HTML ``<pre>`` or an XML text node).
    """
    text = str(value)
    if text.isprintable():
        # The common case, without a per-character walk: str.isprintable is False for every
        # character of the hidden categories and for the noncharacters (unassigned, Cn).
        return text
    return "".join(_escape_char(c) if _hidden(c) and c not in keep else c for c in text)


def terminal(value: object) -> Text:
    """A rich ``Text``: rich renders it as it is (no markup, no ``:emoji:`` codes, no styles)."""
    return Text(visible(value, keep="\n"))


def html(value: object) -> str:
    """Text for an HTML element or a quoted attribute."""
    return _html_escape(visible(value, keep="\n\t"), quote=True)


def xml(value: object) -> str:
    """Text for an XML text node or attribute (ElementTree escapes ``<`` ``&`` and quotes itself)."""
    return visible(value, keep="\n\t")


# Markdown (CommonMark + GitHub): backslash escapes for every character that can start inline markup
# (a table cell's pipe included, and ``&`` so that an entity in the data is not decoded), and for a
# character that would open a block (heading, quote, list) where a list item's text begins.
_MARKDOWN_INLINE = re.compile(r"([\\`*_\[\]<>|~&])")
_MARKDOWN_BLOCK_START = re.compile(r"^([#>+-]|\d+[.)])")
# GitHub turns ``:name:`` into a pictogram after Markdown is parsed, backslashes or not, and links a
# bare URL; it leaves code alone. A word that holds such a code (every ARN has ``:aws:``, every
# Secrets Manager ARN ``:secret:``) or a URL is shown as inline code, which keeps it copyable as is.
_AS_CODE = re.compile(r":[A-Za-z0-9_+-]+:|://|^www\.", re.IGNORECASE)


def _code_span(word: str) -> str:
    fence = "`" * (max((len(run) for run in re.findall(r"`+", word)), default=0) + 1)
    padded = f" {word} " if word.startswith("`") or word.endswith("`") else word
    # Inside a table a pipe still ends the cell unless escaped, even in code (GFM spec, tables).
    return f"{fence}{padded.replace('|', chr(92) + '|')}{fence}"


def markdown(value: object) -> str:
    """Text for a Markdown table cell or list item: one line, nothing interpreted."""
    words = visible(value).split()
    text = " ".join(_code_span(w) if _AS_CODE.search(w) else _MARKDOWN_INLINE.sub(r"\\\1", w) for w in words)
    return _MARKDOWN_BLOCK_START.sub(lambda m: m.group(0)[:-1] + "\\" + m.group(0)[-1], text)


# Spreadsheets run a cell that starts with one of these as a formula (OWASP: CSV injection);
# a leading apostrophe makes it text. Tab and carriage return are already escaped by ``visible``.
_FORMULA_START = ("=", "+", "-", "@")


def csv_cell(value: object) -> str:
    """Text for a CSV cell: visible, and never read as a formula."""
    text = visible(value, keep="\n")
    return f"'{text}" if text.startswith(_FORMULA_START) else text
