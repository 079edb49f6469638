"""A 200-question blank is learned well within the 2 s target (benchmarks/bench_learn.py
measures it properly; this bound is generous, for shared CI machines)."""

from __future__ import annotations

import time

from benchmarks.bench_learn import big_blank, big_description
from caseaudit_docx.learn import learn_form
from caseaudit_docx.model.description import form_from_data, form_to_json


def test_200_questions_learned_quickly_and_exactly_with_based_on() -> None:
    data = big_blank(200)
    form = form_from_data(big_description(200))
    start = time.perf_counter()
    learned = learn_form(data)
    elapsed = time.perf_counter() - start
    assert len(learned.form.fields) == 400
    assert elapsed < 6.0
    again = learn_form(data, based_on=form)
    assert [f.id for f in again.form.fields] == [f.id for f in form.fields]
    assert form_to_json(again.form) == form_to_json(form)
