"""Cells and tables for the workbook, in openpyxl's write-only mode.

Write-only mode keeps a 10,000-audit report at a few tens of MB, but it leaves every safety
net to us (``shared/docs/ooxml-facts.md`` §0 items 11-12 and §5):

- a string starting with "=" would be written as a formula and the seven error strings as
  error cells, so such text is forced to stay text (``data_type "s"`` and ``quotePrefix``);
- characters XML cannot hold raise or break ``save()``, so they are removed;
- openpyxl cuts text over 32,767 characters silently, so we cut it ourselves with a visible
  marker (the register keeps all of it);
- ``add_table`` warns in write-only mode, and a table without ``tableColumns`` gives an
  unreadable file, so tables are built here with their columns set by hand.

Grades wear colours: the form's grade kind gives each option its fill (:func:`grade_palette`).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ERROR_CODES
from openpyxl.styles import Alignment, Font, NamedStyle, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.filters import AutoFilter
from openpyxl.worksheet.table import Table, TableColumn, TableStyleInfo

from caseaudit_docx.model.kinds import Kind
from caseaudit_docx.report.rows import RawRows, Styled, raw_rows_available

EXCEL_MAX_CHARS = 32_767
EXCEL_MAX_ROWS = 1_048_576
CUT_MARKER = " [… cut here: {total:,} characters in all; the register holds the full text]"
# What openpyxl refuses at once (C0 controls but tab, CR, LF), and what breaks save():
# U+FFFE, U+FFFF and lone surrogates.
_ILLEGAL_RE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")
_FORCED_TEXT = frozenset(ERROR_CODES)

DATE_FORMAT = "dd/mm/yyyy"

#: Excel's own light fills for bad, neutral and good cells, each with the dark text Excel
#: pairs with it; any other light fill gets black text, and a dark fill white bold text.
_EXCEL_TEXT_ON = {"FFC7CE": "9C0006", "FFEB9C": "9C5700", "C6EFCE": "006100"}
#: Fills for options that name none, worst to best, spread over the options by rank.
FALLBACK_FILLS = ("FFC7CE", "FFEB9C", "C6EFCE", "00703C")


@dataclass(frozen=True)
class GradeLook:
    """How a cell holding one option of the grade kind looks: its fill and its text."""

    fill: str
    font: str
    bold: bool = False


def _dark(fill: str) -> bool:
    red, green, blue = (int(fill[i:i + 2], 16) for i in (0, 2, 4))
    return 0.299 * red + 0.587 * green + 0.114 * blue < 128


def look_of(fill: str) -> GradeLook:
    """The text colour that reads on ``fill`` (hex RGB): see :data:`_EXCEL_TEXT_ON`."""
    fill = fill.upper().lstrip("#")[-6:]
    if fill in _EXCEL_TEXT_ON:
        return GradeLook(fill, _EXCEL_TEXT_ON[fill])
    return GradeLook(fill, "FFFFFF", True) if _dark(fill) else GradeLook(fill, "000000")


def grade_palette(kind: Kind | None) -> dict[str, GradeLook]:
    """Each option of the grade kind with its look: the option's own ``colour``, else the
    fallback fill of its rank (the options are listed worst first)."""
    if kind is None:
        return {}
    options = list(kind.options)
    last = max(len(options) - 1, 1)
    palette = {}
    for rank, option in enumerate(options):
        fallback = FALLBACK_FILLS[round(rank * (len(FALLBACK_FILLS) - 1) / last)]
        palette[option.value] = look_of(option.colour or fallback)
    return palette


def excel_text(text: str) -> str:
    """Text Excel can hold: illegal characters removed, over-long text cut with a marker.

    Excel counts UTF-16 code units, so a text of emoji is measured as Excel would.
    """
    if _ILLEGAL_RE.search(text):
        text = _ILLEGAL_RE.sub("", text)
    if len(text) * 2 <= EXCEL_MAX_CHARS or _utf16_len(text) <= EXCEL_MAX_CHARS:
        return text
    marker = CUT_MARKER.format(total=len(text))
    budget = EXCEL_MAX_CHARS - len(marker)
    cut = text[:budget]
    while _utf16_len(cut) > budget:
        cut = cut[: len(cut) - (_utf16_len(cut) - budget + 1) // 2 - 1]
    return cut + marker


def _utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


@dataclass(frozen=True)
class Col:
    """A column of a table: its heading (a field id where it holds a field), width, look.

    ``look`` is one of: "plain", "wrap" (long text), "date", "datetime", "grade", "percent",
    "decimal".
    """

    name: str
    width: float = 14
    look: str = "plain"


class Styles:
    """The workbook's named styles, registered once; cells refer to them by key.

    ``grades`` gives the style key of each grade (an option of the grade kind).
    """

    def __init__(self, book: Workbook, palette: dict[str, GradeLook] | None = None) -> None:
        top = Alignment(vertical="top")
        wrap = Alignment(wrap_text=True, vertical="top")
        self.book = book
        self.names: dict[str, str] = {}
        self._ids: dict[tuple[str, bool], int] = {}
        self._add("plain", alignment=top)
        self._add("wrap", alignment=wrap)
        self._add("date", alignment=top, number_format=DATE_FORMAT)
        self._add("datetime", alignment=top, number_format=DATE_FORMAT + " hh:mm")
        self._add("percent", alignment=top, number_format="0%")
        self._add("decimal", alignment=top, number_format="0.00")
        self.palette = palette or {}
        self.grades: dict[str, str] = {}
        for rank, (grade, look) in enumerate(self.palette.items(), 1):
            self.grades[grade] = key = f"grade {rank}"
            self._add(key, alignment=top,
                      fill=PatternFill("solid", start_color=look.fill, end_color=look.fill),
                      font=Font(color=look.font, bold=look.bold))

    def _add(self, key: str, *, alignment: Alignment, number_format: str = "General",
             fill: PatternFill | None = None, font: Font | None = None) -> None:
        style = NamedStyle(f"caseaudit {key}")
        style.alignment = alignment
        style.number_format = number_format
        if fill is not None:
            style.fill = fill
        if font is not None:
            style.font = font
        self.book.add_named_style(style)
        self.names[key] = style.name

    def apply(self, cell: WriteOnlyCell, key: str, text: bool) -> None:
        cell.style = self.names[key]
        if text:
            cell.data_type = "s"  # not a formula, not an error: the text as written
            cell.quotePrefix = True  # and Excel keeps it text if someone edits it

    def style_id(self, key: str, text: bool, ws: Any) -> int:
        """The cell format index of a style (for rows rendered as XML), registered once."""
        found = self._ids.get((key, text))
        if found is None:
            cell = WriteOnlyCell(ws, None)
            self.apply(cell, key, text)
            found = self._ids[(key, text)] = cell.style_id
        return found


class Sheet:
    """A write-only worksheet holding one or more Excel tables side by side or stacked.

    Rows are appended whole (write-only mode cannot go back); each table remembers where it
    started and how many rows it got, and becomes an Excel table with a filter in :meth:`close`.
    Column widths and frozen panes are written with the sheet's first row, so they are set
    before it: from ``widths`` and from tables started before any row.
    """

    def __init__(self, book: Workbook, styles: Styles, title: str, *, freeze: str = "A2",
                 widths: Sequence[float] = ()) -> None:
        self.ws = book.create_sheet(title)
        self.styles = styles
        self.title = title
        self.row = 0  # rows written so far
        self.ws.freeze_panes = freeze
        self.raw = RawRows(self.ws, self._style_id, book.epoch) if raw_rows_available() else None
        self._tables: list[tuple[str, int, int, Sequence[Col], int]] = []
        self._widths: dict[int, float] = {}
        for index, width in enumerate(widths, 1):
            self._set_width(index, width)

    def _set_width(self, index: int, width: float) -> None:
        if self.row == 0 and self._widths.get(index, 0) < width:
            self._widths[index] = width
            self.ws.column_dimensions[get_column_letter(index)].width = width

    # -- cells -----------------------------------------------------------------------------------

    def cell(self, value: Any, look: str = "plain") -> Any:
        """The value as it will be written: plain when nothing else is needed, else Styled."""
        if value is None:
            return None
        if isinstance(value, str):
            value = excel_text(value)
            forced = value in _FORCED_TEXT or (len(value) > 1 and value[0] == "=")
            if look == "grade" and value in self.styles.grades:
                return Styled(value, self.styles.grades[value])
            if look == "wrap" and (len(value) > 40 or "\n" in value):
                return Styled(value, "wrap", forced)
            return Styled(value, "plain", True) if forced else value
        if isinstance(value, dt.date):
            return Styled(value, "datetime" if look == "datetime" else "date")
        if look in ("percent", "decimal") and isinstance(value, float):
            return Styled(value, look)
        return value

    # -- rows and tables -------------------------------------------------------------------------

    def append(self, values: Iterable[Any]) -> None:
        if self.raw is not None:
            self.raw.write(values if isinstance(values, list) else list(values), self.row + 1)
        else:
            self.ws.append([self._to_cell(v) for v in values])
        self.row += 1

    def _style_id(self, key: str, text: bool) -> int:
        return self.styles.style_id(key, text, self.ws)

    def _to_cell(self, value: Any) -> Any:
        if not isinstance(value, Styled):
            return value
        cell = WriteOnlyCell(self.ws, value.value)
        self.styles.apply(cell, value.style, value.text)
        return cell

    def skip(self, rows: int = 1) -> None:
        for _ in range(rows):
            self.append([])

    def start_table(self, name: str, cols: Sequence[Col], first_col: int = 1) -> int:
        """Register a table whose header is the next row; returns its index for :meth:`grow`.

        The caller writes the header (see :meth:`header_cells`) and the rows.
        """
        self._tables.append((name, self.row + 1, first_col, cols, 0))
        for offset, col in enumerate(cols):
            self._set_width(first_col + offset, col.width)
        return len(self._tables) - 1

    def grow(self, table: int, rows: int = 1) -> None:
        name, top, first, cols, count = self._tables[table]
        self._tables[table] = (name, top, first, cols, count + rows)

    def header_cells(self, cols: Sequence[Col]) -> list[Any]:
        """Headings as text; a heading that is a grade wears its grade's colour."""
        return [self.cell(col.name, "grade" if col.look == "grade" else "plain") for col in cols]

    def simple_table(self, name: str, cols: Sequence[Col], rows: Iterable[Sequence[Any]]) -> None:
        """A table at column A from the next row: header, then one row per item of ``rows``."""
        table = self.start_table(name, cols)
        self.append(self.header_cells(cols))
        for values in rows:
            self.append(self.cell(v, c.look) for v, c in zip(values, cols))
            self.grow(table)

    def side_by_side(self, blocks: Sequence[tuple[str, Sequence[Col], Sequence[Sequence[Any]]]]
                     ) -> None:
        """Tables next to each other from the next row, one empty column apart, so every
        table's header sits in the frozen top row."""
        line: list[Any] = []
        starts = []
        for name, cols, _rows in blocks:
            starts.append(len(line))
            self.start_table(name, cols, first_col=len(line) + 1)
            line += [*self.header_cells(cols), None]
        first = len(self._tables) - len(blocks)
        self.append(line)
        for index in range(max((len(rows) for _n, _c, rows in blocks), default=0)):
            line = []
            for number, (start, (_name, cols, rows)) in enumerate(zip(starts, blocks)):
                line += [None] * (start - len(line))
                if index < len(rows):
                    line += [self.cell(v, c.look) for v, c in zip(rows[index], cols)]
                    self.grow(first + number)
            self.append(line)

    def close(self) -> None:
        """Add the tables, their columns set by hand (write-only mode cannot read them back)."""
        for name, top, first, cols, count in self._tables:
            if count == 0:  # a table needs a data row: leave one empty row under the header
                count = 1
                if self.row < top + 1:
                    self.append([])
            ref = (f"{get_column_letter(first)}{top}:"
                   f"{get_column_letter(first + len(cols) - 1)}{top + count}")
            table = Table(displayName=name, ref=ref)
            table.tableColumns = [TableColumn(id=i, name=c.name) for i, c in enumerate(cols, 1)]
            table.autoFilter = AutoFilter(ref=ref)
            table.tableStyleInfo = TableStyleInfo(name="TableStyleLight9", showRowStripes=True)
            self.ws.tables.add(table)  # not add_table(): it warns in write-only mode, always
        if self.raw is not None:
            self.raw.finish()

    def discard(self) -> None:
        """Drop what a failed report wrote aside."""
        if self.raw is not None:
            self.raw.discard()
