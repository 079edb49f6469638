"""Learned forms end to end: two unfamiliar blanks, learned, filled the way Word fills them,
read back whole, and used to generate pre-filled forms.

(a) a council's revision of v3.2 ("3.3"): Q2 and Q13 gone and every later question renumbered,
two new questions, the section grades made drop-down lists of the four grades, a new title;
its untagged blank built from that description. Learned ``based_on`` v3.2, the shared questions
keep their v3.2 ids by wording.

(b) another council's review tool, laid out here with python-docx and raw content controls as
Word writes them: "1.1" numbering, a "(1-4, where 1 = Outstanding)" judgement column, a
"(Yes / No / Partly)" column, label-beside-value header cells, check boxes and date pickers.
Learned on its own.
"""

from __future__ import annotations

import io
import itertools
import json
import re
from dataclasses import replace
from pathlib import Path
from typing import Any

import docx
import pytest
from docx.oxml import parse_xml
from docx.shared import Cm

from caseaudit_docx.errors import FormError
from caseaudit_docx.extract.extract import extract_bytes, extract_file
from caseaudit_docx.generate.generate import generate_forms
from caseaudit_docx.generate.template import build_template
from caseaudit_docx.learn import Learned, learn_form
from caseaudit_docx.model.description import bundled_form, form_from_data, form_to_json
from caseaudit_docx.model.form import Form
from samples.wordfill import fill_form

from .conftest import ROOT

V32 = bundled_form()
UNTAGGED_V32 = ROOT / "caseaudit_docx" / "templates" / "case-audit-3.2-untagged.docx"

# -- (a) the v3.3 revision, from the bundled description ---------------------------------------

REVISION_TITLE = "Case audit template (3.3 revised March 2024)"
REMOVED = ("q2", "q13")
#: The two new questions: (table, the row they follow, wording without number).
NEW_QUESTIONS = (
    ("plan", "q12", "Has the safety plan been shared with the child’s network?"),
    ("outcome", "q34", "Does the record show the difference made to the child’s daily life?"),
)
_Q_NUMBER = re.compile(r"^Q(\d+)\.")


def revision_description() -> dict[str, Any]:
    """v3.2's description as a council would revise it (see the module docstring)."""
    data = json.loads(form_to_json(V32))
    data["title"] = REVISION_TITLE
    for block in data["blocks"]:
        if block.get("style") == "title":
            block["paragraph"] = REVISION_TITLE
    tables = [b for b in data["blocks"] if "table" in b]
    for table in tables:
        table["rows"] = [r for r in table["rows"] if r["key"] not in REMOVED]
    for number, (section, after, wording) in enumerate(NEW_QUESTIONS, 1):
        table = next(t for t in tables if t["table"] == section)
        at = next(i for i, r in enumerate(table["rows"]) if r["key"] == after) + 1
        row = json.loads(json.dumps(table["rows"][at - 1]))
        row["key"] = f"new{number}"
        row["label"] = row["cells"][0]["label"][0] = f"Q0. {wording}"  # numbered below
        for cell, part in zip(row["cells"][1:], ("notes", "score")):
            cell["field"] = cell["alias"] = f"new{number}.{part}"
        table["rows"].insert(at, row)
    count = itertools.count(1)
    for table in tables:
        for row in table["rows"]:
            first = row["cells"][0].get("label", [""])[0]
            if _Q_NUMBER.match(first):
                number = f"Q{next(count)}."
                row["cells"][0]["label"][0] = _Q_NUMBER.sub(number, first)
                if row.get("label"):
                    row["label"] = _Q_NUMBER.sub(number, row["label"])
            for cell in row["cells"]:
                if cell.get("field", "").startswith("grade."):
                    cell["control_type"] = "dropDownList"
    removed = {f.id for f in V32.fields if f.row_key in REMOVED}
    data["report"]["audit_columns"] = [c for c in data["report"]["audit_columns"]
                                       if c not in removed]
    return data


@pytest.fixture(scope="module")
def revision_blank() -> bytes:
    # a council's revised blank: its all-plain look
    return build_template(tagged=False, council=None, plain=True,
                          form=form_from_data(revision_description()))


@pytest.fixture(scope="module")
def revision(revision_blank: bytes) -> Learned:
    return learn_form(revision_blank, based_on=V32)


