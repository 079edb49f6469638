"""--redact: which names an audit holds (form data) and how they leave its texts, on two forms."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import openpyxl
from hypothesis import given, settings
from hypothesis import strategies as st

from caseaudit_docx.register.store import Register
from caseaudit_docx.report.redact import NOT_NAMES, names_in, scrub_for
from caseaudit_docx.report.workbook import write_report

from .test_report_print_actions import AS_OF, OTHER, V32, record_of


def test_who_answered_names_are_redacted_everywhere(tmp_path: Path) -> None:
    values = {"child_name": "Poppy Example",
              "q43.parent1": "Mum (Jane Fictional) and her partner Sam",
              "q1.notes": "Jane says SAM was at the meeting; Poppy too. Sample text stays.",
              "commentary.auditor": "Spoke to jane fictional by phone."}
    db = tmp_path / "r.db"
    with Register.open(db) as register:
        register.add_record(record_of(V32, "C-9", **values))
    path = tmp_path / "book.xlsx"
    write_report(db, path, form=V32, redact=True, as_of=AS_OF)
    book = openpyxl.load_workbook(path)
    texts = [c.value for ws in book for row in ws.iter_rows() for c in row
             if isinstance(c.value, str)]
    for name in ("Jane", "jane", "Fictional", "fictional", "Sam ", "SAM", "Poppy"):
        assert not any(name in t for t in texts), name
    assert any("Sample text stays" in t for t in texts)
    assert any(t == "Mum ([name] [name]) and her partner [name]" for t in texts)


def test_redact_on_a_second_form(tmp_path: Path) -> None:
    """A form whose "worker" field is marked as holding names: its names leave the notes."""
    roles = dataclasses.replace(OTHER.roles, redact_names=("worker",))
    form = dataclasses.replace(OTHER, roles=roles)
    record = record_of(form, "R-1", worker="Kim Fictional (agency)",
                       summary="Kim Fictional did the visit; kim agreed.")
    scrub = scrub_for(form, record, True)
    assert scrub(record.text("summary")) == "[name] [name] did the visit; [name] agreed."
    assert scrub_for(form, record, False)(record.text("summary")) == record.text("summary")


_NAME = st.from_regex(r"[A-Z][a-z]{2,9}", fullmatch=True).filter(
    lambda w: w.casefold() not in NOT_NAMES)
_ROLE = st.sampled_from(sorted(w.capitalize() for w in NOT_NAMES if w.isalpha()))


@settings(deadline=None)  # a busy machine must not fail a rule
@given(names=st.lists(_NAME, min_size=1, max_size=3, unique=True), role=_ROLE)
def test_names_in_takes_capitalised_words_but_not_relationship_words(names: list[str],
                                                                     role: str) -> None:
    text = f"{role} ({' '.join(names)}) and her partner"
    assert names_in(text) == names


@settings(deadline=None)
@given(name=_NAME, filler=st.sampled_from(["said", "was there", "agreed"]))
def test_a_name_is_replaced_as_a_whole_word_ignoring_case(name: str, filler: str) -> None:
    record = record_of(V32, "C-1", **{"q43.parent1": f"Dad {name}"})
    scrub = scrub_for(V32, record, True)
    assert scrub(f"{name.lower()} {filler}; {name.upper()}!") == f"[name] {filler}; [name]!"
    assert scrub(f"{name}s {filler}") == f"{name}s {filler}"  # not inside another word




@settings(deadline=None)
@given(names=st.lists(_NAME.filter(lambda w: w not in ("Reviewed", "Together", "Whom")),
                     min_size=1, max_size=3, unique=True))
def test_the_words_of_the_fields_own_question_are_not_names(names: list[str]) -> None:
    """A copy of the label typed into the answer ("Who answered: Mum and Ann") is not a name,
    whichever form's question it is; the words come from the form, not from code."""
    question = "Reviewed Together With Whom?"
    assert names_in(f"Reviewed Together With {' '.join(names)}", question) == names
    assert names_in("Reviewed Together With", question) == []
    assert names_in("Reviewed Together With") == ["Reviewed", "Together"]
