"""The briefing: the report's figures for a director or an inspector, as plain data.

:class:`BriefingBuilder` sees each current audit once (beside the workbook's other sheets, in
the same pass) and keeps only counts; :meth:`BriefingBuilder.finish` turns them into a frozen
:class:`Briefing`, which the Summary sheet (:mod:`caseaudit_docx.report.briefing_sheet`) and the
HTML page (:mod:`caseaudit_docx.report.html`) both read. Everything a reader sees is named from
the form description: section titles, question wording, the grade kind's options (worst first)
and colours, its ``positive`` options and ``positive_label``, the roles. No field id reaches a
label.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from caseaudit_docx.model.form import Form
from caseaudit_docx.model.kinds import Kind
from caseaudit_docx.model.normalise import NA
from caseaudit_docx.register.read import CurrentAudit, ReportFilter, allocations
from caseaudit_docx.register.store import Register
from caseaudit_docx.report.plan import plan_of, text_of, value_of
from caseaudit_docx.report.redact import scrub_for

__all__ = ["Agreement", "Briefing", "BriefingBuilder", "Category", "Grade", "Quarter",
           "QuestionRank", "Share", "TeamRow", "allocation_scope", "grades_worst_first"]

#: A quarter with fewer audits than this is marked and not plotted as a swing.
MIN_QUARTER = 5
#: Worst to best when the form gives its grades no colours: red, amber, light green, green.
_RAMP = ("F8696B", "FFC000", "A9D08E", "00B050")
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


@dataclass(frozen=True)
class Grade:
    """One of the grade kind's options, worst first, with its colour (hex RGB)."""

    name: str
    colour: str
    positive: bool

    @property
    def ink(self) -> str:
        """Text colour readable on :attr:`colour`: white on a dark fill, else black."""
        r, g, b = (int(self.colour[i:i + 2], 16) for i in (0, 2, 4))
        return "FFFFFF" if 0.299 * r + 0.587 * g + 0.114 * b < 140 else "000000"


@dataclass(frozen=True)
class Share:
    """How many of ``graded`` audits were given a positive grade; ``counts`` per grade."""

    label: str
    good: int
    graded: int
    counts: tuple[int, ...] = ()

    @property
    def share(self) -> float | None:
        return self.good / self.graded if self.graded else None

    def text(self) -> str:
        """"75% (9 of 12)", or "none graded"."""
        share = self.share
        return "none graded" if share is None else f"{share:.0%} ({self.good} of {self.graded})"


@dataclass(frozen=True)
class QuestionRank:
    """A scored question: its average on its own scale, and the share in the top two levels."""

    section: str
    question: str
    average: float
    low: float
    high: float
    top: int
    answered: int
    top_label: str

    @property
    def position(self) -> float:
        """The average as a share of the way up the scale, so scales of any size compare."""
        return (self.average - self.low) / (self.high - self.low) if self.high > self.low else 0

    @property
    def top_share(self) -> float:
        return self.top / self.answered if self.answered else 0.0


@dataclass(frozen=True)
class TeamRow:
    """One team's audits: positive overall, and per graded section (as the grid's columns)."""

    team: str
    audits: int
    overall: Share
    sections: tuple[Share, ...]


@dataclass(frozen=True)
class Quarter:
    """A calendar quarter of audit start dates; ``too_few`` below :data:`MIN_QUARTER`."""

    label: str
    audits: int
    overall: Share
    too_few: bool


@dataclass(frozen=True)
class Category:
    """A case category (an audit with two counts in both) and its positive overall grades."""

    code: str
    overall: Share
    audits: int


@dataclass(frozen=True)
class Agreement:
    """The practitioner's overall grade against the auditor's, where both are graded."""

    first: str  # whose view ("practitioner")
    second: str  # against whose ("auditor")
    both: int
    agreed: int
    higher: int  # the first graded higher than the second
    lower: int

    @property
    def share(self) -> float | None:
        return self.agreed / self.both if self.both else None