# -- (b) another council's tool, laid out with python-docx -------------------------------------

NS = ('xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" '
      'xmlns:w14="http://schemas.microsoft.com/office/word/2010/wordml"')
W_P = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}p"
PLACEHOLDER = "Click or tap here to enter text."
GOTHIC = 'w:ascii="MS Gothic" w:eastAsia="MS Gothic" w:hAnsi="MS Gothic"'
COUNCIL_TITLE = "Westmoor Practice Learning Review (version 2.1)"
#: Section heading -> its questions ("1.1", wording).
COUNCIL_QUESTIONS: dict[str, tuple[tuple[str, str], ...]] = {
    "Planning for the child": (
        ("1.1", "Is there a clear plan for the child?"),
        ("1.2", "Does the plan name who is responsible for each action?"),
        ("1.3", "Were the child’s wishes and feelings recorded?")),
    "Keeping the child safe": (
        ("2.1", "Are the risks to the child understood?"),
        ("2.2", "Is the safety plan reviewed with the family?")),
}
#: (question number, column) cells the council left without a control: typed into directly.
BARE = {("1.3", "comments")}


class _Ids:
    """Control ids as Word writes them: large signed numbers, unique in the document."""

    def __init__(self) -> None:
        self._next = itertools.count(1_204_000_001)

    def __call__(self) -> int:
        return next(self._next)


def _placeholder_run() -> str:
    return f'<w:r><w:rPr><w:rStyle w:val="PlaceholderText"/></w:rPr><w:t>{PLACEHOLDER}</w:t></w:r>'


def rich_text_control(ids: _Ids) -> str:
    """A block-level rich-text control round one paragraph, showing Word 2016's placeholder."""
    return (f'<w:sdt {NS}><w:sdtPr><w:id w:val="{ids()}"/><w:placeholder>'
            '<w:docPart w:val="DefaultPlaceholder_-1854013440"/></w:placeholder>'
            f"<w:showingPlcHdr/></w:sdtPr><w:sdtEndPr/><w:sdtContent><w:p>{_placeholder_run()}"
            "</w:p></w:sdtContent></w:sdt>")


def inline_control(kind: str, ids: _Ids) -> str:
    """An inline control ("date", "text" or "checkbox") to go in a cell's paragraph."""
    pr = f'<w:id w:val="{ids()}"/>'
    content = _placeholder_run()
    if kind == "checkbox":
        pr = (f"<w:rPr><w:rFonts {GOTHIC}/></w:rPr>{pr}<w14:checkbox>"
              '<w14:checked w14:val="0"/><w14:checkedState w14:val="2612" w14:font="MS Gothic"/>'
              '<w14:uncheckedState w14:val="2610" w14:font="MS Gothic"/></w14:checkbox>')
        content = (f'<w:r><w:rPr><w:rFonts {GOTHIC} w:hint="eastAsia"/></w:rPr>'
                   "<w:t>\u2610</w:t></w:r>")
    else:
        pr += ('<w:placeholder><w:docPart w:val="DefaultPlaceholder_-1854013437"/>'
               "</w:placeholder><w:showingPlcHdr/>")
        pr += ('<w:date><w:dateFormat w:val="dd/MM/yyyy"/><w:lid w:val="en-GB"/>'
               '<w:storeMappedDataAs w:val="dateTime"/><w:calendar w:val="gregorian"/></w:date>'
               if kind == "date" else "<w:text/>")
    return f"<w:sdt {NS}><w:sdtPr>{pr}</w:sdtPr><w:sdtEndPr/><w:sdtContent>{content}" \
           "</w:sdtContent></w:sdt>"


def _put_block(cell: Any, xml: str) -> None:
    tc = cell._tc
    for p in tc.findall(W_P):
        tc.remove(p)
    tc.append(parse_xml(xml))


def _put_inline(cell: Any, xml: str) -> None:
    cell.paragraphs[0]._p.append(parse_xml(xml))


def _shade(cell: Any) -> None:
    cell._tc.get_or_add_tcPr().append(parse_xml(
        f'<w:shd {NS} w:val="clear" w:color="auto" w:fill="DEEAF6"/>'))


