"""Cells, formats and sheets for the workbook, written with XlsxWriter's public API.

The workbook is written in XlsxWriter's ``constant_memory`` mode (each sheet's rows go to a
temporary file as they are written), so a 10,000-audit report stays within a few hundred MB.
That mode writes rows in order and has no Excel Tables (``add_table`` refuses it), so each
table of a sheet is a workbook-level defined name over its cells (a pivot table's source:
``=Responses``), with an autofilter on the sheet's first table and its header row frozen,
repeated on every printed page and set in bold on a fill.

The workbook is opened with ``strings_to_formulas``, ``strings_to_urls`` and
``strings_to_numbers`` off and every cell is written with an explicit ``write_string`` /
``write_number`` / ``write_datetime``, so text stays text (``shared/docs/ooxml-facts.md`` §0
items 11-12 and §5):

- text starting with "=" and the seven error strings are written as strings with a quote
  prefix (Excel keeps them text if someone edits the cell);
- characters XML cannot hold are removed, and text over 32,767 characters is cut with a
  visible marker (the register keeps all of it).

Grades wear colours: the form's grade kind gives each option its fill (:func:`grade_palette`).
Every sheet is set up to print (:meth:`Sheet.close`): A4, landscape when it is wide, one page
wide (or, for a sheet too wide to read at half size on one, as few pages wide as that takes),
the heading row on every page, the report's title in the header and the page number and
the protective marking in the footer.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from xlsxwriter.format import Format
from xlsxwriter.utility import xl_cell_to_rowcol, xl_col_to_name
from xlsxwriter.workbook import Workbook
from xlsxwriter.worksheet import Worksheet

from caseaudit_docx.model.kinds import Kind

EXCEL_MAX_CHARS = 32_767
EXCEL_MAX_ROWS = 1_048_576
CUT_MARKER = " [… cut here: {total:,} characters in all; the register holds the full text]"
# C0 controls but tab, CR, LF, and U+FFFE, U+FFFF and lone surrogates: XML cannot hold them.
_ILLEGAL_RE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")
#: Excel's error values: text that reads as one is written with a quote prefix.
_FORCED_TEXT = frozenset(("#NULL!", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#N/A"))
#: The options every workbook is opened with: text is never read as a formula, URL or number.
BOOK_OPTIONS = {"constant_memory": True, "strings_to_formulas": False, "strings_to_urls": False,
                "strings_to_numbers": False, "default_date_format": "dd/mm/yyyy"}

DATE_FORMAT = "dd/mm/yyyy"
#: Sheets whose columns add up to more than this (Excel's character widths) print landscape.
LANDSCAPE_WIDTH = 110.0
#: What a landscape A4 page holds at half size: a sheet wider prints on more pages wide,
#: rather than at a scale no one can read (the Audits sheet has 40 columns and more).
PAGE_WIDTH_AT_HALF = 300.0
_HEADER_FILL = "#DDEBF7"
OVERDUE_FILL, OVERDUE_FONT = "#FFC7CE", "#9C0006"
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



@dataclass(frozen=True, slots=True)
class Styled:
    """A value that needs a cell format (a format key), or a quote prefix to stay text."""

    value: Any
    style: str
    text: bool = False


def forced_text(value: str) -> bool:
    """Whether Excel would read ``value`` as a formula or an error value if it were typed."""
    return value in _FORCED_TEXT or (len(value) > 1 and value[0] == "=")


def header_text(text: str) -> str:
    """Text for a print header or footer: "&" doubled (it starts a code), within 200
    characters (Excel allows 255 for the whole header)."""
    return excel_text(text).replace("&", "&&")[:200]


@dataclass(frozen=True)
class PageSetup:
    """What every sheet's print header and footer say."""

    title: str
    marking: str


class Formats:
    """The workbook's cell formats, made once each; cells ask for them by key.

    ``grades`` gives the format key of each grade (an option of the grade kind).
    """

    def __init__(self, book: Workbook, palette: dict[str, GradeLook] | None = None) -> None:
        self.book = book
        top = {"valign": "top"}
        self._specs: dict[str, dict[str, Any]] = {
            "plain": top, "wrap": {**top, "text_wrap": True},
            "date": {**top, "num_format": DATE_FORMAT},
            "datetime": {**top, "num_format": DATE_FORMAT + " hh:mm"},
            "percent": {**top, "num_format": "0%"}, "decimal": {**top, "num_format": "0.00"},
            "header": {**top, "bold": True, "text_wrap": True, "bg_color": _HEADER_FILL,
                       "bottom": 1},
            "overdue": {"bg_color": OVERDUE_FILL, "font_color": OVERDUE_FONT},
        }
        self.palette = palette or {}
        self.grades: dict[str, str] = {}
        for rank, (grade, look) in enumerate(self.palette.items(), 1):
            self.grades[grade] = key = f"grade {rank}"
            self._specs[key] = {**top, "bg_color": f"#{look.fill}", "font_color": f"#{look.font}",
                                "bold": look.bold}
        self._made: dict[tuple[str, bool], Format] = {}

    def get(self, key: str, text: bool = False) -> Format:
        """The format of ``key``; with ``text``, its quote-prefixed twin (text stays text)."""
        made = self._made.get((key, text))
        if made is None:
            spec = {**self._specs[key], **({"quote_prefix": True} if text else {})}
            made = self._made[(key, text)] = self.book.add_format(spec)
        return made


def to_datetime(value: dt.date) -> dt.datetime:
    return value if isinstance(value, dt.datetime) else dt.datetime(value.year, value.month,
                                                                    value.day)


