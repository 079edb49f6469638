"""What a record becomes in the register: its identity, read by the form's roles, and its rows.

Ingest packs records in its worker processes (:func:`pack`), so the JSON encoding and the
identity are computed in parallel; the register itself (:mod:`caseaudit_docx.register.store`)
writes packed records without needing the form. An audit is one case, auditor and start date:
the fields the form's roles name (for v3.2, case number, auditor and audit start date).
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from dataclasses import dataclass
from os import PathLike

from caseaudit_docx.errors import FormError
from caseaudit_docx.model.description import load_form
from caseaudit_docx.model.form import Form
from caseaudit_docx.model.kinds import DATE
from caseaudit_docx.model.matching import label_key
from caseaudit_docx.model.normalise import normalise
from caseaudit_docx.model.record import ERROR, WARNING, Problem, Record
from caseaudit_docx.names import control_characters, without_controls

_JSON = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"))  # one encoder, not one a call


def utc_iso(moment: str | float | dt.datetime | None) -> str | None:
    """A timestamp as UTC ISO 8601 ("2019-03-12T10:00:00Z") so that strings sort as times.

    Accepts a POSIX time, a datetime or an ISO string (a "Z" or an offset; naive means UTC).
    Anything unreadable gives None rather than a wrong order.
    """
    if moment is None:
        return None
    try:
        if isinstance(moment, (int, float)):
            when = dt.datetime.fromtimestamp(moment, dt.UTC)
        elif isinstance(moment, dt.datetime):
            when = moment
        else:
            when = dt.datetime.fromisoformat(moment.strip().replace("Z", "+00:00"))
    except (ValueError, OverflowError, OSError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=dt.UTC)
    return when.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def clean_text(text: str | None) -> str:
    """White space squeezed and control characters (a bell, an escape) removed: how
    identities are written and compared. A form's text cannot hold a control character (XML
    cannot), so a filled form matches the case list it was made from, whose case number may;
    :func:`pack` warns when one was removed from a form's identity."""
    return " ".join(without_controls(text or "").split())


def _removed_controls(record: Record, form: Form) -> list[Problem]:
    """A warning for each identity field (case, auditor) whose text held control characters,
    which :func:`clean_text` removed: never dropped without a word."""
    out = []
    for field_id in (form.roles.case, form.roles.auditor):
        found = control_characters(_text(record, field_id) or "")
        if not field_id or not found:
            continue
        label = " ".join(form.field(field_id).question.strip(" :?").split()).lower() or field_id
        codes = ", ".join(f"U+{ord(ch):04X}" for ch in found)
        what = "a control character" if len(found) == 1 else "control characters"
        out.append(Problem(field_id, WARNING, f"the {label} held {what} ({codes}), removed"))
    return out


def audit_key(case: str | None, auditor: str | None, start: str | None
              ) -> tuple[str, str, str]:
    """The identity of an audit as compared: trimmed text, auditor ignoring case, date as ISO.

    ``start`` is normalised as a date when it reads as one, so "12/03/2019" and "2019-03-12"
    are the same audit; otherwise its trimmed text is the key.
    """
    start_text = clean_text(start)
    start_value = normalise(DATE, start_text).value if start_text else None
    return (
        clean_text(case),
        clean_text(auditor).casefold(),
        start_value if isinstance(start_value, str) else start_text,
    )


def _text(record: Record, field_id: str | None) -> str | None:
    found = record.fields.get(field_id) if field_id else None
    return found.text if found else None


def record_key(record: Record, form: Form | None = None) -> tuple[str, str, str]:
    """:func:`audit_key` of a record, from the fields the form's roles name (case, auditor,
    start date): the start date's value when it has one, else its text."""
    roles = load_form(form).roles
    date = record.fields.get(roles.start_date) if roles.start_date else None
    start = date.value if date and isinstance(date.value, str) else (date.text if date else None)
    return audit_key(_text(record, roles.case), _text(record, roles.auditor), start)


def case_label(form: Form | None = None) -> str:
    """The case field as messages name it: its printed wording in lower case ("case number")."""
    form = load_form(form)
    case = form.roles.case
    label = " ".join(form.field(case).question.strip(" :?").split()).lower()
    return label or case


def missing_case(form: Form | None = None) -> Problem:
    """Why a form with no case cannot be filed, naming the case field as the form prints it."""
    form = load_form(form)
    return Problem(form.roles.case, ERROR,
                   f"no {case_label(form)}, so the form cannot be filed as an audit")


