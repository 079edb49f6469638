"""Property test: what years of editing do to a template never moves or loses an answer."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from caseaudit_docx.extract.extract import extract_bytes
from caseaudit_docx.generate.template import build_template
from caseaudit_docx.model.description import bundled_form
from samples import wordfill

FORM = bundled_form()
UNTAGGED = build_template(tagged=False)
QUESTION_ROWS = [r.key for t in FORM.tables for r in t.rows if r.label and r.key.startswith("q")
                 and r.key[1:].isdigit()]
ANSWER_ROWS = [r.key for t in FORM.tables for r in t.rows if r.answers and r.label]
TEXT_FIELDS = [f.id for f in FORM.fields if f.kind.name == "text"]


def _relabel(key: str):
    """"Q3. Is …" written as "Q3 Is …" (the full stop lost)."""
    wording = next(r.label for t in FORM.tables for r in t.rows if r.key == key)
    return wordfill.relabel(key, wording.replace(".", " ", 1))


def _shorten_grade(key: str):
    """"Overall Outcome Score (Inadequate, …)" with the list of grades left off."""
    wording = next(r.label for t in FORM.tables for r in t.rows if r.key == key)
    return wordfill.relabel(key, wording.split(" (")[0])


LABEL_ROWS = [r.key for t in FORM.tables for r in t.rows if r.key.endswith(".labels")]
GRADE_ROWS = [r.key for t in FORM.tables for r in t.rows if r.key.startswith("grade.")]

edits = st.lists(
    st.one_of(
        st.sampled_from(ANSWER_ROWS + LABEL_ROWS).map(wordfill.insert_blank_row),
        st.sampled_from(ANSWER_ROWS[1:]).map(wordfill.split_table_before),
        st.sampled_from(QUESTION_ROWS).map(_relabel),
        st.sampled_from(GRADE_ROWS).map(_shorten_grade),
    ),
    max_size=6,
    unique_by=lambda edit: id(edit),
)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    answered=st.sets(st.sampled_from(TEXT_FIELDS + GRADE_ROWS), min_size=1, max_size=25),
    edits=edits,
    modes=st.sampled_from(["typed", "tracked", "unwrapped", "beside"]),
)
def test_answers_survive_layout_edits(answered: set[str], edits: list, modes: str) -> None:
    answers = {fid: "Good" if fid.startswith("grade.") else f"answer for {fid}"
               for fid in answered}
    filled = wordfill.fill_form(UNTAGGED, answers, modes={f: modes for f in answers},
                                edits=edits)
    record = extract_bytes(filled, "edited.docx")
    got = {fid: fv.text for fid, fv in record.fields.items() if fv.text is not None}
    assert got == answers
    assert record.extras == {}
