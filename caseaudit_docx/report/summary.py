"""Summary, Completion and Moderation: the sheets of figures.

The figures are gathered by :class:`~caseaudit_docx.report.stats.Stats` while the audits
stream past; these sheets are written at the end, with native Excel charts on Summary (grade
distribution, section grades stacked, monthly trend of the positive grades). Every measure is
named from the form: for v3.2, "Good or better, auditor's overall grade" is the grade kind's
``positive_label`` and the last part of ``overall.auditor``.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from typing import Any

from openpyxl.chart import BarChart, LineChart, Reference, Series

from caseaudit_docx.model.normalise import NA
from caseaudit_docx.register.read import AllocationRow
from caseaudit_docx.report.cells import Col, Sheet
from caseaudit_docx.report.plan import Plan, who
from caseaudit_docx.report.sheets import field_col, iso_date
from caseaudit_docx.report.stats import (
    MONTH,
    NOT_ANSWERED,
    NOT_CLEAR,
    NOT_GRADED,
    Stats,
    good_or_better,
    grade_buckets,
    mean,
)

__all__ = ["Note", "Stats", "summary_widths", "write_completion", "write_moderation",
           "write_summary"]

#: Allocations not yet returned: the Completion measure, and (capitalised) the table that
#: lists them. (Not a grade, whatever a form's grades are called.)
NOT_RETURNED = "not yet returned"
_COUNTS = ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten")

Note = tuple[str, Any, Any, "str | None"]  # measure, value, audits, note
_Figure = tuple[str, Any, Any, "str | None", str]  # … and the value's look


def summary_widths(plan: Plan) -> tuple[float, ...]:
    """Summary's column widths, set before its first row (write-only mode writes them first):
    the figures' four columns, then the grade table's grade columns."""
    grade_columns = len(plan.grades) + 3  # the grades, n/a, not graded, good_or_better
    rest = [13.0, *([12.0] * max(grade_columns - 3, 0)), 11.0, 15.0][:max(grade_columns, 0)]
    return (50, 30, 11, 40, *rest)


def grade_table(plan: Plan) -> list[Col]:
    return [Col("measure", 22), Col("group", 30), Col("audits", 9),
            *(Col(g, 12, "grade") for g in plan.grades), Col(NA, 8), Col(NOT_GRADED, 11),
            Col("good_or_better", 15, "percent")]


def _figures(stats: Stats, notes: Sequence[Note]) -> list[_Figure]:
    plan, form = stats.plan, stats.form
    roles, report = form.roles, form.report
    label = plan.positive_label
    count = len(plan.grades)
    grades = f"{_COUNTS[count]} grades" if count < len(_COUNTS) else f"{count} grades"
    rows: list[_Figure] = [("audits", stats.audits, None, None, "plain"),
                           *((*note, "plain") for note in notes)]
    for field_id in (f for f in (roles.overall, roles.self_assessment) if f):
        counts = stats.overall[field_id]
        rows.append((f"{label}, {who(field_id)}'s overall grade", good_or_better(plan, counts),
                     sum(counts[g] for g in plan.grades),
                     f"share of the audits given one of the {grades}", "percent"))
    if roles.overall and roles.self_assessment:
        both = {k: n for k, n in stats.agreement.items()
                if k[0] in plan.grades and k[1] in plan.grades}
        agreed = sum(n for (p, a), n in both.items() if p == a)
        rows.append((f"{who(roles.self_assessment).capitalize()} and {who(roles.overall)} "
                     "agree on the overall grade",
                     agreed / sum(both.values()) if both else None, sum(both.values()), None,
                     "percent"))
    for pair in report.pairs:
        for field_id in (pair.first, pair.second):
            values = stats.scale_values[field_id]
            rows.append((f"{pair.title}, {who(field_id)}'s average score", mean(values),
                         len(values), pair.note or None, "decimal"))
    for average in report.averages:
        values = stats.averages[average.title]
        rows.append((average.title, mean(values), len(values), average.note or None,
                     "decimal"))
    for tally in report.tallies:
        options = form.kind_of(tally.field).values if tally.field in form.by_id else ()
        for option in (*options, NA, NOT_ANSWERED):
            rows.append((f"{tally.title}: {option}", stats.answers[tally.field][option], None,
                         None, "plain"))
    if report.panel is not None:
        rows.append(("Went to the moderation panel", len(stats.moderated), None,
                     "see Moderation", "plain"))
    return rows


def write_summary(sheet: Sheet, stats: Stats, *, notes: Sequence[Note]) -> None:
    """Figures, the grade table (all of the breakdowns), agreement, scales, and three charts."""
    plan, roles = stats.plan, stats.form.roles
    buckets = grade_buckets(plan)
    figures = [Col("measure", 50), Col("value", 14), Col("audits", 9), Col("note", 40, "wrap")]
    table = sheet.start_table("Figures", figures)
    sheet.append(sheet.header_cells(figures))
    for measure, value, count, note, look in _figures(stats, notes):
        sheet.append([sheet.cell(measure), sheet.cell(value, look), sheet.cell(count),
                      sheet.cell(note, "wrap")])
        sheet.grow(table)

    sheet.skip()
    sheet.append([sheet.cell("Grades: counts of audits by grade, overall and by section, and "
                             f"the {who(roles.overall)}'s overall grade by team, category "
                             "and month")])
    overall = [f for f in (roles.overall, roles.self_assessment) if f]
    grade_rows = [(f, "all audits", stats.overall[f]) for f in overall]
    grade_rows += [(f, title, stats.sections[f]) for f, title in plan.section_grades]
    for kind in (f for f in (roles.team, roles.category, MONTH) if f):
        names = sorted(name for k, name in stats.groups if k == kind)
        grade_rows += [(kind, name, stats.groups[(kind, name)]) for name in names]
    header = sheet.row + 1
    cols = grade_table(plan)
    table = sheet.start_table("Grades", cols)
    sheet.append(sheet.header_cells(cols))
    where: dict[str, list[int]] = defaultdict(list)
    section_fields = {f for f, _title in plan.section_grades}
    for measure, group, counts in grade_rows:
        line = (measure, group, sum(counts.values()), *(counts[b] for b in buckets),
                good_or_better(plan, counts))
        sheet.append(sheet.cell(v, c.look) for v, c in zip(line, cols))
        sheet.grow(table)
        where["section" if measure in section_fields else measure].append(sheet.row)
        if measure == MONTH and group != "(no date)":
            where["trend"].append(sheet.row)

    if roles.overall and roles.self_assessment:
        sheet.skip()
        sheet.append([sheet.cell(f"{who(roles.self_assessment).capitalize()}'s overall grade "
                                 f"(rows) against the {who(roles.overall)}'s (columns)")])
        matrix = [field_col(plan, roles.self_assessment, 22),
                  *(Col(b, 12, "grade") for b in buckets)]
        sheet.simple_table("Agreement", matrix, [
            (p, *(stats.agreement[(p, a)] for a in buckets)) for p in buckets])

    sheet.skip()
    pairs = stats.form.report.pairs
    first, second = (who(pairs[0].first), who(pairs[0].second)) if pairs else ("first",
                                                                                 "second")
    first, second = (w.replace(" ", "_") for w in (first, second))
    scale_cols = [Col("measure", 22), Col(f"{first}_average", 20, "decimal"),
                  Col(f"{second}_average", 16, "decimal"), Col("audits_with_both", 16),
                  Col("same_score", 11), Col(f"{second}_higher", 14),
                  Col(f"{second}_lower", 13)]
    sheet.simple_table("Scales", scale_cols, [
        (pair.title, mean([p for p, _ in stats.pairs[pair.title]]),
         mean([a for _, a in stats.pairs[pair.title]]), len(stats.pairs[pair.title]),
         sum(p == a for p, a in stats.pairs[pair.title]),
         sum(a > p for p, a in stats.pairs[pair.title]),
         sum(a < p for p, a in stats.pairs[pair.title]))
        for pair in pairs])
    _add_charts(sheet, stats, header, where)


def _add_charts(sheet: Sheet, stats: Stats, header: int, where: dict[str, list[int]]) -> None:
    ws, plan, roles = sheet.ws, stats.plan, stats.form.roles
    grade_count = len(plan.grades)
    charts: list[tuple[Any, str]] = []
    first_grade, last_grade = 4, 3 + grade_count
    overall = [f for f in (roles.overall, roles.self_assessment) if f and where[f]]
    if grade_count and overall:
        grades = BarChart()
        grades.type, grades.title = "col", "Overall grade"
        grades.y_axis.title = "audits"
        for field_id in overall:
            row = where[field_id][0]
            grades.series.append(Series(Reference(ws, min_col=first_grade, max_col=last_grade,
                                                  min_row=row, max_row=row),
                                        title=who(field_id).capitalize()))
        grades.set_categories(Reference(ws, min_col=first_grade, max_col=last_grade,
                                        min_row=header, max_row=header))
        charts.append((grades, "M2"))
    if grade_count and where["section"]:
        sections = BarChart()
        sections.type, sections.grouping, sections.overlap = "bar", "stacked", 100
        sections.title = "Section grades"
        top, bottom = min(where["section"]), max(where["section"])
        palette = sheet.styles.palette
        for offset, grade in enumerate(plan.grades):
            series = Series(Reference(ws, min_col=first_grade + offset, min_row=top,
                                      max_row=bottom), title=grade)
            if grade in palette:
                series.graphicalProperties.solidFill = palette[grade].fill
            sections.series.append(series)
        sections.set_categories(Reference(ws, min_col=2, min_row=top, max_row=bottom))
        sections.y_axis.title = "audits"
        charts.append((sections, "M20"))
    if where["trend"]:
        trend = LineChart()
        trend.title = f"{plan.positive_label}, by month of audit start"
        top, bottom = min(where["trend"]), max(where["trend"])
        trend.series.append(Series(Reference(ws, min_col=len(grade_table(plan)), min_row=top,
                                             max_row=bottom), title=plan.positive_label))
        trend.set_categories(Reference(ws, min_col=2, min_row=top, max_row=bottom))
        trend.y_axis.number_format = "0%"
        trend.y_axis.scaling.min, trend.y_axis.scaling.max = 0, 1
        charts.append((trend, "M40"))
    for chart, anchor in charts:
        chart.x_axis.delete = False  # without these, recent Excel hides the axes
        chart.y_axis.delete = False
        chart.width, chart.height = 18, 9
        ws.add_chart(chart, anchor)


def allocation_returned(key: tuple[str, str, str], audits: Sequence[tuple[str, str, str]]) -> bool:
    """An allocation is returned when an audit has its case and, where the allocation names
    them, its auditor and start date."""
    case, auditor, start = key
    return any(a[0] == case and (not auditor or a[1] == auditor) and (not start or a[2] == start)
               for a in audits)


def _identity_cols(stats: Stats, *, dated: bool) -> list[Col]:
    """The case and the auditor (and the start date) as the figures' tables head them."""
    roles, plan = stats.form.roles, stats.plan
    cols = [field_col(plan, f, 16 if f == roles.auditor else 14) for f in stats.key_fields]
    if dated and roles.start_date:
        cols.append(Col(roles.start_date, 14, "date"))
    return [Col(c.name, c.width) if c.look in ("wrap", "grade") else c for c in cols]


