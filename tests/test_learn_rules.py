"""One test per layout and naming rule of the learner, on small hand-made layouts."""

from __future__ import annotations

from caseaudit_docx.learn.draft import (
    beside_rows,
    beside_rule,
    is_bare_answer,
    is_question_row,
    paragraph_rule,
    row_label,
    table_rule,
    title_rule,
)
from caseaudit_docx.learn.evidence import evidence_of, kind_of
from caseaudit_docx.learn.ids import (
    beside_labels,
    field_suffix,
    number_key,
    section_key,
    table_sections,
)
from caseaudit_docx.learn.roles import guess_roles
from caseaudit_docx.learn.vocabulary import vocabulary
from caseaudit_docx.learn.wording import printed_version, question_number
from caseaudit_docx.model.description import bundled_form
from caseaudit_docx.model.form import Answer, Form, Label, Paragraph, Roles, Row, Section, Table
from caseaudit_docx.oxml.layout import CellLayout, ControlLayout, ParagraphLayout, RowLayout
from caseaudit_docx.oxml.layout import TableLayout as TL

V = vocabulary()
CONTROL = (ControlLayout(placeholder="Click here.", showing_placeholder=True),)


def cell(text: str = "", *, control: bool = False, fill: str | None = None,
         bold: bool = False, span: int = 1) -> CellLayout:
    return CellLayout(tuple(text.split("\n")), span, fill, bold, CONTROL if control else ())


def test_title_rule_prefers_the_title_paragraph() -> None:
    blocks = [Paragraph("Intro"), Paragraph("My Form", "title")]
    assert title_rule(blocks, "Props title") == "My Form"
    assert title_rule([Paragraph("Intro")], "Props title") == "Props title"


def test_paragraph_rule_keeps_style_and_drops_empty_paragraphs() -> None:
    assert paragraph_rule(ParagraphLayout("  ")) is None
    assert paragraph_rule(ParagraphLayout("Part 2", "heading")) == Paragraph("Part 2", "heading")


def test_question_row_and_bare_answer_cell_rules() -> None:
    numbered_no_controls = RowLayout((cell("Q15. Contingency?"), cell(""), cell("")))
    scale_row = RowLayout((cell("1 means nothing"), cell(""), cell("5 means all")))
    assert is_question_row(numbered_no_controls) and not is_question_row(scale_row)
    assert is_bare_answer(cell(""), True)
    assert not is_bare_answer(cell("", fill="D9E2F3"), True)
    assert not is_bare_answer(cell(""), False)


def test_table_rule_classifies_labels_controls_and_bare_cells() -> None:
    layout = TL((9.0, 5.0), (
        RowLayout((cell("Section", fill="D9E2F3", bold=True), cell("Notes", bold=True))),
        RowLayout((cell("Q1. Asked?"), cell(control=True))),
        RowLayout((cell("Q2. Asked too?"), cell(""))),
    ))
    controls: dict = {}
    table = table_rule(layout, controls, [])
    assert table is not None
    heading, q1, q2 = table.rows
    assert heading.cells[0] == Label(("Section",), 1, True, True)
    assert isinstance(q1.cells[1], Answer) and q1.cells[1].control
    assert isinstance(q2.cells[1], Answer) and not q2.cells[1].control
    assert (q1.label, q2.label, heading.label) == ("Q1. Asked?", "Q2. Asked too?", None)


def test_row_label_rule_needs_an_answer_and_a_printed_first_cell() -> None:
    answer = Answer("#0", "text", "#0")
    assert row_label([Label(("1. ",)), answer]) == "1."
    assert row_label([answer, answer]) is None
    assert row_label([Label(("A",)), Label(("B",))]) is None


def test_labels_over_values_take_their_question_from_the_label_above() -> None:
    table = Table("s", (Row("a", (Label(("Case Number",), shaded=True),)),
                        Row("b", (Answer("#0", "text", "#0"),))), (3.0,))
    (found,) = evidence_of(table).values()
    assert found.heading == ("Case Number",) and found.question == ()


def test_label_beside_value_rule() -> None:
    row = Row("r", (Label(("Case reference",)), Answer("#0", "text", "#0"),
                    Label(("Team",)), Answer("#1", "text", "#1")), "Case reference")
    assert [label.text for _, label in beside_labels(row)] == ["Case reference", "Team"]


def test_evidence_order_control_then_heading_then_question() -> None:
    from caseaudit_docx.learn.evidence import Evidence

    grade = Evidence(("Auditor notes",), ("Overall score (Inadequate, Requires Improvement, "
                                          "Good, Outstanding)",), ())
    assert kind_of(None, grade, V)[0].name == "grade"
    assert kind_of(ControlLayout("checkbox"), grade, V)[0].type == "checkbox"
    assert kind_of(None, Evidence(("Notes",), ("Q1. Why?",), ()), V) == (V.text, False)


def test_field_suffix_rule() -> None:
    kinds = bundled_form().kinds
    assert field_suffix(["Auditor notes"], kinds["text"], V) == "notes"
    assert field_suffix(["Auditor’s response"], kinds["score"], V) == "score"
    assert field_suffix(["Response"], kinds["yes_no"], V) == "answer"
    assert field_suffix(["Judgement (1-4, where 1 = Outstanding)"], kinds["grade"], V) == (
        "judgement")


