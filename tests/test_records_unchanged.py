"""The v3.2 records are a public contract: every sample reads to exactly the record it gave
before the form became data (captured from the code of that time in tests/data/).

A change here is a change of the contract (docs/fields.md): values, texts, problems and their
messages, extras and the template name and version must all stay as they were.
"""

from __future__ import annotations

import json

import pytest

from caseaudit_docx.extract.extract import extract_file

from .conftest import ROOT

GOLDEN = json.loads((ROOT / "tests" / "data" / "v32-sample-records.json").read_text("utf-8"))


@pytest.mark.parametrize("name", sorted(GOLDEN))
def test_sample_record_is_unchanged(name: str) -> None:
    record = extract_file(ROOT / "samples" / "forms" / name).to_dict()
    record["source"].pop("file")
    assert record == GOLDEN[name]


def test_every_sample_has_a_golden_record() -> None:
    assert sorted(p.name for p in (ROOT / "samples" / "forms").glob("*.docx")) == sorted(GOLDEN)
