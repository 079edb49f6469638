"""The Summary sheet: the :class:`~caseaudit_docx.report.briefing.Briefing` as a printed page.

Written top to bottom with XlsxWriter's public API only, so it works in ``constant_memory``
workbooks (rows in order; charts may point back at rows already written). The charts cannot
mislead: straight lines with markers, every category labelled, the grade colours worst to best
in the form's order in every chart, counts in the labels. The sheet prints on at most two A4
pages at a readable scale: portrait, fit to the page's width, a page break before the trend, a
print area, the report title in the header and page numbers and the marking in the footer. So
that it does, the Summary lists only the weakest questions (:data:`SUMMARY_QUESTIONS` at most);
the whole ranking has a sheet of its own (:mod:`caseaudit_docx.report.questions_sheet`,
right after the Summary).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from xlsxwriter.format import Format
from xlsxwriter.workbook import Workbook
from xlsxwriter.worksheet import Worksheet

from caseaudit_docx.report.briefing import Briefing, Grade, QuestionRank, Share
from caseaudit_docx.report.questions_sheet import (
    QUESTIONS_SHEET,
    SUMMARY_QUESTIONS,
    print_setup,
    row_height,
    top_heading,
    write_questions_sheet,
)

__all__ = ["QUESTIONS_SHEET", "SUMMARY_QUESTIONS", "band_colours", "section_chart_height",
           "write_briefing_sheet", "write_questions_sheet"]

_LAST_COL = 8  # columns A to I
_TREND_HEIGHT = 160  # the trend chart, pixels (8 rows)
_QUESTION_COLS = 6  # the question's wording spans columns A to F
_FEWEST_QUESTIONS = 5  # on the Summary, even when the page must shrink to hold them
#: The columns, in characters: at the scale that fits them to the page's width (about 78%),
#: 10-point text prints at about 8 points.
_WIDTHS = (42.0, *([9.0] * _LAST_COL))
_ROW = 15.0  # the default row height, points
#: A4 portrait less the margins below, in points: what a page holds at 100%.
_PAGE_WIDE, _PAGE_TALL = (8.27 - 1.0) * 72 * 0.95, (11.69 - 1.5) * 72 * 0.95  # to spare


def _width_scale(widths: Sequence[float] = _WIDTHS) -> float:
    """The scale that fits ``widths`` (characters) to the page's width, as Excel measures."""
    return _PAGE_WIDE / (sum(int(w * 7 + 5) for w in widths) * 0.75)  # 96 dpi


def print_scale(widths: Sequence[float], pages: Sequence[float]) -> int | None:
    """The print scale (percent) at which each page's rows (``pages``, points) fit its
    height, or None when fitting the columns (``widths``, characters) to the page's width
    is enough: then the sheet is set to fit to width and each application measures its own
    columns. A scale is set only when the height needs more than the width, because
    LibreOffice drops the manual page break under fit-to-pages-tall; it is then small
    enough for the columns at LibreOffice's width too (with a substitute for the default
    font, its columns come out up to 1.4 times Excel's)."""
    width_scale = _width_scale(widths)
    height_scale = min((_PAGE_TALL / tall for tall in pages if tall), default=1.0)
    if height_scale >= width_scale:
        return None
    return max(10, min(100, int(100 * min(height_scale, width_scale / 1.4))))


def band_colours(grades: Sequence[Grade]) -> tuple[str, ...]:
    """The fills of the shares in the team grid, lowest band first: the grades up to the
    first positive one (on a four-grade scale with two good grades: the worst three), so a
    share reads in the grades' own colours."""
    out: list[str] = []
    for grade in grades:
        out.append(grade.colour)
        if grade.positive:
            break
    return tuple(out)


def band_of(share: float, bands: int) -> int:
    """The band (0 … bands-1) of a share: equal steps, the top band for 100% alone only
    when there is one band."""
    return min(int(share * bands), bands - 1) if bands else 0


def section_chart_height(sections: int) -> int:
    """The section-grades chart's height in pixels: the title, the legend and the axis name
    take about 130, and each section's bar needs 26 for LibreOffice to label every one (at
    20 a row it hides every other label)."""
    return 130 + 26 * sections


