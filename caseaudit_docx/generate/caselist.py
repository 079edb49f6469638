"""Reading the list of cases a coordinator exports from the case management system.

A case list is a CSV file (UTF-8 or UTF-16, comma, semicolon or tab separated) or an Excel
workbook (.xlsx: the first visible sheet or a named one); :mod:`caseaudit_docx.generate.casefile`
reads its rows. The headings are the row, among the first 20, that names the most columns of
the form, the case column among them (a title and blank rows above it are passed over), or the
row ``header_row`` says. Each column is matched to a header field of the form by the field's id
or printed label, or a common synonym ("Case ID", "Social worker"), ignoring case, spaces and
punctuation; ``--map COLUMN=FIELD`` overrides the guess. Dates in date fields, whether Excel
dates (formatted, or bare serial numbers such as 45355), ISO or UK day-first text, become
dd/mm/yyyy, the way an auditor writes them.

The column that must be there is the form's case field (its ``case`` role); messages name it by
its printed label. Trouble with single rows is reported, not raised: a row without a case number is
skipped with a message naming its row, a category the form does not know is written as given
with a warning, and columns that match nothing are listed in one warning. Only a list that cannot
be used at all (unreadable, empty, no case number column, ambiguous columns, the same case twice)
raises :class:`~caseaudit_docx.errors.InputError`.
"""

from __future__ import annotations

import datetime as dt
import difflib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from caseaudit_docx.errors import FormError, InputError
from caseaudit_docx.generate.casefile import EXCEL_EPOCH, SEARCH_ROWS, read_table
from caseaudit_docx.model.description import load_form
from caseaudit_docx.model.form import Form, derived
from caseaudit_docx.model.kinds import DATE
from caseaudit_docx.model.matching import compact, header_fields
from caseaudit_docx.model.normalise import NA, normalise

#: Dates written the ways ``--from``, ``--to``, ``--set`` and date columns accept them (each is
#: 12 March 2019; tests read every one).
DATE_EXAMPLES = ("12/03/2019", "12-03-2019", "12.03.2019", "12/3/19", "2019-03-12",
                 "12 March 2019", "12th Mar 19")

# Excel serial numbers read as dates in date columns: 1 January 1950 to 31 December 2099.
_FIRST_SERIAL_DATE = dt.date(1950, 1, 1)
_LAST_SERIAL_DATE = dt.date(2099, 12, 31)
_SUGGESTION_CUTOFF = 0.75


@dataclass(frozen=True)
class Case:
    """One row of the case list: header field id -> the text to pre-fill, and the case
    number (the value of the form's case field)."""

    row: int
    values: Mapping[str, str]
    case: str


@dataclass(frozen=True)
class CaseList:
    """The cases to generate forms for, and what was noticed on the way."""

    path: Path
    columns: Mapping[str, str]  # column heading -> field id, for the columns used
    cases: tuple[Case, ...]
    skipped: tuple[str, ...] = ()  # one message per row left out
    warnings: tuple[str, ...] = ()
    header_row: int = 1  # the row naming the columns, as the spreadsheet numbers it


def read_case_list(
    path: str | Path,
    *,
    column_map: Mapping[str, str] | None = None,
    sheet: str | None = None,
    header_row: int | None = None,
    allow_duplicates: bool = False,
    form: Form | None = None,
) -> CaseList:
    """Read a .csv or .xlsx case list. ``column_map`` is heading -> field id (or label);
    an empty field ignores the column. ``header_row`` (1-based, as the spreadsheet numbers
    rows) is the row naming the columns; by default it is found. Raises InputError when the
    list cannot be used."""
    form = load_form(form)
    path = Path(path)
    column_map = column_map or {}
    table = read_table(path, sheet=sheet, score=lambda row: len(_named_fields(row, column_map,
                                                                               form)))
    rows = table.rows
    if not rows:
        raise InputError("is empty: the first row should name the columns", path=path)
    index, notes = _heading_row(rows, header_row, column_map, form, path)
    headings = [_cell_text(v) for v in rows[index]]
    columns, unknown = match_columns(headings, column_map, form=form, path=path)
    cases, skipped, problems = _read_cases(rows[index + 1:], index + 2, columns, headings, form,
                                           table.epoch)
    if not cases:
        why = (f" ({len(skipped)} row{'s' if len(skipped) > 1 else ''} without a "
               f"{case_noun(form)})" if skipped else "")
        raise InputError(f"has no cases to generate forms for{why}", path=path)
    if not allow_duplicates:
        _refuse_duplicates(cases, path)
    used = {headings[i]: fid for i, fid in columns.items()}
    return CaseList(path, used, tuple(cases), tuple(skipped),
                    (*table.notes, *notes, *unknown, *problems), index + 1)


