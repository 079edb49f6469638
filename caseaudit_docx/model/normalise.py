"""Turn what an auditor typed into a field's value, or say plainly why it cannot be done.

This module and its readers (:mod:`caseaudit_docx.model.readers`) are the only place that reads
meaning into free text (``docs/fields.md``, "Kinds and their normalised value"). It reads by a
:class:`~caseaudit_docx.model.kinds.Kind`'s *type* and the vocabulary the kind carries; no
form's words, options or ids are spelled here, so a new scale is a new kind in a description
file. It is pure: no I/O, no clock, no locale, so the same form always gives the same record.
Trouble with one field is data, never an exception: :func:`normalise` returns a
:class:`Normalised` whose ``problem`` is a message a quality lead can send to the auditor.

The rule throughout is *read generously, never guess*. Labels, brackets, case and explanatory
words are tolerated ("Score: 4", "(4)", "Partly - see notes"); anything that could mean two
values ("3-4", "Y/N", two options, two dates) gives no value and a problem.
"""

from __future__ import annotations

from functools import lru_cache

from caseaudit_docx.model.dates import parse_date, parse_hint, quote
from caseaudit_docx.model.kinds import TYPES, Kind
from caseaudit_docx.model.readers import NA, Normalised, Reader, compile_kind
from caseaudit_docx.model.record import WARNING

__all__ = ["NA", "Normalised", "normalise"]

def normalise(kind: Kind, text: str | None, *, date_hint: str | None = None,
              checked: bool | None = None) -> Normalised:
    """Normalise ``text`` as ``kind``.

    ``date_hint`` is a Word date picker's stored date; ``checked`` a check box control's state,
    which is the value of a ``checkbox`` kind whatever its text shows. A kind of an unknown
    type is a programming error (``ValueError``), not a problem with the form.
    """
    if not isinstance(kind, Kind):
        raise TypeError(f"normalise needs a Kind, not {type(kind).__name__} {kind!r}")
    if kind.type not in TYPES:
        raise ValueError(f"kind {kind.name!r} has unknown type {kind.type!r}; expected one of "
                         f"{', '.join(TYPES)}")
    if kind.type == "checkbox" and checked is not None:
        return Normalised(bool(checked))
    if text is None or not text.strip():
        return Normalised(None)
    if kind.type == "text":
        return Normalised(text)
    result = _normalise_cached(_reader(kind), text, date_hint)
    if isinstance(result.value, list):  # a cached list must not be shared between records
        return Normalised(list(result.value), result.problem, result.level)
    return result


@lru_cache(maxsize=8192)
def _normalise_cached(reader: Reader, text: str, date_hint: str | None) -> Normalised:
    """The same few answers ("4", "Yes") recur on every form of a batch, and the functions here
    are pure, so each distinct answer is read once (per kind: equal kinds share one reader)."""
    if reader.kind.type == "date":
        return _read_date(text.strip(), date_hint, reader.is_na(text))
    if reader.is_na(text):
        return Normalised(NA)
    return reader.read(text.strip())


# -- compiling a kind, and dates -----------------------------------------------------------------


_READERS: dict[int, tuple[Kind, Reader]] = {}


def _reader(kind: Kind) -> Reader:
    """The kind's compiled reader, found by the kind's identity first.

    A kind is hashed by all its data, options and all, which costs more than a cached answer;
    the same few kind objects come back for every field, so identity finds them (the entry
    holds the kind, so its id is not reused while the entry lives).
    """
    entry = _READERS.get(id(kind))
    if entry is None or entry[0] is not kind:
        if len(_READERS) >= 256:
            _READERS.clear()
        entry = _READERS[id(kind)] = (kind, compile_kind(kind))
    return entry[1]


def _read_date(text: str, date_hint: str | None, na: bool) -> Normalised:
    """A date picker's stored date wins over its displayed text, which may omit the year.

    A hint that is not a real date is ignored and the text read instead. When the text reads
    as N/A (``na``) or as a different date, the stored date is still used and a warning says so.
    """
    hint = parse_hint(date_hint)
    shown = Normalised(NA) if na else Normalised(*parse_date(text))
    if hint is None or shown.value in (None, hint):
        return shown if hint is None else Normalised(hint)
    said = "N/A" if shown.value == NA else f"the date {shown.value}"
    return Normalised(hint, f"{quote(text)} says {said} but the date picker holds {hint}; "
                            f"{hint} was used", WARNING)
