"""Generating pre-filled forms: the round trip through Word-style filling and extraction, the
template handling, output files, the register, LibreOffice, and preparing once per batch."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest
from lxml import etree

from caseaudit_docx.errors import InputError, NotAFormError, OutputError, RegisterError
from caseaudit_docx.extract.extract import extract_bytes, extract_file
from caseaudit_docx.generate import outputs
from caseaudit_docx.generate.generate import PreparedTemplate, generate_forms, prepare_template
from caseaudit_docx.generate.identity import FormIdentity
from caseaudit_docx.generate.template import build_template
from caseaudit_docx.model.description import bundled_form
from caseaudit_docx.model.matching import header_fields
from samples import make_samples, wordfill

from .conftest import OTHER_FORM, ROOT, convert_to_pdf, pdf_text

FORM = bundled_form()

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
HEADER_IDS = [f.id for f in header_fields(FORM)]
TAGGED = ROOT / "caseaudit_docx" / "templates" / "case-audit-3.2.docx"
UNTAGGED = ROOT / "caseaudit_docx" / "templates" / "case-audit-3.2-untagged.docx"

CASES_CSV = (
    "Case ID,Child,Social worker,Team,Category,Audit start date,Date of meeting practitioner\n"
    'CA-1 & <2>,"Zoë ""Zed"" O\'Brien",Sam Placeholder,North & South,CP & LAC,2024-03-04,'
    "5 March 2024\n"
    'CA-2,Amir Example,"Sam Placeholder\nJo Example",Children in Care,LAC,04/03/2024,\n'
    "CA-3,李小龍 Fictional,Jo Example,Family Support,EH,,\n"
)
EXPECTED = {
    "CA-1 & <2>": {"case_number": "CA-1 & <2>", "child_name": 'Zoë "Zed" O\'Brien',
                   "practitioners": "Sam Placeholder", "team": "North & South",
                   "category": "CP & LAC", "audit_start_date": "04/03/2024",
                   "practitioner_meeting_date": "05/03/2024"},
    "CA-2": {"case_number": "CA-2", "child_name": "Amir Example",
             "practitioners": "Sam Placeholder\nJo Example", "team": "Children in Care",
             "category": "LAC", "audit_start_date": "04/03/2024"},
    "CA-3": {"case_number": "CA-3", "child_name": "李小龍 Fictional", "practitioners": "Jo Example",
             "team": "Family Support", "category": "EH"},
}


@pytest.fixture()
def cases(tmp_path: Path) -> Path:
    path = tmp_path / "cases.csv"
    path.write_text(CASES_CSV, encoding="utf-8")
    return path


def council_copy(tmp_path: Path) -> Path:
    """A council's own copy: no tags, no Jinja, and a blank row someone inserted between the
    first header table's labels and values."""
    data = wordfill.fill_form(build_template(tagged=False, council="Bracknell Forest"), {},
                              edits=[wordfill.insert_blank_row("header1.labels")])
    path = tmp_path / "council.docx"
    path.write_bytes(data)
    return path


def answers() -> dict[str, tuple[str, object]]:
    """Every answer of a complete form (header fields excluded: generation writes those)."""
    full = make_samples._complete("unused", "unused", "unused")
    return {fid: answer for fid, answer in full.items() if fid not in HEADER_IDS}


# -- the round trip -----------------------------------------------------------------------------


@pytest.mark.parametrize("which", ["tagged", "untagged", "council"])
def test_round_trip_generate_fill_extract(tmp_path: Path, cases: Path, which: str) -> None:
    template = {"tagged": TAGGED, "untagged": UNTAGGED, "council": None}[which] or \
        council_copy(tmp_path)
    result = generate_forms(cases, tmp_path / "out", template=template,
                            settings={"auditor": "Jo Example"})
    assert [g.path.name for g in result.forms] == ["CA-1 & _2_.docx", "CA-2.docx", "CA-3.docx"]
    typed = answers()
    for generated in result.forms:
        filled = wordfill.fill_form(generated.path.read_bytes(),
                                    {fid: text for fid, (text, _) in typed.items()})
        record = extract_bytes(filled, generated.path)
        expected = {**EXPECTED[generated.case], "auditor": "Jo Example"}
        for fid in HEADER_IDS:
            assert record.fields[fid].text == expected.get(fid), fid
        assert record.fields["audit_start_date"].value == (
            "2024-03-04" if "audit_start_date" in expected else None)
        assert record.fields["category"].value == {"CA-1 & <2>": ["CP", "LAC"], "CA-2": ["LAC"],
                                                   "CA-3": ["EH"]}[generated.case]
        for fid, (text, value) in typed.items():
            assert record.fields[fid].text == text.replace("\v", "\n").strip(), fid
            assert record.fields[fid].value == value, fid
        assert not [p for p in record.problems if p.level == "error"], record.problems