def field_value(field_id: str, raw: object, *, form: Form | None = None
                ) -> tuple[str | None, str | None]:
    """The text to pre-fill for ``raw`` (a cell or an option value), and a warning if a date
    field holds something that is not a date (it is then written as given)."""
    form = load_form(form)
    kind = form.field(field_id).kind
    if kind.type == "date" and isinstance(raw, (dt.datetime, dt.date)):
        return raw.strftime("%d/%m/%Y"), None
    text = _cell_text(raw)
    if text and field_id == form.roles.category:
        found = normalise(kind, text)
        if found.value is None and found.problem:
            return text, (f"{field_id.replace('_', ' ')} {text!r} is not one of {kind.listed}; "
                          "written as given")
        return text, None
    if not text or kind.type != "date":
        return text or None, None
    result = normalise(DATE, text)
    if isinstance(result.value, str) and result.value != NA:
        year, month, day = result.value.split("-")
        return f"{day}/{month}/{year}", None
    return text, f"{text!r} is not a date; it is written as given"


def resolve_field(name: str, *, form: Form | None = None) -> str | None:
    """The header field a column heading (or a --set/--map name) stands for, or None."""
    form = load_form(form)
    key = compact(name)
    return _heading_index(form).get(key) if key else None


def suggest_field(name: str, *, form: Form | None = None) -> str | None:
    """The header field a mistyped name most likely means ("auditer" -> "auditor"), by its id
    or printed label, or None when nothing is close."""
    form = load_form(form)
    names: dict[str, str] = {}
    for fld in header_fields(form):
        for written in (fld.id, fld.question, fld.alias):
            if written and compact(written):
                names.setdefault(compact(written), fld.id)
    close = difflib.get_close_matches(compact(name), list(names), n=1, cutoff=_SUGGESTION_CUTOFF)
    return names[close[0]] if close else None


def help_text(form: Form | None = None, *, case_list: bool = True) -> str:
    """What ``--help`` says about the values a case list and the options accept: the form's
    case category codes, the ways of writing a date, and (``case_list``, for ``generate``)
    where a case list's headings may be."""
    form = load_form(form)
    lines = []
    if form.roles.category:
        kind = form.kind_of(form.roles.category)
        about = f" ({kind.description.rstrip('.')})" if kind.description else ""
        lines.append(f"Case categories: {', '.join(kind.values)}{about}.")
    lines.append(f"Dates may be written {', '.join(DATE_EXAMPLES)} or be Excel dates; forms "
                 "get dd/mm/yyyy.")
    if case_list:
        lines.append(f"Column headings are looked for in the first {SEARCH_ROWS} rows, below "
                     "any title; --header-row N names the row.")
    return "\n\n".join(lines)


