"""The Questions sheet: every scored question of the briefing, weakest first.

The Summary (:mod:`caseaudit_docx.report.briefing_sheet`) has room on its two printed pages
for the weakest few questions only (:data:`SUMMARY_QUESTIONS` at most); it says so and names
this sheet, which comes right after it and holds the whole ranking. Both sheets print the
same way (:func:`print_setup`): A4 portrait, the briefing's title in the header, the pages and
the protective marking in the footer.
"""

from __future__ import annotations

from xlsxwriter.workbook import Workbook
from xlsxwriter.worksheet import Worksheet

from caseaudit_docx.report.briefing import Briefing
from caseaudit_docx.report.cells import header_text

__all__ = ["QUESTIONS_SHEET", "SUMMARY_QUESTIONS", "print_setup", "row_height", "top_heading",
           "write_questions_sheet"]

#: The sheet with every scored question, weakest first.
QUESTIONS_SHEET = "Questions"
#: At most this many of the weakest questions on the Summary.
SUMMARY_QUESTIONS = 15

_WIDTHS = (6.0, 70.0, 28.0, 9.0, 11.0, 9.0)  # rank, question, section, three figures


def row_height(text: str, width: float) -> float:
    """A row's height in points for ``text`` wrapped in a column ``width`` characters wide
    (neither Excel nor LibreOffice fits a written row's height to its text on opening)."""
    lines = sum(1 + int(len(part) // max(width * 1.3, 1)) for part in text.split("\n"))
    return 13.0 * lines + 2


def top_heading(briefing: Briefing) -> str:
    """The heading of the share in the top two levels: "share 4-5", "share Good or
    Outstanding", or "share top two levels" when the questions' scales differ."""
    labels = sorted({q.top_label for q in briefing.questions})
    return f"share {labels[0] if len(labels) == 1 else 'top two levels'}"


def print_setup(sheet: Worksheet, briefing: Briefing) -> None:
    """A4 portrait, the margins, the title in the header, the pages and marking in the
    footer, each within Excel's limit on a header's length (:func:`~.cells.header_text`:
    XlsxWriter leaves out a longer one whole)."""
    sheet.set_paper(9)  # A4
    sheet.set_portrait()
    sheet.set_margins(left=0.5, right=0.5, top=0.75, bottom=0.75)
    sheet.set_header(f"&C&\"Arial,Bold\"{header_text(briefing.title)}")
    sheet.set_footer(f"&LPage &P of &N&R{header_text(briefing.marking)}")
    sheet.hide_gridlines(2)


def write_questions_sheet(book: Workbook, sheet: Worksheet, briefing: Briefing) -> None:
    """Every scored question, weakest first, on ``sheet`` (:data:`QUESTIONS_SHEET`), written
    row by row (``constant_memory``). As on the workbook's other sheets: its heading row
    first, frozen, filtered and printed on every page; the table named after the sheet; fit
    to the page's width."""
    base = {"font_name": "Arial", "font_size": 10, "valign": "top"}
    note = book.add_format({**base, "italic": True, "font_color": "#404040"})
    head = book.add_format({**base, "bold": True, "text_wrap": True, "bg_color": "#D9D9D9",
                            "border": 1})
    cell = book.add_format({**base, "border": 1, "text_wrap": True})
    number = book.add_format({**base, "border": 1})
    decimal = book.add_format({**base, "border": 1, "num_format": "0.0"})
    percent = book.add_format({**base, "border": 1, "num_format": "0%"})
    for col, width in enumerate(_WIDTHS):
        sheet.set_column(col, col, width)
    sheet.set_row(0, 30)
    for col, text in enumerate(("rank", "Question", "Section", "average",
                                top_heading(briefing), "answered")):
        sheet.write_string(0, col, text, head)
    sheet.repeat_rows(0)
    sheet.freeze_panes(1, 0)
    row = 0
    for rank, q in enumerate(briefing.questions, 1):
        row += 1
        sheet.set_row(row, max(row_height(q.question, _WIDTHS[1]),
                               row_height(q.section, _WIDTHS[2])))
        sheet.write_number(row, 0, rank, number)
        sheet.write_string(row, 1, q.question, cell)
        sheet.write_string(row, 2, q.section, cell)
        sheet.write_number(row, 3, q.average, decimal)
        sheet.write_number(row, 4, q.top_share, percent)
        sheet.write_number(row, 5, q.answered, number)
    if not briefing.questions:
        row += 1
        sheet.write_string(row, 1, "No scored questions were answered in these audits.", note)
    last = len(_WIDTHS) - 1
    sheet.autofilter(0, 0, row, last)
    book.define_name(QUESTIONS_SHEET, f"='{QUESTIONS_SHEET}'!$A$1:${chr(65 + last)}${row + 1}")
    print_setup(sheet, briefing)
    sheet.fit_to_pages(1, 0)
    sheet.print_area(0, 0, row, last)
