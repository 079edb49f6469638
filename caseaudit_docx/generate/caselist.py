"""Reading the list of cases a coordinator exports from the case management system.

A case list is a CSV file (UTF-8 with or without a BOM, comma or semicolon separated) or an Excel
workbook (.xlsx: the first sheet or a named one, formulas read as the values Excel last
calculated). Its first row names the columns. Each column is matched to a header field of the form
by the field's id or printed label, or a common synonym ("Case ID", "Social worker"), ignoring
case, spaces and punctuation; ``--map COLUMN=FIELD`` overrides the guess. Dates in date fields,
whether Excel dates, ISO or UK day-first text, become dd/mm/yyyy, the way an auditor writes them.

The column that must be there is the form's case field (its ``case`` role); messages name it by
its printed label. Trouble with single rows is reported, not raised: a row without a case number is
skipped with a message naming its row, and columns that match nothing are listed in one warning.
Only a list that cannot be used at all (unreadable, empty, no case number column, ambiguous
columns, the same case twice) raises :class:`~caseaudit_docx.errors.InputError`.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import warnings
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from caseaudit_docx.errors import FormError, InputError
from caseaudit_docx.files import read_user_file
from caseaudit_docx.model.description import load_form
from caseaudit_docx.model.form import Form, derived
from caseaudit_docx.model.kinds import DATE
from caseaudit_docx.model.matching import compact, header_fields
from caseaudit_docx.model.normalise import normalise

#: Rows are numbered as a spreadsheet shows them: the headings are row 1.
FIRST_DATA_ROW = 2

_MAX_CASE_LIST = 64 * 1024 * 1024  # far beyond any case list; a guard against the wrong file


@dataclass(frozen=True)
class Case:
    """One row of the case list: header field id -> the text to pre-fill, and the case
    number (the value of the form's case field)."""

    row: int
    values: Mapping[str, str]
    case_number: str


@dataclass(frozen=True)
class CaseList:
    """The cases to generate forms for, and what was noticed on the way."""

    path: Path
    columns: Mapping[str, str]  # column heading -> field id, for the columns used
    cases: tuple[Case, ...]
    skipped: tuple[str, ...] = ()  # one message per row left out
    warnings: tuple[str, ...] = ()


def read_case_list(
    path: str | Path,
    *,
    column_map: Mapping[str, str] | None = None,
    sheet: str | None = None,
    allow_duplicates: bool = False,
    form: Form | None = None,
) -> CaseList:
    """Read a .csv or .xlsx case list. ``column_map`` is heading -> field id (or label);
    an empty field ignores the column. Raises InputError when the list cannot be used."""
    form = load_form(form)
    path = Path(path)
    rows = list(_read_rows(path, sheet, form))
    while rows and not any(_present(v) for v in rows[0]):
        rows.pop(0)  # blank lines above the headings
    if not rows:
        raise InputError("is empty: the first row should name the columns", path=path)
    headings = [_cell_text(v) for v in rows[0]]
    columns, notes = match_columns(headings, column_map or {}, form=form, path=path)
    cases, skipped, problems = _read_cases(rows[1:], columns, headings, form)
    if not cases:
        why = (f" ({len(skipped)} row{'s' if len(skipped) > 1 else ''} without a "
               f"{case_noun(form)})" if skipped else "")
        raise InputError(f"has no cases to generate forms for{why}", path=path)
    if not allow_duplicates:
        _refuse_duplicates(cases, path)
    used = {headings[i]: fid for i, fid in columns.items()}
    return CaseList(path, used, tuple(cases), tuple(skipped), tuple(notes + problems))


def field_value(field_id: str, raw: object, *, form: Form | None = None
                ) -> tuple[str | None, str | None]:
    """The text to pre-fill for ``raw`` (a cell or an option value), and a warning if a date
    field holds something that is not a date (it is then written as given)."""
    form = load_form(form)
    kind = form.field(field_id).kind
    if kind.type == "date" and isinstance(raw, (dt.datetime, dt.date)):
        return raw.strftime("%d/%m/%Y"), None
    text = _cell_text(raw)
    if not text or kind.type != "date":
        return text or None, None
    result = normalise(DATE, text)
    if isinstance(result.value, str) and result.value != "n/a":
        year, month, day = result.value.split("-")
        return f"{day}/{month}/{year}", None
    return text, f"{text!r} is not a date; it is written as given"


def resolve_field(name: str, *, form: Form | None = None) -> str | None:
    """The header field a column heading (or a --set/--map name) stands for, or None."""
    form = load_form(form)
    key = compact(name)
    return _heading_index(form).get(key) if key else None


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


def _read_cases(rows: Sequence[Sequence[object]], columns: Mapping[int, str],
                headings: Sequence[str], form: Form) -> tuple[list[Case], list[str], list[str]]:
    cases: list[Case] = []
    skipped: list[str] = []
    problems: list[str] = []
    case_field = form.roles.case
    for offset, row in enumerate(rows):
        number = FIRST_DATA_ROW + offset
        if not any(_present(v) for v in row):
            continue  # blank lines (Excel exports often end with some)
        values: dict[str, str] = {}
        for index, fid in columns.items():
            raw = row[index] if index < len(row) else None
            text, problem = field_value(fid, raw, form=form)
            if text:
                values[fid] = text
            if problem:
                problems.append(f"row {number}, column {headings[index]!r}: {problem}")
        if case_field not in values:
            skipped.append(f"row {number} has no {case_noun(form)}; skipped")
            continue
        cases.append(Case(number, values, values[case_field]))
    return cases, skipped, problems


def _refuse_duplicates(cases: Sequence[Case], path: Path) -> None:
    first: dict[str, Case] = {}
    clashes: list[str] = []
    for case in cases:
        key = " ".join(case.case_number.split()).casefold()
        if key in first:
            clashes.append(f"{case.case_number!r} is on rows {first[key].row} and {case.row}")
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


# -- files ---------------------------------------------------------------------------------------


def _read_rows(path: Path, sheet: str | None, form: Form) -> Iterator[Sequence[object]]:
    suffix = path.suffix.lower()
    if suffix not in (".csv", ".xlsx", ".xlsm"):
        hint = " (save it as .xlsx or .csv)" if suffix in (".xls", ".ods", ".numbers") else ""
        raise InputError(f"is not a case list: expected a .csv or .xlsx file{hint}", path=path)
    data = _read_bytes(path)
    if suffix == ".csv":
        if sheet is not None:
            raise InputError("--sheet only applies to Excel workbooks, not CSV", path=path)
        return _csv_rows(data, path, form)
    return _xlsx_rows(data, sheet, path)


def _read_bytes(path: Path) -> bytes:
    return read_user_file(path, limit=_MAX_CASE_LIST, what="a case list")


def _csv_rows(data: bytes, path: Path, form: Form) -> Iterator[Sequence[object]]:
    if b"\x00" in data[:4096]:
        raise InputError("is not a text CSV file (it holds binary data)", path=path)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(
            f"is not UTF-8 text (byte {exc.start + 1}); save it from Excel as "
            "'CSV UTF-8 (Comma delimited)'", path=path) from None
    delimiter = _delimiter(text, form)
    try:
        return iter(list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)))
    except csv.Error as exc:
        raise InputError(f"is not a readable CSV file ({exc})", path=path) from None


