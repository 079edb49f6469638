"""The library behind ``caseaudit form``: learn a blank into a file, show, list and check forms.

Each function is what one command does, returning lines (or text) for the command to print:
:func:`learn_to_file` (``form learn``), :func:`show_fields` (``form show``),
:func:`bundled_form_lines` (``form list``) and :func:`check_description` (``form check``).
Errors a user can cause are :class:`~caseaudit_docx.errors.CaseAuditError` subclasses naming
the file; a description that no longer matches its blank is data (messages), not an error.
"""

from __future__ import annotations

import json
import shlex
import shutil
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from caseaudit_docx.cleanup import written_whole
from caseaudit_docx.errors import InputError, OutputError
from caseaudit_docx.model.description import bundled_form, bundled_form_names, load_form
from caseaudit_docx.model.form import Form
from caseaudit_docx.model.write import form_to_json

from .check import check_blank
from .learn import learn_form
from .show import describe_fields

BLANK_SUFFIXES = (".docx", ".dotx", ".dotm")


# -- reading a blank -------------------------------------------------------------------------


def read_blank(blank: str | Path) -> Path:
    """A blank form for :func:`learn_form` and :func:`check_blank`: a Word document (.docx) or
    template (.dotx, .dotm), by its path (the package reader accepts templates as blanks).

    Any other extension is an :class:`InputError`; a file that is not a Word document is a
    one-line :class:`NotAFormError` from the reader, as for any form."""
    path = Path(blank)
    if path.suffix.lower() not in BLANK_SUFFIXES:
        raise InputError("is not a blank form: give a Word document (.docx) or template "
                         "(.dotx, .dotm)", path=path)
    return path


# -- form learn ------------------------------------------------------------------------------


def summary_line(form: Form) -> str:
    """What a form holds, in one line: "21 sections, 113 questions, 170 fields: 88 text, …"
    (questions are the distinct printed wordings answers belong to, kinds by frequency)."""
    fields = form.fields
    questions = {(f.section, f.question) for f in fields if f.question.strip()}
    kinds = Counter(f.kind.name for f in fields)
    by_kind = ", ".join(f"{n} {k}" for k, n in sorted(kinds.items(), key=lambda i: (-i[1], i[0])))
    return (f"{len(form.sections)} sections, {len(questions)} questions, "
            f"{len(fields)} fields" + (f": {by_kind}" if by_kind else ""))


def learn_to_file(blank: str | Path, output: str | Path, *,
                  based_on: str | Path | Form | None = None, name: str | None = None,
                  version: str | None = None, force: bool = False) -> list[str]:
    """Learn ``blank`` (.docx or .dotx) and write its description to ``output`` (.json).

    ``based_on`` is a bundled form's name, a description file or a form. An existing
    ``output`` is replaced only with ``force``; the file is written under a temporary name
    and renamed, so it is never left half-written. Returns the lines to print: the summary,
    every note (a decision the learner could not make), and what to do next."""
    blank, output = Path(blank), Path(output)
    if output.suffix.lower() != ".json":
        raise OutputError("a form description must be a .json file", path=output)
    if output.exists() and not force:
        raise OutputError("already exists (use --force to replace it)", path=output)
    if not output.parent.is_dir():
        raise OutputError("its folder does not exist", path=output)
    earlier = load_form(based_on) if based_on is not None else None
    learned = learn_form(read_blank(blank), based_on=earlier, name=name, version=version)
    write_new_file(output, form_to_json(learned.form), force=force)
    return [
        f"Learned {learned.form.key} ({learned.form.title}): {summary_line(learned.form)}",
        *learned.notes,
        f"Review {output}, then check it with: caseaudit form check "
        f"{shlex.quote(str(output))} {shlex.quote(str(blank))}",
    ]


def write_new_file(path: Path, text: str, *, force: bool) -> None:
    """Write ``text`` to ``path`` whole (a temporary file beside it, renamed when complete, as
    every output is: :func:`caseaudit_docx.cleanup.written_whole`); without ``force`` never
    over a file. A description names no one, so it is readable like any source file."""
    if path.exists() and not force:
        raise OutputError("already exists (use --force to replace it)", path=path)
    with written_whole(path, force=force, private=False) as handle:
        handle.write((text if text.endswith("\n") else text + "\n").encode("utf-8"))


