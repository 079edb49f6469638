"""The bundled samples: made by samples/make_samples.py; each extracts to its expected record."""

from __future__ import annotations

import hashlib
import io
import zipfile

import pytest

from caseaudit_docx.extract.extract import extract_file
from caseaudit_docx.model.description import bundled_form
from samples.make_samples import SAMPLES

from .conftest import ROOT

FORM = bundled_form()

SAMPLE_DIR = ROOT / "samples" / "forms"


def test_there_are_at_least_twelve_samples() -> None:
    assert len(SAMPLES) >= 12
    assert len(list(SAMPLE_DIR.glob("*.docx"))) == len(SAMPLES)


@pytest.mark.parametrize("sample", SAMPLES, ids=lambda s: s.name)
def test_committed_sample_is_what_the_script_makes(sample) -> None:
    data = (SAMPLE_DIR / f"{sample.name}.docx").read_bytes()
    if sample.libreoffice_saved:  # a real LibreOffice save: not reproducible byte for byte
        with zipfile.ZipFile(io.BytesIO(data)) as package:
            app = package.read("docProps/app.xml").decode("utf-8")
        assert "<Application>LibreOffice/" in app, "run: python samples/make_samples.py"
        return
    assert data == sample.build(), "run: python samples/make_samples.py"


@pytest.mark.parametrize("sample", SAMPLES, ids=lambda s: s.name)
def test_sample_extracts_to_its_expected_record(sample) -> None:
    path = SAMPLE_DIR / f"{sample.name}.docx"
    before = hashlib.sha256(path.read_bytes()).hexdigest()
    record = extract_file(path)
    assert hashlib.sha256(path.read_bytes()).hexdigest() == before  # never written to
    assert record.source.sha256 == before
    assert list(record.fields) == list(FORM.field_ids)
    wrong = {
        fid: (fv.text, fv.value, sample.expected_text(fid), sample.expected_value(fid))
        for fid, fv in record.fields.items()
        if (fv.text, fv.value) != (sample.expected_text(fid), sample.expected_value(fid))
    }
    assert wrong == {}
    errors = {p.field for p in record.problems if p.level == "error"}
    assert errors == set(sample.problems)
    for text in sample.extras:
        assert any(text in kept for kept in record.extras.values()), text
    if not sample.extras:
        assert record.extras == {}