def match_columns(
    headings: Sequence[str], column_map: Mapping[str, str], *, form: Form | None = None,
    path: Path | None = None,
) -> tuple[dict[int, str], list[str]]:
    """Column index -> field id, and the warning listing columns that match no field."""
    form = load_form(form)
    overrides = _resolve_map(headings, column_map, form, path)
    columns: dict[int, str] = {}
    unknown: list[str] = []
    for index, heading in enumerate(headings):
        fid: str | None
        if index in overrides:
            fid = overrides[index]
        elif not heading:
            continue
        else:
            fid = resolve_field(heading, form=form)
            if fid is None:
                unknown.append(heading)
        if fid:
            columns[index] = fid
    by_field: dict[str, list[str]] = {}
    for index, fid in columns.items():
        by_field.setdefault(fid, []).append(headings[index] or f"column {index + 1}")
    for fid, names in by_field.items():
        if len(names) > 1:
            listed = " and ".join(repr(n) for n in names)
            raise InputError(
                f"columns {listed} both give {fid}; choose one with --map "
                f"(e.g. --map {names[1]!r}= to ignore the second)", path=path)
    case = form.field(form.roles.case)
    if case.id not in {f.id for f in header_fields(form)}:
        # a form learned from a blank whose header the learner could not place: without this,
        # the message below would ask for a column the case list may well have
        raise FormError(f"form {form.key!r} does not pre-fill its case field {case.id!r}: add "
                        "it, and the other fields a case list gives, to roles.prefill in the "
                        "form's description")
    if case.id not in by_field:
        examples = " or ".join(repr(n) for n in dict.fromkeys(
            (case.question or case.alias, *case.synonyms[:1])) if n)
        raise InputError(
            f"has no {case_noun(form)} column (looked for a heading such as {examples}; the "
            f"headings are {_listing(headings)}); use --map COLUMN={case.id}", path=path)
    notes = []
    if unknown:
        notes.append(f"ignored {len(unknown)} column{'s' if len(unknown) > 1 else ''} not on the "
                     f"form: {_listing(unknown)} (use --map COLUMN=FIELD to use one)")
    return columns, notes


def case_noun(form: Form) -> str:
    """The form's case field as a sentence names it: its printed label with capitalised words
    in lower case ("Case Number" -> "case number"; acronyms kept: "NHS Number" -> "NHS number")."""
    case = form.field(form.roles.case)
    label = (case.question or case.alias or case.id).strip().rstrip(":").strip()
    return " ".join(word.lower() if word[:1].isupper() and word[1:].islower() else word
                    for word in label.split())


# -- headings ------------------------------------------------------------------------------------

@derived
def _heading_index(form: Form) -> dict[str, str]:
    """Compacted id, label, alias and synonyms -> field id, for the header fields."""
    index: dict[str, str] = {}
    for fld in header_fields(form):
        names = (fld.id, fld.question, fld.alias, *fld.synonyms)
        for name in names:
            index.setdefault(compact(name), fld.id)
    return index


def _resolve_map(headings: Sequence[str], column_map: Mapping[str, str], form: Form,
                 path: Path | None) -> dict[int, str]:
    """--map COLUMN=FIELD as column index -> field id ("" to ignore the column)."""
    out: dict[int, str] = {}
    fields = [f.id for f in header_fields(form)]
    for column, target in column_map.items():
        matches = [i for i, h in enumerate(headings) if h == column.strip()] or [
            i for i, h in enumerate(headings) if compact(h) == compact(column) and compact(column)]
        if not matches:
            raise InputError(f"--map {column!r}: no such column; the headings are "
                             f"{_listing(headings)}", path=path)
        fid: str | None = ""
        if target.strip():
            fid = target.strip() if target.strip() in fields else resolve_field(target, form=form)
            if not fid:
                raise InputError(f"--map {column}={target}: {target!r} is not a header field; "
                                 f"use one of {', '.join(fields)}", path=path)
        for index in matches:
            out[index] = fid or ""
    return out


def _listing(names: Sequence[str], limit: int = 12) -> str:
    shown = ", ".join(repr(n) for n in names[:limit])
    return shown + (f" and {len(names) - limit} more" if len(names) > limit else "")


# -- rows ----------------------------------------------------------------------------------------


def _heading_row(rows: Sequence[Sequence[object]], header_row: int | None,
                 column_map: Mapping[str, str], form: Form, path: Path) -> tuple[int, list[str]]:
    """The index of the row naming the columns, and a note when rows above it were not blank:
    ``header_row`` if given, else the first of the first rows that names the case column and
    the most other columns, else the first row that is not blank."""
    if header_row is not None:
        if header_row < 1:
            raise InputError(f"--header-row {header_row}: rows are numbered from 1", path=path)
        if header_row > len(rows) or not rows[header_row - 1]:
            raise InputError(f"--header-row {header_row}: row {header_row} is blank", path=path)
        return header_row - 1, []
    best, most = None, 0
    for index, row in enumerate(rows[:SEARCH_ROWS]):
        named = _named_fields(row, column_map, form)
        if form.roles.case in named and len(named) > most:
            best, most = index, len(named)
    if best is None:
        best = next(i for i, row in enumerate(rows) if row)  # the table has a non-blank row
    if any(rows[:best]):
        return best, [f"the column headings are on row {best + 1}; the rows above are passed "
                      "over (use --header-row N to choose another row)"]
    return best, []


