"""The readers behind :func:`caseaudit_docx.model.normalise.normalise`, one per kind type.

Each kind of a form is compiled once into a reader (:func:`compile_kind`): its spellings,
patterns, negations and numbers become regular expressions, so that reading an answer costs a
few searches. Readers are pure and hold no form's words of their own: everything they match
comes from the kind (:mod:`caseaudit_docx.model.kinds`).
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache

from caseaudit_docx.model.dates import quote
from caseaudit_docx.model.kinds import Kind, Option
from caseaudit_docx.model.record import ERROR, WARNING

NA = "n/a"


@dataclass(frozen=True)
class Normalised:
    """A field's value plus, when the text needed a second look, a message about it.

    Invariants callers may rely on (for non-blank text): an ``"error"`` problem means
    ``value is None``; a ``"warning"`` problem means a value was kept but the auditor should
    check what was assumed; no problem means a value was found.
    """

    value: object | None
    problem: str | None = None
    level: str = ERROR


# -- shared helpers ------------------------------------------------------------------------------

# "N/A", "NA", "N.A.", "Not applicable", optionally followed by an explanation ("N/A - baby").
_NA_RE = re.compile(r"^\W*(?:n\s*/\s*a|n\.a\.?|na|not\s+applicable)(?![\w/])", re.I)


def reads_as_na(text: str) -> bool:
    """Whether ``text`` says "not applicable" ("N/A", "NA", "N.A.", "Not applicable", maybe
    with an explanation after it), as every kind but text reads it."""
    return bool(_NA_RE.match(text.strip()))


# Words that label an answer on any scale, whatever a form calls its kinds; each kind adds its
# own noun ("Judgement - ...", "Outcome: ...").
_LABEL_WORDS = ("answer", "response", "score", "rating")
# A leading label auditors write before the answer: "Score: 4", "Answer - no", "Rating of 8".
_LABEL = (r"^(?:(?:auditor|practitioner|overall)(?:'|’)?s?\s+)?(?:{words})\b"
          r"[\s:=\-–—]*(?:(?:of|is|as|at)\b[\s:=\-–—]*)?")


def _inflected(word: str) -> str:
    """A label word and its forms: "score" -> score(s|d)/scoring, "rating" -> rate(s|d)/rating."""
    word = word.lower()
    if word.endswith("ing") and len(word) > 4:
        return re.escape(word[:-3]) + "(?:e[sd]?|ings?)"
    if word.endswith("e"):
        return re.escape(word[:-1]) + "(?:e[sd]?|ing)"
    if word.endswith("y"):
        return re.escape(word[:-1]) + "(?:y|ies)"
    return re.escape(word) + "s?"


def _label_re(kind: Kind) -> re.Pattern[str]:
    words = set(_LABEL_WORDS)
    noun = kind.noun.split()
    if noun:  # "support type": the whole noun, or its last word
        words.add(" ".join(noun))
        words.add(noun[-1])
    alternatives = sorted(
        (r"\s+".join([*map(re.escape, w.split()[:-1]), _inflected(w.split()[-1])]) for w in words),
        key=lambda a: (-len(a), a))
    return re.compile(_LABEL.format(words="|".join(alternatives)), re.I)


def _phrase(spelling: str) -> str:
    """A plain phrase as a pattern: any case, any white space between words, not in a word."""
    return r"(?<!\w)" + r"\s+".join(map(re.escape, spelling.split())) + r"(?!\w)"


def _either(alternatives: list[str]) -> str:
    return "|".join(f"(?:{a})" for a in alternatives)


def _option_parts(option: Option) -> list[str]:
    """An option's spellings (as phrases) and patterns."""
    return [_phrase(s) for s in option.spellings if s.strip()] + list(option.patterns)


def _article(noun: str) -> str:
    return f"an {noun}" if noun[:1].lower() in "aeiou" else f"a {noun}"


