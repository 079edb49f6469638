"""Forms that know their audit: a generated form's id ties its corrections to one audit.

Forms are generated, filled the way Word fills them (samples/wordfill.py: the control's text
replaced, the document's modified time moved on), ingested, then corrected and ingested again.
"""

from __future__ import annotations

import datetime as dt
import io
import subprocess
import uuid
import zipfile
from pathlib import Path

import pytest
from lxml import etree

from caseaudit_docx.extract.extract import extract_file
from caseaudit_docx.generate.generate import generate_forms
from caseaudit_docx.generate.identity import new_identity
from caseaudit_docx.model.description import bundled_form, load_form
from caseaudit_docx.model.form import Form
from caseaudit_docx.register.ingest import ingest
from caseaudit_docx.register.read import allocations, current_audit_ids, history, iter_current
from caseaudit_docx.register.store import Register
from samples import wordfill

from .conftest import OTHER_FORM, soffice_or_skip

V32 = bundled_form()
OTHER = load_form(OTHER_FORM)

V32_CSV = ("Case number,Child's name,Team,Audit start date\n"
           "CA-1,Alex Example,Blue Team,01/03/2024\n")
OTHER_CSV = ("Case reference,Worker,Team,Reviewer,Date of review\n"
             "NB-1,Sam Worker,East,Jo Reviewer,01/03/2024\n")


def _generate(tmp_path: Path, form: Form) -> Path:
    tmp_path.mkdir(parents=True, exist_ok=True)
    cases = tmp_path / "cases.csv"
    cases.write_text(V32_CSV if form is V32 else OTHER_CSV, encoding="utf-8")
    settings = {"auditor": "Jo Example"} if form is V32 else {}
    [generated] = generate_forms(cases, tmp_path / "out", settings=settings, form=form).forms
    return generated.path


W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def _date_pickers(data: bytes) -> set[str]:
    """The tags of the document's date picker controls (Word picks a date in those)."""
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        root = etree.fromstring(package.read("word/document.xml"))
    return {tag.get(f"{W}val") or "" for pr in root.iter(f"{W}sdtPr")
            if pr.find(f"{W}date") is not None for tag in pr.iter(f"{W}tag")}


def _fill(data: bytes, form: Form, answers: dict[str, str], saved: str) -> bytes:
    """Type ``answers`` into the form as Word does (a date picked in a date picker, text
    typed anywhere else) and save it at ``saved`` (UTC)."""
    pickers = _date_pickers(data)
    modes = {fid: "date_picker" for fid in answers if fid in pickers}
    iso = {fid: (dt.datetime.strptime(text, "%d/%m/%Y").date().isoformat()
                 if fid in modes else text) for fid, text in answers.items()}
    return wordfill.fill_form(data, iso, modes=modes, core_modified=saved,
                              form=None if form is V32 else form)


def _start(form: Form) -> str:
    assert form.roles.start_date
    return form.roles.start_date


def _ingest(path: Path, db: Path, form: Form):  # type: ignore[no-untyped-def]
    return ingest([path], db, form=form, workers=1)


def _created(path: Path) -> str:
    with zipfile.ZipFile(path) as package:
        core = package.read("docProps/core.xml").decode()
    return core.split("<dcterms:created")[1].split(">")[1].split("<")[0]


@pytest.mark.parametrize("form", [V32, OTHER], ids=["v3.2", "other"])
def test_each_generated_form_has_its_own_id_and_its_generation_time(
        tmp_path: Path, form: Form) -> None:
    before = dt.datetime.now(dt.UTC).replace(microsecond=0)
    first = _generate(tmp_path / "a", form)
    second = _generate(tmp_path / "b", form)
    ids = [extract_file(p, form=form).source.form_id for p in (first, second)]
    assert all(ids) and ids[0] != ids[1]
    assert uuid.UUID(ids[0] or "").version == 4
    created = dt.datetime.fromisoformat(_created(first).replace("Z", "+00:00"))
    assert before <= created <= dt.datetime.now(dt.UTC)  # not the template's 2019
    assert extract_file(first, form=form).source.modified == _created(first)


