"""Rules that tell an answer cell's kind: from its control, then from the printed hints.

Each rule is a function of one piece of evidence that returns a kind or ``None`` (no opinion);
:func:`kind_from_hint` tries the hint rules in order on one printed label, and the learner
asks the nearest column heading, then the row's own wording, then the labels further up the
column. A known scale (``vocabularies.json``) is returned as it is, so that a learned form
reads answers exactly as the bundled form does; anything else becomes a new kind, named after
what it is.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import replace

from caseaudit_docx.model.kinds import OPTION_TYPES, Kind, Option
from caseaudit_docx.model.matching import label_key
from caseaudit_docx.model.readers import reads_as_na
from caseaudit_docx.oxml.layout import ControlLayout, ListItem

from .vocabulary import Vocabulary

HintRule = Callable[[Sequence[str], Vocabulary], "Kind | None"]

_NUMBERED_LINE = re.compile(r"^\s*(\d{1,2})\s*[.):=-]?\s+(?!means\b)([A-Za-z].*?)\s*$")
_MEANS = re.compile(r"(?<!\d)(\d{1,2})\s+means\b", re.IGNORECASE)
_ENDS_TO = re.compile(r"(?<!\d)(\d{1,2})\s*\([^()]*\)\s*(?:to|-|–)\s*(\d{1,2})\s*\(", re.IGNORECASE)
_RANGE = re.compile(r"^\(?\s*(\d{1,2})\s*(?:-|–|to)\s*(\d{1,2})\s*\)?$", re.IGNORECASE)
_RANGE_IN = re.compile(r"\(\s*(\d{1,2})\s*(?:-|–|to)\s*(\d{1,2})\s*\)", re.IGNORECASE)
_WHERE = re.compile(r"(?<!\d)(\d{1,2})\s*(?:-|–|to)\s*(\d{1,2})\s*,?\s*where\b(?P<rest>.*)",
                    re.IGNORECASE | re.DOTALL)
_EQUALS = re.compile(r"(?<!\d)(\d{1,2})\s*=\s*([A-Za-z][A-Za-z '’-]*[A-Za-z])")


# -- controls ----------------------------------------------------------------------------------


def kind_from_control(control: ControlLayout | None, vocab: Vocabulary) -> Kind | None:
    """The control-type-to-kind rule: a check box is a checkbox, a date picker a date, a
    list a choice of its items (a known scale when its items are one); text controls say
    nothing about their kind."""
    if control is None:
        return None
    if control.type == "checkbox":
        return vocab.checkbox
    if control.type == "date":
        return vocab.date
    if control.type in ("dropDownList", "comboBox") and control.items:
        return kind_from_list(control.items, vocab)
    return None


def kind_from_list(items: Sequence[ListItem], vocab: Vocabulary) -> Kind:
    """A drop-down's kind: the known scale its items are; a whole number when they are the
    numbers of a range ("1" to "5", a score's list); else a choice of those items. An
    item that says N/A ("Not applicable") is no option: every kind reads N/A, and the item
    becomes the kind's ``na`` wording, so the list is built again as it was."""
    listed = [i for i in items if i.display.strip() and not _is_prompt(i, vocab)]
    shown = [i for i in listed if not reads_as_na(i.display)]
    na = next((i.display for i in listed if reads_as_na(i.display)), None)
    if shown and na is not None:
        return replace(kind_from_list(shown, vocab), na=na)
    known = _known_by_values([i.display for i in shown], vocab)
    numbers = _whole_numbers([i.display for i in shown]) if known is None else None
    if numbers is not None:  # "1" to "5": a score, whose values are numbers, not a choice
        known = _number(numbers[0], numbers[-1], vocab)
    if known is not None:  # a known scale offers N/A only where this list does
        return replace(known, na=None) if known.na else known
    options = []
    for item in shown:
        spellings = dict.fromkeys(s.casefold() for s in (item.display, item.value) if s.strip())
        options.append(Option(item.display, tuple(spellings)))
    name = "choice_" + "_".join(label_key(o.value).replace(" ", "_") for o in options[:3])
    return Kind(name[:40].rstrip("_"), "choice", options=tuple(options))


def _whole_numbers(texts: Sequence[str]) -> list[int] | None:
    """The list's items as whole numbers, when they are every number from the least to the
    greatest ("0", "1", "2"), in any order; else None. Three digits at most: a list of years
    ("2019", "2020") is a choice of them, not a score."""
    if not texts or not all(t.strip().isdecimal() and len(t.strip()) <= 3 for t in texts):
        return None
    numbers = sorted(int(t) for t in texts)
    return numbers if numbers == list(range(numbers[0], numbers[0] + len(numbers))) else None


def _is_prompt(item: ListItem, vocab: Vocabulary) -> bool:
    return item.display in vocab.placeholders or not item.value.strip()


# -- printed hints -----------------------------------------------------------------------------


def numbered_options_kind(lines: Sequence[str], vocab: Vocabulary) -> Kind | None:
    """"1 Low / 2 Medium / 3 High", a line each, numbered one after another:
    a choice of those options, each chosen by its number too."""
    found = [m for m in (_NUMBERED_LINE.match(line) for line in lines) if m]
    numbers = [int(m.group(1)) for m in found]
    if len(found) < 2 or numbers != list(range(numbers[0], numbers[0] + len(numbers))):
        return None
    return _numbered_choice([(n, m.group(2).strip()) for n, m in zip(numbers, found)], vocab)


def scale_ends_kind(lines: Sequence[str], vocab: Vocabulary) -> Kind | None:
    """Only the ends of a scale printed ("1 No, not at all" ... "5 Yes, completely"; "1 means
    ... 5 means ..."; "0 (bad) to 10 (good)"): a whole number between them."""
    text = " ".join(lines)
    ends = _ENDS_TO.search(text)
    if ends:
        return _number(int(ends.group(1)), int(ends.group(2)), vocab)
    means = [int(n) for n in _MEANS.findall(text)]
    if len(means) >= 2 and means[0] < means[-1]:
        return _number(means[0], means[-1], vocab)
    numbered = [int(m.group(1)) for m in (_NUMBERED_LINE.match(line) for line in lines) if m]
    if len(numbered) >= 2 and numbered[-1] - numbered[0] > len(numbered) - 1:
        return _number(numbered[0], numbered[-1], vocab)
    return None


def range_kind(lines: Sequence[str], vocab: Vocabulary) -> Kind | None:
    """"1-5" on a line of its own, or "(1 to 5)": a whole number in that range."""
    for line in lines:
        found = _RANGE.match(line.strip()) or _RANGE_IN.search(line)
        if found and int(found.group(1)) < int(found.group(2)):
            return _number(int(found.group(1)), int(found.group(2)), vocab)
    return None


def where_kind(lines: Sequence[str], vocab: Vocabulary) -> Kind | None:
    """"1-4, where 1 = Best": a choice whose options are chosen by number. The options
    printed ("2 = Fair") are taken as printed; the rest come from the known scale of that many
    options that has the printed ones at their places (read either way round)."""
    found = _WHERE.search(" ".join(lines))
    if not found:
        return None
    low, high = int(found.group(1)), int(found.group(2))
    if high <= low or high - low > 20:
        return None
    printed = {int(n): v.strip() for n, v in _EQUALS.findall(found.group("rest"))}
    printed = {n: v for n, v in printed.items() if low <= n <= high}
    if len(printed) == high - low + 1:
        return _numbered_choice(sorted(printed.items()), vocab)
    count = high - low + 1
    for scale in vocab.scales:
        if scale.type != "choice" or len(scale.options) != count:
            continue
        for options in (scale.options, tuple(reversed(scale.options))):
            if all(label_key(options[n - low].value) == label_key(v) for n, v in printed.items()):
                return _renumbered(scale, options, low)
    return None


def known_scale_kind(lines: Sequence[str], vocab: Vocabulary) -> Kind | None:
    """A printed list of a known scale's options ("(A, B, C, D)", "yes/no"): the known scale
    (learn/vocabularies.json) whose every option the hint prints."""
    text = f" {label_key(' '.join(lines))} "
    for scale in vocab.scales:
        if scale.type in OPTION_TYPES and all(f" {label_key(v)} " in text for v in scale.values):
            return scale
    return None


def date_kind(lines: Sequence[str], vocab: Vocabulary) -> Kind | None:
    """A label that speaks of a date ("Audit start date", "By when"; not "up to date")."""
    text = " ".join(lines)
    return vocab.date if any(cue.search(text) for cue in vocab.date_cues) else None


#: The hint rules, in the order they are asked.
HINT_RULES: tuple[HintRule, ...] = (
    where_kind, numbered_options_kind, scale_ends_kind, range_kind, known_scale_kind, date_kind,
)


#: The hint rules a question's wording is asked under a heading that names free text: a scale
#: it prints is its answers', but its "by when?" does not make a comments column a date.
WORDING_RULES: tuple[HintRule, ...] = tuple(r for r in HINT_RULES if r is not date_kind)


def kind_from_hint(lines: Sequence[str], vocab: Vocabulary,
                   rules: Sequence[HintRule] | None = None) -> Kind | None:
    """The kind one printed label gives, by the first hint rule (of ``rules``, all by default)
    with an opinion."""
    for rule in HINT_RULES if rules is None else rules:
        kind = rule(lines, vocab)
        if kind is not None:
            return kind
    return None


def is_free_text(lines: Sequence[str], vocab: Vocabulary) -> bool:
    """Whether a heading names free text ("Auditor notes", "Action"): no note is needed."""
    text = " ".join(lines)
    return any(cue.search(text) for cue in vocab.text_cues)


# -- building kinds ----------------------------------------------------------------------------


def _number(low: int, high: int, vocab: Vocabulary) -> Kind | None:
    if low >= high:
        return None
    known = vocab.number_scale(low, high)
    if known is not None:
        return known
    return Kind(f"number_{low}_{high}", "number", noun=vocab.number_noun, minimum=low,
                maximum=high, out_of=high if low in (0, 1) else None,
                description=vocab.number_description.format(minimum=low, maximum=high))


def _known_by_values(values: Sequence[str], vocab: Vocabulary) -> Kind | None:
    wanted = sorted(label_key(v) for v in values)
    for scale in vocab.scales:
        if scale.type in OPTION_TYPES and sorted(label_key(v) for v in scale.values) == wanted:
            return scale
    return None


def _numbered_choice(pairs: Sequence[tuple[int, str]], vocab: Vocabulary) -> Kind:
    """A choice of printed, numbered options; the known scale with those options and numbers
    when there is one, else a new kind (known spellings kept for options a scale knows)."""
    values = [v for _, v in pairs]
    for scale in vocab.scales:
        if (scale.type == "choice" and [label_key(o.value) for o in scale.options]
                == [label_key(v) for v in values]
                and all(o.number == n for o, (n, _) in zip(scale.options, pairs))):
            return scale
    known = {label_key(o.value): o for s in vocab.scales for o in s.options}
    options = []
    for number, value in pairs:
        base = known.get(label_key(value))
        spellings = base.spellings if base else (value.casefold(),)
        patterns = base.patterns if base else ()
        options.append(Option(value, spellings, patterns, number))
    expected = _listed([f"{o.number} {o.value}" for o in options])
    name = "choice_" + "_".join(label_key(o.value).replace(" ", "_") for o in options[:3])
    return Kind(name[:40].rstrip("_"), "choice", options=tuple(options), expected=expected)


def _renumbered(scale: Kind, options: Sequence[Option], low: int) -> Kind:
    numbered = tuple(Option(o.value, o.spellings, o.patterns, low + i, o.colour)
                     for i, o in enumerate(options))
    expected = _listed([f"{o.number} {o.value}" for o in numbered])
    return Kind(f"{scale.name}_{low}_{low + len(options) - 1}", "choice", noun=scale.noun,
                options=numbered, expected=expected, negations=scale.negations,
                misspellings=scale.misspellings, positive=scale.positive,
                positive_label=scale.positive_label, description=scale.description)


def _listed(items: Sequence[str]) -> str:
    return items[0] if len(items) == 1 else f"{', '.join(items[:-1])} or {items[-1]}"
