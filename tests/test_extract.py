"""Extraction end to end: forms filled the way Word writes them, from both templates."""

from __future__ import annotations

import hashlib
import zipfile
from pathlib import Path

import docx
import pytest

from caseaudit_docx.errors import NotAFormError
from caseaudit_docx.extract.extract import extract_bytes, extract_file, extract_files
from caseaudit_docx.model.description import bundled_form
from samples import wordfill

from .conftest import ROOT, soffice_or_skip

FORM = bundled_form()

#: A value of each kind as an auditor might type it, and the value it must give.
TYPED = {
    "score": [("4", 4), ("2 - partly", 2), ("five", 5)],
    "grade": [("Good", "Good"), ("RI", "Requires Improvement"), ("Outstanding", "Outstanding")],
    "yes_no": [("No", "No")],
    "level": [("3 Too Little", "Too Little")],
    "good_practice": [("No", "No")],
    "rating": [("10", 10), ("0", 0)],
    "category": [("EH", ["EH"]), ("CIN & CP", ["CIN", "CP"])],
    "date": [("03/02/2020", "2020-02-03"), ("7 Jan 2021", "2021-01-07")],
}


def _answers() -> dict[str, tuple[str, object]]:
    """A distinct value for every field id, with markup-hostile characters in the text ones."""
    answers = {}
    for index, fld in enumerate(FORM.fields):
        if fld.kind.name == "text":
            text = f"{fld.id}: R&D <b> \u201cquoted\u201d \u00e9\u00e8 \U0001F600\nsecond\tline"
            answers[fld.id] = (text, text)
        else:
            options = TYPED[fld.kind.name]
            answers[fld.id] = options[index % len(options)]
    return answers


ANSWERS = _answers()


@pytest.mark.parametrize("tagged", [True, False], ids=["tagged", "untagged"])
@pytest.mark.parametrize("mode", ["typed", "tracked", "unwrapped", "beside"])
def test_every_field_comes_back_exactly(tagged: bool, mode: str,
                                        tagged_template: bytes, untagged_template: bytes) -> None:
    template = tagged_template if tagged else untagged_template
    filled = wordfill.fill_form(
        template, {fid: typed for fid, (typed, _) in ANSWERS.items()},
        modes={fid: mode for fid in ANSWERS},
        previous={fid: "old value" for fid in ANSWERS},
    )
    record = extract_bytes(filled, "filled.docx")
    got = {fid: (fv.text, fv.value) for fid, fv in record.fields.items()}
    assert got == {fid: (typed.strip(), value) for fid, (typed, value) in ANSWERS.items()}
    assert [p for p in record.problems if p.level == "error"] == []


def test_date_picker_stored_date_wins(tagged_template: bytes) -> None:
    filled = wordfill.fill_form(tagged_template, {"audit_start_date": "2019-03-12"},
                                modes={"audit_start_date": "date_picker"})
    record = extract_bytes(filled, "picker.docx")
    assert record.fields["audit_start_date"].text == "12/03/2019"
    assert record.fields["audit_start_date"].value == "2019-03-12"


def test_blank_form_gives_every_field_blank(untagged_template: bytes) -> None:
    record = extract_bytes(untagged_template, "blank.docx")
    assert all((fv.text, fv.value) == (None, None) for fv in record.fields.values())
    assert record.problems == ()


def test_libreoffice_placeholder_text_without_flag_is_blank(untagged_template: bytes) -> None:
    filled = wordfill.fill_form(untagged_template, {"team": "Team 3"}, drop_placeholder_flags=True)
    record = extract_bytes(filled, "lo.docx")
    assert record.fields["team"].text == "Team 3"
    assert [fid for fid, fv in record.fields.items() if fv.text] == ["team"]


# Not 05-tracked-changes: LibreOffice 7.4 writes tracked changes inside a content control back
# as plain text (deleted and inserted text run together), so that file no longer says what the
# auditor's copy said. Word keeps them.
@pytest.mark.soffice
@pytest.mark.parametrize("name", ["01-clean-tagged", "03-partial", "04-deleted-controls",
                                  "07-typed-beside", "09-date-pickers", "13-edited-layout"])
def test_form_saved_again_by_libreoffice_reads_the_same(tmp_path: Path, name: str) -> None:
    import subprocess

    soffice = soffice_or_skip()
    source = ROOT / "samples" / "forms" / f"{name}.docx"
    copy = tmp_path / source.name
    copy.write_bytes(source.read_bytes())
    out = tmp_path / "out"
    subprocess.run(
        [soffice, f"-env:UserInstallation=file://{tmp_path / 'profile'}", "--headless",
         "--convert-to", "docx:MS Word 2007 XML", "--outdir", str(out), str(copy)],
        check=True, capture_output=True, timeout=180,
    )
    saved = extract_file(out / source.name)
    original = extract_file(source)
    assert b"showingPlcHdr" not in zipfile.ZipFile(out / source.name).read("word/document.xml")
    assert {k: v.to_dict() for k, v in saved.fields.items()} == {
        k: v.to_dict() for k, v in original.fields.items()
    }


def test_word_document_that_is_not_the_form_is_refused(tmp_path: Path) -> None:
    other = docx.Document()
    other.add_paragraph("Minutes of the team meeting")
    table = other.add_table(rows=2, cols=2)
    table.cell(0, 0).text = "Item"
    path = tmp_path / "minutes.docx"
    other.save(path)
    with pytest.raises(NotAFormError, match="not a Case audit template"):
        extract_file(path)


def test_batch_goes_on_after_bad_files(tmp_path: Path) -> None:
    good = ROOT / "samples" / "forms" / "01-clean-tagged.docx"
    bad = tmp_path / "old.doc"
    bad.write_bytes(bytes.fromhex("D0CF11E0A1B11AE1") + b"\0" * 600)
    truncated = tmp_path / "cut.docx"
    truncated.write_bytes(good.read_bytes()[:5000])
    results = list(extract_files([bad, good, truncated]))
    assert [type(r).__name__ for _, r in results] == ["NotAFormError", "Record", "NotAFormError"]
    assert str(bad) in str(results[0][1])


def test_extraction_never_writes_the_input(tmp_path: Path) -> None:
    path = tmp_path / "form.docx"
    path.write_bytes((ROOT / "samples" / "forms" / "05-tracked-changes.docx").read_bytes())
    before = (hashlib.sha256(path.read_bytes()).hexdigest(), path.stat().st_mtime_ns)
    extract_file(path)
    assert (hashlib.sha256(path.read_bytes()).hexdigest(), path.stat().st_mtime_ns) == before


def test_record_json_matches_the_contract_shape() -> None:
    record = extract_file(ROOT / "samples" / "forms" / "01-clean-tagged.docx").to_dict()
    assert set(record) == {"source", "template", "fields", "problems"}
    assert record["template"] == {"name": "case-audit", "version": "3.2"}
    assert record["fields"]["q1.score"] == {"text": "1", "value": 1}
    assert record["fields"]["q1.notes"]["value"] == record["fields"]["q1.notes"]["text"]
    assert record["fields"]["category"] == {"text": "CP & LAC", "value": ["CP", "LAC"]}