class _Page:
    """The sheet written row by row, top to bottom, with the formats it needs made once."""

    def __init__(self, book: Workbook, sheet: Worksheet, briefing: Briefing) -> None:
        self.book, self.sheet, self.briefing = book, sheet, briefing
        self.row = 0
        self.heights: dict[int, float] = {}  # rows given a height of their own, in points
        base = {"font_name": "Arial", "font_size": 10, "valign": "top"}
        self.plain = book.add_format({**base, "text_wrap": True})
        self.bold = book.add_format({**base, "bold": True, "text_wrap": True})
        self.title = book.add_format({**base, "bold": True, "font_size": 16})
        self.heading = book.add_format({**base, "bold": True, "font_size": 12,
                                        "bottom": 1})
        self.head = book.add_format({**base, "bold": True, "text_wrap": True,
                                     "bg_color": "#D9D9D9", "border": 1})
        self.cell = book.add_format({**base, "border": 1, "text_wrap": True})
        self.number = book.add_format({**base, "border": 1})
        self.flowing = book.add_format({**base, "border": 1})  # runs on into empty cells
        self.percent = book.add_format({**base, "border": 1, "num_format": "0%"})
        self.decimal = book.add_format({**base, "border": 1, "num_format": "0.0"})
        self.note = book.add_format({**base, "italic": True, "text_wrap": True,
                                     "font_color": "#404040"})
        self.big = book.add_format({**base, "bold": True, "font_size": 14, "border": 1,
                                    "align": "center"})
        self.grade_heads = {g.name: book.add_format(
            {**base, "bold": True, "text_wrap": True, "border": 1, "bg_color": f"#{g.colour}",
             "font_color": f"#{g.ink}"}) for g in briefing.grades}
        self.bands = [book.add_format({**base, "border": 1, "bg_color": f"#{colour}",
                                       "align": "center"})
                      for colour in band_colours(briefing.grades)]

    def write(self, cells: Sequence[Any], formats: Sequence[Format | None] | Format | None = None,
              *, height: float | None = None) -> int:
        """One row from column A; returns its index."""
        if height is not None:
            self.sheet.set_row(self.row, height)
            self.heights[self.row] = height
        fmts = formats if isinstance(formats, Sequence) else [formats] * len(cells)
        for col, (value, fmt) in enumerate(zip(cells, fmts)):
            if value is None:
                if fmt is not None:
                    self.sheet.write_blank(self.row, col, None, fmt)
            elif isinstance(value, str):
                self.sheet.write_string(self.row, col, value, fmt)
            else:
                self.sheet.write_number(self.row, col, value, fmt)
        self.row += 1
        return self.row - 1

    def line(self, text: str, fmt: Format, *, height: float | None = None) -> int:
        """Text across the page (merged A to I)."""
        if height is not None:
            self.sheet.set_row(self.row, height)
            self.heights[self.row] = height
        self.sheet.merge_range(self.row, 0, self.row, _LAST_COL, text, fmt)
        self.row += 1
        return self.row - 1

    def skip(self, rows: int = 1) -> int:
        """Leave rows empty (for a chart); returns the first."""
        first = self.row
        self.row += rows
        return first

    def points(self, first: int, last: int) -> float:
        """The height of rows ``first`` to ``last - 1``, in points."""
        return sum(self.heights.get(r, _ROW) for r in range(first, last))

    def band(self, share: Share) -> Format | None:
        return self.bands[band_of(share.share, len(self.bands))] if (
            self.bands and share.share is not None) else self.number


def _share_cells(share: Share) -> list[Any]:
    return [share.good, share.graded, share.share]


