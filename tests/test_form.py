"""The form model covers exactly the contract's field ids, with the seed's wording and layout."""

from __future__ import annotations

import re

import pytest

from caseaudit_docx.model.description import bundled_form
from caseaudit_docx.model.form import Answer, Label, Table

from .conftest import ROOT, SHARED, squash_spaces
from .fieldsmd import FIELDS_MD, contract_fields

FORM = bundled_form()

#: The form's text as exported from the council's .docx (a copy of shared/seed/).
SEED = ROOT / "docs" / "case_audit_template_v3.2.txt"


@pytest.mark.parametrize("copy,original", [
    (FIELDS_MD, SHARED / "spec" / "fields.md"),
    (SEED, SHARED / "seed" / "case_audit_template_v3.2.txt"),
], ids=["fields.md", "seed"])
def test_vendored_copies_match_shared(copy, original) -> None:
    if not original.exists():
        pytest.skip("../shared is not beside this clone")
    assert copy.read_text(encoding="utf-8") == original.read_text(encoding="utf-8")


def test_model_covers_every_contract_id_and_no_other() -> None:
    contract = contract_fields()
    assert len(contract) == 170
    assert set(FORM.field_ids) == set(contract)
    assert len(FORM.field_ids) == len(set(FORM.field_ids)), "a field id appears twice"


def test_model_kinds_match_contract() -> None:
    contract = contract_fields()
    wrong = {f.id: (f.kind.name, contract[f.id]) for f in FORM.fields
             if f.kind.name != contract[f.id]}
    assert wrong == {}


def test_every_answer_cell_maps_to_one_field() -> None:
    answers = [c for t in FORM.tables for r in t.rows for c in r.cells if isinstance(c, Answer)]
    assert sorted(a.field for a in answers) == sorted(FORM.field_ids)


def test_rows_fill_their_table_grid() -> None:
    for table in FORM.tables:
        for row in table.rows:
            assert sum(c.span for c in row.cells) == len(table.widths_cm), row.key


def test_row_keys_are_unique() -> None:
    keys = [r.key for t in FORM.tables for r in t.rows]
    assert len(keys) == len(set(keys))


def test_controls_match_the_seed_placeholders() -> None:
    seed = SEED.read_text(encoding="utf-8")
    assert sum(f.control for f in FORM.fields) == seed.count("Click here to enter text.")


def test_bare_answer_cells_are_those_of_the_seed() -> None:
    bare = {f.id for f in FORM.fields if not f.control}
    assert bare == {
        "q1.notes", "q5.score", "q10.score", "q15.notes", "q15.score",
        "q5a.notes", "q5b.notes", "q5c.notes", "q10a.notes", "q10b.notes", "q10c.notes",
    }


def test_printed_text_follows_the_seed_in_order() -> None:
    seed = squash_spaces(SEED.read_text(encoding="utf-8").replace("\t", " "))
    position = 0
    for block in FORM.blocks:
        texts = [block.text] if not isinstance(block, Table) else [
            line for row in block.rows for cell in row.cells if isinstance(cell, Label)
            for line in cell.lines
        ]
        for text in texts:
            wanted = squash_spaces(text.replace("{council}", "Wokingham"))
            if not wanted:
                continue
            found = seed.find(wanted, position)
            assert found >= 0, f"not in the seed after position {position}: {wanted!r}"
            position = found + len(wanted)


def test_every_question_of_the_seed_is_a_row() -> None:
    numbers = re.findall(r"^\tQ(\d+)\.", SEED.read_text(encoding="utf-8"), flags=re.M)
    assert [int(n) for n in numbers] == list(range(1, 49))
    row_keys = {r.key for t in FORM.tables for r in t.rows}
    assert {f"q{n}" for n in range(1, 49)} <= row_keys


def test_sections_have_their_grade_field() -> None:
    graded = [s for s in FORM.sections if s.grade_field]
    assert [s.grade_field for s in graded] == [f"grade.{s.key}" for s in graded]
    for section in graded:
        assert FORM.field(section.grade_field).kind.name == "grade"
        assert FORM.field(section.grade_field).section == section.key


def test_fields_know_their_question_wording() -> None:
    assert FORM.field("q3.score").question == "Q3. Is the chronology of significant events only?"
    assert FORM.field("case_number").question == "Case Number"
    assert FORM.field("q41.auditor").question == "Q41. Score Signs of Safety where:"
    assert FORM.field("commentary.auditor").question == "Additional Auditor Commentary"
    assert FORM.field("action7.by_when").question == "Recommended action 7: By when"
    assert all(f.question for f in FORM.fields)