def _error(message: str) -> Normalised:
    return Normalised(None, message, ERROR)


@dataclass(frozen=True, eq=False)
class Reader:
    """A kind compiled once: its label pattern, and how its type reads a non-blank answer."""

    kind: Kind
    label: re.Pattern[str]

    @property
    def noun(self) -> str:
        return self.kind.noun or "answer"

    def strip_label(self, text: str) -> str:
        return self.label.sub("", text, count=1).strip()

    def is_na(self, text: str) -> bool:
        stripped = text.strip()
        return bool(_NA_RE.match(stripped) or _NA_RE.match(self.strip_label(stripped)))

    def read(self, text: str) -> Normalised:  # text and date kinds never get here
        raise ValueError(f"kind {self.kind.name!r} of type {self.kind.type!r} has no reader")


# -- number --------------------------------------------------------------------------------------

_WORDS = ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten")
_WORD = "(?:" + "|".join(_WORDS) + ")"
_NUM = rf"(?:\d+(?:\.\d+)?|{_WORD})"
# The answer starts with the number, optionally bracketed and "out of" something: "(4/5) mostly".
_LEADING_NUM_RE = re.compile(
    rf"^[(\[]?\s*(?P<num>{_NUM})(?!\w|\.\d)\s*"
    rf"(?:(?:/|out\s+of)\s*(?P<den>\d+(?:\.\d+)?)(?!\w))?\s*[)\]]?(?P<rest>.*)$",
    re.I | re.S | re.A,
)
# ...or ends with it in brackets: "Mostly yes (4)". A bare number elsewhere ("see page 5") is not
# read: it is as likely a page, a count or a date as an answer.
_TRAILING_NUM_RE = re.compile(rf"[(\[]\s*(?P<inner>{_NUM}[^()\[\]]*)[)\]]\W*$", re.I | re.A)
_FRACTION_RE = re.compile(r"\s*[\u00bc-\u00be\u2150-\u215e]")  # "3½", "3 ¾"
# A second number straight after the first means a range or a choice: "3-4", "3 or 4", "4, 5".
_SECOND_NUM_RE = re.compile(
    rf"^\W*(?:\d|(?:or|and|to)\W+(?:\d|{_WORD}(?!\w))|{_WORD}\W*$)", re.I | re.A
)


def _read_number(text: str, body: str, low: int, high: int, out_of: int | None, noun: str
                 ) -> Normalised:
    """Read one whole number from ``low`` to ``high`` from ``body`` (``text`` without its label;
    ``noun`` names the number in messages).

    Only "N/<out_of>" is read as a fraction: "3/4" on a 1-5 scale could be "3 out of 4" or
    "3 or 4", so it is refused rather than guessed.
    """
    match = _LEADING_NUM_RE.match(body)
    if match is None and (trailing := _TRAILING_NUM_RE.search(body)):
        match = _LEADING_NUM_RE.match(trailing["inner"])
    if match is None:
        return _error(f"{quote(text)} is not {_article(noun)} (write the number first, "
                      f'e.g. "{high - 1}")')
    num, den, rest = match["num"].lower(), match["den"], match["rest"]
    if "." in num or _FRACTION_RE.match(rest):
        return _error(f"{quote(text)} is not a whole {noun}")
    if den is not None and (out_of is None or den != str(out_of)):
        hint = f' (only "N/{out_of}" is read as out of {out_of})' if out_of else ""
        return _error(f"{quote(text)} is not a single {noun}{hint}")
    if _SECOND_NUM_RE.match(rest):
        return _error(f"{quote(text)} is not a single {noun}")
    # A long digit run is out of range anyway; not parsing it keeps int() clear of huge input.
    value = _WORDS.index(num) if num in _WORDS else int(num) if len(num) <= 4 else None
    if value is None or not low <= value <= high:
        return _error(f"{quote(text)} is not {_article(noun)}")
    return Normalised(value)