@dataclass(frozen=True)
class Briefing:
    """Everything the briefing shows, named from the form (no field ids), in reading order."""

    title: str
    council: str | None
    forms: tuple[str, ...]
    period: str
    filters: str
    marking: str
    as_of: dt.date
    redacted: bool
    audits: int
    teams: int
    auditors: int
    allocated: int
    outstanding: int
    grades: tuple[Grade, ...]
    positive_label: str
    overall_label: str
    overall: Share | None
    sections: tuple[Share, ...]
    questions: tuple[QuestionRank, ...]
    team_rows: tuple[TeamRow, ...]
    quarters: tuple[Quarter, ...]
    categories: tuple[Category, ...]
    multi_category: int
    agreement: Agreement | None
    notes: tuple[tuple[str, str], ...]
    min_quarter: int = MIN_QUARTER
    #: "all teams" when the figures are filtered by team but the forms outstanding are not
    #: (see :func:`allocation_scope`), else "".
    outstanding_scope: str = ""

    @property
    def outstanding_label(self) -> str:
        """"Forms outstanding", or "Forms outstanding (all teams)" when only the audits
        are filtered by team or category."""
        scope = f" ({self.outstanding_scope})" if self.outstanding_scope else ""
        return f"Forms outstanding{scope}"

    @property
    def section_labels(self) -> tuple[str, ...]:
        return tuple(s.label for s in self.sections)

    @property
    def subtitle(self) -> str:
        return " · ".join(p for p in (self.council, ", ".join(self.forms)) if p)


def grades_worst_first(kind: Kind | None) -> tuple[Grade, ...]:
    """The grade kind's options worst first. A kind whose ``positive`` options come first in
    its order (best first, as some councils print them) is read backwards. Colours are the
    options' own when every option has one, else a red-to-green ramp in the same order."""
    if kind is None:
        return ()
    options = list(kind.options)
    positive = set(kind.positive)
    marks = [o.value in positive for o in options]
    if positive and marks and marks[0] and not marks[-1]:
        options.reverse()
    coloured = all(o.colour for o in options)
    out = []
    for index, option in enumerate(options):
        if coloured:
            colour = str(option.colour).upper()
        else:
            step = index * (len(_RAMP) - 1) / max(len(options) - 1, 1)
            colour = _RAMP[round(step)]
        out.append(Grade(option.value, colour, option.value in positive))
    return tuple(out)


def allocation_scope(filters: ReportFilter) -> str:
    """What the forms sent out cover when the report's audits are filtered by team or
    category: an allocation records a case, an auditor and a start date, not a team or a
    category, so only the date filter applies to it. "all teams", "all categories", "all
    teams and categories", or "" when neither filter is set."""
    wider = [name for name, value in (("teams", filters.team), ("categories", filters.category))
             if value]
    return f"all {' and '.join(wider)}" if wider else ""


def _scale(kind: Kind) -> tuple[tuple[str, ...], bool]:
    """A score kind's levels worst first, and whether its values are numbers."""
    if kind.type == "number" and kind.minimum is not None and kind.maximum is not None:
        return tuple(str(n) for n in range(kind.minimum, kind.maximum + 1)), True
    return tuple(g.name for g in grades_worst_first(kind)) or kind.values, False


def _top_label(levels: Sequence[str], numeric: bool) -> str:
    top = list(levels[-2:])
    if numeric:
        return "-".join(top) if len(top) == 2 else "".join(top)
    return " or ".join(top)


def _quarter(iso: str) -> tuple[int, int] | None:
    try:
        day = dt.date.fromisoformat(iso[:10])
    except ValueError:
        return None
    return day.year, (day.month - 1) // 3


def _quarter_label(year: int, quarter: int) -> str:
    return f"{_MONTHS[quarter * 3]}-{_MONTHS[quarter * 3 + 2]} {year}"


def _day(iso: str) -> str:
    day = dt.date.fromisoformat(iso)
    return f"{day.day} {_MONTHS[day.month - 1]} {day.year}"


def _clean(text: str | None) -> str:
    return " ".join((text or "").split())