def test_generated_forms_read_as_filled_only_where_filled(tmp_path: Path, cases: Path) -> None:
    """Extraction of an untouched generated form gives the case values and nothing else."""
    result = generate_forms(cases, tmp_path / "out", template=UNTAGGED)
    record = extract_file(result.forms[2].path)
    filled = {fid: fv.text for fid, fv in record.fields.items() if fv.text is not None}
    assert filled == EXPECTED["CA-3"]
    assert record.problems == ()


def test_header_controls_no_longer_show_placeholders(tmp_path: Path, cases: Path) -> None:
    result = generate_forms(cases, tmp_path / "out")
    xml = zipfile.ZipFile(result.forms[0].path).read("word/document.xml")
    root = etree.fromstring(xml)
    ns = {"w": W}
    for fid in EXPECTED["CA-1 & <2>"]:
        sdt = root.xpath(f"//w:sdt[w:sdtPr/w:tag/@w:val='{fid}']", namespaces=ns)[0]
        assert sdt.find("w:sdtPr/w:showingPlcHdr", ns) is None, fid
        assert not sdt.xpath(".//w:rStyle[@w:val='PlaceholderText']", namespaces=ns), fid
    blank = etree.fromstring(zipfile.ZipFile(TAGGED).read("word/document.xml"))
    untouched = root.xpath("//w:sdt[w:sdtPr/w:tag/@w:val='auditor']", namespaces=ns)[0]
    original = blank.xpath("//w:sdt[w:sdtPr/w:tag/@w:val='auditor']", namespaces=ns)[0]
    assert etree.tostring(untouched, method="c14n") == etree.tostring(original, method="c14n")
    assert root.xpath("count(//w:showingPlcHdr)", namespaces=ns) == 159 - 7


# -- the template -------------------------------------------------------------------------------


def test_council_name_is_rendered_once_and_escaped(tmp_path: Path, cases: Path) -> None:
    result = generate_forms(cases, tmp_path / "out",
                            settings={"council_name": "R&D <Borough>\x0b Council"})
    xml = zipfile.ZipFile(result.forms[0].path).read("word/document.xml").decode()
    assert xml.count("R&amp;D &lt;Borough&gt;") == 2 and "{{" not in xml
    default = generate_forms(cases, tmp_path / "default")
    assert zipfile.ZipFile(default.forms[0].path).read("word/document.xml").decode().count(
        "Wokingham Children") == 1