def _delimiter(text: str, form: Form) -> str:
    """Comma or semicolon (Excel in many European locales): whichever splits the headings
    into more known columns, then into more columns."""
    first_line = text.lstrip("\r\n").split("\n", 1)[0]

    def score(delimiter: str) -> tuple[int, int]:
        try:
            row = next(csv.reader([first_line], delimiter=delimiter), [])
        except csv.Error:
            return (0, 0)
        return sum(1 for h in row if resolve_field(h, form=form)), len(row)

    return ";" if score(";") > score(",") else ","


def _xlsx_rows(data: bytes, sheet: str | None, path: Path) -> Iterator[Sequence[object]]:
    from openpyxl import load_workbook

    if data.startswith(b"\xd0\xcf\x11\xe0"):
        raise InputError("is a password-protected workbook or an old .xls file; save it "
                         "without a password as .xlsx or .csv", path=path)
    if not data.startswith(b"PK\x03\x04"):
        raise InputError("is not an Excel .xlsx workbook (save it as .xlsx or .csv)", path=path)
    try:
        with warnings.catch_warnings():
            # openpyxl warns about workbook features it does not read (data validation,
            # conditional formatting); they do not affect the values.
            warnings.simplefilter("ignore", UserWarning)
            book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:
        raise InputError(f"cannot be read as an Excel workbook ({exc.__class__.__name__}); "
                         "is it damaged or password-protected?", path=path) from None
    try:
        if sheet is None:
            ws = book.worksheets[0] if book.worksheets else None
        elif sheet in book.sheetnames:
            ws = book[sheet]
        else:
            raise InputError(f"has no sheet {sheet!r}; its sheets are "
                             f"{_listing(book.sheetnames)}", path=path)
        if ws is None or not hasattr(ws, "iter_rows"):
            raise InputError("has no worksheet to read cases from", path=path)
        rows = [tuple(_excel_value(c) for c in row) for row in ws.iter_rows(values_only=True)]
    finally:
        book.close()
    return iter(rows)


def _excel_value(value: object) -> object:
    """Excel dates come as datetimes; times alone are not dates of a case."""
    if isinstance(value, dt.time):
        return value.strftime("%H:%M")
    return value