@dataclass(frozen=True)
class PackedRecord:
    """A record reduced to the rows the register writes.

    Ingest builds these in its worker processes, so the JSON encoding and the identity are
    computed in parallel and what crosses between processes is plain tuples of strings.
    """

    key: tuple[str, str, str]
    case: str  # the case and the auditor as first written
    auditor: str | None
    modified: str | None  # the document's own last-modified time, UTC ISO 8601
    file: str
    size: int | None
    sha256: str
    template_name: str
    template_version: str
    extras: str  # JSON
    fields: tuple[tuple[str, str | None, str | None], ...]  # (field id, text, value as JSON)
    problems: tuple[tuple[str | None, str, str], ...]  # (field id, level, message)
    #: The id a generated form carries (None for other copies): the audit is found by it first.
    form_id: str | None = None
    start: str | None = None  # the start date as written ("04/03/2024")
    #: How messages name the identity fields: (field id, label) of case, auditor, start date.
    labels: tuple[tuple[str | None, str], ...] = ()
    #: The child's field (the form's role) and name as compared (:func:`label_key`), to tell a
    #: corrected form from a copy made for another child; None when the form has no child.
    child: tuple[str, str] | None = None


def pack(record: Record, form: Form | None = None) -> PackedRecord:
    """What :meth:`Register.add_record` stores of ``record``, read by ``form``'s roles.

    A record with no case carries the problem that says so first, so the register can file
    it as a failure without knowing the form.
    """
    form = load_form(form)
    key = record_key(record, form)
    problems = tuple((p.field, p.level, p.message)
                     for p in (*record.problems, *_removed_controls(record, form)))
    if not key[0]:
        missing = missing_case(form)
        problems = ((missing.field, missing.level, missing.message), *problems)
    return PackedRecord(
        key=key,
        case=clean_text(_text(record, form.roles.case)),
        auditor=clean_text(_text(record, form.roles.auditor)) or None,
        modified=utc_iso(record.source.modified),
        file=record.source.file,
        size=record.source.size,
        sha256=record.source.sha256,
        template_name=record.template_name,
        template_version=record.template_version,
        extras=_JSON.encode(record.extras),
        fields=tuple((fid, fv.text, None if fv.value is None else _JSON.encode(fv.value))
                     for fid, fv in record.fields.items()),
        problems=problems,
        form_id=record.source.form_id,
        start=clean_text(_text(record, form.roles.start_date)) or None,
        labels=identity_labels(form),
        child=((form.roles.child, label_key(_text(record, form.roles.child) or ""))
               if form.roles.child else None),
    )


def identity_labels(form: Form | None = None) -> tuple[tuple[str | None, str], ...]:
    """(field id, label) of the form's case, auditor and start date, as messages name them:
    each field's printed wording in lower case ("audit start date"), else its id."""
    form = load_form(form)
    out: list[tuple[str | None, str]] = []
    for field_id in form.roles.identity:
        label = ""
        if field_id:
            label = " ".join(form.field(field_id).question.strip(" :?").split()).lower()
        out.append((field_id, label or field_id or ""))
    return tuple(out)


FormSource = Form | str | PathLike[str]


def given_forms(form: FormSource | Sequence[FormSource] | None = None,
                forms: Sequence[FormSource] | None = None) -> tuple[Form, ...]:
    """The forms a call names, in order: ``form`` (one, or several) then ``forms``, each a
    :class:`Form`, a bundled form's name or a description file's path; none named is the
    bundled one. The same form twice counts once; two different forms of one name and version
    cannot both be told apart in the register, so they are a :class:`FormError`."""
    one = isinstance(form, (Form, str, PathLike))
    sources = [form] if one else list(form or ())  # type: ignore[arg-type]
    named = [load_form(each) for each in (*sources, *(forms or ()))]
    out: list[Form] = []
    for each in named or [load_form(None)]:
        same = next((f for f in out if f.key == each.key), None)
        if same is None:
            out.append(each)
        elif same != each:
            raise FormError(f"two different forms given are both {each.name} {each.version}; "
                            "give each revision its own version")
    return tuple(out)


def form_of(record: Record, forms: Sequence[Form]) -> Form | None:
    """The form of ``forms`` that read ``record`` (by its name and version), or None."""
    return next((f for f in forms if (f.name, f.version) == (record.template_name,
                                                             record.template_version)), None)