def test_template_is_prepared_once_per_batch(tmp_path: Path, cases: Path,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    import docxtpl

    made: list[object] = []
    original = docxtpl.DocxTemplate

    class Counting(original):  # type: ignore[misc, valid-type]
        def __init__(self, *args: object, **kwargs: object) -> None:
            made.append(self)
            super().__init__(*args, **kwargs)

    monkeypatch.setattr(docxtpl, "DocxTemplate", Counting)
    generate_forms(cases, tmp_path / "out")
    assert len(made) == 1


def test_jinja_using_case_fields_is_rendered_per_case(tmp_path: Path, cases: Path) -> None:
    with zipfile.ZipFile(TAGGED) as package:
        members = {i.filename: package.read(i) for i in package.infolist()}
    members["word/header1.xml"] = members["word/header1.xml"].replace(
        b"Council logo", b"Case {{ case_number }} of {{ council_name }}")
    template = tmp_path / "per-case.docx"
    with zipfile.ZipFile(template, "w", zipfile.ZIP_DEFLATED) as package:
        for name, data in members.items():
            package.writestr(name, data)
    result = generate_forms(cases, tmp_path / "out", template=template,
                            settings={"council_name": "Anytown"})
    header = zipfile.ZipFile(result.forms[0].path).read("word/header1.xml").decode()
    assert "Case CA-1 &amp; &lt;2&gt; of Anytown" in header
    assert extract_file(result.forms[1].path).fields["case_number"].text == "CA-2"


def test_templates_that_are_not_forms(tmp_path: Path, cases: Path) -> None:
    pdf = tmp_path / "form.docx"
    pdf.write_bytes(b"%PDF-1.7\n")
    with pytest.raises(NotAFormError, match="is a PDF"):
        prepare_template(pdf)
    other = tmp_path / "letter.docx"
    import docx

    docx.Document().save(other)
    with pytest.raises(InputError, match=r"is not a form like .*: none of its header fields"):
        prepare_template(other)
    with pytest.raises(InputError, match=r"must be a Word document \(\.docx\) or template"):
        prepare_template(tmp_path / "form.odt")
    with pytest.raises(InputError, match="file not found"):
        prepare_template(tmp_path / "missing.docx")
    assert not (tmp_path / "out").exists()
    with pytest.raises(InputError):
        generate_forms(cases, tmp_path / "out", template=other)
    assert not (tmp_path / "out").exists()


def test_a_template_missing_one_label_names_it(tmp_path: Path) -> None:
    data = wordfill.fill_form(build_template(tagged=False), {},
                              edits=[wordfill.relabel("header1.labels", "Reference")])
    path = tmp_path / "council.docx"
    path.write_bytes(data)
    with pytest.raises(InputError, match=r"has no place for 'Case Number' \(case_number\)"):
        prepare_template(path)
    assert prepare_template(path, fields=["team"]).located == {"team": "layout"}


def test_jinja_errors_and_unknown_variables(tmp_path: Path) -> None:
    with zipfile.ZipFile(TAGGED) as package:
        members = {i.filename: package.read(i) for i in package.infolist()}
    members["word/header1.xml"] = members["word/header1.xml"].replace(b"Council logo",
                                                                      b"{% if %}")
    broken = tmp_path / "broken.docx"
    with zipfile.ZipFile(broken, "w") as package:
        for name, data in members.items():
            package.writestr(name, data)
    with pytest.raises(InputError, match="cannot be rendered"):
        prepare_template(broken)
    with pytest.raises(InputError) as raised:
        prepare_template(variables={"shoe_size": "9"})
    assert str(raised.value) == (
        "--set shoe_size: not a header field nor a setting of the template; use case_number, "
        "child_name, practitioners, team, category, auditor, audit_start_date, "
        "practitioner_meeting_date, family_feedback_date or council_name")
    with pytest.raises(InputError) as raised:  # a council's template is named: it is theirs
        prepare_template(UNTAGGED, variables={"shoe_size": "9"})
    assert str(raised.value).startswith(f"{UNTAGGED}: --set shoe_size: not a header field")


def test_set_errors(tmp_path: Path, cases: Path) -> None:
    with pytest.raises(InputError, match="every form would get the same case number"):
        generate_forms(cases, tmp_path / "out", settings={"Case Number": "1"})
    with pytest.raises(InputError, match="nor a setting of the template"):
        generate_forms(cases, tmp_path / "out", settings={"shoe size": "9"})
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("name", ["auditer", "Name of Auditer", "Auditors"])
def test_a_mistyped_set_suggests_the_field(tmp_path: Path, cases: Path, name: str) -> None:
    with pytest.raises(InputError) as raised:
        generate_forms(cases, tmp_path / "out", settings={name: "Jo Example"})
    message = str(raised.value)
    assert message.startswith(f"--set {name}: not a header field; did you mean auditor? "
                              "(--set takes case_number, child_name")
    assert message.endswith(" or council_name)")
    # no docxtpl wording, no path inside the installed package
    assert "{{" not in message and "templates" not in message and "variable" not in message
    assert not (tmp_path / "out").exists()


def test_set_applies_to_every_form_and_replaces_a_column(tmp_path: Path, cases: Path) -> None:
    messages: list[str] = []
    result = generate_forms(cases, tmp_path / "out", report=messages.append,
                            settings={"Team": "Audit Team", "audit_start_date": "1 April 2024"})
    assert "--set Team replaces the column 'Team' for every form" in messages
    for generated in result.forms:
        record = extract_file(generated.path)
        assert record.fields["team"].text == "Audit Team"
        assert record.fields["audit_start_date"].text == "01/04/2024"
    cleared = generate_forms(cases, tmp_path / "cleared", settings={"child_name": ""})
    assert [extract_file(g.path).fields["child_name"].text for g in cleared.forms] == [None] * 3


def test_categories_not_on_the_form_are_warned_about(tmp_path: Path) -> None:
    path = tmp_path / "cases.csv"
    path.write_text("Case Number,Category\n1,CP\n2,Fostering\n", encoding="utf-8")
    messages: list[str] = []
    result = generate_forms(path, tmp_path / "out", report=messages.append,
                            settings={"auditor": "Jo Example"})
    assert messages == ["row 3: category 'Fostering' is not one of EH, CIN, CP or LAC; "
                        "written as given"]
    assert result.summary.endswith("(1 warning)")
    assert extract_file(tmp_path / "out" / "2.docx").fields["category"].text == "Fostering"
    messages.clear()
    generate_forms(path, tmp_path / "again", report=messages.append, settings={"category": "Q"})
    assert ("--set category: category 'Q' is not one of EH, CIN, CP or LAC; written as given"
            in messages)


def test_header_row_reaches_the_case_list(tmp_path: Path) -> None:
    path = tmp_path / "cases.csv"
    path.write_text("Case Number,Team\nReport of,April\nCase Number,Team\nCA-9,North\n",
                    encoding="utf-8")
    result = generate_forms(path, tmp_path / "out", header_row=3)
    assert [(g.case, g.row) for g in result.forms] == [("CA-9", 4)]


# -- output files -------------------------------------------------------------------------------


def test_existing_files_are_never_replaced_without_force(tmp_path: Path, cases: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / "CA-2.docx").write_bytes(b"keep me")
    with pytest.raises(OutputError, match=r"1 form would replace existing files \(CA-2.docx\); "
                                          "use --force"):
        generate_forms(cases, out)
    assert sorted(p.name for p in out.iterdir()) == ["CA-2.docx"]
    assert (out / "CA-2.docx").read_bytes() == b"keep me"
    result = generate_forms(cases, out, force=True)
    assert len(result.forms) == 3
    assert extract_file(out / "CA-2.docx").fields["case_number"].text == "CA-2"


def test_colliding_names_get_distinct_names(tmp_path: Path) -> None:
    cases = tmp_path / "cases.csv"
    cases.write_text("Case Number,Team\nCA-1,North\nca-1,South\nCA/2,North\nCA 3,North\n")
    result = generate_forms(cases, tmp_path / "out", allow_duplicates=True)
    assert [g.path.name for g in result.forms] == ["CA-1.docx", "ca-1 (2).docx", "CA_2.docx",
                                                   "CA 3.docx"]
    by_team = generate_forms(cases, tmp_path / "teams", name="{team}", allow_duplicates=True)
    assert [g.path.name for g in by_team.forms] == ["North.docx", "South.docx", "North (2).docx",
                                                    "North (3).docx"]


def test_hostile_case_numbers_stay_inside_the_output_folder(tmp_path: Path) -> None:
    cases = tmp_path / "cases.csv"
    cases.write_text('Case Number\n../../escape\nCON\n"' + "x" * 300 + '"\n/etc/passwd\n')
    out = tmp_path / "a" / "out"
    result = generate_forms(cases, out)
    assert [g.path.parent for g in result.forms] == [out] * 4
    assert [g.path.name for g in result.forms][:2] == ["_._escape.docx", "_CON.docx"]
    assert len(result.forms[2].path.name) == 120
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a", "cases.csv"]


def test_a_failed_run_leaves_nothing_behind(tmp_path: Path, cases: Path,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    real = PreparedTemplate.render
    calls: list[int] = []

    def failing(self: PreparedTemplate, values: dict[str, str],
                identity: FormIdentity | None = None) -> bytes:
        calls.append(1)
        if len(calls) == 3:
            raise KeyboardInterrupt
        return real(self, values, identity)

    monkeypatch.setattr(PreparedTemplate, "render", failing)
    out = tmp_path / "out"
    with pytest.raises(KeyboardInterrupt):  # in this process, where the patch is
        generate_forms(cases, out, jobs=1)
    assert not out.exists()  # the folder it made, empty again, is gone too
    out.mkdir()
    calls.clear()
    with pytest.raises(KeyboardInterrupt):
        generate_forms(cases, out, jobs=1)
    assert list(out.iterdir()) == []


def test_a_failed_rename_removes_the_forms_this_run_made(tmp_path: Path, cases: Path,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "out"
    real = outputs._move

    def racing(temp: Path, final: Path, force: bool) -> bool:
        if final.name == "CA-2.docx":
            final.write_bytes(b"someone else's")  # appears while the batch is being written
        return real(temp, final, force)

    monkeypatch.setattr(outputs, "_move", racing)
    with pytest.raises(OutputError, match="appeared while the forms were being written"):
        generate_forms(cases, out)
    assert sorted(p.name for p in out.iterdir()) == ["CA-2.docx"]
    assert (out / "CA-2.docx").read_bytes() == b"someone else's"


def test_output_folder_that_is_a_file(tmp_path: Path, cases: Path) -> None:
    target = tmp_path / "out"
    target.write_text("x")
    with pytest.raises(OutputError, match="is a file; the output must be a folder"):
        generate_forms(cases, target)


def test_progress_and_summary(tmp_path: Path, cases: Path) -> None:
    seen: list[tuple[int, int]] = []
    cases.write_text(CASES_CSV + ",No case number\n", encoding="utf-8")
    result = generate_forms(cases, tmp_path / "out", progress=lambda d, t: seen.append((d, t)))
    assert seen == [(1, 3), (2, 3), (3, 3)]
    assert result.skipped == ("row 5 has no case number; skipped",)
    assert result.summary == f"Wrote 3 forms to {tmp_path / 'out'} (1 row skipped)"


# -- the register -------------------------------------------------------------------------------


def test_db_records_each_form_as_allocated(tmp_path: Path, cases: Path) -> None:
    from caseaudit_docx.register.read import allocations
    from caseaudit_docx.register.store import Register

    db = tmp_path / "caseaudit.db"
    result = generate_forms(cases, tmp_path / "out", db=db, settings={"auditor": "Jo Example"})
    assert result.allocations == 3 and result.summary.endswith("(3 recorded as allocated)")
    with Register.open(db, create=False) as register:
        rows = allocations(register)
    assert [(r.case, r.auditor, r.start_date, r.file_name) for r in rows] == [
        ("CA-1 & <2>", "Jo Example", "2024-03-04", "CA-1 & _2_.docx"),
        ("CA-2", "Jo Example", "2024-03-04", "CA-2.docx"),
        ("CA-3", "Jo Example", None, "CA-3.docx"),
    ]
    assert len({r.generated_at for r in rows}) == 1 and rows[0].generated_at.endswith("Z")


def test_a_bad_register_fails_before_any_form_is_written(tmp_path: Path, cases: Path) -> None:
    db = tmp_path / "not-a-register.db"
    db.write_bytes(b"this is not sqlite" * 100)
    with pytest.raises(RegisterError):
        generate_forms(cases, tmp_path / "out", db=db)
    assert not (tmp_path / "out").exists()


def test_forms_are_removed_when_the_register_cannot_record_them(
        tmp_path: Path, cases: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from caseaudit_docx.register import store as register

    def refuse(db: Path, allocations: object, **options: object) -> int:
        raise RegisterError("database is locked", path=db)

    monkeypatch.setattr(register, "record_allocations", refuse)
    out = tmp_path / "out"
    out.mkdir()
    (out / "unrelated.docx").write_bytes(b"keep")
    with pytest.raises(RegisterError, match="database is locked"):
        generate_forms(cases, out, db=tmp_path / "caseaudit.db")
    assert [p.name for p in out.iterdir()] == ["unrelated.docx"]


# -- LibreOffice --------------------------------------------------------------------------------


@pytest.mark.soffice
@pytest.mark.parametrize("template", [TAGGED, UNTAGGED], ids=["tagged", "untagged"])
def test_libreoffice_shows_the_case_values_on_page_one(tmp_path: Path, cases: Path,
                                                       template: Path) -> None:
    result = generate_forms(cases, tmp_path / "out", template=template,
                            settings={"auditor": "Jo Example"})
    pdf = convert_to_pdf(result.forms[1].path, tmp_path)
    page_one = " ".join(pdf_text(pdf).split("\f")[0].split())
    for value in ("CA-2", "Amir Example", "Sam Placeholder", "Jo Example", "Children in Care",
                  "LAC", "04/03/2024"):
        assert value in page_one, value
    assert "Click here to enter text." in page_one  # the two dates not given stay blank


def test_other_parts_are_copied_unchanged(tmp_path: Path, cases: Path) -> None:
    """Only the body changes per case, and the properties that make each form itself (its
    dates in core.xml, its form id in a custom properties part, declared in the content
    types and the package relationships)."""
    result = generate_forms(cases, tmp_path / "out")
    with zipfile.ZipFile(result.forms[0].path) as made, zipfile.ZipFile(TAGGED) as blank:
        assert made.testzip() is None
        assert made.namelist() == [*blank.namelist(), "docProps/custom.xml"]
        changed = [n for n in blank.namelist() if made.read(n) != blank.read(n)]
    assert changed == ["[Content_Types].xml", "_rels/.rels", "docProps/core.xml",
                       "word/document.xml"]


# -- another form ---------------------------------------------------------------------------------

OTHER_CSV = ("Case reference,Allocated worker,Team,Reviewer,Review date\n"
             "NB/1,Sam Worker,East,Jo Reviewer,12/03/2024\n"
             "NB-2,Ann Other,West,Jo Reviewer,2024-03-13\n")


def _other_form():  # type: ignore[no-untyped-def]
    from caseaudit_docx.model.description import load_form

    return load_form(OTHER_FORM)


def test_another_form_is_generated_from_its_description(tmp_path: Path) -> None:
    form = _other_form()
    cases = tmp_path / "cases.csv"
    cases.write_text(OTHER_CSV, encoding="utf-8")
    result = generate_forms(cases, tmp_path / "out", form=form)
    assert [g.path.name for g in result.forms] == ["NB_1.docx", "NB-2.docx"]
    assert [g.case for g in result.forms] == ["NB/1", "NB-2"]
    record = extract_file(result.forms[0].path, form=form)
    values = {f: v.value for f, v in record.fields.items() if v.value is not None}
    assert values == {"case_ref": "NB/1", "worker": "Sam Worker", "team": "East",
                      "reviewer": "Jo Reviewer", "review_date": "2024-03-12",
                      "escalated": False}
    with zipfile.ZipFile(result.forms[0].path) as package:
        body = package.read("word/document.xml").decode("utf-8")
    assert 'w:fullDate="2024-03-12T00:00:00Z"' in body  # the date picker holds the date
    named = generate_forms(cases, tmp_path / "named", form=form,
                           name="{team} {case} {case_ref} {row}")
    assert [g.path.name for g in named.forms] == ["East NB_1 NB_1 2.docx",
                                                  "West NB-2 NB-2 3.docx"]


def test_another_forms_messages_use_its_own_labels(tmp_path: Path) -> None:
    import docx

    form = _other_form()
    cases = tmp_path / "cases.csv"
    cases.write_text(OTHER_CSV, encoding="utf-8")
    with pytest.raises(InputError, match="every form would get the same case reference"):
        generate_forms(cases, tmp_path / "out", settings={"Case reference": "1"}, form=form)
    letter = tmp_path / "letter.docx"
    docx.Document().save(letter)
    with pytest.raises(InputError) as caught:
        prepare_template(letter, form=form)
    assert "'Practice Quality Review (Northbridge, version 1.0)'" in str(caught.value)
    assert "no 'Case reference' label above or beside a value cell" in str(caught.value)
    with pytest.raises(InputError, match=r"\{case_number\} is not a header field"):
        generate_forms(cases, tmp_path / "out", form=form, name="{case_number}.docx")


def test_another_forms_allocations_use_its_roles(tmp_path: Path) -> None:
    from caseaudit_docx.register.read import allocations
    from caseaudit_docx.register.store import Register

    form = _other_form()
    cases = tmp_path / "cases.csv"
    cases.write_text(OTHER_CSV, encoding="utf-8")
    db = tmp_path / "caseaudit.db"
    result = generate_forms(cases, tmp_path / "out", db=db, form=form)
    assert result.allocations == 2
    with Register.open(db, create=False) as register:
        rows = allocations(register)
    assert [(r.case, r.auditor, r.start_date) for r in rows] == [
        ("NB/1", "Jo Reviewer", "2024-03-12"), ("NB-2", "Jo Reviewer", "2024-03-13")]


def test_a_variable_default_renders_as_written(tmp_path: Path) -> None:
    """A council named with "&" and quotes comes out of a generated form exactly as written."""
    import dataclasses

    from caseaudit_docx.model.form import Variable

    council = 'Rivers & Hills "North"'
    form = dataclasses.replace(
        FORM, variables=(Variable("council", "council_name", council),))
    template = tmp_path / "ours.docx"
    template.write_bytes(build_template(tagged=True, council=None, form=form))
    cases = tmp_path / "cases.csv"
    cases.write_text("Case Number\nCA-1\n", encoding="utf-8")
    result = generate_forms(cases, tmp_path / "out", template=template, form=form)
    text = zipfile.ZipFile(result.forms[0].path).read("word/document.xml").decode()
    assert "&amp;amp;" not in text and "\\" not in text  # neither escaped twice nor backslashed
    assert 'Rivers &amp; Hills "North" Children' in text  # as XML writes the text itself