def _label(cell: Any, *lines: str) -> None:
    cell.paragraphs[0].add_run(lines[0]).bold = True
    for line in lines[1:]:
        cell.add_paragraph(line)
    _shade(cell)


def council_blank(questions: dict[str, tuple[tuple[str, str], ...]] | None = None) -> bytes:
    """Westmoor's blank: a label-beside-value header (rich text, a date picker, a plain-text
    control, a check box), a table of numbered questions per heading, and a closing table."""
    ids = _Ids()
    document = docx.Document()
    document.add_paragraph(COUNCIL_TITLE, style="Title")
    header = document.add_table(rows=3, cols=4)
    header.style = document.styles["Table Grid"]
    for row, pairs in enumerate(((("Case reference", "rich"), ("Review date", "date")),
                                 (("Practitioner", "rich"), ("Reviewer", "text")),
                                 (("Team", "rich"), ("Child seen alone", "checkbox")))):
        for column, (text, kind) in zip((0, 2), pairs):
            _label(header.cell(row, column), text)
            value = header.cell(row, column + 1)
            if kind == "rich":
                _put_block(value, rich_text_control(ids))
            else:
                _put_inline(value, inline_control(kind, ids))
    document.add_paragraph("")
    document.add_paragraph("Give each question a judgement from 1 to 4 and say whether it was met.")
    for title, rows in (questions or COUNCIL_QUESTIONS).items():
        document.add_paragraph(title, style="Heading 1")
        table = document.add_table(rows=len(rows) + 1, cols=4)
        table.style = document.styles["Table Grid"]
        for index, width in enumerate((7.5, 3.2, 3.0, 4.3)):
            table.columns[index].width = Cm(width)
        _label(table.cell(0, 0), title)
        _label(table.cell(0, 1), "Judgement", "(1-4, where 1 = Outstanding)")
        _label(table.cell(0, 2), "Met?", "(Yes / No / Partly)")
        _label(table.cell(0, 3), "Comments")
        for row, (number, wording) in enumerate(rows, 1):
            table.cell(row, 0).text = f"{number} {wording}"
            for column, name in ((1, "judgement"), (2, "met"), (3, "comments")):
                if (number, name) not in BARE:
                    _put_block(table.cell(row, column), rich_text_control(ids))
        document.add_paragraph("")
    closing = document.add_table(rows=3, cols=2)
    closing.style = document.styles["Table Grid"]
    _label(closing.cell(0, 0), "Overall judgement (1-4, where 1 = Outstanding)")
    _put_block(closing.cell(0, 1), rich_text_control(ids))
    _label(closing.cell(1, 0), "Escalated to a manager")
    _put_inline(closing.cell(1, 1), inline_control("checkbox", ids))
    _label(closing.cell(2, 0), "Date of next review")
    _put_inline(closing.cell(2, 1), inline_control("date", ids))
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


@pytest.fixture(scope="module")
def council() -> Learned:
    return learn_form(council_blank())


def _values(record: Any) -> dict[str, Any]:
    return {fid: fv.value for fid, fv in record.fields.items()}


# -- learning (a) ------------------------------------------------------------------------------


def test_the_revision_keeps_v32_ids_by_wording_though_renumbered(revision: Learned) -> None:
    form = revision.form
    assert form.title == REVISION_TITLE and form.name == "case-audit"
    gone = {f.id for f in V32.fields if f.row_key in REMOVED}
    assert set(V32.field_ids) - set(form.field_ids) == gone
    # Q3 is printed "Q2." now, Q14 "Q13.", Q34 "Q33.": the v3.2 ids stay
    assert form.by_id["q3.score"].question.startswith("Q2. Is the chronology of significant")
    assert form.by_id["q14.notes"].question.startswith("Q13. Is there a shared explanation")
    assert form.by_id["q34.score"].question.startswith("Q33. Is the impact of the work")
    for fid in set(form.field_ids) & set(V32.field_ids):
        assert form.kind_of(fid) == V32.kind_of(fid), fid
    assert form.roles == V32.roles and form.section_titles == V32.section_titles