class BriefingBuilder:
    """Counts for the briefing, added one current audit at a time (see the module)."""

    def __init__(self, form: Form, *, filters: ReportFilter, as_of: dt.date, redact: bool,
                 marking: str, council: str | None = None) -> None:
        self.form, self.plan = form, plan_of(form)
        self.filters, self.as_of, self.redact = filters, as_of, redact
        self.marking, self.council = marking, council
        self.grades = grades_worst_first(self.plan.grade_kind)
        self.positive = {g.name for g in self.grades if g.positive}
        self.audits = 0
        self.forms: dict[tuple[str, str], None] = {}
        self.auditors: set[str] = set()
        self.overall: Counter[str] = Counter()
        self.sections: dict[str, Counter[str]] = defaultdict(Counter)
        self.teams: dict[str, dict[str, Counter[str]]] = defaultdict(lambda: defaultdict(Counter))
        self.team_audits: Counter[str] = Counter()
        self.quarters: dict[tuple[int, int], Counter[str]] = defaultdict(Counter)
        self.categories: dict[str, Counter[str]] = defaultdict(Counter)
        self.multi_category = 0
        self.scores: dict[str, Counter[str]] = defaultdict(Counter)
        self.agreement: Counter[tuple[int, int]] = Counter()
        self.dates: list[str] = []

    def add(self, audit: CurrentAudit, *, form: Form) -> None:
        """Count one current audit; ``form`` is the form that read it (named in the header)."""
        record, plan, roles = audit.record, self.plan, self.form.roles
        self.audits += 1
        self.forms.setdefault((form.title, form.version), None)
        overall = value_of(record, roles.overall)
        self.overall[overall if overall in self.positive or overall in self._names else ""] += 1
        auditor = _clean(text_of(record, roles.auditor)).casefold()
        if auditor:
            self.auditors.add(auditor)
        start = value_of(record, roles.start_date)
        if isinstance(start, str) and _quarter(start):
            self.dates.append(start[:10])
            quarter = _quarter(start)
            assert quarter is not None
            self.quarters[quarter][str(overall)] += 1
        team = _clean(text_of(record, roles.team))
        if team and self.redact:
            team = str(scrub_for(self.form, record, True)(team))
        if roles.team:
            team = team or "(no team)"
            self.team_audits[team] += 1
            self.teams[team][""][str(overall)] += 1
        for field_id, _title in plan.section_grades:
            grade = str(value_of(record, field_id))
            self.sections[field_id][grade] += 1
            if roles.team:
                self.teams[team][field_id][grade] += 1
        self._add_categories(value_of(record, roles.category) if roles.category else None,
                             str(overall))
        for field_id in plan.score_fields:
            value = value_of(record, field_id)
            if value is not None and value != NA:
                self.scores[field_id][str(value)] += 1
        self._add_agreement(overall, value_of(record, roles.self_assessment))

    @property
    def _names(self) -> set[str]:
        return {g.name for g in self.grades}

    def _add_categories(self, value: Any, overall: str) -> None:
        if not self.form.roles.category:
            return
        codes = [str(c) for c in value] if isinstance(value, list) else (
            [value] if isinstance(value, str) and value != NA else [])
        if len(codes) > 1:
            self.multi_category += 1
        for code in codes:
            self.categories[code][overall] += 1

    def _add_agreement(self, overall: Any, own: Any) -> None:
        if not self.form.roles.self_assessment:
            return
        order = [g.name for g in self.grades]
        if overall in order and own in order:
            self.agreement[(order.index(own), order.index(overall))] += 1

    # -- finishing -------------------------------------------------------------------------

    def _share(self, label: str, counts: Counter[str]) -> Share:
        per_grade = tuple(counts[g.name] for g in self.grades)
        good = sum(n for g, n in zip(self.grades, per_grade) if g.positive)
        return Share(label, good, sum(per_grade), per_grade)

    def _questions(self) -> tuple[QuestionRank, ...]:
        """The scored questions (not the grades shown above, nor the sections that are not
        questions), weakest first;
        a wording that several fields share (two people's scores) is told apart by the
        answer's column heading."""
        titles, skip = self.form.section_titles, set(self.form.report.question_skip)
        fields = [self.form.field(f) for f in self.plan.score_fields]
        graded = {self.form.roles.overall, self.form.roles.self_assessment,
                  *(f for f, _title in self.plan.section_grades)}  # shown on their own
        fields = [f for f in fields if f.section not in skip and f.id not in graded]
        wording = Counter(_clean(f.question) for f in fields)
        out = []
        for field in fields:
            counts = self.scores[field.id]
            levels, numeric = _scale(field.kind)
            answered = sum(counts[level] for level in levels)
            if not answered or len(levels) < 2:
                continue
            numbers = [float(level) if numeric else float(i + 1)
                       for i, level in enumerate(levels)]
            total = sum(n * counts[level] for n, level in zip(numbers, levels))
            top = sum(counts[level] for level in levels[-2:])
            question = _clean(field.question) or _clean(field.column)
            if wording[_clean(field.question)] > 1 and _clean(field.column):
                question = f"{question} ({_clean(field.column)})"
            out.append(QuestionRank(titles.get(field.section, field.section), question,
                                    total / answered, numbers[0], numbers[-1], top, answered,
                                    _top_label(levels, numeric)))
        return tuple(sorted(out, key=lambda q: (q.position, -q.answered)))

    def _quarters(self) -> tuple[Quarter, ...]:
        if not self.quarters:
            return ()
        first, last = min(self.quarters), max(self.quarters)
        out = []
        year, quarter = first
        while (year, quarter) <= last:
            counts = self.quarters.get((year, quarter), Counter())
            audits = sum(counts.values())
            out.append(Quarter(_quarter_label(year, quarter), audits,
                               self._share(self.plan.positive_label, counts),
                               audits < MIN_QUARTER))
            year, quarter = (year + 1, 0) if quarter == 3 else (year, quarter + 1)
        return tuple(out)

    def _agreement(self) -> Agreement | None:
        roles = self.form.roles
        if not (roles.overall and roles.self_assessment):
            return None
        both = sum(self.agreement.values())
        return Agreement(_whose(self.form, roles.self_assessment), _whose(self.form, roles.overall),
                         both, sum(n for (a, b), n in self.agreement.items() if a == b),
                         sum(n for (a, b), n in self.agreement.items() if a > b),
                         sum(n for (a, b), n in self.agreement.items() if a < b))

    def _outstanding(self, register: Register) -> tuple[int, int]:
        sent = [a for a in allocations(register) if self.filters.in_dates(a.start_date)]
        return len(sent), sum(1 for a in sent if not a.returned)

    def _period(self) -> str:
        start, end = self.filters.date_from, self.filters.date_to
        if not (start or end) and self.dates:
            start, end = min(self.dates), max(self.dates)
            return f"audits started {_day(start)} to {_day(end)}"
        if start and end:
            return f"{_day(start)} to {_day(end)}"
        if start:
            return f"from {_day(start)}"
        return f"to {_day(end)}" if end else "no audit start dates"

    def finish(self, register: Register, notes: Sequence[tuple[str, str]]) -> Briefing:
        """The :class:`Briefing`: ``register`` gives the allocations (forms outstanding);
        ``notes`` are the caller's (label, text) lines, shown after the briefing's own."""
        plan, roles = self.plan, self.form.roles
        allocated, outstanding = self._outstanding(register)
        titles = dict(plan.section_grades)
        sections = tuple(self._share(titles[f], self.sections[f]) for f, _ in plan.section_grades)
        team_rows = tuple(
            TeamRow(team, self.team_audits[team], self._share(team, groups[""]),
                    tuple(self._share(titles[f], groups[f]) for f, _ in plan.section_grades))
            for team, groups in sorted(self.teams.items(), key=lambda kv: kv[0].casefold()))
        own: list[tuple[str, str]] = []
        if self.multi_category:
            own.append(("Categories", f"{self.multi_category} of the {self.audits} audits have "
                        "more than one category, so the category counts add up to more than "
                        "the audits."))
        few = [q for q in self._quarters() if q.too_few]
        if few:
            own.append(("Trend", f"Quarters with fewer than {MIN_QUARTER} audits are marked "
                        "\"too few to compare\" and left off the trend line."))
        overall_label = _whose(self.form, roles.overall) if roles.overall else ""
        return Briefing(
            title=f"{self.form.title}: briefing",
            council=self.council,
            forms=tuple(f"{title} (version {version})" for title, version in self.forms)
            or (f"{self.form.title} (version {self.form.version})",),
            period=self._period(),
            filters=self.filters.describe(),
            marking=self.marking,
            as_of=self.as_of,
            redacted=self.redact,
            audits=self.audits,
            teams=len([t for t in self.team_audits if t != "(no team)"]),
            auditors=len(self.auditors),
            allocated=allocated,
            outstanding=outstanding,
            grades=self.grades,
            positive_label=plan.positive_label,
            overall_label=overall_label or plan.positive_label,
            overall=self._share(plan.positive_label, self.overall) if roles.overall else None,
            sections=sections,
            questions=self._questions(),
            team_rows=team_rows,
            quarters=self._quarters(),
            categories=tuple(Category(code, self._share(code, counts), sum(counts.values()))
                             for code, counts in sorted(self.categories.items())),
            multi_category=self.multi_category,
            agreement=self._agreement(),
            notes=(*own, *((str(a), str(b)) for a, b in notes)),
            outstanding_scope=allocation_scope(self.filters),
        )


def _whose(form: Form, field_id: str) -> str:
    """Whose a grade is, in the form's words: its answer cell's column heading ("Auditor"),
    else its question."""
    field = form.field(field_id)
    return _clean(field.column) or _clean(field.question)