def test_an_identity_is_made_fresh_each_time() -> None:
    when = dt.datetime(2024, 3, 1, 9, 0, tzinfo=dt.UTC)
    one, two = new_identity(when), new_identity(when)
    assert one.form_id != two.form_id and one.generated_iso == "2024-03-01T09:00:00Z"


@pytest.mark.parametrize("form", [V32, OTHER], ids=["v3.2", "other"])
def test_a_corrected_start_date_is_a_revision_of_the_same_audit(tmp_path: Path,
                                                                form: Form) -> None:
    generated = _generate(tmp_path, form)
    db = tmp_path / "r.db"
    start = _start(form)
    filled = _fill(generated.read_bytes(), form, {start: "01/03/2024"}, "2024-03-10T10:00:00Z")
    (tmp_path / "returned.docx").write_bytes(filled)
    assert _ingest(tmp_path / "returned.docx", db, form).new == 1
    corrected = _fill(filled, form, {start: "04/03/2024"}, "2024-03-12T10:00:00Z")
    (tmp_path / "corrected.docx").write_bytes(corrected)
    summary = _ingest(tmp_path / "corrected.docx", db, form)
    assert (summary.new, summary.revised) == (0, 1)
    [(path, change)] = summary.identity_changes
    label = " ".join(form.field(start).question.strip(" :?").split()).lower()
    assert path.endswith("corrected.docx")
    assert change == f"{label} changed from 01/03/2024 to 04/03/2024"
    with Register.open(db) as register:
        case = "CA-1" if form is V32 else "NB-1"
        revisions = history(register, case)
        assert len(revisions) == 2 and len({r.audit_id for r in revisions}) == 1
        assert revisions[0].current and revisions[0].start_date == "2024-03-04"
        [current] = iter_current(register, current_audit_ids(register, form=form))
        assert current.record.value(start) == "2024-03-04"
        assert any(p.level == "warning" and p.message == change and p.field == start
                   for p in current.record.problems)


def test_a_corrected_case_number_is_a_revision_found_by_either(tmp_path: Path) -> None:
    generated = _generate(tmp_path, V32)
    db = tmp_path / "r.db"
    filled = _fill(generated.read_bytes(), V32, {"q1.score": "4"}, "2024-03-10T10:00:00Z")
    (tmp_path / "one.docx").write_bytes(filled)
    _ingest(tmp_path / "one.docx", db, V32)
    fixed = _fill(filled, V32, {V32.roles.case: "CA-11"}, "2024-03-11T10:00:00Z")
    (tmp_path / "two.docx").write_bytes(fixed)
    summary = _ingest(tmp_path / "two.docx", db, V32)
    assert summary.revised == 1
    assert summary.identity_changes[0][1] == "case number changed from CA-1 to CA-11"
    with Register.open(db) as register:
        for case in ("CA-1", "CA-11"):
            found = history(register, case)
            assert len(found) == 2 and {r.case for r in found} == {"CA-11"}


def test_a_correction_saved_earlier_names_the_change_the_other_way(tmp_path: Path) -> None:
    """Revisions arrive in any order; the change is named from the earlier to the later."""
    generated = _generate(tmp_path, V32)
    db = tmp_path / "r.db"
    late = _fill(generated.read_bytes(), V32, {"audit_start_date": "04/03/2024"},
                 "2024-03-12T10:00:00Z")
    early = _fill(generated.read_bytes(), V32, {"audit_start_date": "01/03/2024"},
                  "2024-03-10T10:00:00Z")
    (tmp_path / "late.docx").write_bytes(late)
    (tmp_path / "early.docx").write_bytes(early)
    _ingest(tmp_path / "late.docx", db, V32)
    summary = _ingest(tmp_path / "early.docx", db, V32)
    assert summary.identity_changes[0][1] == (
        "audit start date changed from 01/03/2024 to 04/03/2024 (in the revision saved after "
        "this one)")
    with Register.open(db) as register:
        [revision, _older] = history(register, "CA-1")
        assert revision.start_date == "2024-03-04"  # the current one still decides


