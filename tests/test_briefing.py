"""The briefing's figures, on two different forms: counts, "Good or better" from the grade
kind, questions weakest first, the team grid, quarters with too few audits, agreement,
dual categories, forms outstanding, redaction, and labels that are never field ids."""

from __future__ import annotations

import datetime as dt
import tempfile
from collections.abc import Sequence
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from caseaudit_docx.model.form import Form
from caseaudit_docx.model.kinds import Kind, Option
from caseaudit_docx.register.read import ReportFilter
from caseaudit_docx.register.store import Register
from caseaudit_docx.report.briefing import Briefing, grades_worst_first
from caseaudit_docx.report.html import read_briefing

from .briefing_cases import Audit, forms, make_register

FORMS = forms()
IDS = [f.key for f in FORMS]
D = dt.date


def _audits() -> list[Audit]:
    """Ten audits over three quarters: 6 in Jan-Mar 2024, 1 in Apr-Jun, 3 in Oct-Dec."""
    out = []
    for i in range(6):
        out.append(Audit(f"C-10{i}", "North Team" if i % 2 else "South Team", D(2024, 1, 5 + i),
                         grade=(0, 1, 2, 2, 3, 2)[i], own=(0, 2, 2, 2, 3, 1)[i],
                         categories=(0, 1) if i == 0 else (0,)))
    out.append(Audit("C-106", "North Team", D(2024, 5, 1), grade=3))
    for i in range(3):
        out.append(Audit(f"C-20{i}", "South Team", D(2024, 11, 1 + i), grade=1))
    out[0].scores = {}  # every question at the default level
    return out


def briefing_of(tmp_path: Path, form: Form, audits: Sequence[Audit] | None = None, *,
                filters: ReportFilter | None = None, redact: bool = False) -> Briefing:
    db = make_register(tmp_path / f"{form.key}.db", form, _audits() if audits is None else audits)
    with Register.open(db, create=False) as register:
        return read_briefing(register, [form], filters or ReportFilter(), redact=redact,
                             as_of=D(2025, 1, 31), marking="OFFICIAL")


@pytest.mark.parametrize("form", FORMS, ids=IDS)
def test_counts_and_good_or_better_come_from_the_grade_kind(form: Form, tmp_path: Path) -> None:
    b = briefing_of(tmp_path, form)
    assert (b.audits, b.teams, b.auditors) == (10, 2, 7)  # auditors: the cases' last digits
    kind = form.kind_of(form.roles.overall or "")
    assert [g.name for g in b.grades] == [g.name for g in grades_worst_first(kind)]
    assert {g.name for g in b.grades if g.positive} == set(kind.positive)
    assert b.overall is not None
    # grades 0,1,2,2,3,2 then 3 then 1,1,1: the top two levels are positive on both forms
    assert (b.overall.good, b.overall.graded) == (5, 10)
    assert b.overall.counts == (1, 4, 3, 2)
    assert b.marking == "OFFICIAL" and form.title in b.title


def test_the_grades_read_worst_first_whichever_way_the_form_prints_them() -> None:
    kind = Kind("g", "choice", options=(Option("Best"), Option("Fine"), Option("Poor")),
                positive=("Best", "Fine"))
    grades = grades_worst_first(kind)
    assert [g.name for g in grades] == ["Poor", "Fine", "Best"]
    assert grades[0].colour.startswith("F8") and grades[-1].colour == "00B050"  # red to green


@pytest.mark.parametrize("form", FORMS, ids=IDS)
def test_quarters_with_too_few_audits_are_marked(form: Form, tmp_path: Path) -> None:
    b = briefing_of(tmp_path, form)
    assert [(q.label, q.audits, q.too_few) for q in b.quarters] == [
        ("Jan-Mar 2024", 6, False), ("Apr-Jun 2024", 1, True), ("Jul-Sep 2024", 0, True),
        ("Oct-Dec 2024", 3, True)]
    assert b.quarters[0].overall.text() == "67% (4 of 6)"  # grades 0, 1, 2, 2, 3, 2
    assert any("too few" in text for _label, text in b.notes)