def test_the_revision_gives_new_questions_new_ids_and_notes_them(revision: Learned) -> None:
    form = revision.form
    new = [f for f in form.fields if f.id not in V32.by_id]
    assert len(new) == 4
    for _, _, wording in NEW_QUESTIONS:
        mine = [f for f in new if wording in f.question]
        assert [f.kind.name for f in mine] == ["text", "score"], wording
        for f in mine:
            assert any(n.startswith(f"new field {f.id!r}") for n in revision.notes), f.id
    for gone in (f for f in V32.fields if f.row_key in REMOVED):
        assert any(f"{gone.id!r}" in n and "no longer on the blank" in n
                   for n in revision.notes), gone.id


def test_the_revision_grades_are_drop_downs_read_as_the_grade(revision: Learned,
                                                              revision_blank: bytes) -> None:
    for section in V32.sections:
        if section.grade_field:
            answer = revision.form.field(section.grade_field)
            assert answer.control_type == "dropDownList", section.key
            assert answer.kind == V32.kinds["grade"], section.key
    alone = learn_form(revision_blank).form  # without based_on: the list itself says grade
    grade = alone.field(next(f.id for f in alone.fields
                             if f.question.startswith("Overall Child’s Plan Score")))
    assert grade.control_type == "dropDownList"
    assert (grade.kind.type, grade.kind.values) == ("choice", V32.kinds["grade"].values)


def test_the_revision_takes_its_version_from_its_title(revision: Learned,
                                                       revision_blank: bytes) -> None:
    assert revision.form.version == "3.3"
    assert revision.form.key != V32.key
    assert any(n.startswith("version '3.3' is the one the blank's title prints")
               for n in revision.notes)
    chosen = learn_form(revision_blank, based_on=V32, version="3.3a")
    assert chosen.form.version == "3.3a" and not any(n.startswith("version ")
                                                     for n in chosen.notes)


# -- learning (b) ------------------------------------------------------------------------------


def test_the_council_form_learns_its_kinds(council: Learned) -> None:
    form = council.form
    assert form.title == COUNCIL_TITLE and form.version == "2.1"
    questions = [n.replace(".", "_") for rows in COUNCIL_QUESTIONS.values() for n, _ in rows]
    expected_ids = ["case_reference", "review_date", "practitioner", "reviewer", "team",
                    "child_seen_alone",
                    *(f"{q}.{part}" for q in questions
                      for part in ("judgement", "met", "comments")),
                    "overall_judgement", "escalated_to_a_manager", "date_of_next_review"]
    assert list(form.field_ids) == expected_ids
    judgement = form.kind_of("1_1.judgement")
    assert judgement.type == "choice"
    assert [(o.value, o.number) for o in judgement.options] == [
        ("Outstanding", 1), ("Good", 2), ("Requires Improvement", 3), ("Inadequate", 4)]
    assert form.kind_of("overall_judgement") == judgement
    met = form.kind_of("2_2.met")
    assert met.type == "yes_no" and met.middle is not None and met.middle.value == "Partly"
    assert met.values == ("Yes", "Partly", "No")
    for fid in ("child_seen_alone", "escalated_to_a_manager"):
        assert form.kind_of(fid).type == "checkbox" and form.field(fid).control_type == "checkbox"
    for fid in ("review_date", "date_of_next_review"):
        assert form.kind_of(fid).type == "date" and form.field(fid).control_type == "date"
    for q in questions:
        assert form.kind_of(f"{q}.comments").type == "text", q
    assert not form.field("1_3.comments").control  # the bare cell
    assert form.field("reviewer").control_type == "text"
    assert form.roles.case == "case_reference"


def test_a_comments_column_stays_text_under_a_question_asking_by_when() -> None:
    wording = {"Planning for the child": (("1.1", "Does the plan say who does what, by when?"),)}
    form = learn_form(council_blank(wording)).form
    assert form.kind_of("1_1.comments").type == "text"


def test_label_beside_value_cells_are_the_header(council: Learned) -> None:
    form = council.form
    assert form.field("review_date").question == "Review date"
    assert form.field("reviewer").question == "Reviewer"
    assert form.field("case_reference").section == "header"
    assert set(form.roles.prefill) >= {"case_reference", "practitioner", "team", "reviewer",
                                       "review_date"}
    assert form.roles.auditor == "reviewer"


# -- filling the way Word does and reading every value back ------------------------------------