class Sheet:
    """A worksheet holding one or more tables side by side or stacked, written row by row.

    Rows are appended whole, in order (``constant_memory``); each table remembers where it
    started and how many rows it got, and becomes a defined name in :meth:`close`, the first
    one with an autofilter. Column widths may be set at any time before :meth:`close`.
    """

    def __init__(self, book: Workbook, formats: Formats, title: str, *, page: PageSetup,
                 freeze: str = "A2", widths: Sequence[float] = (),
                 worksheet: Worksheet | None = None) -> None:
        self.book = book
        self.ws = worksheet if worksheet is not None else book.add_worksheet(title)
        self.formats = formats
        self.title = title
        self.page = page
        self.row = 0  # rows written so far: the next row's index (0-based)
        self.ws.freeze_panes(*xl_cell_to_rowcol(freeze))
        self._tables: list[tuple[str, int, int, Sequence[Col], int]] = []
        self._widths: dict[int, float] = {}
        for index, width in enumerate(widths):
            self._set_width(index, width)

    def _set_width(self, index: int, width: float) -> None:
        if self._widths.get(index, 0) < width:
            self._widths[index] = width
            self.ws.set_column(index, index, width)

    # -- cells -----------------------------------------------------------------------------------

    def cell(self, value: Any, look: str = "plain") -> Any:
        """The value as it will be written: plain when nothing else is needed, else Styled."""
        if value is None:
            return None
        if isinstance(value, str):
            value = excel_text(value)
            forced = forced_text(value)
            if look == "grade" and value in self.formats.grades:
                return Styled(value, self.formats.grades[value])
            if look == "wrap" and (len(value) > 40 or "\n" in value):
                return Styled(value, "wrap", forced)
            return Styled(value, "plain", True) if forced else value
        if isinstance(value, dt.date):
            return Styled(value, "datetime" if look == "datetime" else "date")
        if look in ("percent", "decimal") and isinstance(value, float):
            return Styled(value, look)
        return value

    def put(self, col: int, value: Any) -> None:
        """One cell of the current row (see :meth:`append`)."""
        if value is None:
            return
        fmt = None
        if isinstance(value, Styled):
            fmt = self.formats.get(value.style, value.text)
            if value.text:
                self.ws.write_string(self.row, col, str(value.value), fmt)
                return
            value = value.value
        if isinstance(value, str):
            self.ws.write_string(self.row, col, value, fmt)
        elif isinstance(value, bool):
            self.ws.write_boolean(self.row, col, value, fmt)
        elif isinstance(value, (int, float)):
            self.ws.write_number(self.row, col, value, fmt)
        elif isinstance(value, dt.date):
            self.ws.write_datetime(self.row, col, to_datetime(value),
                                   fmt or self.formats.get("date"))
        else:
            raise TypeError(f"cannot write {type(value).__name__} to a cell")

    # -- rows and tables -------------------------------------------------------------------------

    def append(self, values: Iterable[Any]) -> None:
        for col, value in enumerate(values):
            if value is not None:
                self.put(col, value)
        self.row += 1

    def skip(self, rows: int = 1) -> None:
        self.row += rows

    def start_table(self, name: str, cols: Sequence[Col], first_col: int = 0) -> int:
        """Register a table whose header is the next row; returns its index for :meth:`grow`.

        The caller writes the header (see :meth:`header_cells`) and the rows.
        """
        self._tables.append((name, self.row, first_col, cols, 0))
        for offset, col in enumerate(cols):
            self._set_width(first_col + offset, col.width)
        return len(self._tables) - 1

    def grow(self, table: int, rows: int = 1) -> None:
        name, top, first, cols, count = self._tables[table]
        self._tables[table] = (name, top, first, cols, count + rows)

    def header_cells(self, cols: Sequence[Col]) -> list[Any]:
        """Headings as text in bold on a fill; a grade heading wears its grade's colour."""
        grades = self.formats.grades
        return [Styled(excel_text(c.name), grades[c.name]) if c.look == "grade"
                and c.name in grades else Styled(excel_text(c.name), "header", forced_text(c.name))
                for c in cols]

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
            self.start_table(name, cols, first_col=len(line))
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

    def table_cols(self, table: int) -> Sequence[Col]:
        return self._tables[table][3]

    def table_range(self, table: int) -> tuple[int, int, int, int]:
        """(first row, first column, last row, last column) of a table, header included;
        a table with no rows keeps one empty row under its header."""
        _name, top, first, cols, count = self._tables[table]
        return top, first, top + max(count, 1), first + len(cols) - 1

    def close(self) -> None:
        """Name the tables, filter the first, and set the sheet up to print."""
        quoted = "'" + self.title.replace("'", "''") + "'"
        for index, (name, _top, _first, _cols, _count) in enumerate(self._tables):
            top, first, last_row, last_col = self.table_range(index)
            ref = (f"{quoted}!${xl_col_to_name(first)}${top + 1}:"
                   f"${xl_col_to_name(last_col)}${last_row + 1}")
            self.book.define_name(name, f"={ref}")
            if index == 0:
                self.ws.autofilter(top, first, last_row, last_col)
        self.set_up_page()

    def set_up_page(self) -> None:
        ws, page = self.ws, self.page
        ws.set_paper(9)  # A4
        if sum(self._widths.values()) > LANDSCAPE_WIDTH:
            ws.set_landscape()
        else:
            ws.set_portrait()
        ws.fit_to_pages(max(1, math.ceil(sum(self._widths.values()) / PAGE_WIDTH_AT_HALF)), 0)
        ws.set_margins(left=0.4, right=0.4, top=0.75, bottom=0.75)
        if self._tables:
            header = self._tables[0][1]
            ws.repeat_rows(header, header)
        ws.set_header(f"&L&\"-,Bold\"{header_text(page.title)}&R{header_text(self.title)}")
        ws.set_footer(f"&LPage &P of &N&R{header_text(page.marking)}")
