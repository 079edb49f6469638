"""Learning the bundled v3.2 blanks: with ``based_on`` the description comes back exactly; on
its own the learner finds the same fields, questions, columns and kinds; a changed blank keeps
the earlier ids by wording and says what is new and what is gone."""

from __future__ import annotations

import json
from importlib import resources

import pytest

from caseaudit_docx.generate.template import build_template
from caseaudit_docx.learn import check_blank, describe_fields, learn_form
from caseaudit_docx.model.description import bundled_form, form_from_data, form_to_json

TEMPLATES = resources.files("caseaudit_docx") / "templates"
UNTAGGED = TEMPLATES / "case-audit-3.2-untagged.docx"
TAGGED = TEMPLATES / "case-audit-3.2.docx"


@pytest.mark.parametrize("plain_tagged", [False, True], ids=["untagged", "tagged"])
def test_based_on_v32_gives_the_bundled_description_exactly(plain_tagged: bool) -> None:
    # the council's all-plain look, untagged (the bundled twin) or tagged
    blank = build_template(tagged=True, council=None, plain=True) if plain_tagged \
        else UNTAGGED.read_bytes()
    learned = learn_form(blank, based_on=bundled_form())
    assert form_to_json(learned.form) == form_to_json(bundled_form())
    assert not any(n.startswith("new field") for n in learned.notes)


def test_the_typed_template_is_learned_with_its_control_types() -> None:
    learned = learn_form(TAGGED.read_bytes(), based_on=bundled_form()).form
    typed = {f.id: f.control_type for f in learned.fields if f.control_type != "richText"}
    assert typed and set(typed.values()) == {"dropDownList", "comboBox", "date"}
    assert all(learned.by_id[f].kind.type in ("choice", "yes_no", "number", "date")
               for f in typed)
    # building the learned description again gives the same typed template
    assert build_template(tagged=True, council=None, form=learned) == TAGGED.read_bytes()


def test_on_its_own_it_finds_the_same_fields_questions_columns_and_kinds() -> None:
    learned = learn_form(UNTAGGED.read_bytes()).form
    bundled = bundled_form()
    assert len(learned.fields) == len(bundled.fields)
    for mine, theirs in zip(learned.fields, bundled.fields):
        answer = next(c for t in bundled.tables for r in t.rows for c in r.answers
                      if c.field == theirs.id)
        if answer.question is None:  # the bundled form words its action rows itself
            assert mine.question == theirs.question, theirs.id
        assert mine.column == theirs.column, theirs.id
        assert mine.control == theirs.control, theirs.id
        assert (mine.kind.type, mine.kind.options, mine.kind.middle, mine.kind.minimum,
                mine.kind.maximum) == (theirs.kind.type, theirs.kind.options,
                                       theirs.kind.middle, theirs.kind.minimum,
                                       theirs.kind.maximum), theirs.id


def test_the_tagged_blank_gives_ids_and_aliases_from_its_tags() -> None:
    learned = learn_form(TAGGED.read_bytes()).form
    bundled = bundled_form()
    assert learned.field_ids == bundled.field_ids
    tagged = [f for f in bundled.fields if f.control]
    assert all(learned.by_id[f.id].alias == f.alias for f in tagged)


def _changed_description() -> dict:
    """v3.2 with Q2 removed, Q3 reworded slightly, a new question, and Q4 renumbered Q3."""
    data = json.loads(form_to_json(bundled_form()))
    narrative = next(b for b in data["blocks"] if b.get("table") == "narrative")
    rows = narrative["rows"]
    del rows[2]  # Q2
    q3, q4 = rows[2], rows[3]
    q3["label"] = q3["cells"][0]["label"][0] = "Q2. Is the chronology of significant events only?"
    q4["label"] = q4["cells"][0]["label"][0] = (
        "Q3. Is the chronology up to date within the last 12 weeks")
    new = json.loads(json.dumps(q4))
    new["key"] = "q3x"
    new["label"] = new["cells"][0]["label"][0] = "Q4. Is the case closure summary recorded?"
    new["cells"][1]["field"], new["cells"][2]["field"] = "x.notes", "x.score"
    rows.insert(4, new)
    data["report"]["audit_columns"] = [c for c in data["report"]["audit_columns"]]
    return data


@pytest.fixture(scope="module")
def changed_blank() -> bytes:
    return build_template(tagged=False, council=None, form=form_from_data(_changed_description()))


def test_a_changed_blank_keeps_ids_by_wording_and_notes_new_and_removed(changed_blank) -> None:
    learned = learn_form(changed_blank, based_on=bundled_form(), version="3.3")
    form = learned.form
    assert form.version == "3.3" and form.name == "case-audit"
    assert "q2.notes" not in form.field_ids
    assert form.by_id["q3.score"].question.startswith("Q2. Is the chronology of significant")
    assert form.by_id["q4.score"].question.startswith("Q3. Is the chronology up to date")
    assert form.by_id["q4.score"].kind.name == "score"
    new = [f for f in form.fields if f.question.startswith("Q4. Is the case closure")]
    assert len(new) == 2 and all(f.id not in bundled_form().field_ids for f in new)
    assert any("new field" in n and "case closure" in n for n in learned.notes)
    assert any("'q2.notes'" in n and "no longer" in n for n in learned.notes)
    assert form.roles == bundled_form().roles
    assert form.section_titles == bundled_form().section_titles


def test_check_blank_finds_nothing_for_the_same_blank_and_says_what_changed(changed_blank
                                                                              ) -> None:
    assert check_blank(bundled_form(), UNTAGGED.read_bytes()) == []
    messages = check_blank(bundled_form(), changed_blank)
    assert any("'q2'" in m and "missing" in m for m in messages)
    assert any("lacks" in m and "case closure" in m for m in messages)


def test_describe_fields_lists_every_field_for_form_show() -> None:
    rows = describe_fields(bundled_form())
    assert len(rows) == len(bundled_form().fields)
    assert rows[0] == {"id": "case_number", "kind": "text", "type": "text", "section": "header",
                       "question": "Case Number", "column": "Case Number", "choices": []}
    grade = next(r for r in rows if r["id"] == "grade.plan")
    assert grade["choices"] == ["Inadequate", "Requires Improvement", "Good", "Outstanding"]


def test_a_new_question_in_a_removed_ones_place_gets_a_new_id() -> None:
    """Q1 reworded beyond recognition is a new question: it must not take q1's ids, or the
    register would line up two different questions across versions."""
    data = json.loads(form_to_json(bundled_form()))
    new_wording = "Q1. Is the child attending school every day this term?"
    for block in data["blocks"]:
        for row in block.get("rows", []):
            if row["key"] == "q1":
                row["label"] = new_wording
                row["cells"][0]["label"] = [new_wording]
    blank = build_template(tagged=False, council=None, form=form_from_data(data))
    learned = learn_form(blank, based_on=bundled_form())
    new_ids = [f.id for f in learned.form.fields if f.question == new_wording]
    assert len(new_ids) == 2 and not set(new_ids) & set(bundled_form().field_ids)
    assert "q1.notes" not in learned.form.field_ids
    assert any("q1.notes" in note for note in learned.notes)  # the removed field is noted


def test_a_document_with_nothing_to_fill_is_not_a_blank() -> None:
    import io

    import docx

    from caseaudit_docx.errors import FormError

    document = docx.Document()
    document.add_paragraph("Minutes of the team meeting")
    out = io.BytesIO()
    document.save(out)
    with pytest.raises(FormError, match="has no answer cells"):
        learn_form(out.getvalue())