#: Odd spellings of the v3.2 kinds, cycled through the revision's fields: (typed, value).
_TYPED: dict[str, tuple[tuple[str, Any], ...]] = {
    "score": (("3", 3), ("4/5", 4), ("5", 5), ("N/A", "n/a"), ("1", 1), ("2", 2)),
    "grade": (("Good", "Good"), ("Req. improvement", "Requires Improvement"),
              ("outstanding", "Outstanding"), ("inadequate", "Inadequate")),
    "rating": (("8", 8), ("10", 10)),
    "date": (("14 March 2019", "2019-03-14"), ("20.3.19", "2019-03-20"),
             ("01/04/2019", "2019-04-01")),
}
_FIXED: dict[str, tuple[str, Any]] = {
    "category": ("CP & LAC", ["CP", "LAC"]), "q39.answer": ("yes", "Yes"),
    "q40.answer": ("2 Appropriate", "Appropriate"),
    "good_practice.answer": ("with some work", "With some work"),
    "moderation.scaling": ("4", 4),
}


def revision_answers(form: Form) -> tuple[dict[str, str], dict[str, str], dict[str, Any],
                                          dict[str, str]]:
    """Every field of the revision answered: typed text, modes, the values extraction must
    give, and the text a tracked change deletes."""
    typed: dict[str, str] = {}
    expected: dict[str, Any] = {}
    cycles = {kind: itertools.cycle(options) for kind, options in _TYPED.items()}
    for index, f in enumerate(form.fields):
        if f.id in _FIXED:
            text, value = _FIXED[f.id]
        elif f.kind.name in cycles:
            text, value = next(cycles[f.kind.name])
        else:
            text = value = (f"Noted for {f.id}" if index % 3
                            else f"Noted for {f.id}\nwith a second paragraph")
        typed[f.id], expected[f.id] = text, value
    modes = {"team": "tracked", "q3.notes": "unwrapped", "q4.score": "beside",
             "audit_start_date": "date_picker", "commentary.auditor": "tracked"}
    typed["audit_start_date"], expected["audit_start_date"] = "2019-03-12", "2019-03-12"
    grades = itertools.cycle(V32.kinds["grade"].values)
    for section in form.sections:
        if section.grade_field:  # chosen from the drop-down list: its item, as Word writes it
            modes[section.grade_field] = "choose"
            typed[section.grade_field] = expected[section.grade_field] = next(grades)
    typed["q5.notes"] = expected["q5.notes"] = "Spelt oddly: Req. improvement, 2 - good"
    previous = {"team": "Old Team", "commentary.auditor": "Draft comment"}
    return typed, modes, expected, previous


def test_a_revision_filled_the_word_way_reads_back_every_value(revision: Learned,
                                                                revision_blank: bytes) -> None:
    form = revision.form
    typed, modes, expected, previous = revision_answers(form)
    assert set(typed) == set(form.field_ids)
    filled = fill_form(revision_blank, typed, modes=modes, previous=previous, form=form)
    record = extract_bytes(filled, "revision.docx", form=form)
    assert _values(record) == expected
    assert not [p for p in record.problems if p.level == "error"], record.problems
    assert record.fields["team"].text == typed["team"]  # the tracked deletion is gone
    assert (record.template_name, record.template_version) == (form.name, form.version)


COUNCIL_ANSWERS: dict[str, tuple[str, Any]] = {
    "case_reference": ("WM-2042", "WM-2042"),
    "review_date": ("2024-03-12", "2024-03-12"),
    "practitioner": ("Sam Worker", "Sam Worker"),
    "reviewer": ("Jo Reviewer", "Jo Reviewer"),
    "team": ("North Locality", "North Locality"),
    "child_seen_alone": ("1", True),
    "1_1.judgement": ("2 - good", "Good"),
    "1_1.met": ("partly", "Partly"),
    "1_1.comments": ("Plan agreed\nat the core group", "Plan agreed\nat the core group"),
    "1_2.judgement": ("Req. improvement", "Requires Improvement"),
    "1_2.met": ("Yes", "Yes"),
    "1_2.comments": ("Owners named for each action", "Owners named for each action"),
    "1_3.judgement": ("1", "Outstanding"),
    "1_3.met": ("no", "No"),
    "1_3.comments": ("Typed into the bare cell", "Typed into the bare cell"),
    "2_1.judgement": ("Inadequate", "Inadequate"),
    "2_1.met": ("Partly", "Partly"),
    "2_1.comments": ("Risks listed beside the control", "Risks listed beside the control"),
    "2_2.judgement": ("3", "Requires Improvement"),
    "2_2.met": ("N/A", "n/a"),
    "2_2.comments": ("Reviewed monthly", "Reviewed monthly"),
    "overall_judgement": ("good", "Good"),
    "escalated_to_a_manager": ("0", False),
    "date_of_next_review": ("2024-06-30", "2024-06-30"),
}
COUNCIL_MODES = {
    "review_date": "date_picker", "date_of_next_review": "date_picker",
    "child_seen_alone": "tick", "escalated_to_a_manager": "tick",
    "team": "tracked", "1_1.comments": "tracked", "reviewer": "unwrapped",
    "1_2.judgement": "unwrapped", "2_1.comments": "beside",
}


