"""Rows for openpyxl's write-only sheets, rendered as SpreadsheetML text.

Why this exists: a report over 10,000 audits writes about ten million cells (the Responses
sheet alone holds a row per answered field, 1.4 million rows). openpyxl's write-only path
costs about 5 µs per cell (a ``WriteOnlyCell`` bound, checked and serialised element by
element): over a minute for Responses alone, against a one-minute target for the whole report.
Rendering a row as one string costs a fraction of that.

openpyxl still writes everything else: the package, styles, tables, column widths, frozen
panes, charts, and the sheet's own XML around ``<sheetData>``. The rows go to a side file and
are spliced into that XML once openpyxl has closed the sheet; both files sit in the report's
private folder (:func:`caseaudit_docx.cleanup.private_folder`), as they hold case data. The
splice relies on one private name of openpyxl 3.1, ``WriteOnlyWorksheet._writer.out`` (the
path of the sheet's XML, which ``ExcelWriter`` then zips); :func:`raw_rows_available` checks
for it, and without it :class:`caseaudit_docx.report.cells.Sheet` falls back to ``append``
with ``WriteOnlyCell`` objects. A test writes the same rows both ways and compares the
reloaded cells.
"""

from __future__ import annotations

import datetime as dt
import inspect
import os
import re
import shutil
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from openpyxl.utils import get_column_letter
from openpyxl.utils.datetime import to_excel

from caseaudit_docx.cleanup import current_folder, private_text_file

try:  # a private module of openpyxl 3.1: if a release renames it, the plain path is used
    from openpyxl.worksheet import _writer as openpyxl_sheet_writer
except ImportError:  # pragma: no cover - depends on the installed openpyxl
    openpyxl_sheet_writer = None  # type: ignore[assignment, unused-ignore]

_LETTERS = [get_column_letter(i) for i in range(1, 16385)]
_ESCAPES = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", "\r": "&#13;"})
_EMPTY_SHEET_DATA = re.compile(r"<sheetData\s*/>|<sheetData>\s*</sheetData>")


@dataclass(frozen=True, slots=True)
class Styled:
    """A value that needs a cell style (a named style key), or forcing to text."""

    value: Any
    style: str
    text: bool = False  # keep as text: not a formula, not an error value (quotePrefix too)


def raw_rows_available() -> bool:
    """Whether openpyxl's sheet writer still keeps its XML in a file we can splice into."""
    writer = getattr(openpyxl_sheet_writer, "WorksheetWriter", None)
    return writer is not None and "out" in inspect.signature(writer.__init__).parameters


def render_row(values: Sequence[Any], row_idx: int, style_id: Callable[[str, bool], int],
               epoch: dt.datetime) -> str:
    """One ``<row>``: numbers as ``<v>``, text inline, dates as serial numbers.

    Strings arrive already made safe for Excel (:func:`~caseaudit_docx.report.cells.
    excel_text`), so only XML escaping is left; a CR is escaped so that it survives parsing.
    """
    row = str(row_idx)
    parts = [f'<row r="{row}">']
    for index, value in enumerate(values):
        if value is None:
            continue
        ref = _LETTERS[index] + row
        style = ""
        text = False
        if isinstance(value, Styled):
            style = f' s="{style_id(value.style, value.text)}"'
            text, value = value.text, value.value
        if isinstance(value, str) or text:
            value = str(value)
            space = ' xml:space="preserve"' if value != value.strip() else ""
            parts.append(f'<c r="{ref}"{style} t="inlineStr"><is><t{space}>'
                         f'{value.translate(_ESCAPES)}</t></is></c>')
        elif isinstance(value, bool):
            parts.append(f'<c r="{ref}"{style} t="b"><v>{int(value)}</v></c>')
        elif isinstance(value, (int, float)):
            parts.append(f'<c r="{ref}"{style}><v>{value!r}</v></c>')
        elif isinstance(value, dt.date):
            parts.append(f'<c r="{ref}"{style}><v>{to_excel(value, epoch)!r}</v></c>')
        else:
            raise TypeError(f"cannot write {type(value).__name__} to a cell")
    parts.append("</row>")
    return "".join(parts)


class RawRows:
    """The rows of one write-only sheet, kept in a side file until the sheet is closed."""

    def __init__(self, ws: Any, style_id: Callable[[str, bool], int], epoch: dt.datetime
                 ) -> None:
        self.ws = ws
        self.style_id = style_id
        self.epoch = epoch
        # Open for the sheet's whole life; closed in finish() or discard(). In the report's
        # private folder (it holds case data), which goes whichever way the report ends.
        self._file, self._path = private_text_file(prefix="caseaudit-rows.", suffix=".xml")

    def write(self, values: Sequence[Any], row_idx: int) -> None:
        self._file.write(render_row(values, row_idx, self.style_id, self.epoch))

    def finish(self) -> None:
        """Close the sheet (openpyxl writes its XML, tables included), then put the rows in."""
        self._file.close()
        try:
            self._sheet_writer()
            self.ws.close()
            path = self.ws._writer.out
            with open(path, encoding="utf-8") as handle:
                sheet = handle.read()  # openpyxl's part: views, widths, tables; no rows
            match = _EMPTY_SHEET_DATA.search(sheet)
            if match is None:
                raise RuntimeError("openpyxl wrote rows of its own into a sheet of raw rows")
            with open(path, "w", encoding="utf-8") as out, \
                    open(self._path, encoding="utf-8") as rows:
                out.write(sheet[:match.start()] + "<sheetData>")
                shutil.copyfileobj(rows, out, 1 << 20)
                out.write("</sheetData>" + sheet[match.end():])
        finally:
            self._path.unlink(missing_ok=True)

    def _sheet_writer(self) -> None:
        """openpyxl's writer of the sheet's XML (what ``close`` makes), with its file in the
        private folder too rather than openpyxl's own place in the temporary folder: that
        file gets the rows, so it holds case data until the workbook is saved."""
        folder = current_folder()
        if folder is None or self.ws._writer is not None:
            return
        fd, name = tempfile.mkstemp(prefix="caseaudit-sheet.", suffix=".xml", dir=folder)
        os.close(fd)
        openpyxl_sheet_writer.ALL_TEMP_FILES.append(name)  # its cleanup() takes it off again
        self.ws._writer = openpyxl_sheet_writer.WorksheetWriter(self.ws, out=name)
        self.ws._writer.write_top()

    def discard(self) -> None:
        """Drop the side file of a report that failed."""
        if not self._file.closed:
            self._file.close()
        self._path.unlink(missing_ok=True)