@pytest.mark.parametrize("form", FORMS, ids=IDS)
def test_questions_are_ranked_weakest_first_with_their_wording(form: Form,
                                                               tmp_path: Path) -> None:
    skip = set(form.report.question_skip)
    grades = {form.roles.overall, form.roles.self_assessment,
              *(s.grade_field for s in form.sections)}
    scored = [f for f in form.fields if f.kind.name in form.report.score_kinds
              and f.section not in skip and f.id not in grades]
    weak, strong = scored[-1], scored[0]
    audits = _audits()
    for audit in audits:
        audit.scores = {weak.id: 0, strong.id: 3}
    b = briefing_of(tmp_path, form, audits)
    assert b.questions[0].question.startswith(weak.question.split()[0])
    assert b.questions[0].average == b.questions[0].low
    assert b.questions[-1].question.startswith(strong.question.split()[0])
    assert b.questions[-1].top_share == 1.0 and b.questions[-1].answered == 10
    positions = [q.position for q in b.questions]
    assert positions == sorted(positions)
    ids = set(form.field_ids)
    assert not {q.question for q in b.questions} & ids


@pytest.mark.parametrize("form", FORMS, ids=IDS)
def test_the_team_grid_counts_each_team(form: Form, tmp_path: Path) -> None:
    b = briefing_of(tmp_path, form)
    rows = {t.team: t for t in b.team_rows}
    assert set(rows) == {"North Team", "South Team"}
    assert rows["North Team"].audits == 4 and rows["South Team"].audits == 6
    assert rows["North Team"].overall.text() == "75% (3 of 4)"  # grades 1, 2, 2, 3
    assert len(rows["South Team"].sections) == len(b.sections)


def test_agreement_and_dual_categories_on_v32(tmp_path: Path) -> None:
    form = FORMS[0]
    b = briefing_of(tmp_path, form)
    assert b.agreement is not None
    # own grades differ from the auditor's in audits 1 (higher) and 5 (lower)
    assert (b.agreement.both, b.agreement.agreed, b.agreement.higher,
            b.agreement.lower) == (10, 8, 1, 1)
    assert b.multi_category == 1
    codes = {c.code: c.audits for c in b.categories}
    assert sum(codes.values()) == 11  # one audit counted under two categories
    assert any("more than one category" in text for _label, text in b.notes)


def test_the_second_form_has_no_agreement_and_no_sections(tmp_path: Path) -> None:
    b = briefing_of(tmp_path, FORMS[1])
    assert b.agreement is None and b.sections == () and b.categories == ()


@pytest.mark.parametrize("form", FORMS, ids=IDS)
def test_filters_and_period_are_stated(form: Form, tmp_path: Path) -> None:
    b = briefing_of(tmp_path, form, filters=ReportFilter("2024-01-01", "2024-06-30",
                                                         team="north team"))
    assert b.audits == 4
    assert b.period == "1 Jan 2024 to 30 Jun 2024"
    assert "team north team" in b.filters
    (tmp_path / "all").mkdir()
    everything = briefing_of(tmp_path / "all", form)
    assert everything.period == "audits started 5 Jan 2024 to 3 Nov 2024"


def test_redact_leaves_the_childs_name_out_of_team_names(tmp_path: Path) -> None:
    form = FORMS[0]
    audits = _audits()
    audits[0].team = "Team of Mia Example"
    db = make_register(tmp_path / "r.db", form, audits)
    from caseaudit_docx.model.record import FieldValue
    from caseaudit_docx.register.read import current_audit_ids, iter_current
    from caseaudit_docx.report.briefing import BriefingBuilder

    with Register.open(db, create=False) as register:
        builder = BriefingBuilder(form, filters=ReportFilter(), as_of=D(2025, 1, 1),
                                  redact=True, marking="OFFICIAL")
        for audit in iter_current(register, current_audit_ids(register, form=form)):
            child = form.roles.child or ""
            audit.record.fields[child] = FieldValue("Mia Example", "Mia Example")
            builder.add(audit, form=form)
        b = builder.finish(register, ())
    assert not any("Mia" in t.team for t in b.team_rows)


def test_forms_outstanding_are_allocations_not_returned(tmp_path: Path) -> None:
    from caseaudit_docx.register.store import Allocation, record_allocations

    form = FORMS[0]
    db = make_register(tmp_path / "r.db", form, _audits()[:2])
    record_allocations(db, [Allocation(case="C-100", auditor=None, start_date=None,
                                       file_name="C-100.docx"),
                            Allocation(case="C-999", auditor=None, start_date=None,
                                       file_name="C-999.docx")])
    with Register.open(db, create=False) as register:
        b = read_briefing(register, [form], ReportFilter(), redact=False, as_of=D(2025, 1, 1),
                          marking="OFFICIAL")
    assert (b.allocated, b.outstanding) == (2, 1)