def _without_form_id(data: bytes) -> bytes:
    """The same document with its custom properties part gone (a copy that lost them)."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, \
            zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            if info.filename != "docProps/custom.xml":
                target.writestr(info, source.read(info))
    return out.getvalue()


def test_forms_without_an_id_keep_the_old_identity(tmp_path: Path) -> None:
    generated = _generate(tmp_path, V32)
    db = tmp_path / "r.db"
    filled = _without_form_id(_fill(generated.read_bytes(), V32, {}, "2024-03-10T10:00:00Z"))
    assert extract_file_bytes(filled, tmp_path / "plain.docx").source.form_id is None
    corrected = _fill(filled, V32, {"audit_start_date": "04/03/2024"}, "2024-03-12T10:00:00Z")
    (tmp_path / "corrected.docx").write_bytes(corrected)
    summary = ingest([tmp_path / "plain.docx", tmp_path / "corrected.docx"], db, workers=1)
    assert (summary.new, summary.revised, summary.identity_changes) == (2, 0, [])
    assert len(summary.possible_duplicates) == 1  # the same case and child, 3 days apart
    assert "started 3 days apart" in summary.possible_duplicates[0]


def extract_file_bytes(data: bytes, path: Path):  # type: ignore[no-untyped-def]
    path.write_bytes(data)
    return extract_file(path)


def test_a_form_with_an_id_joins_the_audit_it_was_known_as_before(tmp_path: Path) -> None:
    """An audit filed from a copy without the id takes the id when the form comes back with
    it; from then on a correction is a revision of it."""
    generated = _generate(tmp_path, V32)
    db = tmp_path / "r.db"
    filled = _fill(generated.read_bytes(), V32, {}, "2024-03-10T10:00:00Z")
    (tmp_path / "lost.docx").write_bytes(_without_form_id(filled))
    _ingest(tmp_path / "lost.docx", db, V32)
    again = _fill(filled, V32, {"q1.score": "3"}, "2024-03-11T10:00:00Z")
    (tmp_path / "again.docx").write_bytes(again)
    assert _ingest(tmp_path / "again.docx", db, V32).revised == 1
    fixed = _fill(again, V32, {"audit_start_date": "05/03/2024"}, "2024-03-12T10:00:00Z")
    (tmp_path / "fixed.docx").write_bytes(fixed)
    assert _ingest(tmp_path / "fixed.docx", db, V32).revised == 1
    with Register.open(db) as register:
        assert len({r.audit_id for r in history(register, "CA-1")}) == 1


def test_two_forms_generated_for_one_audit_are_two_audits_and_possible_duplicates(
        tmp_path: Path) -> None:
    db = tmp_path / "r.db"
    paths = []
    for name in ("a", "b"):
        generated = _generate(tmp_path / name, V32)
        path = tmp_path / f"{name}.docx"
        path.write_bytes(_fill(generated.read_bytes(), V32, {}, "2024-03-10T10:00:00Z"))
        paths.append(path)
    summary = ingest(paths, db, workers=1)
    assert summary.new == 2
    [line] = summary.possible_duplicates
    assert "a.docx" in line and "b.docx" in line and "started the same day" in line


@pytest.mark.soffice
def test_libreoffice_keeps_the_form_id_on_save(tmp_path: Path) -> None:
    soffice = soffice_or_skip()
    generated = _generate(tmp_path, V32)
    form_id = extract_file(generated).source.form_id
    outdir = tmp_path / "saved"
    subprocess.run(
        [soffice, f"-env:UserInstallation=file://{tmp_path / 'lo-profile'}", "--headless",
         "--norestore", "--convert-to", "docx:MS Word 2007 XML", "--outdir", str(outdir),
         str(generated)], check=True, capture_output=True, timeout=180)
    saved = outdir / generated.name
    assert saved.read_bytes() != generated.read_bytes()
    assert form_id and extract_file(saved).source.form_id == form_id


def test_a_filled_form_saved_again_for_another_case_is_another_audit(tmp_path: Path) -> None:
    """Someone saves CA-1's filled form under a new name and types the next case over it:
    the copy carries CA-1's form id, but its case and child both differ, so it is not a
    correction of CA-1."""
    generated = _generate(tmp_path, V32)
    db = tmp_path / "r.db"
    filled = _fill(generated.read_bytes(), V32, {}, "2024-03-10T10:00:00Z")
    (tmp_path / "ca1.docx").write_bytes(filled)
    _ingest(tmp_path / "ca1.docx", db, V32)
    copy = _fill(filled, V32, {"case_number": "CA-7", "child_name": "Robin Other"},
                 "2024-03-11T10:00:00Z")
    (tmp_path / "ca7.docx").write_bytes(copy)
    summary = _ingest(tmp_path / "ca7.docx", db, V32)
    assert (summary.new, summary.revised) == (1, 0)
    assert summary.identity_changes[0][1].startswith(
        "carries the form id of the form of CA-1, but its case and its child both differ")
    later = _fill(filled, V32, {"audit_start_date": "01/09/2024"}, "2024-09-02T10:00:00Z")
    (tmp_path / "next.docx").write_bytes(later)
    again = _ingest(tmp_path / "next.docx", db, V32)
    assert again.new == 1 and "its start date is 184 days from" in again.identity_changes[0][1]
    with Register.open(db) as register:
        assert len(history(register, "CA-1")) == 2  # the original, and next round's audit
        assert len({r.audit_id for r in history(register, "CA-1")}) == 2
        assert [r.case for r in history(register, "CA-7")] == ["CA-7"]
        # a correction of the original still finds it by its id
    fixed = _fill(filled, V32, {"audit_start_date": "02/03/2024"}, "2024-03-12T10:00:00Z")
    (tmp_path / "fixed.docx").write_bytes(fixed)
    assert _ingest(tmp_path / "fixed.docx", db, V32).revised == 1


def test_the_form_id_is_part_of_the_records_source_only_when_there_is_one() -> None:
    from caseaudit_docx.model.record import Record, Source

    plain = Record(Source("a.docx", "00"), {})
    assert "form_id" not in plain.to_dict()["source"]
    form_id = str(uuid.uuid4())
    marked = Record(Source("a.docx", "00", form_id=form_id), {})
    assert marked.to_dict()["source"]["form_id"] == form_id
    assert Record.from_dict(marked.to_dict()) == marked


@pytest.mark.parametrize("form", [V32, OTHER], ids=["v32", "other"])
@pytest.mark.parametrize("jobs", [1, 2])
def test_the_register_records_the_form_id_each_allocated_form_carries(
        tmp_path: Path, form: Form, jobs: int) -> None:
    """Allocations know their form's id, whether the forms were rendered here or by workers."""
    cases = tmp_path / "cases.csv"
    header, row = (V32_CSV if form is V32 else OTHER_CSV).splitlines()
    key = row.split(",")[0]
    cases.write_text("\n".join([header, *(row.replace(key, f"{key}{n}", 1) for n in range(20))])
                     + "\n", encoding="utf-8")
    settings = {"auditor": "Jo Example"} if form is V32 else {}
    db = tmp_path / "register.db"
    result = generate_forms(cases, tmp_path / "out", settings=settings, form=form, db=db,
                            jobs=jobs)
    carried = {g.case: extract_file(g.path, form=form).source.form_id for g in result.forms}
    with Register.open(db, create=False) as register:
        recorded = dict(register.conn.execute("SELECT case_text, form_id FROM allocations"))
    assert len(set(carried.values())) == 20 and None not in carried.values()
    assert recorded == carried