def write_completion(sheet: Sheet, stats: Stats, allocations: Sequence[AllocationRow],
                     audit_keys: Sequence[tuple[str, str, str]], report_date: dt.date) -> None:
    """Audits sent out against those returned, and how complete each returned form is."""
    by_case: dict[str, list[tuple[str, str, str]]] = defaultdict(list)
    for key in audit_keys:
        by_case[key[0]].append(key)
    outstanding = [a for a in allocations if not allocation_returned(a.key, by_case[a.key[0]])]
    shares = [row[-2] for row in stats.answered]
    totals = [
        ("allocated (caseaudit generate --db)", len(allocations)),
        ("returned", len(allocations) - len(outstanding)),
        (NOT_RETURNED, len(outstanding)),
        ("forms in this report", stats.audits),
        ("forms with every question answered", sum(1 for s in shares if s == 1)),
        ("average share of questions answered", mean([s for s in shares if s is not None])),
    ]
    roles = stats.form.roles
    outstanding_rows = []
    for a in outstanding:
        sent = dt.date.fromisoformat(a.generated_at[:10])
        identity = [a.case, *([a.auditor] if roles.auditor else []),
                    *([iso_date(a.start_date)] if roles.start_date else [])]
        outstanding_rows.append((*identity, a.file_name, sent, (report_date - sent).days))
    heads = _identity_cols(stats, dated=True)
    sheet.side_by_side([
        ("Completion", [Col("measure", 36), Col("value", 10, "decimal")], totals),
        ("NotReturned", [*heads, Col("file_name", 24), Col("allocated_on", 13),
                         Col("days_since_allocation", 12)], outstanding_rows),
        ("Answered", [Col("audit_id", 9), *heads, Col("answered", 10), Col("questions", 10),
                      Col("answered_share", 10, "percent"), Col("unanswered", 60, "wrap")],
         stats.answered),
    ])


