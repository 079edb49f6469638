"""Learning another council's form, laid out here with python-docx: "1.1" numbering, a
"1-4, where 1 = Outstanding" column, a "(Yes / No / Partly)" column, label-beside-value header
cells, a drop-down, a date picker and a check box. The learned description must load back and
read a filled copy."""

from __future__ import annotations

import io
from collections.abc import Mapping

import docx
import pytest
from docx.oxml import parse_xml
from docx.shared import Cm

from caseaudit_docx.learn import describe_fields, learn_form
from caseaudit_docx.model.description import form_from_json, form_to_json

NS = ('xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" '
      'xmlns:w14="http://schemas.microsoft.com/office/word/2010/wordml"')
PLACEHOLDER = "Click or tap here to enter text."


def control(kind: str = "richText", *, value: str | None = None, items: tuple[str, ...] = (),
            date_format: str = "dd/MM/yyyy", full_date: str | None = None,
            checked: bool = False) -> str:
    """A block-level content control (``w:sdt`` around one paragraph) of Word's ``kind``,
    showing its placeholder, or ``value`` when given."""
    pr = "" if value is not None or kind == "checkbox" else "<w:showingPlcHdr/>"
    if kind == "date":
        stored = f' w:fullDate="{full_date}T00:00:00Z"' if full_date else ""
        pr += (f'<w:date{stored}><w:dateFormat w:val="{date_format}"/>'
               '<w:lid w:val="en-GB"/></w:date>')
    elif kind == "dropDownList":
        listed = "".join(f'<w:listItem w:displayText="{i}" w:value="{i}"/>' for i in items)
        pr += f"<w:dropDownList>{listed}</w:dropDownList>"
    elif kind == "checkbox":
        pr += (f'<w14:checkbox><w14:checked w14:val="{int(checked)}"/>'
               '<w14:checkedState w14:val="2612"/><w14:uncheckedState w14:val="2610"/>'
               "</w14:checkbox>")
        value = "\u2612" if checked else "\u2610"
    text = value if value is not None else PLACEHOLDER
    return (f"<w:sdt {NS}><w:sdtPr>{pr}</w:sdtPr><w:sdtContent><w:p><w:r><w:t>{text}</w:t>"
            "</w:r></w:p></w:sdtContent></w:sdt>")


def put(cell: docx.table._Cell, xml: str) -> None:
    """Replace the cell's paragraphs with the control ``xml``."""
    tc = cell._tc
    for p in tc.findall("{http://schemas.openxmlformats.org/wordprocessingml/2006/main}p"):
        tc.remove(p)
    tc.append(parse_xml(xml))


def shade(cell: docx.table._Cell) -> None:
    cell._tc.get_or_add_tcPr().append(parse_xml(
        f'<w:shd {NS} w:val="clear" w:color="auto" w:fill="E2EFD9"/>'))


def heading(cell: docx.table._Cell, *lines: str) -> None:
    cell.paragraphs[0].add_run(lines[0]).bold = True
    for line in lines[1:]:
        cell.add_paragraph(line)
    shade(cell)


OUTCOMES = ("Closed", "Stepped down", "Continued")