@pytest.mark.parametrize("form", [V32, OTHER], ids=["v3.2", "other"])
@pytest.mark.parametrize("keep_id", [True, False], ids=["with-id", "id-removed"])
def test_an_allocation_is_returned_by_its_form_id_after_a_corrected_start_date(
        tmp_path: Path, form: Form, keep_id: bool) -> None:
    """Completion counts a form whose start date was corrected as returned, by its form id;
    without the id the corrected identity no longer matches the allocation."""
    cases = tmp_path / "cases.csv"
    cases.write_text(V32_CSV if form is V32 else OTHER_CSV, encoding="utf-8")
    settings = {"auditor": "Jo Example"} if form is V32 else {}
    db = tmp_path / "r.db"
    [generated] = generate_forms(cases, tmp_path / "out", settings=settings, form=form,
                                 db=db, jobs=1).forms
    corrected = _fill(generated.path.read_bytes(), form, {_start(form): "04/03/2024"},
                      "2024-03-12T10:00:00Z")
    returned = tmp_path / "returned.docx"
    returned.write_bytes(corrected if keep_id else _without_form_id(corrected))
    assert _ingest(returned, db, form).new == 1
    with Register.open(db) as register:
        [allocation] = allocations(register)
    assert allocation.returned is keep_id


def _generate_blank_child(tmp_path: Path, form: Form, case: str) -> Path:
    """A generated form for ``case`` whose child is not filled (no name in the case list, or
    a form that names no child): nothing but the case tells its audit from another."""
    tmp_path.mkdir(parents=True, exist_ok=True)
    cases = tmp_path / "cases.csv"
    header, row = (V32_CSV if form is V32 else OTHER_CSV).splitlines()
    cells = row.split(",")
    cells[0] = case
    if form.roles.child:
        cells[header.split(",").index("Child's name")] = ""
    cases.write_text(f"{header}\n{','.join(cells)}\n", encoding="utf-8")
    settings = {"auditor": "Jo Example"} if form is V32 else {}
    [generated] = generate_forms(cases, tmp_path / "out", settings=settings, form=form).forms
    return generated.path