@dataclass(frozen=True, eq=False)
class _Number(Reader):
    def read(self, text: str) -> Normalised:
        kind = self.kind
        low, high = kind.minimum or 0, kind.maximum or 0
        return _read_number(text, self.strip_label(text), low, high, kind.out_of,
                            f"{self.noun} from {low} to {high}")


# -- choice: one option, by its words or the number printed beside it ---------------------------


@dataclass(frozen=True, eq=False)
class _Choice(Reader):
    finders: tuple[tuple[re.Pattern[str], int], ...] = ()  # (pattern, option index)
    any_option: re.Pattern[str] | None = None  # all finders at once: one scan for no option
    negation: re.Pattern[str] | None = None  # a negation and the space after it
    by_number: Mapping[int, int] = field(default_factory=dict)  # number -> option index

    def read(self, text: str) -> Normalised:
        options, noun, listed = self.kind.options, self.noun, self.kind.listed
        spans = [(m.start(), m.end(), index) for pattern, index in self.finders
                 for m in pattern.finditer(text) if m.end() > m.start()
                 ] if self.any_option and self.any_option.search(text) else []
        kept: list[tuple[int, int, int]] = []
        # Longest first: a pattern spanning another option's word ("needs work to be safe"
        # against "safe") is its own option alone.
        for span in sorted(spans, key=lambda s: (s[0] - s[1], s[0])):
            if all(span[1] <= k[0] or span[0] >= k[1] for k in kept):
                kept.append(span)
        negated = {m.end() for m in self.negation.finditer(text)} if self.negation else set()
        if any(start in negated for start, _, _ in kept):
            return _error(f"{quote(text)} is negated; expected one {noun}: {listed}")
        named = sorted({index for _, _, index in kept})
        if len(named) > 1:
            values = ", ".join(options[i].value for i in named)
            return _error(f"{quote(text)} names more than one {noun} ({values})")
        if self.by_number:
            body = self.strip_label(text)
            if _LEADING_NUM_RE.match(body) or _TRAILING_NUM_RE.search(body):
                return self._read_by_number(text, body, named[0] if named else None)
        if named:
            return Normalised(options[named[0]].value)
        return self._misspelt(text) or _error(
            f"{quote(text)} is not {_article(noun)} (expected {listed})")

    def _read_by_number(self, text: str, body: str, named: int | None) -> Normalised:
        """The number beside an option stands for it; number and words must agree."""
        numbers = self.by_number
        low, high = min(numbers), max(numbers)
        read = _read_number(text, body, low, high, None, f"{self.noun} from {low} to {high}")
        if not isinstance(read.value, int):
            return read
        if read.value not in numbers:
            return _error(f"{quote(text)} is not {_article(f'{self.noun} from {low} to {high}')}")
        option = self.kind.options[numbers[read.value]]
        if named is not None and named != numbers[read.value]:
            other = self.kind.options[named].value
            return _error(f"{quote(text)} gives both {read.value} ({option.value}) and {other}")
        return Normalised(option.value)

    def _misspelt(self, text: str) -> Normalised | None:
        """One option's word spelt close enough (``misspellings``) is read, with a warning.

        Short words are never tried (a four-letter word is one letter from many others), and
        the cutoff keeps a word's opposite ("accurate" against "inaccurate") from being read
        as it.
        """
        targets = dict(self.kind.misspellings)
        if not targets:
            return None
        close = {
            (word, targets[match[0]])
            for word in re.findall(r"[a-z]{6,}", text.lower())
            if word not in targets
            and (match := difflib.get_close_matches(word, list(targets), n=1,
                                                    cutoff=self.kind.misspelling_cutoff))
        }
        if len({value for _, value in close}) != 1:
            return None
        word, value = sorted(close)[0]
        return Normalised(value, f'{quote(text)} was read as "{value}" ("{word}" looks like a '
                                 "misspelling); please check", WARNING)


