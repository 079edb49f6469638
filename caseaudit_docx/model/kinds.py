"""Kinds as data: how the text a person typed in a field becomes the field's value.

A form description names its own kinds ("score", "grade", "yes_no", …) and says, for each, which
*type* of reading it takes and with what vocabulary. The types are the only thing spelled in
code; a new scale (0-10, 1-4, "Yes / No / Partly", another council's judgements) is a new entry
in a description file, never new code. :mod:`caseaudit_docx.model.normalise` reads text by
these descriptions.

Types:

- ``text``: the text itself;
- ``number``: a whole number from ``minimum`` to ``maximum`` (``out_of`` is the one "N/out_of"
  fraction read as that number);
- ``choice``: one of ``options``, each with its spellings; an option may carry the number
  printed beside it on the form, which stands for it; ``negations`` before an option refuse
  the text; ``misspellings`` are close-spelling targets accepted with a warning;
- ``yes_no``: the first option (yes) or the second (no), written first in the text; an
  optional ``middle`` option, a third answer between them;
- ``multi_choice``: one or more ``options`` (codes and their long names), in option order;
- ``date``: a UK day-first date, or a date picker's stored date, as ``YYYY-MM-DD``;
- ``checkbox``: ticked or not, as ``true``/``false``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

TYPES: tuple[str, ...] = ("text", "number", "choice", "yes_no", "multi_choice", "date",
                          "checkbox")
#: The types whose fields hold a choice among named options (``options`` required).
OPTION_TYPES = frozenset({"choice", "yes_no", "multi_choice"})


@dataclass(frozen=True)
class Option:
    """One canonical value of a kind and the ways people write it.

    ``spellings`` are plain phrases, matched ignoring case, with any white space between words
    and never inside a longer word; ``patterns`` are regular expressions (case-insensitive) for
    what a phrase cannot say. ``number`` is the number printed beside the option on the form
    ("1 Low"), which stands for it; ``colour`` the fill the report gives it (hex RGB).
    """

    value: str
    spellings: tuple[str, ...] = ()
    patterns: tuple[str, ...] = ()
    number: int | None = None
    colour: str | None = None


@dataclass(frozen=True)
class Kind:
    """How a field is read. See the module docstring for what each type uses.

    ``noun`` names a value in messages ("score", "grade", "case category"); ``expected`` lists
    the options as messages say them (default: the option values, "A, B or C"); ``example`` is
    an example answer for messages of multi-choice kinds. ``positive`` are the options a report
    counts as a good outcome, under ``positive_label`` (the form's own words for them).
    """

    name: str
    type: str
    noun: str = ""
    minimum: int | None = None
    maximum: int | None = None
    out_of: int | None = None
    options: tuple[Option, ...] = ()
    middle: Option | None = None
    expected: str | None = None
    example: str | None = None
    negations: tuple[str, ...] = ()
    misspellings: tuple[tuple[str, str], ...] = ()  # (word as it should be, option value)
    misspelling_cutoff: float = 0.9
    qualifiers: tuple[str, ...] = ()  # yes_no: patterns after yes/no that make it unclear
    filler: tuple[str, ...] = ()  # multi_choice: words allowed between the codes
    positive: tuple[str, ...] = ()
    positive_label: str | None = None
    description: str = field(default="", compare=False)
    #: The form's own wording for "not applicable" where the form accepts it for this kind
    #: ("Not applicable"): a typed template's list offers it as an item. Any kind but text
    #: reads N/A whether or not this is set; it only says what the list offers.
    na: str | None = None

    @property
    def values(self) -> tuple[str, ...]:
        """The canonical values, in order (as the data dictionary lists them; besides "n/a")."""
        if self.type == "number" and self.minimum is not None and self.maximum is not None:
            return tuple(str(n) for n in range(self.minimum, self.maximum + 1))
        if self.type == "yes_no" and self.middle is not None and len(self.options) == 2:
            return (self.options[0].value, self.middle.value, self.options[1].value)
        if self.type in OPTION_TYPES:
            return tuple(o.value for o in self.options)
        if self.type == "date":
            return ("YYYY-MM-DD",)
        if self.type == "checkbox":
            return ("true", "false")
        return ()

    @property
    def is_text(self) -> bool:
        return self.type == "text"

    @property
    def listed(self) -> str:
        """The options as a message lists them: ``expected``, else "A, B or C"."""
        if self.expected:
            return self.expected
        values = list(self.values)
        return values[0] if len(values) == 1 else f"{', '.join(values[:-1])} or {values[-1]}"


#: The kinds every stage may rely on whatever the form: free text, and a date (the register
#: reads identity dates and report filters with it).
TEXT = Kind("text", "text")
DATE = Kind("date", "date", noun="date")