def test_number_key_rule() -> None:
    def key(label: str, parent: str | None = None) -> str:
        number = question_number(label)
        assert number is not None
        return number_key(number, parent, "actions")

    assert (key("Q1. x"), key("1.1 x"), key("A. x", "q5"), key("1. x"), key("A: x")) == (
        "q1", "1_1", "q5a", "actions_1", "actions_a")


def test_section_rule_keys_from_headings() -> None:
    assert section_key("The Child’s Plan") == "child_plan"
    header = Table("", (Row("a", (Label(("Case Number",), shaded=True),)),
                        Row("b", (Answer("#0", "text", "#0"),))), (3.0,))
    asks = Table("", (Row("h", (Label(("Narrative",), shaded=True, bold=True),
                                Label(("Notes",)))),
                      Row("q", (Label(("Q1. x",)), Answer("#1", "text", "#1")), "Q1. x")),
                 (3.0, 3.0))
    keys, sections = table_sections([(header, None), (asks, None), (asks, "Parents")], V)
    assert keys == ["header", "narrative", "parents"]
    assert [s.title for s in sections] == ["Case details", "Narrative", "Parents"]


def test_roles_rule_from_header_labels() -> None:
    roles, notes = guess_roles(bundled_form().fields, "header", V)
    assert (roles.case, roles.auditor, roles.start_date, roles.child, roles.team) == (
        "case_number", "auditor", "audit_start_date", "child_name", "team")
    assert not notes
    alone, notes = guess_roles(bundled_form().fields[9:12], "header", V)
    assert alone.case == "q1.notes" and notes


def _pair_row(key: str, *pairs: tuple[str, str], label: str | None = None) -> Row:
    cells: list[Label | Answer] = []
    for text, fid in pairs:
        cells += [Label((text,), shaded=True), Answer(fid, "text", fid)]
    return Row(key, tuple(cells), label or pairs[0][0])


def test_label_beside_value_rows_and_tables() -> None:
    header = Table("", (_pair_row("a", ("Case reference", "#0"), ("Review date", "#1")),
                        _pair_row("b", ("Team", "#2"))), (3.0, 3.0, 3.0, 3.0))
    assert beside_rows(header) == {0, 1}  # a table of label-value rows: its single pairs too
    grade = _pair_row("g", ("Overall score (Inadequate, Good)", "#5"))
    question = Row("q", (Label(("Q1. Asked?",)), Answer("#3", "text", "#3"),
                         Answer("#4", "text", "#4")), "Q1. Asked?")
    mixed = Table("", (question, grade, _pair_row("m", ("Worker", "#6"), ("Team", "#7"))),
                  (3.0, 3.0, 3.0, 3.0))
    assert beside_rows(mixed) == {2}  # a lone pair among questions is a question row
    numbered = Table("", (_pair_row("n", ("1. First", "#8"), ("Second", "#9")),), (3.0,) * 4)
    assert beside_rows(numbered) == frozenset()


def test_a_value_beside_its_label_answers_that_label() -> None:
    table = beside_rule(Table("", (_pair_row("a", ("Case reference", "#0"),
                                              ("Review\ndate", "#1")),), (3.0,) * 4))
    first, second = table.rows[0].answers
    assert first.question is None  # the row's own label already
    assert second.question == "Review date"
    found = evidence_of(table)
    assert found["#1"].question == ("Review date",) and found["#1"].own


def test_a_table_of_labels_beside_values_before_the_questions_is_the_header() -> None:
    header = Table("", (_pair_row("a", ("Case reference", "#0"), ("Worker", "#1")),), (3.0,) * 4)
    asks = Table("", (Row("h", (Label(("Narrative",), shaded=True, bold=True),
                                Label(("Notes",)))),
                      Row("q", (Label(("Q1. x",)), Answer("#2", "text", "#2")), "Q1. x")),
                 (3.0, 3.0))
    keys, _ = table_sections([(header, None), (asks, None)], V)
    assert keys == ["header", "narrative"]


def test_a_check_box_is_no_role_and_not_prefilled() -> None:
    kinds = {"text": V.text, V.checkbox.name: V.checkbox}
    row = Row("r", (Label(("Child seen alone",)), Answer("seen", V.checkbox.name, "seen"),
                    Label(("Child name",)), Answer("child", "text", "child")), "Child seen alone")
    form = Form(name="f", version="1", title="f", sections=(Section("header", "Case details"),),
                blocks=(Table("header", (row,), (3.0,) * 4),), kinds=kinds,
                roles=Roles(case="child"))
    roles, _ = guess_roles(form.fields, "header", V)
    assert roles.child == "child" and roles.prefill == ("child",)


def test_version_printed_in_a_title() -> None:
    assert printed_version("Case audit template (3.3 revised March 2024)") == "3.3"
    assert printed_version("Westmoor review (version 2.1)") == "2.1"
    assert printed_version("Audit 2024") is None
