"""File names are data: any bytes in a name, stored and printed safely.

POSIX file names are bytes. Python hands them over as text decoded with ``surrogateescape``
(:func:`os.fsdecode`): a byte that is not UTF-8 becomes a lone surrogate (U+DC80-U+DCFF),
which SQLite, JSON and a terminal all refuse. And a name may hold a newline, a carriage return
or a terminal escape sequence (ESC, U+001B) that would break a message in two, or rewrite what
a person sees on the screen. So:

- :func:`stored_name` is the name as text that can be written anywhere (each byte that is not
  UTF-8 as ``\\xNN``); :func:`raw_name` is the bytes of a name that is not UTF-8 (None for the
  rest), which the register keeps beside it so that two such names never become one;
- :func:`safe_line` is a line fit for a terminal: that text with every control character
  escaped (``\\n``, ``\\r``, ``\\t``, ``\\x1b``, ...), line and paragraph separators and
  bidirectional overrides too, so that one message is always one line. :func:`safe_name` is
  the same for a path. Both leave ordinary text (accents, other scripts) as it is, and applying
  either twice changes nothing more.
"""

from __future__ import annotations

import os
import unicodedata

_SURROGATES = (0xD800, 0xDFFF)
_ESCAPED_BYTES = (0xDC80, 0xDCFF)  # surrogateescape's range: one byte each
_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}
#: Bidirectional embeddings, overrides and isolates: they reorder what follows on the screen.
_BIDI = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c")


def _text(name: str | os.PathLike[str] | bytes) -> str:
    if isinstance(name, bytes):
        return os.fsdecode(name)
    return os.fspath(name)


def stored_name(name: str | os.PathLike[str] | bytes) -> str:
    """``name`` as valid text: each byte that is not UTF-8 as ``\\xNN``, any other lone
    surrogate as ``\\uXXXX``; a name that is valid text comes back unchanged."""
    text = _text(name)
    if not any(_SURROGATES[0] <= ord(ch) <= _SURROGATES[1] for ch in text):
        return text
    try:
        return text.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
    except UnicodeEncodeError:  # a surrogate that no decoding made: name it
        return "".join(_escape_surrogate(ch) for ch in text)


def _escape_surrogate(ch: str) -> str:
    code = ord(ch)
    if _ESCAPED_BYTES[0] <= code <= _ESCAPED_BYTES[1]:
        return f"\\x{code - 0xDC00:02x}"
    if _SURROGATES[0] <= code <= _SURROGATES[1]:
        return f"\\u{code:04x}"
    return ch


def raw_name(name: str | os.PathLike[str] | bytes) -> bytes | None:
    """The bytes of a name that is not valid UTF-8 (as the file system holds them); None
    when :func:`stored_name` gives the name itself."""
    text = _text(name)
    if stored_name(text) == text:
        return None
    return text.encode("utf-8", "surrogateescape" if _decodable(text) else "surrogatepass")


def _decodable(text: str) -> bool:
    try:
        text.encode("utf-8", "surrogateescape")
    except UnicodeEncodeError:
        return False
    return True


def _escape_char(ch: str) -> str:
    if ch in _NAMED:
        return _NAMED[ch]
    code = ord(ch)
    category = unicodedata.category(ch)
    if category == "Cc":
        return f"\\x{code:02x}"
    if category in ("Zl", "Zp") or ch in _BIDI:
        return f"\\u{code:04x}"
    return ch


def safe_line(text: str) -> str:
    """``text`` fit for one line on a terminal: :func:`stored_name`, then control
    characters, line separators and bidirectional overrides escaped."""
    text = stored_name(text)
    if text.isprintable():
        return text
    return "".join(_escape_char(ch) for ch in text)


def safe_name(path: str | os.PathLike[str] | bytes) -> str:
    """A path as a message prints it: :func:`safe_line` of its name."""
    return safe_line(_text(path))


def control_characters(text: str) -> tuple[str, ...]:
    """The control characters in ``text`` that are not white space (a bell, an escape, a
    NUL), each once, in order met: what :func:`without_controls` removes."""
    found: list[str] = []
    for ch in text:
        if _is_control(ch) and ch not in found:
            found.append(ch)
    return tuple(found)


#: The control characters that are white space in a text: squeezed, not removed.
_WHITE_SPACE = frozenset("\t\n\r\x0b\x0c\x85")


def _is_control(ch: str) -> bool:
    return ch not in _WHITE_SPACE and unicodedata.category(ch) == "Cc"


def without_controls(text: str) -> str:
    """``text`` without its control characters (white space is left as it is)."""
    if text.isprintable():
        return text
    return "".join(ch for ch in text if not _is_control(ch))