def _overall(page: _Page) -> None:
    b = page.briefing
    if b.overall is None or not b.grades:
        return
    page.line(f"{b.positive_label}: {b.overall_label}", page.heading)
    page.line(f"{b.overall.text()} of the audits given one of the {len(b.grades)} grades "
              f"were {b.positive_label}.", page.plain)
    head = page.write(["Grade", "Audits"], page.head)
    first = head + 1
    for grade, count in zip(b.grades, b.overall.counts):
        page.write([grade.name, count], [page.grade_heads[grade.name], page.number])
    chart = page.book.add_chart({"type": "column"})
    chart.add_series({
        "name": b.overall_label,
        "categories": [page.sheet.name, first, 0, first + len(b.grades) - 1, 0],
        "values": [page.sheet.name, first, 1, first + len(b.grades) - 1, 1],
        "points": [{"fill": {"color": f"#{g.colour}"}, "border": {"color": "#404040"}}
                   for g in b.grades],
        "data_labels": {"value": True},
    })
    chart.set_title({"name": f"{b.overall_label}: {b.overall.graded} audits graded",
                     "name_font": {"size": 11}})
    chart.set_legend({"none": True})
    chart.set_x_axis({"interval_unit": 1, "num_font": {"size": 9}})
    chart.set_y_axis({"name": "audits", "min": 0, "major_gridlines": {"visible": True}})
    chart.set_size({"width": 430, "height": 180})  # 9 rows of 20 pixels
    page.sheet.insert_chart(head, 3, chart, {"x_offset": 10})
    page.skip(max(0, 9 - len(b.grades)))