def _named_fields(row: Sequence[object], column_map: Mapping[str, str], form: Form) -> set[str]:
    """The header fields a row of headings names, by the headings' own words or --map."""
    mapped = {compact(column): target for column, target in column_map.items()}
    fields = set()
    for value in row:
        heading = _cell_text(value)
        if not heading:
            continue
        target = column_map.get(heading, mapped.get(compact(heading)))
        if target is not None:
            fid = (target.strip() if form.by_id.get(target.strip()) is not None
                   else resolve_field(target, form=form)) if target.strip() else None
        else:
            fid = resolve_field(heading, form=form)
        if fid:
            fields.add(fid)
    return fields


def _read_cases(rows: Sequence[Sequence[object]], first_row: int, columns: Mapping[int, str],
                headings: Sequence[str], form: Form, epoch: dt.datetime = EXCEL_EPOCH
                ) -> tuple[list[Case], list[str], list[str]]:
    """The cases of the rows below the headings (``first_row``: the first one's number)."""
    cases: list[Case] = []
    skipped: list[str] = []
    problems: list[str] = []
    case_field = form.roles.case
    dates = {fid for fid in columns.values() if form.field(fid).kind.type == "date"}
    for offset, row in enumerate(rows):
        number = first_row + offset
        if not any(_present(v) for v in row):
            continue  # blank lines (Excel exports often end with some)
        values: dict[str, str] = {}
        for index, fid in columns.items():
            raw = row[index] if index < len(row) else None
            if fid in dates:
                raw = _serial_date(raw, epoch) or raw
            text, problem = field_value(fid, raw, form=form)
            if text:
                values[fid] = text
            if problem:
                where = ("" if fid == form.roles.category
                         else f", column {headings[index]!r}")
                problems.append(f"row {number}{where}: {problem}")
        if case_field not in values:
            skipped.append(f"row {number} has no {case_noun(form)}; skipped")
            continue
        cases.append(Case(number, values, values[case_field]))
    return cases, skipped, problems


def _serial_date(raw: object, epoch: dt.datetime) -> dt.date | None:
    """An Excel date stored as a bare number (a cell not formatted as a date, or a CSV saved
    from one), when it falls in the years a case's dates can: 45355 is 4 March 2024."""
    if isinstance(raw, str) and raw.strip().isdigit() and len(raw.strip()) <= 6:
        raw = int(raw.strip())
    if isinstance(raw, bool) or not isinstance(raw, (int, float)):
        return None
    first = (dt.datetime.combine(_FIRST_SERIAL_DATE, dt.time()) - epoch).days
    last = (dt.datetime.combine(_LAST_SERIAL_DATE, dt.time()) - epoch).days
    if not first <= raw < last + 1:
        return None
    return (epoch + dt.timedelta(days=int(raw))).date()


def _refuse_duplicates(cases: Sequence[Case], path: Path) -> None:
    first: dict[str, Case] = {}
    clashes: list[str] = []
    for case in cases:
        key = " ".join(case.case.split()).casefold()
        if key in first:
            clashes.append(f"{case.case!r} is on rows {first[key].row} and {case.row}")
        else:
            first[key] = case
    if clashes:
        more = f" (and {len(clashes) - 3} more)" if len(clashes) > 3 else ""
        raise InputError(
            "lists the same case twice: " + "; ".join(clashes[:3]) + more
            + " (use --allow-duplicates if each should get a form)", path=path)


def _present(value: object) -> bool:
    return bool(_cell_text(value))


def _cell_text(value: object) -> str:
    """A cell as the text a person sees: numbers without a spurious ".0", dates dd/mm/yyyy."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime) and value.time() == dt.time(0):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return value.strftime("%d/%m/%Y")
    return str(value).strip()