# -- form show -------------------------------------------------------------------------------

_HEADINGS = ("id", "kind", "section", "question", "column", "choices")
_CAPS = {"column": 24, "choices": 24}  # at most; the question gets the rest of the width
_MIN_QUESTION = 24


def _shorten(text: str, width: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: max(width - 1, 0)] + "…"


def fields_table(form: Form, width: int = 100) -> list[str]:
    """The form's fields as aligned text lines (a heading line first), ``width`` wide where the
    question can be shortened to fit; long column headings and choices are shortened too."""
    rows = [{"id": d["id"], "kind": d["kind"], "section": d["section"],
             "question": " ".join(d["question"].split()), "column": d["column"],
             "choices": "/".join(d["choices"])} for d in describe_fields(form)]
    cells = [{k: _shorten(r[k], _CAPS[k]) if k in _CAPS else r[k] for k in _HEADINGS}
             for r in rows]
    widths = {k: max([len(k), *(len(c[k]) for c in cells)]) for k in _HEADINGS}
    others = sum(w for k, w in widths.items() if k != "question") + 2 * (len(_HEADINGS) - 1)
    widths["question"] = min(widths["question"], max(width - others, _MIN_QUESTION))
    lines = []
    for line in [dict(zip(_HEADINGS, _HEADINGS)), *cells]:
        line["question"] = _shorten(line["question"], widths["question"])
        lines.append("  ".join(line[k].ljust(widths[k]) for k in _HEADINGS).rstrip())
    return lines


def fields_json(form: Form) -> str:
    """The form's fields as a JSON list of objects: id, kind, type, section, question, column
    and choices (the kind's canonical values; [] for text)."""
    return json.dumps(describe_fields(form), ensure_ascii=False, indent=2)


def show_fields(form: str | Path | Form | None = None, *, fmt: str = "table",
                width: int | None = None) -> str:
    """``form``'s fields (default: the bundled default form) as a table or as JSON."""
    loaded = load_form(form)
    if fmt == "json":
        return fields_json(loaded)
    if fmt != "table":
        raise InputError(f"unknown format {fmt!r} (table or json)")
    width = width or shutil.get_terminal_size((100, 24)).columns
    return "\n".join(fields_table(loaded, width))


# -- form list -------------------------------------------------------------------------------


def bundled_form_lines() -> list[str]:
    """One line per bundled form, starting with the name ``--form`` accepts, then its title
    and number of fields."""
    names = bundled_form_names()
    wide = max((len(n) for n in names), default=0)
    return [f"{name.ljust(wide)}  {form.title}  ({len(form.fields)} fields)"
            for name, form in ((n, bundled_form(n)) for n in names)]


# -- form check ------------------------------------------------------------------------------


@dataclass(frozen=True)
class CheckResult:
    """What ``form check`` found: messages saying where a blank differs (none: it matches)."""

    form: Form
    messages: tuple[str, ...] = ()
    line: str = ""

    @property
    def ok(self) -> bool:
        return not self.messages


def check_description(form: str | Path, blank: str | Path | None = None) -> CheckResult:
    """Load ``form`` (a description file, or a bundled name), which raises a
    :class:`~caseaudit_docx.errors.FormError` naming where at the first fault; with ``blank``,
    also where the blank no longer matches it, each message starting with the blank's path."""
    loaded = load_form(form)
    if blank is None:
        return CheckResult(loaded, (), f"{form}: a valid form description "
                                       f"({summary_line(loaded)})")
    messages = tuple(f"{blank}: {m}" for m in check_blank(loaded, read_blank(blank)))
    if messages:
        return CheckResult(loaded, messages,
                           f"{form} does not match {blank}: {len(messages)} difference(s)")
    return CheckResult(loaded, (), f"{form} matches {blank}")


__all__ = ["BLANK_SUFFIXES", "CheckResult", "bundled_form_lines", "check_description",
           "fields_json", "fields_table", "learn_to_file", "read_blank", "show_fields",
           "summary_line", "write_new_file"]
