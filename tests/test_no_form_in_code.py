"""Nothing in the package's code spells the bundled v3.2 form: its field ids, its distinctive
option values, its printed wording or patterns of its field ids. They belong in
``caseaudit_docx/model/forms/case-audit-3.2.json`` alone.

The check reads every .py file under ``caseaudit_docx/`` with :mod:`tokenize` and looks at the
string literals that are not docstrings (a literal that is a whole statement is skipped), and
at f-strings: their literal parts, the literals inside their expressions, and the f-string as a
whole with each replacement field read as "0" (so ``f"q{n}.notes"`` is seen as ``q0.notes``).
On Python 3.11 an f-string is one STRING token; 3.12 splits it into FSTRING_START … FSTRING_END
tokens: both are handled. The vocabulary comes from the bundled description, not from this file.
"""

from __future__ import annotations

import ast
import io
import re
import token
import tokenize
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from caseaudit_docx.model.description import bundled_form
from caseaudit_docx.model.form import Answer, Form, Label, Paragraph, Table
from caseaudit_docx.model.kinds import OPTION_TYPES, TYPES

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "caseaudit_docx"

#: Option values so common in English (and in other forms) that code may say them.
COMMON_VALUES = frozenset({"Yes", "No", "Good", "Appropriate"})
#: Literals that may spell v3.2 words, each for a reason that is not knowledge of the form:
#: (file, test of the literal, reason).
EXEMPT: tuple[tuple[str, Callable[[str], bool], str], ...] = (
    ("caseaudit_docx/oxml/tokens.py", lambda v: v == "Click here to enter text.",
     "Word's own default placeholder, recognised in any form's controls"),
    ("caseaudit_docx/register/schema.py",
     lambda v: "CREATE TABLE" in v or "RENAME COLUMN" in v,
     "a shipped migration is history: the first schema's column names stay in its text"),
)
#: Printed wording at least this long, of two words or more, may not appear in code.
MIN_LABEL = 10

_FSTRING_START = getattr(token, "FSTRING_START", None)
_FSTRING_END = getattr(token, "FSTRING_END", None)
_SKIP = {tokenize.NL, tokenize.COMMENT}
_STATEMENT_START = {tokenize.NEWLINE, tokenize.INDENT, tokenize.DEDENT, tokenize.ENCODING}
_BOUND = "(?<![A-Za-z0-9_]){}(?![A-Za-z0-9_])"

#: Patterns of the v3.2 field ids, as regular expressions or literal text spell them.
ID_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("q + number regex", re.compile(r"(?<![A-Za-z0-9_])q(?:\\s[*+?]?)?\(?(?:\\d|\[0-9\])",
                                    re.IGNORECASE)),
    ("q + number id", re.compile(r"(?<![A-Za-z0-9_])q\d+[a-z]?(?![A-Za-z0-9])")),
    ("action + number", re.compile(r"action_?\(?(?:\d|\\d|\[0-9\])")),
    ("[abc] sub-questions", re.compile(r"\[abc\]")),
)


@dataclass(frozen=True)
class Vocabulary:
    whole: frozenset[str]  # forbidden as a whole literal
    tokens: tuple[tuple[str, re.Pattern[str]], ...]  # forbidden anywhere, word-bounded
    labels: tuple[str, ...]  # printed wording, white space squeezed


def _squeeze(text: str) -> str:
    return " ".join(text.split())


def _printed(form: Form) -> set[str]:
    texts = {form.title, form.placeholder, *(s.title for s in form.sections)}
    for block in form.blocks:
        if isinstance(block, Paragraph):
            texts.add(block.text)
            continue
        assert isinstance(block, Table)
        for row in block.rows:
            texts.add(row.label or "")
            for cell in row.cells:
                if isinstance(cell, Label):
                    texts.update(cell.lines)
                elif isinstance(cell, Answer):
                    texts.update((cell.question or "", cell.column or ""))
    return texts


@cache
def vocabulary() -> Vocabulary:
    form = bundled_form()
    whole: set[str] = set()
    tokens: dict[str, re.Pattern[str]] = {}
    for fid in form.field_ids:
        if re.search(r"[._0-9]", fid):
            tokens[fid] = re.compile(_BOUND.format(re.escape(fid)))
            # the parts of a compound id that no other form would use ("q41", "by_when")
            for part in fid.split("."):
                if re.search(r"[_0-9]", part) and part not in TYPES:
                    tokens.setdefault(part, re.compile(_BOUND.format(re.escape(part))))
        else:
            whole.add(fid)
    for kind in form.kinds.values():
        if kind.type not in OPTION_TYPES:
            continue
        for option in (*kind.options, *([kind.middle] if kind.middle else [])):
            if option.value not in COMMON_VALUES:
                tokens.setdefault(option.value, re.compile(_BOUND.format(re.escape(option.value))))
    labels = tuple(sorted(
        {_squeeze(t) for t in _printed(form)
         if len(_squeeze(t)) >= MIN_LABEL and " " in _squeeze(t)}, key=len))
    return Vocabulary(frozenset(whole), tuple(tokens.items()), labels)


def offences(value: str) -> Iterator[str]:
    """Why the text of one literal spells the bundled form, if it does."""
    vocab = vocabulary()
    if value in vocab.whole:
        yield f"field id {value!r}"
    for word, pattern in vocab.tokens:
        if pattern.search(value):
            yield f"v3.2 id or value {word!r}"
    for name, pattern in ID_PATTERNS:
        if pattern.search(value):
            yield f"field-id pattern ({name})"
    text = _squeeze(value)
    for label in vocab.labels:
        if label in text:
            yield f"printed wording {label!r}"
            break
    else:
        if len(text) > 12 and " " in text and any(text in label for label in vocab.labels):
            yield "part of the printed wording"