def test_the_council_form_filled_the_word_way_reads_back_every_value(council: Learned) -> None:
    form = council.form
    assert set(COUNCIL_ANSWERS) == set(form.field_ids)
    filled = fill_form(council_blank(), {f: t for f, (t, _) in COUNCIL_ANSWERS.items()},
                       modes=COUNCIL_MODES, previous={"team": "South", "1_1.comments": "Draft"},
                       form=form)
    record = extract_bytes(filled, "westmoor.docx", form=form)
    assert _values(record) == {f: v for f, (_, v) in COUNCIL_ANSWERS.items()}
    assert not record.problems, record.problems
    assert record.fields["review_date"].text == "12/03/2024"
    assert record.fields["child_seen_alone"].text == "\u2612"


def test_a_blank_reads_as_empty_with_each_learned_form(revision: Learned, revision_blank: bytes,
                                                       council: Learned) -> None:
    for blank, form in ((revision_blank, revision.form), (council_blank(), council.form)):
        record = extract_bytes(blank, "blank.docx", form=form)
        filled = {f: v for f, v in _values(record).items() if v is not None and v is not False}
        assert filled == {} and not record.problems, (form.key, filled, record.problems)


# -- generating with a learned form and its blank ----------------------------------------------

CASES_CSV = (
    "Case ID,Child,Social worker,Team,Category,Audit start date\n"
    'CA-1 & <2>,"Zoë ""Zed"" O\'Brien",Sam Placeholder,North & South,CP & LAC,2024-03-04\n'
    "CA-2,Amir Example,Jo Example,Children in Care,LAC,04/03/2024\n"
    "CA-3,李小龍 Fictional,Jo Example,Family Support,EH,\n"
)


def _generated_headers(form: Form, template: Path, cases: Path, outdir: Path
                       ) -> dict[str, dict[str, Any]]:
    result = generate_forms(cases, outdir, template=template, form=form,
                            settings={"auditor": "Jo Auditor"})
    out = {}
    for generated in result.forms:
        record = extract_file(generated.path, form=form)
        assert not record.problems, record.problems
        out[generated.case] = {f.id: (record.fields[f.id].text, record.fields[f.id].value)
                                      for f in form.prefill_fields}
    return out


def test_generating_with_the_learned_revision_fills_the_header_as_v32(
        revision: Learned, revision_blank: bytes, tmp_path: Path) -> None:
    cases = tmp_path / "cases.csv"
    cases.write_text(CASES_CSV, encoding="utf-8")
    blank = tmp_path / "revision-blank.docx"
    blank.write_bytes(revision_blank)
    learned = _generated_headers(revision.form, blank, cases, tmp_path / "learned")
    bundled = _generated_headers(V32, UNTAGGED_V32, cases, tmp_path / "v32")
    assert learned == bundled
    first = learned["CA-1 & <2>"]
    assert first["case_number"] == ("CA-1 & <2>", "CA-1 & <2>")
    assert first["child_name"][0] == 'Zoë "Zed" O\'Brien'
    assert first["category"] == ("CP & LAC", ["CP", "LAC"])
    assert first["auditor"] == ("Jo Auditor", "Jo Auditor")
    assert first["audit_start_date"] == ("04/03/2024", "2024-03-04")
    assert learned["CA-3"]["audit_start_date"] == (None, None)


