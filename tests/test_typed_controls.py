"""Typed controls in the template and generated forms: drop-down lists for choices, date
pickers for dates, rich text for notes, all run level with grey placeholders; ``plain`` keeps
the council's all-plain look. Filled the way Word fills them, every value reads back."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest
from lxml import etree

from caseaudit_docx.extract.extract import extract_bytes
from caseaudit_docx.generate.template import build_template, control_type
from caseaudit_docx.model.description import bundled_form, load_form
from caseaudit_docx.model.form import Answer, Form
from caseaudit_docx.oxml.ns import qn
from samples import wordfill

from .conftest import ROOT

FORMS = {
    "v3.2": bundled_form(),
    "other": load_form(ROOT / "tests" / "forms" / "other-council-1.0.json"),
}
LISTED = {"choice", "yes_no", "number"}


def _document(data: bytes) -> etree._Element:
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        return etree.fromstring(package.read("word/document.xml"))


def _controls(data: bytes) -> dict[str, etree._Element]:
    return {sdt.find(f"{qn('w:sdtPr')}/{qn('w:tag')}").get(qn("w:val")): sdt
            for sdt in _document(data).iter(qn("w:sdt"))}


def _answers(form: Form) -> dict[str, Answer]:
    return {cell.field: cell for table in form.tables for row in table.rows
            for cell in row.cells if isinstance(cell, Answer)}


@pytest.mark.parametrize("name", sorted(FORMS))
def test_each_control_is_typed_by_its_kind(name: str) -> None:
    form = FORMS[name]
    controls = _controls(build_template(form=form))
    answers = _answers(form)
    assert sorted(controls) == sorted(f.id for f in form.fields if f.control)
    seen = set()
    for fid, sdt in controls.items():
        pr = sdt.find(qn("w:sdtPr"))
        kind = form.field(fid).kind
        described = answers[fid].control_type
        assert sdt.getparent().tag == qn("w:p"), fid  # run level, inside the cell's paragraph
        listing = pr.find(qn("w:dropDownList"))
        date = pr.find(qn("w:date"))
        if described == "richText" and kind.type in LISTED:
            items = listing.findall(qn("w:listItem"))
            assert [(i.get(qn("w:displayText")), i.get(qn("w:value"))) for i in items] == [
                (v, v) for v in kind.values], fid
            seen.add("list")
        elif described == "richText" and kind.type == "date":
            assert date.get(qn("w:fullDate")) is None  # blank: no stored date
            assert [(c.tag, c.get(qn("w:val"))) for c in date] == [
                (qn("w:dateFormat"), "dd/MM/yyyy"), (qn("w:lid"), "en-GB"),
                (qn("w:storeMappedDataAs"), "date"), (qn("w:calendar"), "gregorian")]
            seen.add("date")
        elif described == "richText":  # notes and other text: rich text, no type element
            assert listing is None and date is None and pr.find(qn("w:text")) is None, fid
            seen.add("text")
        else:
            assert control_type(answers[fid], form) == described  # as the description says
    assert seen == {"list", "date", "text"}


@pytest.mark.parametrize("name", sorted(FORMS))
def test_every_control_shows_the_forms_grey_placeholder(name: str) -> None:
    form = FORMS[name]
    data = build_template(form=form)
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        glossary = etree.fromstring(package.read("word/glossary/document.xml"))
        styles = etree.fromstring(package.read("word/styles.xml"))
    parts = {p.find(f"{qn('w:docPartPr')}/{qn('w:name')}").get(qn("w:val")):
             "".join(p.find(qn("w:docPartBody")).itertext())
             for p in glossary.iter(qn("w:docPart"))}
    style = next(s for s in styles.iter(qn("w:style"))
                 if s.get(qn("w:styleId")) == "PlaceholderText")
    assert style.find(f"{qn('w:rPr')}/{qn('w:color')}").get(qn("w:val")) == "808080"
    for fid, sdt in _controls(data).items():
        if form.field(fid).kind.type == "checkbox":
            continue  # a check box shows its box, not a placeholder
        pr = sdt.find(qn("w:sdtPr"))
        assert pr.find(qn("w:showingPlcHdr")) is not None
        docpart = pr.find(f"{qn('w:placeholder')}/{qn('w:docPart')}").get(qn("w:val"))
        assert parts[docpart] == form.placeholder
        (run,) = sdt.find(qn("w:sdtContent"))
        assert run.find(f"{qn('w:rPr')}/{qn('w:rStyle')}").get(qn("w:val")) == "PlaceholderText"
        assert run.findtext(qn("w:t")) == form.placeholder


@pytest.mark.parametrize("name", sorted(FORMS))
def test_plain_builds_controls_as_described(name: str) -> None:
    form = FORMS[name]
    answers = _answers(form)
    for fid, sdt in _controls(build_template(form=form, plain=True)).items():
        pr = sdt.find(qn("w:sdtPr"))
        described = answers[fid].control_type
        assert control_type(answers[fid], form, plain=True) == described
        if described == "richText":  # the council's look: a block-level box in the cell
            assert sdt.getparent().tag == qn("w:tc"), fid
            assert pr.find(qn("w:dropDownList")) is None and pr.find(qn("w:date")) is None
        else:
            assert sdt.getparent().tag == qn("w:p"), fid


def _word_answers(form: Form) -> tuple[dict[str, str], dict[str, str], dict[str, object]]:
    """For each control field: what Word writes, how (a mode of samples/wordfill.py) and the
    value the record should hold. Lists get an item picked, dates a picked date."""
    answers, modes, expected = {}, {}, {}
    for index, fld in enumerate(f for f in form.fields if f.control):
        typed = control_type(_answers(form)[fld.id], form)
        if typed in ("dropDownList", "comboBox"):
            value = fld.kind.values[index % len(fld.kind.values)]
            answers[fld.id], modes[fld.id] = value, "choose"
            expected[fld.id] = int(value) if fld.kind.type == "number" else value
        elif typed == "date":
            day = f"2024-0{index % 9 + 1}-1{index % 10}"
            answers[fld.id], modes[fld.id], expected[fld.id] = day, "date_picker", day
        elif typed == "checkbox":
            answers[fld.id], modes[fld.id], expected[fld.id] = "true", "tick", True
        elif fld.kind.type == "text":
            text = f"Note {index} for {fld.id}"
            answers[fld.id], modes[fld.id], expected[fld.id] = text, "typed", text
    return answers, modes, expected


@pytest.mark.parametrize("name", sorted(FORMS))
def test_word_filled_lists_and_dates_read_back(name: str) -> None:
    form = FORMS[name]
    answers, modes, expected = _word_answers(form)
    filled = wordfill.fill_form(build_template(form=form), answers, modes=modes, form=form)
    for fid, sdt in _controls(filled).items():  # as Word leaves a control it filled
        if fid in answers:
            assert sdt.find(f"{qn('w:sdtPr')}/{qn('w:showingPlcHdr')}") is None, fid
    dates = [sdt.find(f"{qn('w:sdtPr')}/{qn('w:date')}") for sdt in _controls(filled).values()]
    assert all(d.get(qn("w:fullDate")) for d in dates if d is not None)
    record = extract_bytes(filled, "filled.docx", form=form)
    got = {fid: record.fields[fid].value for fid in expected}
    assert got == expected
    assert [p for p in record.problems if p.level == "error"] == []


def test_the_bundled_template_is_typed_and_its_untagged_twin_plain() -> None:
    templates = ROOT / "caseaudit_docx" / "templates"
    typed = (templates / "case-audit-3.2.docx").read_bytes()
    untagged = (templates / "case-audit-3.2-untagged.docx").read_bytes()
    assert any(s.find(f"{qn('w:sdtPr')}/{qn('w:dropDownList')}") is not None
               for s in _controls(typed).values())
    assert all(s.getparent().tag == qn("w:tc") for s in _document(untagged).iter(qn("w:sdt")))


def test_generated_forms_prefill_date_pickers(tmp_path: Path) -> None:
    from caseaudit_docx.generate.generate import generate_forms

    form = FORMS["other"]
    cases = tmp_path / "cases.csv"
    case, date = (form.field(form.roles.case), next(f for f in form.prefill_fields
                                                    if f.kind.type == "date"))
    cases.write_text(f"{case.question},{date.question}\nPQR-1,05/06/2024\n", "utf-8")
    result = generate_forms(cases, tmp_path / "out", form=form, jobs=1)
    data = result.forms[0].path.read_bytes()
    sdt = _controls(data)[date.id]
    pr = sdt.find(qn("w:sdtPr"))
    assert pr.find(qn("w:date")).get(qn("w:fullDate")) == "2024-06-05T00:00:00Z"
    assert pr.find(qn("w:showingPlcHdr")) is None
    assert "".join(sdt.find(qn("w:sdtContent")).itertext()) == "05/06/2024"
    assert sdt.find(f".//{qn('w:rStyle')}") is None  # shown as a value, not as placeholder
    record = extract_bytes(data, "generated.docx", form=form)
    assert record.fields[date.id].value == "2024-06-05"


def test_the_cli_writes_typed_or_plain(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from caseaudit_docx.cli import cli

    for flags, name in (([], "typed.docx"), (["--plain"], "plain.docx")):
        result = CliRunner().invoke(cli, ["template", "-o", str(tmp_path / name), *flags])
        assert result.exit_code == 0, result.output
    typed = _controls((tmp_path / "typed.docx").read_bytes())
    plain = _controls((tmp_path / "plain.docx").read_bytes())
    assert sorted(typed) == sorted(plain)
    lists = [f for f, s in typed.items()
             if s.find(f"{qn('w:sdtPr')}/{qn('w:dropDownList')}") is not None]
    assert lists and all(
        plain[f].find(f"{qn('w:sdtPr')}/{qn('w:dropDownList')}") is None for f in lists)
    assert (tmp_path / "plain.docx").read_bytes() == build_template(plain=True)
