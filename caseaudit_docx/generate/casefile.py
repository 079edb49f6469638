"""The rows of a case list file, as a spreadsheet shows them, before any column means anything.

A CSV file is UTF-8 (with or without a BOM) or UTF-16 with its BOM (Excel's "Unicode text"),
separated by commas, semicolons (Excel in many European locales) or tabs (Unicode text). An
Excel workbook (.xlsx, .xlsm) is read in openpyxl's read-only mode from its first visible sheet
(a hidden first sheet is skipped with a note) or a named one, formulas as the values Excel last
calculated. Only the cells actually in the file are read: a sheet whose ``<dimension>`` claims
A1:XFD1048576 holding a few cells gives a few short rows, and trailing empty cells and rows are
dropped. Rows and cells are counted as they are read, and a list past :data:`MAX_CASES` rows of
cases (or a sheet claiming far more rows or cells) is refused with one line. Row ``i`` of
:attr:`Table.rows` is row ``i + 1`` of the spreadsheet.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import warnings
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from caseaudit_docx.errors import CaseAuditError, InputError, UnsafeFileError
from caseaudit_docx.files import read_user_file
from caseaudit_docx.oxml.package import check_zip

_MAX_CASE_LIST = 64 * 1024 * 1024  # far beyond any case list; a guard against the wrong file
#: Bounds on what is read from a case list, past which it is refused with one line (a few KB
#: of zip can claim a million rows, or a cell in the last column on every row):
MAX_CASES = 100_000  # rows that hold something (the headings among them)
MAX_ROWS = 1_048_576  # rows in all, blank ones between included (Excel's last row)
MAX_CELLS = 10_000_000  # cells read, blank ones included
#: Excel's own date system (the 1900 one, leap-year bug and all: serial 1 is 1 January 1900).
EXCEL_EPOCH = dt.datetime(1899, 12, 30)
#: How many lines the delimiter and the headings are looked for in.
SEARCH_ROWS = 20
_DELIMITERS = (",", ";", "\t")

Row = tuple[object, ...]
Score = Callable[[Sequence[str]], int]  # how many known columns a row of headings names


@dataclass(frozen=True)
class Table:
    """A case list's rows (trailing empty cells and rows dropped), the workbook's date system
    (for serial numbers in date columns), and notes for the user (a hidden sheet skipped)."""

    rows: tuple[Row, ...]
    epoch: dt.datetime = EXCEL_EPOCH
    notes: tuple[str, ...] = ()


def read_table(path: Path, *, sheet: str | None = None, score: Score) -> Table:
    """Read the rows of a .csv or .xlsx file; ``score`` helps choose a CSV's delimiter.
    Raises InputError for a file that is not a case list at all."""
    suffix = path.suffix.lower()
    if suffix not in (".csv", ".xlsx", ".xlsm"):
        hint = " (save it as .xlsx or .csv)" if suffix in (".xls", ".ods", ".numbers") else ""
        raise InputError(f"is not a case list: expected a .csv or .xlsx file{hint}", path=path)
    data = read_user_file(path, limit=_MAX_CASE_LIST, what="a case list")
    if suffix == ".csv":
        if sheet is not None:
            raise InputError("--sheet only applies to Excel workbooks, not CSV", path=path)
        return Table(_csv_rows(data, path, score))
    return _xlsx_table(data, sheet, path)


def trimmed(cells: Iterable[object]) -> Row:
    """A row without its trailing empty cells (an empty row is ``()``)."""
    row = tuple(cells)
    end = len(row)
    while end and _blank(row[end - 1]):
        end -= 1
    return row[:end]


def _blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _bounded(rows: Iterable[Sequence[object]], path: Path) -> tuple[Row, ...]:
    """The rows, trimmed, counted as they are read against :data:`MAX_CASES`,
    :data:`MAX_ROWS` and :data:`MAX_CELLS`, without trailing empty rows."""
    kept: list[Row] = []
    cases = cells = 0
    for row in rows:
        cells += len(row)
        if cells > MAX_CELLS:
            raise InputError(f"is too large: more than {MAX_CELLS:,} cells (counting blank "
                             "ones); is it the right file?", path=path)
        if len(kept) >= MAX_ROWS:
            raise InputError(f"is too large: more than {MAX_ROWS:,} rows (counting blank "
                             "ones); is it the right file?", path=path)
        row = trimmed(row)
        if row:
            cases += 1
            if cases > MAX_CASES:
                raise InputError(f"is too large: more than {MAX_CASES:,} rows of cases (a "
                                 f"case list holds at most {MAX_CASES:,})", path=path)
        kept.append(row)
    return _without_trailing_rows(kept)


def _without_trailing_rows(rows: list[Row]) -> tuple[Row, ...]:
    end = len(rows)
    while end and not rows[end - 1]:
        end -= 1
    return tuple(rows[:end])


# -- CSV -----------------------------------------------------------------------------------------


def _csv_rows(data: bytes, path: Path, score: Score) -> tuple[Row, ...]:
    text = _decode(data, path)
    delimiter = _delimiter(text, score)
    if text.count(delimiter) > MAX_CELLS:  # before one line of them is split into a list
        raise InputError(f"is too large: more than {MAX_CELLS:,} cells (counting blank ones); "
                         "is it the right file?", path=path)
    try:
        return _bounded(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter), path)
    except csv.Error as exc:
        raise InputError(f"is not a readable CSV file ({exc})", path=path) from None


def _decode(data: bytes, path: Path) -> str:
    """UTF-16 when the file starts with its BOM (FF FE or FE FF), else UTF-8."""
    if data.startswith((b"\xff\xfe\x00\x00", b"\x00\x00\xfe\xff")):  # UTF-32: no Excel writes it
        raise InputError("is not a text CSV file (it holds binary data)", path=path)
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16")  # the BOM gives the byte order and is dropped
        except UnicodeDecodeError:
            raise InputError("is not readable UTF-16 text; save it from Excel as "
                             "'CSV UTF-8 (Comma delimited)'", path=path) from None
    if b"\x00" in data[:4096]:
        raise InputError("is not a text CSV file (it holds binary data)", path=path)
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(
            f"is not UTF-8 text (byte {exc.start + 1}); save it from Excel as "
            "'CSV UTF-8 (Comma delimited)'", path=path) from None


def _delimiter(text: str, score: Score) -> str:
    """Comma, semicolon or tab: whichever splits some line near the top (the headings, perhaps
    under a title) into the most known columns, then into the most columns."""
    top = "\n".join(text.lstrip("\ufeff").splitlines()[:SEARCH_ROWS])

    def rank(delimiter: str) -> tuple[int, int]:
        try:
            rows = list(csv.reader(io.StringIO(top, newline=""), delimiter=delimiter))
        except csv.Error:
            return (0, 0)
        return max(((score(row), len(row)) for row in rows), default=(0, 0))

    return max(_DELIMITERS, key=rank)  # the first of equals: a comma


# -- Excel ---------------------------------------------------------------------------------------


def _xlsx_table(data: bytes, sheet: str | None, path: Path) -> Table:
    from openpyxl import load_workbook

    if data.startswith(b"\xd0\xcf\x11\xe0"):
        raise InputError("is a password-protected workbook or an old .xls file; save it "
                         "without a password as .xlsx or .csv", path=path)
    if not data.startswith(b"PK\x03\x04"):
        raise InputError("is not an Excel .xlsx workbook (save it as .xlsx or .csv)", path=path)
    try:  # openpyxl reads members whole: they are unpacked, bounded, once first
        check_zip(data, path)
    except UnsafeFileError as exc:
        raise InputError(exc.message, path=path) from None
    except CaseAuditError as exc:
        raise InputError(f"cannot be read as an Excel workbook ({exc.message.removeprefix('is ')}"
                         "); is it damaged or password-protected?", path=path) from None
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
        ws, notes = _worksheet(book, sheet, path)
        # The sheet's <dimension> may claim far more than is there (A1:XFD1048576): forget it,
        # so that rows are as long as their cells and end with the last row in the file.
        ws.reset_dimensions()
        try:
            rows = _bounded((tuple(map(_excel_value, row))
                             for row in ws.iter_rows(values_only=True)), path)
        except InputError:
            raise
        except Exception as exc:  # a damaged sheet (a cell past column XFD, bad XML)
            raise InputError(f"cannot be read as an Excel workbook ({exc.__class__.__name__}); "
                             "is it damaged?", path=path) from None
        epoch = book.epoch
    finally:
        book.close()
    return Table(rows, epoch, tuple(notes))


def _worksheet(book: Any, sheet: str | None, path: Path) -> tuple[Any, list[str]]:
    """The sheet asked for, else the first visible one, and a note naming hidden ones skipped."""
    sheets = list(book.worksheets)  # worksheets only: chart sheets hold no rows
    if sheet is not None:
        if sheet not in book.sheetnames:
            names = ", ".join(repr(n) for n in book.sheetnames)
            raise InputError(f"has no sheet {sheet!r}; its sheets are {names}", path=path)
        ws = book[sheet]
        if ws not in sheets:
            raise InputError(f"sheet {sheet!r} is a chart, not a worksheet", path=path)
        return ws, []
    if not sheets:
        raise InputError("has no worksheet to read cases from", path=path)
    visible = [ws for ws in sheets if getattr(ws, "sheet_state", "visible") == "visible"]
    if not visible:
        return sheets[0], [f"every sheet is hidden; read {sheets[0].title!r}"]
    chosen = visible[0]
    hidden = [ws.title for ws in sheets[:sheets.index(chosen)]]
    if not hidden:
        return chosen, []
    listed = ", ".join(repr(t) for t in hidden)
    return chosen, [f"skipped the hidden sheet{'s' if len(hidden) > 1 else ''} {listed}; read "
                    f"{chosen.title!r} (use --sheet to choose another)"]


def _excel_value(value: object) -> object:
    """Excel dates come as datetimes; times alone are not dates of a case."""
    if isinstance(value, dt.time):
        return value.strftime("%H:%M")
    return value