def write_moderation(sheet: Sheet, stats: Stats) -> None:
    """How many audits went to the panel, and in how many the panel changed the grade."""
    panel, roles = stats.form.report.panel, stats.form.roles
    totals = [("audits in this report", stats.audits),
              ("went to the moderation panel", len(stats.moderated)),
              ("panel changed the grade", stats.changed[True]),
              ("panel kept the grade", stats.changed[False]),
              (f"{NOT_CLEAR} from the form", stats.changed[None])]
    cols = [Col("audit_id", 9), *_identity_cols(stats, dated=False),
            *(Col(f, 16) for f in (roles.team,) if f),
            *((Col(roles.overall, 16, "grade"),) if roles.overall else ())]
    changed = Col("panel_changed_grade", 12)
    for field_id in panel.columns if panel else ():
        kind = stats.form.kind_of(field_id)
        if field_id == (panel.changed if panel else None):
            cols += [Col(field_id, 30, "wrap"), changed]
        elif kind.is_text:
            cols.append(Col(field_id, 40, "wrap"))
        else:
            cols.append(Col(field_id, 14 if kind.type == "date" else 10))
    if panel is not None and panel.changed not in panel.columns:
        cols.append(changed)
    sheet.side_by_side([
        ("ModerationTotals", [Col("measure", 30), Col("value", 9)], totals),
        ("Moderation", cols, stats.moderated),
    ])