@given(st.lists(st.sampled_from([0, 1, 2, 3]), min_size=1, max_size=12))
def test_good_or_better_is_the_share_at_or_above_the_good_level(grades: list[int]) -> None:
    from caseaudit_docx.register.read import CurrentAudit
    from caseaudit_docx.report.briefing import BriefingBuilder

    from .briefing_cases import record_of

    form = FORMS[0]
    builder = BriefingBuilder(form, filters=ReportFilter(), as_of=D(2025, 1, 1), redact=False,
                              marking="OFFICIAL")
    for i, grade in enumerate(grades):
        record = record_of(form, Audit(f"C-{i}", "T", D(2024, 1, 1), grade=grade))
        builder.add(CurrentAudit(i, i, 1, None, record), form=form)
    with tempfile.TemporaryDirectory() as folder, \
            Register.open(Path(folder) / "r.db") as register:
        b = builder.finish(register, ())
    assert b.overall is not None
    assert b.overall.good == sum(1 for g in grades if g >= 2)  # Good and Outstanding
    assert b.overall.graded == len(grades) == b.audits
    assert b.overall.counts == tuple(grades.count(n) for n in range(4))


@pytest.mark.parametrize("form", FORMS, ids=IDS)
@pytest.mark.parametrize(("filters", "scope"), [
    (ReportFilter(team="north team"), "all teams"),
    (ReportFilter(date_from="2024-01-01"), ""),
])
def test_forms_outstanding_say_they_cover_all_teams_when_the_audits_do_not(
        form: Form, filters: ReportFilter, scope: str, tmp_path: Path) -> None:
    """Allocations hold no team: under --team the outstanding count is every team's, and
    the Summary, the HTML page and the Completion sheet say so."""
    from openpyxl import load_workbook

    from caseaudit_docx.register.store import Allocation, record_allocations
    from caseaudit_docx.report.html import render_html
    from caseaudit_docx.report.workbook import write_report

    db = make_register(tmp_path / "r.db", form, _audits())
    record_allocations(db, [Allocation(case=c, start_date=day, file_name=f"{c}.docx")
                            for c, day in (("C-100", "2024-01-05"), ("C-998", "2024-02-01"),
                                           ("C-999", "2024-02-01"))], form=form)
    with Register.open(db, create=False) as register:
        b = read_briefing(register, [form], filters, redact=False, as_of=D(2025, 1, 1),
                          marking="OFFICIAL")
    assert (b.allocated, b.outstanding, b.outstanding_scope) == (3, 2, scope)
    label = f"Forms outstanding ({scope})" if scope else "Forms outstanding"
    assert b.outstanding_label == label
    assert f"<div>{label}<b>2</b>" in render_html(b)
    out = tmp_path / "report.xlsx"
    write_report(db, out, form=form, filters=filters, as_of=D(2025, 1, 1))
    book = load_workbook(out)
    summary = [str(c.value) for row in book["Summary"].iter_rows() for c in row if c.value]
    assert label in summary
    assert any(("so this counts all teams" in t) == bool(scope) for t in summary
               if t.startswith("Forms outstanding: 2 of the 3"))
    measures = {row[0]: row[1] for row in book["Completion"].iter_rows(values_only=True)
                if isinstance(row[0], str)}
    wider = f" ({scope})" if scope else ""
    assert measures[f"not yet returned{wider}"] == 2
    assert measures[f"allocated (caseaudit generate --db){wider}"] == 3


def test_the_scope_names_each_filter_allocations_cannot_apply() -> None:
    from caseaudit_docx.report.briefing import allocation_scope

    assert allocation_scope(ReportFilter()) == ""
    assert allocation_scope(ReportFilter(date_from="2024-01-01", date_to="2024-12-31")) == ""
    assert allocation_scope(ReportFilter(team="North")) == "all teams"
    assert allocation_scope(ReportFilter(category="CIN")) == "all categories"
    assert allocation_scope(ReportFilter(team="N", category="CIN")) == "all teams and categories"
