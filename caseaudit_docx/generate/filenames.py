"""File names for generated forms that every file system accepts and nobody can abuse.

Names come from case data (``--name "{case} {team}.docx"``: header field ids in braces, the
case number as ``{case}`` whatever the form calls its case field, and ``{row}``), and case data is
whatever the case management system holds: slashes in case references, "..", names of
Windows devices, line breaks, right-to-left marks, very long names. A name made here has no
path separators or "..", no control or bidirectional-override characters, is not a reserved
Windows device name (CON, NUL, COM1 …), does not start like a Word lock file ("~$"), ends in
.docx and is at most 120 characters (and 240 bytes of UTF-8, within every file system's limit).
"""

from __future__ import annotations

import re
import string
import unicodedata
from collections.abc import Collection, Mapping

from caseaudit_docx.errors import InputError

SUFFIX = ".docx"
MAX_CHARS = 120
MAX_BYTES = 240
#: Besides the header field ids, a pattern may use the row number of the case list, and the
#: case number under one name for every form (the value of the form's case field).
ROW = "row"
CASE = "case"
DEFAULT_PATTERN = "{" + CASE + "}.docx"

_RESERVED = frozenset(
    ["con", "prn", "aux", "nul", "conin$", "conout$", "clock$"]
    + [f"{dev}{n}" for dev in ("com", "lpt") for n in [*"123456789", "\u00b9", "\u00b2", "\u00b3"]]
)
_FORBIDDEN = re.compile(r'[<>:"/\\|?*]')
_BIDI = re.compile("[\u200e\u200f\u202a-\u202e\u2066-\u2069\u061c]")
_DOTS = re.compile(r"\.{2,}")


def check_pattern(pattern: str, fields: Collection[str]) -> None:
    """Refuse a --name pattern that uses an unknown field or anything but plain ``{field}``
    replacement fields (no attribute or index look-ups, no ``!r`` conversions), or one whose
    names could not be short: a format's width or precision past :data:`MAX_CHARS`
    (``{case:>300000000}`` would make a 300 MB string before it was cut), a pattern longer than
    :data:`MAX_PATTERN` or with more than :data:`MAX_FIELDS` fields."""
    allowed = set(fields) | {ROW, CASE}
    shown_pattern = _shown(pattern)
    if len(pattern) > MAX_PATTERN:
        raise InputError(f"--name {shown_pattern}: is {len(pattern):,} characters long; a file "
                         f"name is at most {MAX_CHARS}")
    try:
        parsed = list(string.Formatter().parse(pattern))
    except ValueError as exc:
        raise InputError(f"--name {shown_pattern} is not a valid pattern ({exc})") from None
    if sum(name is not None for _, name, _, _ in parsed) > MAX_FIELDS:
        raise InputError(f"--name {shown_pattern}: has more than {MAX_FIELDS} {{fields}}")
    for _, name, spec, conversion in parsed:
        if name is None:
            continue
        if name not in allowed:
            shown = "{" + name + "}" if name else "{}"
            raise InputError(
                f"--name {shown_pattern}: {shown} is not a header field; use "
                + ", ".join("{" + f + "}" for f in dict.fromkeys((*fields, CASE, ROW)))
            )
        if conversion:
            raise InputError(f"--name {shown_pattern}: {{{name}!{conversion}}} is not allowed; "
                             f"write {{{name}}}")
        _check_spec(shown_pattern, name, spec or "")


#: The longest --name pattern, and the most replacement fields in one.
MAX_PATTERN = 1_000
MAX_FIELDS = 20
#: Python's format specification mini-language, with width and precision captured.
_SPEC = re.compile(r"(?:.?[<>=^])?[-+ ]?z?#?0?(?P<width>\d*)[_,]?(?:\.(?P<precision>\d+))?"
                   r"[bcdeEfFgGnosxX%]?", re.DOTALL)


def _check_spec(pattern: str, name: str, spec: str) -> None:
    """Refuse a format that is not plain (nested fields) or whose width or precision is past
    the longest file name: checked here, before any string is made."""
    found = _SPEC.fullmatch(spec)
    if found is None:
        raise InputError(f"--name {pattern}: {{{name}:{spec[:40]}}} is not a format "
                         "this tool understands")
    for what in ("width", "precision"):
        size = found.group(what)
        if size and int(size) > MAX_CHARS:
            raise InputError(f"--name {pattern}: the {what} {int(size):,} in {{{name}:{spec}}} "
                             f"is longer than a file name can be (at most {MAX_CHARS})")


def _shown(text: str, limit: int = 200) -> str:
    """``text`` quoted for a message, cut to ``limit`` characters."""
    return repr(text if len(text) <= limit else text[:limit] + "…")


def format_name(pattern: str, values: Mapping[str, str], row: int) -> str:
    """The safe file name for one case (``pattern`` already checked)."""
    context: dict[str, object] = {key: _flatten(value) for key, value in values.items()}
    context[ROW] = row
    try:
        name = string.Formatter().vformat(pattern, (), _Missing(context))
    except (ValueError, TypeError) as exc:
        raise InputError(f"--name {pattern!r} cannot be used for row {row} ({exc})") from None
    return safe_filename(name, fallback=f"case-row-{row}")


def safe_filename(name: str, *, fallback: str = "form") -> str:
    """``name`` made safe everywhere (see the module docstring); ``fallback`` if nothing is left."""
    name = unicodedata.normalize("NFC", _flatten(name))
    name = _FORBIDDEN.sub("_", name)
    name = " ".join(name.split())
    stem = name[: -len(SUFFIX)] if name.lower().endswith(SUFFIX) else name
    stem = _tidy(_DOTS.sub(".", stem))
    if stem.startswith("~$"):
        stem = "_" + stem[1:]
    if stem.split(".")[0].strip().casefold() in _RESERVED:
        stem = "_" + stem
    stem = _fit(stem, 0) or _fit(safe_filename(fallback)[: -len(SUFFIX)], 0) or "form"
    return stem + SUFFIX


def numbered(name: str, number: int) -> str:
    """``name`` with " (number)" before .docx, still within the length limits."""
    stem, extra = name[: -len(SUFFIX)], f" ({number})"
    return (_fit(stem, len(extra), len(extra)) or "form") + extra + SUFFIX


def name_key(name: str) -> str:
    """Two names that clash on a case-insensitive file system (Windows, macOS) share a key."""
    return unicodedata.normalize("NFC", name).casefold()


def _flatten(text: str) -> str:
    """Control characters (line breaks, tabs) become spaces; bidi overrides are dropped."""
    text = _BIDI.sub("", text)
    return "".join(" " if unicodedata.category(ch) == "Cc" else ch for ch in text)


def _tidy(stem: str) -> str:
    """No leading dots (hidden files, "..") and no trailing dots or spaces (Windows drops them)."""
    return stem.strip(" ").lstrip(".").rstrip(". ")


def _fit(stem: str, reserve_bytes: int, reserve_chars: int = 0) -> str:
    """Cut ``stem`` so that stem + suffix fits both limits, then tidy the cut end."""
    chars = MAX_CHARS - len(SUFFIX) - reserve_chars
    budget = MAX_BYTES - len(SUFFIX) - reserve_bytes
    stem = stem[:chars]
    while len(stem.encode("utf-8")) > budget:
        stem = stem[:-1]
    return _tidy(stem)


class _Missing(dict):  # type: ignore[type-arg]
    """Format mapping where a field the row leaves blank is simply empty."""

    def __missing__(self, key: str) -> str:
        return ""
