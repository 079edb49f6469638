"""Summary, Completion and Moderation: the sheets of figures, gathered as audits stream past.

:class:`Stats` sees every current audit once and keeps only counts, so a 10,000-audit report
needs no second pass. The sheets are written at the end, with native Excel charts on Summary
(grade distribution, section grades stacked, monthly trend of Good or better).
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter, defaultdict
from collections.abc import Sequence
from typing import Any

from openpyxl.chart import BarChart, LineChart, Reference, Series

from caseaudit_docx.model.description import bundled_form

FORM = bundled_form()
GRADES = FORM.kinds["grade"].values
from caseaudit_docx.model.normalise import normalise
from caseaudit_docx.register.read import AllocationRow, CurrentAudit
from caseaudit_docx.report.cells import GRADE_COLOURS, Col, Sheet
from caseaudit_docx.report.sheets import Redactor, iso_date, keep

NOT_GRADED = "not graded"
GRADE_BUCKETS = (*GRADES, "n/a", NOT_GRADED)
GOOD_OR_BETTER = ("Good", "Outstanding")
SECTION_GRADES = tuple((s.grade_field, s.title) for s in FORM.sections if s.grade_field)
#: What "share of questions answered" counts: every response an auditor gives (scores, grades,
#: yes/no, level, good practice), not notes, and not the moderation panel's own score.
QUESTION_FIELDS = tuple(
    f.id for f in FORM.fields
    if f.kind.name in ("score", "grade", "yes_no", "level", "good_practice")
    and f.section != "moderation"
)
SCALES = (("q41", "Signs of Safety (Q41)"), ("q42", "Recording (Q42)"))
_KEPT_RE = re.compile(r"\b(?:no|not|un)[\s-]*chang|\bagree|\bstays?\b|\bremains?\b", re.I)
_CHANGED_RE = re.compile(r"chang|\b(?:up|down)grad|\bto\s+(?:inadequate|requires|ri\b|good|"
                         r"outstanding)|\bnow\s+(?:inadequate|requires|ri\b|good|outstanding)",
                         re.I)


def grade_bucket(value: Any) -> str:
    return value if value in GRADES or value == "n/a" else NOT_GRADED


def good_or_better(counts: Counter[str]) -> float | None:
    """Share of the audits given one of the four grades that got Good or Outstanding."""
    graded = sum(counts[g] for g in GRADES)
    return sum(counts[g] for g in GOOD_OR_BETTER) / graded if graded else None


def panel_changed_grade(text: str | None) -> bool | None:
    """Read "B: Need to change auditor grade": True, False, or None when it cannot be told."""
    if not text or not text.strip():
        return None
    answer = normalise(FORM.kinds["yes_no"], text).value
    if answer in ("Yes", "No", "n/a"):
        return answer == "Yes"
    if _KEPT_RE.search(text):
        return False
    return True if _CHANGED_RE.search(text) else None


def went_to_panel(audit: CurrentAudit) -> bool:
    return any(audit.record.fields[f.id].text for f in FORM.fields if f.section == "moderation")


def _categories(value: Any) -> list[str]:
    """The groups an audit counts in by category: each code it has (CP & LAC in both)."""
    if isinstance(value, list) and value:
        return [str(code) for code in value]
    return ["n/a"] if value == "n/a" else ["(no category)"]


def _mean(values: Sequence[float]) -> float | None:
    return sum(values) / len(values) if values else None


class Stats:
    """Counts over the audits of a report, added one audit at a time."""

    def __init__(self, *, redact: bool = False) -> None:
        self.redact = redact
        self.audits = 0
        self.overall: dict[str, Counter[str]] = defaultdict(Counter)
        self.sections: dict[str, Counter[str]] = defaultdict(Counter)
        self.groups: dict[tuple[str, str], Counter[str]] = defaultdict(Counter)
        self.agreement: Counter[tuple[str, str]] = Counter()
        self.scales: dict[str, list[tuple[int, int]]] = defaultdict(list)
        self.scale_values: dict[str, list[int]] = defaultdict(list)
        self.ratings: list[int] = []
        self.answers: dict[str, Counter[str]] = defaultdict(Counter)
        self.moderated: list[tuple[Any, ...]] = []
        self.answered: list[tuple[Any, ...]] = []

    def add(self, audit: CurrentAudit) -> None:
        record = audit.record
        value = record.value
        self.audits += 1
        auditor, practitioner = (grade_bucket(value(f"overall.{who}"))
                                 for who in ("auditor", "practitioner"))
        self.overall["overall.auditor"][auditor] += 1
        self.overall["overall.practitioner"][practitioner] += 1
        self.agreement[(practitioner, auditor)] += 1
        for field_id, _title in SECTION_GRADES:
            self.sections[field_id][grade_bucket(value(field_id))] += 1
        team = " ".join((record.text("team") or "").split()) or "(no team)"
        self.groups[("team", team)][auditor] += 1
        for code in _categories(value("category")):
            self.groups[("category", code)][auditor] += 1
        start = value("audit_start_date")
        month = start[:7] if isinstance(start, str) and start[:4].isdigit() else "(no date)"
        self.groups[("month", month)][auditor] += 1
        for stem, _title in SCALES:
            for who in ("practitioner", "auditor"):
                score = value(f"{stem}.{who}")
                if isinstance(score, int):
                    self.scale_values[f"{stem}.{who}"].append(score)
            pair = value(f"{stem}.practitioner"), value(f"{stem}.auditor")
            if isinstance(pair[0], int) and isinstance(pair[1], int):
                self.scales[stem].append((pair[0], pair[1]))
        self.ratings += [r for r in (value("q48.parent1"), value("q48.parent2"))
                         if isinstance(r, int)]
        for field_id in ("q39.answer", "q40.answer"):
            self.answers[field_id][value(field_id) or "not answered"] += 1
        key = (audit.audit_id, record.text("case_number"), record.text("auditor"))
        if went_to_panel(audit):
            changed = panel_changed_grade(record.text("moderation.change_grade"))
            scrub = Redactor(record.text("child_name")) if self.redact else keep
            self.moderated.append(tuple(scrub(v) for v in (
                *key, record.text("team"), value("overall.auditor"),
                iso_date(value("moderation.date")) or record.text("moderation.date"),
                value("moderation.scaling") or record.text("moderation.scaling"),
                record.text("moderation.change_grade"),
                {True: "Yes", False: "No", None: "not clear"}[changed],
                record.text("moderation.actions"), record.text("moderation.themes"))))
        missing = [f for f in QUESTION_FIELDS if record.fields[f].text is None]
        self.answered.append((*key, iso_date(start), len(QUESTION_FIELDS) - len(missing),
                              len(QUESTION_FIELDS),
                              (len(QUESTION_FIELDS) - len(missing)) / len(QUESTION_FIELDS),
                              ", ".join(missing) or None))


#: Summary's column widths, set before its first row (write-only mode writes them first).
SUMMARY_WIDTHS = (50, 30, 11, 40, 13, 12, 12, 12, 11, 15)
GRADE_TABLE = [Col("measure", 22), Col("group", 30), Col("audits", 9),
               *(Col(g, 12, "grade") for g in GRADES), Col("n/a", 8), Col(NOT_GRADED, 11),
               Col("good_or_better", 15, "percent")]


Note = tuple[str, Any, Any, "str | None"]  # measure, value, audits, note


def write_summary(sheet: Sheet, stats: Stats, *, notes: Sequence[Note]) -> None:
    """Figures, the grade table (all of the breakdowns), agreement, scales, and three charts."""
    figures = [Col("measure", 50), Col("value", 14), Col("audits", 9), Col("note", 40, "wrap")]
    rows: list[Note] = [("audits", stats.audits, None, None), *notes]
    for field_id, who in (("overall.auditor", "auditor's"),
                          ("overall.practitioner", "practitioner's")):
        counts = stats.overall[field_id]
        rows.append((f"Good or better, {who} overall grade", good_or_better(counts),
                     sum(counts[g] for g in GRADES), "share of the audits given one of the "
                     "four grades"))
    both = {k: n for k, n in stats.agreement.items() if k[0] in GRADES and k[1] in GRADES}
    agreed = sum(n for (p, a), n in both.items() if p == a)
    rows.append(("Practitioner and auditor agree on the overall grade",
                  agreed / sum(both.values()) if both else None, sum(both.values()), None))
    for stem, title in SCALES:
        for who in ("practitioner", "auditor"):
            values = stats.scale_values[f"{stem}.{who}"]
            rows.append((f"{title}, {who}'s average score", _mean(values), len(values),
                         "1 to 5"))
    rows.append(("Parents' average rating (Q48)", _mean(stats.ratings), len(stats.ratings),
                 "0 (bad) to 10 (good), over every parent's rating given"))
    for field_id, title, options in (
        ("q39.answer", "Thresholds applied appropriately (Q39)", ("Yes", "No")),
        ("q40.answer", "Level of intervention (Q40)", ("Too High", "Appropriate", "Too Little")),
    ):
        for option in (*options, "n/a", "not answered"):
            rows.append((f"{title}: {option}", stats.answers[field_id][option], None, None))
    went = len(stats.moderated)
    rows.append(("Went to the moderation panel", went, None, "see Moderation"))
    looks = {"Good or better": "percent", "Practitioner and": "percent", "Signs": "decimal",
             "Recording": "decimal", "Parents'": "decimal"}
    table = sheet.start_table("Figures", figures)
    sheet.append(sheet.header_cells(figures))
    for measure, value, count, note in rows:
        look = next((v for k, v in looks.items() if measure.startswith(k)), "plain")
        sheet.append([sheet.cell(measure), sheet.cell(value, look), sheet.cell(count),
                      sheet.cell(note, "wrap")])
        sheet.grow(table)

    sheet.skip()
    sheet.append([sheet.cell("Grades: counts of audits by grade, overall and by section, and "
                             "the auditor's overall grade by team, category and month")])
    grade_rows: list[tuple[str, str, Counter[str]]] = [
        ("overall.auditor", "all audits", stats.overall["overall.auditor"]),
        ("overall.practitioner", "all audits", stats.overall["overall.practitioner"]),
        *((field_id, title, stats.sections[field_id]) for field_id, title in SECTION_GRADES),
    ]
    for kind in ("team", "category", "month"):
        names = sorted(name for k, name in stats.groups if k == kind)
        grade_rows += [(kind, name, stats.groups[(kind, name)]) for name in names]
    header = sheet.row + 1
    table = sheet.start_table("Grades", GRADE_TABLE)
    sheet.append(sheet.header_cells(GRADE_TABLE))
    where: dict[str, list[int]] = defaultdict(list)
    for measure, group, counts in grade_rows:
        line = (measure, group, sum(counts.values()), *(counts[b] for b in GRADE_BUCKETS),
                good_or_better(counts))
        sheet.append(sheet.cell(v, c.look) for v, c in zip(line, GRADE_TABLE))
        sheet.grow(table)
        where["section" if measure.startswith("grade.") else measure].append(sheet.row)
        if measure == "month" and group != "(no date)":
            where["trend"].append(sheet.row)

    sheet.skip()
    sheet.append([sheet.cell("Practitioner's overall grade (rows) against the auditor's "
                             "(columns)")])
    matrix = [Col("overall.practitioner", 22, "grade"),
              *(Col(b, 12, "grade") for b in GRADE_BUCKETS)]
    sheet.simple_table("Agreement", matrix, [
        (p, *(stats.agreement[(p, a)] for a in GRADE_BUCKETS)) for p in GRADE_BUCKETS])

    sheet.skip()
    scale_cols = [Col("measure", 22), Col("practitioner_average", 20, "decimal"),
                  Col("auditor_average", 16, "decimal"), Col("audits_with_both", 16),
                  Col("same_score", 11), Col("auditor_higher", 14), Col("auditor_lower", 13)]
    sheet.simple_table("Scales", scale_cols, [
        (title, _mean([p for p, _ in stats.scales[stem]]),
         _mean([a for _, a in stats.scales[stem]]), len(stats.scales[stem]),
         sum(p == a for p, a in stats.scales[stem]),
         sum(a > p for p, a in stats.scales[stem]),
         sum(a < p for p, a in stats.scales[stem]))
        for stem, title in SCALES])
    _add_charts(sheet, header, where)


def _add_charts(sheet: Sheet, header: int, where: dict[str, list[int]]) -> None:
    ws = sheet.ws
    first_grade, last_grade = 4, 3 + len(GRADES)
    grades = BarChart()
    grades.type, grades.title = "col", "Overall grade"
    grades.y_axis.title = "audits"
    for row, who in ((where["overall.auditor"][0], "Auditor"),
                     (where["overall.practitioner"][0], "Practitioner")):
        grades.series.append(Series(Reference(ws, min_col=first_grade, max_col=last_grade,
                                              min_row=row, max_row=row), title=who))
    grades.set_categories(Reference(ws, min_col=first_grade, max_col=last_grade,
                                    min_row=header, max_row=header))
    sections = BarChart()
    sections.type, sections.grouping, sections.overlap = "bar", "stacked", 100
    sections.title = "Section grades"
    top, bottom = min(where["section"]), max(where["section"])
    for offset, grade in enumerate(GRADES):
        series = Series(Reference(ws, min_col=first_grade + offset, min_row=top,
                                  max_row=bottom), title=grade)
        series.graphicalProperties.solidFill = GRADE_COLOURS[grade][0]
        sections.series.append(series)
    sections.set_categories(Reference(ws, min_col=2, min_row=top, max_row=bottom))
    sections.y_axis.title = "audits"
    charts: list[tuple[Any, str]] = [(grades, "M2"), (sections, "M20")]
    if where["trend"]:
        trend = LineChart()
        trend.title = "Good or better, by month of audit start"
        top, bottom = min(where["trend"]), max(where["trend"])
        trend.series.append(Series(Reference(ws, min_col=len(GRADE_TABLE), min_row=top,
                                             max_row=bottom), title="Good or better"))
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
    """An allocation is returned when an audit has its case number and, where the allocation
    names them, its auditor and audit start date."""
    case, auditor, start = key
    return any(a[0] == case and (not auditor or a[1] == auditor) and (not start or a[2] == start)
               for a in audits)


def write_completion(sheet: Sheet, stats: Stats, allocations: Sequence[AllocationRow],
                     audit_keys: Sequence[tuple[str, str, str]], report_date: dt.date) -> None:
    """Audits sent out against those returned, and how complete each returned form is."""
    by_case: dict[str, list[tuple[str, str, str]]] = defaultdict(list)
    for key in audit_keys:
        by_case[key[0]].append(key)
    outstanding = [a for a in allocations if not allocation_returned(a.key, by_case[a.key[0]])]
    shares = [row[6] for row in stats.answered]
    totals = [
        ("allocated (caseaudit generate --db)", len(allocations)),
        ("returned", len(allocations) - len(outstanding)),
        ("outstanding", len(outstanding)),
        ("forms in this report", stats.audits),
        ("forms with every question answered", sum(1 for s in shares if s == 1)),
        ("average share of questions answered", _mean(shares)),
    ]
    outstanding_rows = []
    for a in outstanding:
        sent = dt.date.fromisoformat(a.generated_at[:10])
        outstanding_rows.append((a.case_number, a.auditor, iso_date(a.audit_start_date),
                                 a.file_name, sent, (report_date - sent).days))
    sheet.side_by_side([
        ("Completion", [Col("measure", 36), Col("value", 10, "decimal")], totals),
        ("Outstanding", [Col("case_number", 14), Col("auditor", 16), Col("audit_start_date", 14),
                         Col("file_name", 24), Col("allocated_on", 13),
                         Col("days_since_allocation", 12)], outstanding_rows),
        ("Answered", [Col("audit_id", 9), Col("case_number", 14), Col("auditor", 16),
                      Col("audit_start_date", 14), Col("answered", 10), Col("questions", 10),
                      Col("answered_share", 10, "percent"), Col("unanswered", 60, "wrap")],
         stats.answered),
    ])


def write_moderation(sheet: Sheet, stats: Stats) -> None:
    """How many audits went to the panel, and in how many the panel changed the grade."""
    changed = Counter(row[8] for row in stats.moderated)
    totals = [("audits in this report", stats.audits),
              ("went to the moderation panel", len(stats.moderated)),
              ("panel changed the grade", changed["Yes"]),
              ("panel kept the grade", changed["No"]),
              ("not clear from the form", changed["not clear"])]
    sheet.side_by_side([
        ("ModerationTotals", [Col("measure", 30), Col("value", 9)], totals),
        ("Moderation", [Col("audit_id", 9), Col("case_number", 14), Col("auditor", 16),
                        Col("team", 16), Col("overall.auditor", 16, "grade"),
                        Col("moderation.date", 14), Col("moderation.scaling", 10),
                        Col("moderation.change_grade", 30, "wrap"),
                        Col("panel_changed_grade", 12), Col("moderation.actions", 40, "wrap"),
                        Col("moderation.themes", 40, "wrap")], stats.moderated),
    ])