@pytest.mark.parametrize("form", [V32, OTHER], ids=["v3.2", "other"])
def test_without_a_child_to_tell_by_only_a_typo_in_the_case_is_a_correction(
        tmp_path: Path, form: Form) -> None:
    """A form's id is believed for a new case only when the new case is alike the old (a
    typo); a form copied for another case, started 19 days later, is a second audit and the
    original audit stays."""
    prefix = "CA" if form is V32 else "NB"
    original, typo, other = (f"{prefix}-10243", f"{prefix}-10234", f"{prefix}-2")
    generated = _generate_blank_child(tmp_path, form, original)
    db = tmp_path / "r.db"
    start = _start(form)
    filled = _fill(generated.read_bytes(), form, {start: "01/03/2024"}, "2024-03-10T10:00:00Z")
    assert not (form.roles.child and extract_file_bytes(filled, tmp_path / "one.docx")
                .value(form.roles.child))
    (tmp_path / "one.docx").write_bytes(filled)
    assert _ingest(tmp_path / "one.docx", db, form).new == 1
    copy = _fill(filled, form, {form.roles.case: other, start: "20/03/2024"},
                 "2024-03-21T10:00:00Z")
    (tmp_path / "copy.docx").write_bytes(copy)
    summary = _ingest(tmp_path / "copy.docx", db, form)
    assert (summary.new, summary.revised) == (1, 0)
    assert summary.identity_changes[0][1].startswith(
        f"carries the form id of the form of {original}, but its case differs by more than a "
        "typo")
    with Register.open(db) as register:
        assert [r.case for r in history(register, original)] == [original]
        assert [r.case for r in history(register, other)] == [other]
        assert len(current_audit_ids(register, form=form)) == 2
    fixed = _fill(filled, form, {form.roles.case: typo}, "2024-03-11T10:00:00Z")
    (tmp_path / "fixed.docx").write_bytes(fixed)
    corrected = _ingest(tmp_path / "fixed.docx", db, form)
    assert (corrected.new, corrected.revised) == (0, 1)
    label = " ".join(form.field(form.roles.case).question.strip(" :?").split()).lower()
    assert corrected.identity_changes[0][1] == f"{label} changed from {original} to {typo}"
    with Register.open(db) as register:
        assert {r.case for r in history(register, original)} == {typo}
        assert len(current_audit_ids(register, form=form)) == 2