# -- reading literals ----------------------------------------------------------------------------


def _source(lines: list[str], start: tuple[int, int], end: tuple[int, int]) -> str:
    (srow, scol), (erow, ecol) = start, end
    if srow == erow:
        return lines[srow - 1][scol:ecol]
    return lines[srow - 1][scol:] + "".join(lines[srow:erow - 1]) + lines[erow - 1][:ecol]


def _values(source: str) -> list[str]:
    """The texts a literal (plain or f-string) holds, as described in the module docstring."""
    tree = ast.parse("(" + source + "\n)", mode="eval")
    out: list[str] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            out.append(node.value)
        elif isinstance(node, ast.Constant) and isinstance(node.value, bytes):
            out.append(node.value.decode("latin-1"))
    body = tree.body
    if isinstance(body, ast.JoinedStr):
        out.append("".join(v.value if isinstance(v, ast.Constant) and isinstance(v.value, str)
                           else "0" for v in body.values))
    return out


def iter_literals(path: Path) -> Iterator[tuple[int, str]]:
    """(line, text) for every string literal of ``path`` that is not a docstring (and for
    adjacent literals, their concatenation too)."""
    text = path.read_text(encoding="utf-8")
    lines = text.splitlines(keepends=True)
    toks = list(tokenize.generate_tokens(io.StringIO(text).readline))
    units: list[tuple[int, int, str]] = []  # (first token index, last token index, source)
    index = 0
    while index < len(toks):
        tok = toks[index]
        if tok.type == tokenize.STRING:
            units.append((index, index, tok.string))
        elif _FSTRING_START is not None and tok.type == _FSTRING_START:
            depth, end = 1, index
            while depth:
                end += 1
                if toks[end].type == _FSTRING_START:
                    depth += 1
                elif toks[end].type == _FSTRING_END:
                    depth -= 1
            units.append((index, end, _source(lines, tok.start, toks[end].end)))
            index = end
        index += 1
    groups: list[list[tuple[int, int, str]]] = []
    for unit in units:  # implicit concatenation: adjacent literals are one expression
        if groups and all(t.type in _SKIP for t in toks[groups[-1][-1][1] + 1:unit[0]]):
            groups[-1].append(unit)
        else:
            groups.append([unit])
    for group in groups:
        before = next((t for t in reversed(toks[:group[0][0]]) if t.type not in _SKIP), None)
        after = next((t for t in toks[group[-1][1] + 1:] if t.type not in _SKIP), None)
        starts = before is None or before.type in _STATEMENT_START or before.string == ";"
        ends = after is None or after.type in (tokenize.NEWLINE, tokenize.ENDMARKER) \
            or after.string == ";"
        if starts and ends:
            continue  # a docstring, or a string standing alone as a comment
        joined = []
        for first, _, source in group:
            values = _values(source)
            joined.append(values[-1])
            for value in values:
                yield toks[first].start[0], value
        if len(group) > 1:
            yield toks[group[0][0]].start[0], "".join(joined)


def test_the_vocabulary_is_loaded_from_the_bundled_description() -> None:
    vocab = vocabulary()
    words = {w for w, _ in vocab.tokens}
    assert {"q1.notes", "action1.by_when", "Inadequate", "Requires Improvement", "Too High",
            "With some work", "EH", "CIN", "LAC"} <= words
    assert {"team", "auditor", "category"} <= vocab.whole
    assert "Yes" not in words and "Good" not in words
    assert "Case Number" in vocab.labels and "Click here to enter text." in vocab.labels


def test_the_checker_sees_what_it_should() -> None:
    assert list(offences("team")) and not list(offences("the team of"))
    assert list(offences("no q41.score here"))
    assert not list(offences("freq41"))
    assert list(offences(r"^q\s*(\d+)")) and list(offences(r"action(\d+)"))
    assert list(offences(r"q[abc]")) and list(offences("Requires Improvement"))
    assert list(offences("What are the recommended actions"))
    assert not list(offences("is not a form description"))
    assert _values('f"q{n}.notes"')[-1] == "q0.notes"


def test_docstrings_are_skipped_and_fstrings_read(tmp_path: Path) -> None:
    sample = tmp_path / "sample.py"
    sample.write_text(
        '"""Mentions q1.notes in a docstring."""\n'
        "def f(n):\n"
        '    """Inadequate."""\n'
        '    "a comment-like Inadequate"\n'
        '    x = f"action{n}.by_when" + "ok"\n'
        "    return (\n"
        '        "Too "\n'
        '        "High"\n'
        "    )\n",
        encoding="utf-8")
    found = [(line, value) for line, value in iter_literals(sample) if list(offences(value))]
    assert found == [(5, ".by_when"), (5, "action0.by_when"), (7, "Too High")], found


def test_no_v32_vocabulary_in_the_package_code() -> None:
    found: list[str] = []
    for path in sorted(PACKAGE.rglob("*.py")):
        seen = set()
        for line, value in iter_literals(path):
            why = list(dict.fromkeys(offences(value)))
            where = path.relative_to(ROOT).as_posix()
            exempt = any(where == f and test(value) for f, test, _ in EXEMPT)
            if why and (line, value) not in seen and not exempt:
                seen.add((line, value))
                found.append(f"{where}:{line}:{value!r}: {'; '.join(why)}")
    assert not found, (f"{len(found)} literal(s) spell the v3.2 form in code (it belongs in "
                       "model/forms/case-audit-3.2.json):\n" + "\n".join(found))
