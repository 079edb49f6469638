"""The Word-realistic forms (samples/realistic.py): as Word writes them, and every field read.

The oracle: each realistic form is a sample whose every answer is known; extraction must give
each field's expected text and value, and the same record as the plainly written form it was
rewritten from (the rewriting changes how runs are cut, never the text a reader sees).
"""

from __future__ import annotations

import io
import zipfile
from collections import Counter

import pytest
from lxml import etree

from caseaudit_docx.extract.extract import extract_bytes
from caseaudit_docx.learn import learn_form
from samples.realistic import realistic_form, realistic_sample, wordify, write_realistic

from .conftest import ROOT

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def _document(docx: bytes) -> bytes:
    with zipfile.ZipFile(io.BytesIO(docx)) as package:
        return package.read("word/document.xml")


@pytest.mark.parametrize("index", [0, 1, 7])
def test_realistic_form_extracts_every_field(index: int) -> None:
    sample, data = realistic_form(index)
    record = extract_bytes(data, f"{sample.name}.docx")
    wrong = {
        fid: (fv.text, fv.value, sample.expected_text(fid), sample.expected_value(fid))
        for fid, fv in record.fields.items()
        if (fv.text, fv.value) != (sample.expected_text(fid), sample.expected_value(fid))
    }
    assert wrong == {}
    assert record.problems == () and record.extras == {}
    answered = sum(1 for fv in record.fields.values() if fv.value is not None)
    assert answered > 100  # a complete form, not a blank that trivially matches


@pytest.mark.parametrize("index", [2, 3])
def test_realistic_form_reads_as_the_plain_form_it_was_made_from(index: int) -> None:
    sample = realistic_sample(index)
    plain = sample.build()
    realistic = wordify(plain, seed=index)
    assert _document(realistic) != _document(plain)
    one = extract_bytes(plain, "form.docx").to_dict()
    other = extract_bytes(realistic, "form.docx").to_dict()
    for record in (one, other):
        record.pop("source")
    assert other == one


def test_realistic_form_is_read_by_a_learned_form_as_its_plain_form() -> None:
    """The second form: a description learned from the untagged blank reads the realistic
    form exactly as it reads the plain form it was made from, and finds the answers."""
    blank = (ROOT / "caseaudit_docx" / "templates" / "case-audit-3.2-untagged.docx").read_bytes()
    learned = learn_form(blank).form
    sample = realistic_sample(1)  # odd indexes are untagged, as the blank is
    plain = sample.build()
    one = extract_bytes(plain, "form.docx", form=learned).to_dict()
    other = extract_bytes(wordify(plain, seed=1), "form.docx", form=learned).to_dict()
    for record in (one, other):
        record.pop("source")
    assert other == one
    texts = {fv["text"] for fv in other["fields"].values()}
    assert sample.expected_text("case_number") in texts
    assert sum(1 for text in texts if text) > 50


def test_realistic_form_looks_as_word_writes() -> None:
    _, data = realistic_form(4)
    xml = _document(data)
    assert 350_000 <= len(xml) <= 460_000
    root = etree.fromstring(xml)
    tags = Counter(etree.QName(e).localname for e in root.iter() if isinstance(e.tag, str))
    assert tags["proofErr"] >= 20 and tags["lastRenderedPageBreak"] >= 5
    assert tags["ins"] >= 1 and tags["del"] >= 1  # a few tracked changes
    ids = [e.get(f"{{{W}}}id") for e in root.iter(f"{{{W}}}bookmarkStart")]
    assert len(ids) >= 10
    changes = [e.get(f"{{{W}}}id") for e in root.iter(f"{{{W}}}ins", f"{{{W}}}del")]
    assert len(ids + changes) == len(set(ids + changes))  # every id its own
    names = [e.get(f"{{{W}}}name") for e in root.iter(f"{{{W}}}bookmarkStart")]
    assert names.count("_GoBack") == 1
    runs = list(root.iter(f"{{{W}}}r"))
    assert all(r.get(f"{{{W}}}rsidRPr") for r in runs)
    assert len({r.get(f"{{{W}}}rsidR") for r in runs}) >= 5
    multi = [sdt for sdt in root.iter(f"{{{W}}}sdtContent")
             if len(sdt.findall(f"{{{W}}}p")) >= 2]
    assert multi  # multi-paragraph notes


def test_realistic_forms_are_the_same_every_run_and_differ_from_each_other(tmp_path) -> None:
    first = write_realistic(tmp_path / "a", 2)
    again = write_realistic(tmp_path / "b", 2)
    assert [p.read_bytes() for p in first] == [p.read_bytes() for p in again]
    assert first[0].read_bytes() != first[1].read_bytes()