def test_generating_with_the_learned_council_form_fills_its_header(council: Learned,
                                                                  tmp_path: Path) -> None:
    cases = tmp_path / "cases.csv"
    cases.write_text("Case reference,Practitioner,Team,Reviewer,Review date\n"
                     "WM-1,Sam Worker,North Locality,Jo Reviewer,12/03/2024\n", encoding="utf-8")
    blank = tmp_path / "westmoor-blank.docx"
    blank.write_bytes(council_blank())
    result = generate_forms(cases, tmp_path / "out", template=blank, form=council.form)
    record = extract_file(result.forms[0].path, form=council.form)
    assert {f: record.fields[f].value for f in ("case_reference", "practitioner", "team",
                                                "reviewer", "review_date")} == {
        "case_reference": "WM-1", "practitioner": "Sam Worker", "team": "North Locality",
        "reviewer": "Jo Reviewer", "review_date": "2024-03-12"}


def test_a_learned_form_that_prefills_no_case_field_says_so(revision: Learned,
                                                            revision_blank: bytes,
                                                            tmp_path: Path) -> None:
    """What a learner that found no header gives generate: a message naming the fix, not one
    asking for a column the case list has."""
    form = revision.form
    unplaced = replace(form, roles=replace(form.roles, prefill=()))
    cases = tmp_path / "cases.csv"
    cases.write_text(CASES_CSV, encoding="utf-8")
    blank = tmp_path / "revision-blank.docx"
    blank.write_bytes(revision_blank)
    with pytest.raises(FormError, match=r"does not pre-fill its case field 'case_number'.*"
                                        r"roles\.prefill"):
        generate_forms(cases, tmp_path / "out", template=blank, form=unplaced)
    assert not (tmp_path / "out").exists()


def test_a_register_of_v32_and_the_learned_revision_shares_its_questions(
        revision: Learned, revision_blank: bytes, tmp_path: Path) -> None:
    """One register across versions: the question Q3 of v3.2, printed "Q2." in the learned
    3.3, is one column of the workbook, holding both audits' scores; the revision's new
    questions have columns of their own, empty for the v3.2 audit."""
    from openpyxl import load_workbook

    from caseaudit_docx.register.ingest import ingest
    from caseaudit_docx.report.workbook import write_report

    from .test_workbook import rows

    form = revision.form
    typed, modes, expected, previous = revision_answers(form)
    typed["case_number"], expected["case_number"] = "REV-33", "REV-33"
    returned = tmp_path / "returned"
    returned.mkdir()
    (returned / "rev.docx").write_bytes(
        fill_form(revision_blank, typed, modes=modes, previous=previous, form=form))
    v32 = ROOT / "samples" / "forms" / "01-clean-tagged.docx"
    (returned / "v32.docx").write_bytes(v32.read_bytes())
    db = tmp_path / "audits.db"
    summary = ingest([returned], db, forms=[V32, form], workers=1)
    assert (summary.new, summary.failed) == (2, 0)
    out = tmp_path / "audits.xlsx"
    write_report(db, out, forms=[V32, form])
    book = load_workbook(out)
    scores = {r["case_number"]: r for r in rows(book["Scores"], "Scores")}
    old = extract_file(v32).value
    new_ids = [f.id for f in form.fields if f.id not in V32.by_id]
    assert new_ids and all(V32.by_id.get(f) is None for f in new_ids)
    assert scores["REV-33"]["q3.score"] == expected["q3.score"]  # printed "Q2." in 3.3
    assert scores[old("case_number")]["q3.score"] == old("q3.score")
    for field_id in (f for f in new_ids if f.endswith(".score")):
        assert scores["REV-33"][field_id] == expected[field_id]
        assert scores[old("case_number")][field_id] is None
    removed = [f"{key}.score" for key in REMOVED]
    for field_id in removed:  # the v3.2 questions 3.3 dropped keep their column
        assert scores["REV-33"][field_id] is None
        assert scores[old("case_number")][field_id] == old(field_id)
    audits = {r["case_number"]: r["form"] for r in rows(book["Audits"], "Audits")}
    assert audits == {"REV-33": f"{form.name} {form.version}",
                      old("case_number"): f"{V32.name} {V32.version}"}
