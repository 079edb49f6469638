"""The briefing as one self-contained HTML page (``caseaudit report --html FILE``).

Rendered with Jinja2 with autoescape on (team and form names are whatever people typed), from
the same :class:`~caseaudit_docx.report.briefing.Briefing` as the Summary sheet. The charts are
inline SVG drawn here as plain numbers (bars, and a straight line with markers); the template
writes every label through the escaper. No scripts, no links, no fonts or images fetched: the
page opens and prints the same with the network off, on at most two A4 pages.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import pairwise
from pathlib import Path

from jinja2 import Environment, PackageLoader
from markupsafe import Markup

from caseaudit_docx.cleanup import written_whole
from caseaudit_docx.generate.outputs import check_new_file
from caseaudit_docx.model.form import Form
from caseaudit_docx.register.pack import FormSource, given_forms
from caseaudit_docx.register.read import (
    ReportFilter,
    current_audit_ids,
    current_forms,
    iter_current,
)
from caseaudit_docx.register.store import Register, register_errors
from caseaudit_docx.report.briefing import Briefing, BriefingBuilder
from caseaudit_docx.report.briefing_sheet import band_colours, band_of
from caseaudit_docx.report.layout import report_layout
from caseaudit_docx.report.marking import DEFAULT_MARKING, check_marking

__all__ = ["HtmlSummary", "check_page", "css_string", "render_html", "write_html_report",
           "write_page"]


@dataclass(frozen=True)
class HtmlSummary:
    """What was written, for the closing line."""

    path: Path
    audits: int

    def line(self) -> str:
        return f"Wrote {self.path}: the briefing of {self.audits} audit" \
               f"{'s' * (self.audits != 1)}"


@dataclass(frozen=True)
class Bar:
    """A rectangle of a chart and its label, in the SVG's own units."""

    x: float
    y: float
    width: float
    height: float
    colour: str
    label: str
    ink: str = "000000"


def _grade_bars(briefing: Briefing) -> list[Bar]:
    """The overall grade's counts, one bar per grade, worst first (220 x 120 units)."""
    counts = briefing.overall.counts if briefing.overall else ()
    top = max(counts, default=0) or 1
    step = 200 / max(len(counts), 1)
    return [Bar(10 + i * step + step * 0.15, 100 - 90 * n / top, step * 0.7, 90 * n / top,
                g.colour, str(n)) for i, (g, n) in enumerate(zip(briefing.grades, counts))]


def _section_bars(briefing: Briefing) -> list[list[Bar]]:
    """Each section's grades stacked, worst first from the left (400 units wide)."""
    widest = max((sum(s.counts) for s in briefing.sections), default=0) or 1
    rows = []
    for share in briefing.sections:
        x, row = 0.0, []
        for grade, n in zip(briefing.grades, share.counts):
            width = 400 * n / widest
            if n:
                row.append(Bar(x, 0, width, 14, grade.colour, str(n), grade.ink))
            x += width
        rows.append(row)
    return rows


@dataclass(frozen=True)
class Point:
    x: float
    y: float | None  # None: too few audits to plot
    label: str
    value: str


def _trend(briefing: Briefing) -> tuple[list[Point], list[tuple[Point, Point]]]:
    """Points of the quarterly trend (600 x 140 units), and the segments between quarters
    next to each other that both have enough audits: a quarter with too few breaks the line."""
    quarters = briefing.quarters
    step = 560 / max(len(quarters), 1)
    points = [Point(40 + step * (i + 0.5),
                    None if q.too_few or q.overall.share is None else 120 - 110 * q.overall.share,
                    f"{q.label} ({q.audits})",
                    "too few to compare" if q.too_few else q.overall.text())
              for i, q in enumerate(quarters)]
    lines = [(a, b) for a, b in pairwise(points) if a.y is not None and b.y is not None]
    return points, lines


def css_string(text: object) -> Markup:
    """``text`` as the inside of a CSS string (the print header's ``content: "…"``): every
    character but a letter or digit written as a CSS escape ("\\26 " for "&"), so a quote,
    a backslash, a newline or "</style>" cannot end the string or the style sheet, and
    marked safe, since HTML escaping is not undone inside <style>."""
    return Markup("".join(c if c.isascii() and c.isalnum() else f"\\{ord(c):X} "
                          for c in str(text)))


_ENV = Environment(loader=PackageLoader("caseaudit_docx.report", "templates"), autoescape=True,
                   trim_blocks=True, lstrip_blocks=True)
_ENV.filters["css_string"] = css_string


def render_html(briefing: Briefing) -> str:
    """The page's HTML."""
    bands = band_colours(briefing.grades)

    def band(share: float | None) -> str:
        return bands[band_of(share, len(bands))] if bands and share is not None else "FFFFFF"

    points, lines = _trend(briefing)
    return _ENV.get_template("briefing.html.j2").render(
        b=briefing, grade_bars=_grade_bars(briefing), section_bars=_section_bars(briefing),
        points=points, lines=lines, band=band, bands=list(zip(
            (f"{100 * i // max(len(bands), 1)}%" for i in range(len(bands))),
            briefing.grades, bands)))


def check_page(output: Path, force: bool) -> None:
    """Refuse a page we must not or cannot write, before any work is done."""
    check_new_file(output, suffix=".html", wrong_suffix="the page's name must end in .html",
                   force=force, need_folder=True)


def write_html_report(
    db_path: str | Path,
    output: str | Path,
    *,
    form: FormSource | Sequence[FormSource] | None = None,
    forms: Sequence[FormSource] | None = None,
    filters: ReportFilter | None = None,
    redact: bool = False,
    as_of: dt.date | None = None,
    marking: str = DEFAULT_MARKING,
    council: str | None = None,
    force: bool = False,
) -> HtmlSummary:
    """Write the briefing of the register at ``db_path`` to ``output`` (.html), readable by
    its owner only (it names teams and auditors). ``form``/``forms`` as
    :func:`~caseaudit_docx.report.workbook.write_report` takes them; ``council``, when
    known, heads the page (no form records it)."""
    output = Path(output)
    given = given_forms(form, forms)
    filters = (filters or ReportFilter()).check(given[0])
    marking = check_marking(marking)
    check_page(output, force)
    with register_errors(db_path), Register.open(db_path, create=False) as register:
        briefing = read_briefing(register, given, filters, redact=redact,
                                 as_of=as_of or dt.date.today(), marking=marking,
                                 council=council)
    return write_page(briefing, output, force=force)


def write_page(briefing: Briefing, output: Path, *, force: bool = False) -> HtmlSummary:
    """Write ``briefing`` as the page ``output`` (checked by :func:`check_page`), whole or not
    at all, readable by its owner only."""
    with written_whole(output, force=force) as handle:
        handle.write(render_html(briefing).encode("utf-8"))
    return HtmlSummary(output, briefing.audits)


def read_briefing(register: Register, given: Sequence[Form], filters: ReportFilter, *,
                  redact: bool, as_of: dt.date, marking: str,
                  council: str | None = None) -> Briefing:
    """The briefing of the register's current audits that ``filters`` keeps."""
    layout = report_layout(given, current_forms(register))
    builder = BriefingBuilder(layout.merged, filters=filters, as_of=as_of, redact=redact,
                              marking=marking, council=council)
    for audit in iter_current(register, current_audit_ids(register, filters,
                                                          form=layout.merged)):
        builder.add(audit, form=layout.reading(audit.record)[0])
    return builder.finish(register, ())