def _sections(page: _Page) -> None:
    b = page.briefing
    if not b.sections:
        return
    page.skip()
    page.line(f"{b.positive_label}, by section", page.heading)
    grades = [g.name for g in b.grades]
    head = page.write(["Section", *grades, b.positive_label, "graded", "share"],
                      [page.head, *(page.grade_heads[g] for g in grades), page.head,
                       page.head, page.head], height=30)
    for share in b.sections:
        page.write([share.label, *share.counts, *_share_cells(share)],
                   [page.cell, *([page.number] * len(grades)), page.number, page.number,
                    page.percent])
    first, last = head + 1, head + len(b.sections)
    chart = page.book.add_chart({"type": "bar", "subtype": "stacked"})
    for index, grade in enumerate(b.grades):
        chart.add_series({
            "name": [page.sheet.name, head, 1 + index],
            "gap": 40,
            "categories": [page.sheet.name, first, 0, last, 0],
            "values": [page.sheet.name, first, 1 + index, last, 1 + index],
            "fill": {"color": f"#{grade.colour}"},
            "border": {"color": "#404040"},
            "data_labels": {"value": True, "font": {"color": f"#{grade.ink}", "size": 8},
                            "custom": [{"delete": True} if not n else {}
                                       for n in (s.counts[index] for s in b.sections)]},
        })
    graded = sorted({s.graded for s in b.sections})
    span = f"{graded[0]}" if len(graded) == 1 else f"{graded[0]} to {graded[-1]}"
    chart.set_title({"name": f"Section grades (audits graded per section: {span})",
                     "name_font": {"size": 11}})
    # A bar chart's y axis is its vertical one, the categories: every one labelled, in the
    # form's order top down, the audits' axis kept at the foot.
    chart.set_y_axis({"reverse": True, "interval_unit": 1, "num_font": {"size": 8},
                      "crossing": "max"})
    chart.set_x_axis({"name": "audits", "min": 0, "major_gridlines": {"visible": True}})
    chart.set_legend({"position": "bottom"})
    height = section_chart_height(len(b.sections))
    chart.set_size({"width": _chart_width(), "height": height})
    page.sheet.insert_chart(page.row + 1, 0, chart)
    page.skip(1 + -(-height // 20))


def _agreement(page: _Page) -> None:
    b = page.briefing
    a = b.agreement
    if a is None:
        return
    page.skip()
    page.line(f"Does the {a.first} match the {a.second}?", page.heading)
    text = ("no audit has both grades" if a.share is None else
            f"{a.share:.0%} match ({a.agreed} of the {a.both} audits with both grades); "
            f"{a.first} higher in {a.higher}, lower in {a.lower}.")
    page.line(text, page.plain)


def _grid(page: _Page) -> None:
    b = page.briefing
    if not b.team_rows:
        return
    page.skip()
    page.line(f"{b.positive_label} by team: share (audits {b.positive_label} of those graded)",
              page.heading)
    teams = b.team_rows[:_LAST_COL]
    page.write(["", *(f"{t.team} ({t.audits} audits)" for t in teams)], page.head, height=30)
    rows: list[tuple[str, list[Share]]] = [(b.overall_label, [t.overall for t in teams])]
    rows += [(label, [t.sections[i] for t in teams]) for i, label in enumerate(b.section_labels)]
    for label, shares in rows:
        page.write([label, *(s.text() for s in shares)],
                   [page.cell, *(page.band(s) for s in shares)])
    bands = band_colours(b.grades)
    if bands:
        steps = [f"{100 * i // len(bands)}%" for i in range(len(bands))]
        names = [g.name for g in b.grades][:len(bands)]
        page.line("Colours: " + "; ".join(f"from {s} as {n}" for s, n in zip(steps, names))
                  + ".", page.note)
    if len(b.team_rows) > len(teams):
        page.line(f"{len(b.team_rows) - len(teams)} more teams: see the table "
                  f"\"{b.positive_label} by team\" in the HTML briefing.", page.note)


def _trend(page: _Page) -> None:
    b = page.briefing
    if not b.quarters:
        return
    page.skip()
    page.line(f"{b.positive_label} by quarter of audit start", page.heading)
    head = page.write(["Quarter (audits)", "audits", b.positive_label, "graded", "share",
                       "note"], page.head)
    for q in b.quarters:
        note = "too few to compare" if q.too_few else ""
        page.write([f"{q.label} ({q.audits})", q.audits, q.overall.good, q.overall.graded,
                    None if q.too_few else q.overall.share, note],
                   [page.cell, page.number, page.number, page.number, page.percent,
                    page.flowing])
    first, last = head + 1, head + len(b.quarters)
    chart = page.book.add_chart({"type": "line"})
    chart.add_series({
        "name": b.positive_label,
        "categories": [page.sheet.name, first, 0, last, 0],
        "values": [page.sheet.name, first, 4, last, 4],
        "smooth": False,
        "marker": {"type": "circle", "size": 7, "fill": {"color": "#1F4E79"},
                   "border": {"color": "#1F4E79"}},
        "line": {"color": "#1F4E79", "width": 2},
        "data_labels": {"value": True, "position": "above", "num_format": "0%"},
    })
    plotted = sum(1 for q in b.quarters if not q.too_few)
    chart.set_title({"name": f"{b.positive_label} by quarter ({plotted} of "
                             f"{len(b.quarters)} quarters with {b.min_quarter}+ audits)",
                     "name_font": {"size": 11}})
    chart.set_x_axis({"interval_unit": 1, "num_font": {"size": 8, "rotation": 0}})
    chart.set_y_axis({"min": 0, "max": 1, "num_format": "0%",
                      "major_gridlines": {"visible": True}})
    chart.set_legend({"none": True})
    chart.show_blanks_as("gap")
    chart.set_size({"width": _chart_width(), "height": _TREND_HEIGHT})
    page.sheet.insert_chart(page.row + 1, 0, chart)
    page.skip(1 + -(-_TREND_HEIGHT // 20))


def _question_text(q: QuestionRank) -> str:
    return f"{q.question} ({q.section})"


def _questions(page: _Page, room: float) -> None:
    """The weakest questions: at most :data:`SUMMARY_QUESTIONS`, and no more than ``room``
    (points) holds, though never fewer than :data:`_FEWEST_QUESTIONS`; saying where the rest
    are."""
    b = page.briefing
    if not b.questions:
        return
    wide = sum(_WIDTHS[:_QUESTION_COLS])
    room -= 15 * 3 + 30  # the blank row, the heading, the note and the table's head
    count = 0
    for q in b.questions[:SUMMARY_QUESTIONS]:
        room -= row_height(_question_text(q), wide)
        if room < 0 and count >= _FEWEST_QUESTIONS:
            break
        count += 1
    shown = b.questions[:count]
    page.skip()
    page.line("Questions, weakest first (by average score)", page.heading)
    if len(shown) < len(b.questions):
        page.line(f"The {len(shown)} weakest of {len(b.questions)}; every question on the "
                  f"{QUESTIONS_SHEET} sheet.", page.note)
    page.sheet.merge_range(page.row, 0, page.row, _QUESTION_COLS - 1, "Question (section)",
                           page.head)
    page.sheet.set_row(page.row, 30)
    page.heights[page.row] = 30
    for col, head in enumerate(("average", top_heading(b), "answered"), _QUESTION_COLS):
        page.sheet.write_string(page.row, col, head, page.head)
    page.row += 1
    for q in shown:
        text = _question_text(q)
        height = row_height(text, wide)
        page.sheet.set_row(page.row, height)
        page.heights[page.row] = height
        page.sheet.merge_range(page.row, 0, page.row, _QUESTION_COLS - 1, text, page.cell)
        page.sheet.write_number(page.row, _QUESTION_COLS, q.average, page.decimal)
        page.sheet.write_number(page.row, _QUESTION_COLS + 1, q.top_share, page.percent)
        page.sheet.write_number(page.row, _QUESTION_COLS + 2, q.answered, page.number)
        page.row += 1


def _chart_width() -> int:
    """The Summary's columns in pixels (as Excel draws them), less a margin."""
    return sum(int(w * 7 + 5) for w in _WIDTHS) - 10


def _categories(page: _Page) -> None:
    b = page.briefing
    if not b.categories:
        return
    page.skip()
    page.line("Case categories", page.heading)
    page.write(["Category", "audits", b.positive_label, "graded", "share"], page.head)
    for c in b.categories:
        page.write([c.code, c.audits, *_share_cells(c.overall)],
                   [page.cell, page.number, page.number, page.number, page.percent])


def write_briefing_sheet(book: Workbook, sheet: Worksheet, briefing: Briefing) -> None:
    """Write ``briefing`` on ``sheet`` (the Summary), its charts and its print setup."""
    page = _Page(book, sheet, briefing)
    for col, width in enumerate(_WIDTHS):
        sheet.set_column(col, col, width)
    b = briefing
    page.line(b.title, page.title, height=24)
    if b.subtitle:
        page.line(b.subtitle, page.bold)
    page.line(f"Period: {b.period}. Audits covered: {b.filters}. Figures as of "
              f"{b.as_of.isoformat()}." + (" Names left out (--redact)." if b.redacted else ""),
              page.plain)
    page.line(b.marking, page.bold)
    page.skip()
    figures = [("Audits", b.audits), ("Teams", b.teams), ("Auditors", b.auditors),
               (b.outstanding_label, b.outstanding)]
    page.write([label for label, _ in figures], page.head, height=28)
    page.write([value for _, value in figures], page.big, height=22)
    if b.allocated:
        scope = (f" Allocations record no team or category, so this counts {b.outstanding_scope}."
                 if b.outstanding_scope else "")
        page.line(f"Forms outstanding: {b.outstanding} of the {b.allocated} sent out "
                  f"(caseaudit generate --db) not yet returned.{scope}", page.note,
                  height=row_height(scope, sum(_WIDTHS)) if scope else None)
    page.skip()
    _overall(page)
    _sections(page)
    _agreement(page)
    second_page = page.row
    _trend(page)
    _grid(page)
    _categories(page)
    notes = [(f"{label}: {text}", row_height(f"{label}: {text}", sum(_WIDTHS)))
             for label, text in b.notes]
    room = 0.98 * _PAGE_TALL / _width_scale() - page.points(second_page, page.row) \
        - (30 + sum(h for _, h in notes) if notes else 0)
    _questions(page, room)
    if notes:
        page.skip()
        page.line("Notes", page.heading)
        for text, height in notes:
            page.line(text, page.plain, height=height)
    print_setup(sheet, b)
    scale = print_scale(_WIDTHS, (page.points(0, second_page),
                                  page.points(second_page, page.row)))
    if scale is None:
        sheet.fit_to_pages(1, 0)  # to the width; the page break places page 2
    else:
        sheet.set_print_scale(scale)
    sheet.set_h_pagebreaks([second_page])
    sheet.print_area(0, 0, max(page.row - 1, 0), _LAST_COL)