# -- yes_no: yes or no written first, and an optional middle answer -----------------------------


@dataclass(frozen=True, eq=False)
class _YesNo(Reader):
    answer_re: re.Pattern[str] | None = None
    words: Mapping[str, int] = field(default_factory=dict)  # spelling, lower case -> option
    both: tuple[tuple[re.Pattern[str], ...], ...] = ()  # per option: the other answer after it
    qualified: re.Pattern[str] | None = None
    middle: re.Pattern[str] | None = None

    def answer(self, text: str) -> tuple[str | None, str | None]:
        """(yes|no, None) for a clear answer, else (None, why); ("", None) when none is given."""
        match = self.answer_re.match(self.strip_label(text)) if self.answer_re else None
        if match is None:
            return "", None
        index = self.words[" ".join(match["word"].lower().split())]
        rest = match["rest"]
        yes, no = (o.value.lower() for o in self.kind.options[:2])
        if any(pattern.match(rest) for pattern in self.both[index]):
            return None, f"gives both {yes} and {no}"
        if self.qualified and self.qualified.match(rest):
            return None, f"is not a clear {yes} or {no}"
        return self.kind.options[index].value, None

    def read(self, text: str) -> Normalised:
        """Yes, no, or the middle answer; "Yes, partly" mixes two and is refused."""
        answer, why = self.answer(text)
        expected = f"(expected {self.kind.listed})"
        if self.middle and self.kind.middle and self.middle.search(text):
            if answer or why:
                return _error(f"{quote(text)} gives more than one answer {expected}")
            return Normalised(self.kind.middle.value)
        if answer:
            return Normalised(answer)
        return _error(f"{quote(text)} {why or 'is not an answer'} {expected}")


def _yes_no(kind: Kind, label: re.Pattern[str]) -> _YesNo:
    def spelt(option: Option) -> list[str]:
        return sorted((r"\s+".join(map(re.escape, s.split())) for s in option.spellings
                       if s.strip()), key=lambda s: (-len(s), s))

    options, middle = kind.options[:2], _option_parts(kind.middle) if kind.middle else []
    words = {" ".join(s.lower().split()): i for i, o in enumerate(options)
             for s in o.spellings if s.strip()}
    every = sorted({w for o in options for w in spelt(o)}, key=lambda s: (-len(s), s))
    both = []
    for i in range(len(options)):
        other = "|".join(spelt(options[1 - i])) or "(?!)"
        # "yes and no", "Y/N", "yes - no"; not "Yes, no concerns"
        both.append((re.compile(rf"^\s*(?:/|\\|&|\+|\bor\b|\band\b|\bbut\b|\bnor\b)\s*"
                                rf"(?:{other})(?![a-z])", re.I),
                     re.compile(rf"^\W*(?:{other})\W*$", re.I)))
    return _YesNo(
        kind, label,
        answer_re=re.compile(rf"^\W*(?P<word>{'|'.join(every)})(?![a-z])(?P<rest>.*)$",
                             re.I | re.S) if every else None,
        words=words, both=tuple(both),
        qualified=(re.compile(rf"^\W*(?:{_either(list(kind.qualifiers))})(?![a-z])", re.I)
                   if kind.qualifiers else None),
        middle=re.compile(_either(middle), re.I) if middle else None,
    )


# -- multi_choice: codes and their long names, in any order and separator -----------------------

_SPLIT_RE = re.compile(r"[\s&/,;:+|()\[\]–—-]+")