def council_form(values: Mapping[str, str] | None = None) -> bytes:
    """Northshire's practice review form: blank, or filled with ``values`` by control name."""
    v = dict(values or {})
    document = docx.Document()
    document.add_paragraph("Northshire Practice Review (v1.0)", style="Title")
    header = document.add_table(rows=3, cols=2)
    for row, (label, kind) in enumerate((("Case reference", "richText"),
                                         ("Date of review", "date"), ("Reviewer", "text"))):
        header.cell(row, 0).text = label
        shade(header.cell(row, 0))
        filled = v.get(label)
        put(header.cell(row, 1), control(
            kind, value=filled, full_date=v.get(label + " stored") if kind == "date" else None))
    document.add_paragraph("")
    document.add_paragraph("Planning", style="Heading 1")
    questions = document.add_table(rows=3, cols=4)
    for index, width in enumerate((7.0, 5.0, 3.0, 2.5)):
        questions.columns[index].width = Cm(width)
    heading(questions.cell(0, 0), "Planning")
    heading(questions.cell(0, 1), "Comments")
    heading(questions.cell(0, 2), "Judgement", "(1-4, where 1 = Outstanding)")
    heading(questions.cell(0, 3), "Met?", "(Yes / No / Partly)")
    for row, (number, wording) in enumerate((("1.1", "Is the plan specific?"),
                                             ("1.2", "Are the child's views recorded?")), 1):
        questions.cell(row, 0).text = f"{number} {wording}"
        for column, name in enumerate(("comments", "judgement", "met"), 1):
            put(questions.cell(row, column), control(value=v.get(f"{number} {name}")))
    document.add_paragraph("")
    closing = document.add_table(rows=2, cols=2)
    closing.cell(0, 0).text = "Outcome of the review"
    put(closing.cell(0, 1), control("dropDownList", items=OUTCOMES, value=v.get("outcome")))
    closing.cell(1, 0).text = "Escalated to a manager"
    put(closing.cell(1, 1), control("checkbox", checked=v.get("escalated") == "yes"))
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


@pytest.fixture(scope="module")
def learned():
    return learn_form(council_form())


def test_fields_ids_and_kinds(learned) -> None:
    rows = {f["id"]: f for f in describe_fields(learned.form)}
    assert list(rows) == [
        "case_reference", "date_of_review", "reviewer",
        "1_1.comments", "1_1.judgement", "1_1.met", "1_2.comments", "1_2.judgement", "1_2.met",
        "outcome_of_the_review", "escalated_to_a_manager",
    ]
    assert rows["case_reference"]["question"] == "Case reference"
    assert rows["date_of_review"]["type"] == "date"
    assert rows["1_1.judgement"]["choices"] == [
        "Outstanding", "Good", "Requires Improvement", "Inadequate"]
    judgement = learned.form.kind_of("1_1.judgement")
    assert [o.number for o in judgement.options] == [1, 2, 3, 4]
    met = learned.form.kind_of("1_1.met")
    assert (met.type, met.middle.value if met.middle else None) == ("yes_no", "Partly")
    assert rows["outcome_of_the_review"]["choices"] == list(OUTCOMES)
    assert rows["escalated_to_a_manager"]["type"] == "checkbox"
    assert rows["1_1.comments"]["type"] == "text"
    assert learned.form.roles.case == "case_reference"
    assert learned.form.title == "Northshire Practice Review (v1.0)"
    assert learned.form.version == "1.0"


def test_date_picker_keeps_its_format(learned) -> None:
    answer = next(c for t in learned.form.tables for r in t.rows for c in r.answers
                  if c.field == "date_of_review")
    assert (answer.control_type, answer.date_format) == ("date", "dd/MM/yyyy")


def test_learned_form_loads_back(learned) -> None:
    again = form_from_json(form_to_json(learned.form))
    assert form_to_json(again) == form_to_json(learned.form)
    assert learned.form.placeholder == PLACEHOLDER


def test_learned_form_reads_a_filled_copy(learned) -> None:
    from caseaudit_docx.extract.extract import extract_bytes

    filled = council_form({
        "Case reference": "NS-1042", "Date of review": "12/03/2024",
        "Date of review stored": "2024-03-12", "Reviewer": "A. Auditor",
        "1.1 comments": "Clear plan", "1.1 judgement": "2", "1.1 met": "Partly",
        "1.2 judgement": "Outstanding", "1.2 met": "no", "outcome": "Stepped down",
        "escalated": "yes",
    })
    record = extract_bytes(filled, "x.docx", form=learned.form)
    values = {k: v.value for k, v in record.fields.items()}
    assert values["case_reference"] == "NS-1042"
    assert values["date_of_review"] == "2024-03-12"
    assert values["1_1.comments"] == "Clear plan"
    assert values["1_1.judgement"] == "Good"
    assert values["1_1.met"] == "Partly"
    assert values["1_2.judgement"] == "Outstanding"
    assert values["1_2.met"] == "No"
    assert values["outcome_of_the_review"] == "Stepped down"
    assert values["escalated_to_a_manager"] in (True, "true")
