"""A kind's ``na`` key: the form's own wording for "not applicable", which a typed template's
list offers. It must read as N/A, it is kept when a description is written back, and the
learner takes it from a list's N/A item rather than making that item an option."""

from __future__ import annotations

import json
from typing import Any

import pytest

from caseaudit_docx.errors import FormError
from caseaudit_docx.generate.template import build_template
from caseaudit_docx.learn import learn_form
from caseaudit_docx.model.description import (
    form_from_data,
    form_to_json,
)
from caseaudit_docx.model.form import Form

from .conftest import two_forms

FORMS = two_forms()


def _data(form: Form) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(form_to_json(form))
    return data


@pytest.mark.parametrize("name", sorted(FORMS))
def test_na_is_read_and_written_back(name: str) -> None:
    form = FORMS[name]
    given = {k: v.na for k, v in form.kinds.items() if v.na}
    assert given
    assert {k: v.get("na") for k, v in _data(form)["kinds"].items() if v.get("na")} == given
    assert form_from_data(_data(form)).kinds == form.kinds


@pytest.mark.parametrize("name", sorted(FORMS))
@pytest.mark.parametrize("wording, message", [
    ("Does not apply", "does not read as N/A"),
    ("", "does not read as N/A"),
])
def test_na_that_does_not_read_as_na_is_refused(name: str, wording: str, message: str) -> None:
    data = _data(FORMS[name])
    kind = next(k for k, v in data["kinds"].items() if v["type"] != "text")
    data["kinds"][kind]["na"] = wording
    with pytest.raises(FormError, match=rf"kinds\.{kind}\.na.*{message}"):
        form_from_data(data)


@pytest.mark.parametrize("name", sorted(FORMS))
def test_na_on_a_text_kind_is_refused(name: str) -> None:
    data = _data(FORMS[name])
    data["kinds"]["text"]["na"] = "N/A"
    with pytest.raises(FormError, match=r"kinds\.text\.na.*text kind keeps N/A as written"):
        form_from_data(data)


@pytest.mark.parametrize("name", sorted(FORMS))
def test_the_learner_takes_a_lists_na_item_as_the_kinds_na(name: str) -> None:
    form = FORMS[name]
    learned = learn_form(build_template(form=form, council=None)).form
    for fid in (f.id for f in form.fields if f.kind.na and f.kind.type in ("choice", "yes_no")):
        mine, theirs = learned.by_id[fid].kind, form.by_id[fid].kind
        assert mine.na == theirs.na, fid
        assert mine.values == theirs.values, fid  # the N/A item is not an option