@dataclass(frozen=True, eq=False)
class _Multi(Reader):
    phrases: tuple[tuple[re.Pattern[str], int], ...] = ()  # long names, taken out first
    codes: Mapping[str, int] = field(default_factory=dict)  # one-word spellings, no dots
    filler: frozenset[str] = frozenset()

    def read(self, text: str) -> Normalised:
        """The options named come back in option order; unknown words are kept in a warning."""
        found: set[int] = set()
        rest = self.strip_label(text)
        for pattern, index in self.phrases:
            if pattern.search(rest):
                found.add(index)
                rest = pattern.sub(" ", rest)
        unknown = []
        for token in _SPLIT_RE.split(rest):
            word = token.replace(".", "").lower()
            if word in self.codes:
                found.add(self.codes[word])
            elif word and word not in self.filler:
                unknown.append(token)
        values = [self.kind.options[i].value for i in sorted(found)]
        noun, listed = self.noun, self.kind.listed
        if not values:
            return _error(f"{quote(text)} is not {_article(noun)} (expected {listed}, "
                          f"e.g. {self._example()})")
        if unknown:
            return Normalised(values, f"{quote(text)}: {quote(' '.join(unknown))} is not "
                                      f"{_article(noun)} ({listed}); read as "
                                      f"{' & '.join(values)}", WARNING)
        return Normalised(values)

    def _example(self) -> str:
        if self.kind.example:
            return self.kind.example
        return '"' + " & ".join(o.value for o in self.kind.options[:2]) + '"'


def _multi(kind: Kind, label: re.Pattern[str]) -> _Multi:
    phrases: list[tuple[re.Pattern[str], int]] = []
    codes: dict[str, int] = {}
    for index, option in enumerate(kind.options):
        phrases += [(re.compile(p, re.I), index) for p in option.patterns]
        for spelling in option.spellings:
            if len(spelling.split()) > 1:
                phrases.append((re.compile(_phrase(spelling), re.I), index))
            elif spelling.strip():
                codes.setdefault(spelling.strip().replace(".", "").lower(), index)
    return _Multi(kind, label, phrases=tuple(phrases), codes=codes,
                  filler=frozenset(w.lower() for w in kind.filler))


# -- checkbox ------------------------------------------------------------------------------------

_TICKED = frozenset({"x", "y", "yes", "true", "ticked", "checked", "☒", "☑", "✓", "✔"})
_UNTICKED = frozenset({"", "n", "no", "false", "unticked", "unchecked", "☐"})


@dataclass(frozen=True, eq=False)
class _Checkbox(Reader):
    def read(self, text: str) -> Normalised:
        """A tick, a cross or yes is ticked; an empty box ("☐", "[ ]") or no is not."""
        core = self.strip_label(text).strip("[]() \t\n").rstrip(".").lower()
        if core in _TICKED:
            return Normalised(True)
        if core in _UNTICKED:
            return Normalised(False)
        return _error(f'{quote(text)} is not a ticked or empty box (expected "x" or "yes" when '
                      'ticked, "no" when not)')


@lru_cache(maxsize=256)
def compile_kind(kind: Kind) -> Reader:
    """Each kind's patterns are compiled once, however many answers it reads; equal kinds (the
    same form loaded twice) share one reader, and so its cached answers."""
    label = _label_re(kind)
    if kind.type == "number":
        return _Number(kind, label)
    if kind.type == "choice":
        # Each spelling its own pattern, so that the longest match wins.
        finders = tuple((re.compile(part, re.I), i) for i, o in enumerate(kind.options)
                        for part in _option_parts(o))
        negations = sorted((r"\s+".join(map(re.escape, n.split())) for n in kind.negations
                            if n.strip()), key=lambda n: (-len(n), n))
        numbers = {o.number: i for i, o in enumerate(kind.options) if o.number is not None}
        return _Choice(
            kind, label, finders=finders, by_number=numbers,
            any_option=re.compile(_either([f.pattern for f, _ in finders]), re.I) if finders
            else None,
            negation=re.compile(rf"(?<!\w)(?:{'|'.join(negations)})\s+", re.I) if negations
            else None)
    if kind.type == "yes_no":
        return _yes_no(kind, label)
    if kind.type == "multi_choice":
        return _multi(kind, label)
    if kind.type == "checkbox":
        return _Checkbox(kind, label)
    return Reader(kind, label)


