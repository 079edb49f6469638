"""Hostile input and file-system accidents (issue 14): each trap is a small generated file,
refused with one line, in bounded time and memory, and the good forms beside it are kept.

Memory is measured in a child process (its own peak RSS), so that nothing this test process
allocated, nor any earlier child, is counted. Anything that could hang runs in a child with a
timeout, so that a regression fails instead of stopping the test run.
"""

from __future__ import annotations

import io
import json
import os
import re
import shutil
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest

from caseaudit_docx.errors import InputError, NotAFormError, UnsafeFileError
from caseaudit_docx.extract.extract import extract_bytes
from caseaudit_docx.extract.locate import SIZE_FLOOR
from caseaudit_docx.generate import casefile
from caseaudit_docx.generate.casefile import read_table
from caseaudit_docx.generate.filenames import check_pattern, format_name
from caseaudit_docx.model.description import bundled_form
from caseaudit_docx.oxml.package import read_package, read_package_bytes

from .conftest import ROOT
from .oxmlbuild import build_docx, document_xml, p, patch_declared_size, r, sdt, zip_bytes

GOOD = (ROOT / "samples" / "forms" / "01-clean-tagged.docx",
        ROOT / "samples" / "forms" / "02-clean-untagged.docx")
TIMEOUT = 120  # seconds for a child run: far past what these take; a hang fails instead
FORM_ROWS = sum(len(table.rows) for table in bundled_form().tables)


def _run_child(script: str, *args: str) -> dict[str, object]:
    """Run ``script`` in a fresh interpreter (the repository importable); the JSON it prints,
    with how far its peak RSS grew in MB past what its imports took as ``rss_mb`` (the
    interpreter and libraries alone differ from machine to machine)."""
    code = (
        "import json, resource, sys\n"
        f"sys.path.insert(0, {str(ROOT)!r})\n"
        f"{script}\n"
        "out['rss_mb'] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024"
        " - globals().get('before', 0)\n"
        "print(json.dumps(out))\n"
    )
    done = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True,
                          timeout=TIMEOUT, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


_EXTRACT_ONE = """
from caseaudit_docx.errors import CaseAuditError
from caseaudit_docx.extract.extract import extract_file
extract_file(sys.argv[2])  # a real form first: every module and cache the reader uses loaded
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
try:
    extract_file(sys.argv[1])
    out = {'error': None}
except CaseAuditError as exc:
    out = {'error': exc.message}
"""


def _with_good_forms(folder: Path) -> None:
    folder.mkdir(exist_ok=True)
    for path in GOOD:
        shutil.copy(path, folder / path.name)


def _member(data: bytes, name: str, method: int) -> bytes:
    """A small .docx whose part ``name`` is stored with zip compression ``method``."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        members = {info.filename: archive.read(info) for info in archive.infolist()}
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for member, content in members.items():
            archive.writestr(member, content, method if member == name else zipfile.ZIP_DEFLATED)
    return buffer.getvalue()


def _bomb(path: Path, method: int, size: int) -> None:
    """A .docx whose main part unpacks to ``size`` zero bytes but declares 100 (streamed, so
    this process never holds them)."""
    data = build_docx(omit=("word/document.xml",))
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        members = {info.filename: archive.read(info) for info in archive.infolist()}
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for member, content in members.items():
            archive.writestr(member, content)
        info = zipfile.ZipInfo("word/document.xml", (2024, 5, 1, 10, 20, 0))
        info.compress_type = method
        with archive.open(info, "w") as member:
            member.write(document_xml("")[:-40])
            block = bytes(1 << 22)
            for _ in range(size // len(block)):
                member.write(block)
    path.write_bytes(patch_declared_size(buffer.getvalue(), "word/document.xml", 100))


# -- only regular files are read ----------------------------------------------------------------


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="FIFOs are POSIX")
def test_a_fifo_named_docx_is_refused_by_its_type_without_waiting(tmp_path: Path) -> None:
    fifo = tmp_path / "x.docx"
    os.mkfifo(fifo)
    started = time.perf_counter()
    with pytest.raises(NotAFormError, match=r"x\.docx: is not a regular file \(a FIFO\)"):
        read_package(fifo)
    assert time.perf_counter() - started < 5


def test_a_link_to_dev_zero_is_refused(tmp_path: Path) -> None:
    if not os.path.exists("/dev/zero"):
        pytest.skip("no /dev/zero here")
    link = tmp_path / "x.docx"
    link.symlink_to("/dev/zero")
    with pytest.raises(NotAFormError) as caught:
        read_package(link)
    assert caught.value.message.startswith("is not a regular file (a character device)")
    assert "\n" not in str(caught.value)


def test_a_case_list_that_is_a_fifo_is_refused(tmp_path: Path) -> None:
    fifo = tmp_path / "cases.csv"
    os.mkfifo(fifo)
    with pytest.raises(InputError, match=r"is not a regular file \(a FIFO\)"):
        read_table(fifo, score=lambda row: 0)


def test_no_more_is_read_than_the_limit(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A file that says it is small but keeps growing is still cut at the limit plus one."""
    from caseaudit_docx import files

    path = tmp_path / "cases.csv"
    path.write_bytes(b"x" * 10)
    given: list[int] = []
    real_read = os.read

    def read(handle: int, size: int) -> bytes:
        data = real_read(handle, size) or b"y" * size  # never at its end
        given.append(len(data))
        return data

    monkeypatch.setattr(files.os, "read", read)
    with pytest.raises(InputError, match="is more than 1 KB, far too large"):
        files.read_user_file(path, limit=1024, what="a case list")
    assert sum(given) == 1025


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="FIFOs are POSIX")
def test_extract_and_ingest_refuse_the_traps_and_keep_the_good_forms(tmp_path: Path) -> None:
    folder = tmp_path / "forms"
    _with_good_forms(folder)
    os.mkfifo(folder / "x.docx")
    if os.path.exists("/dev/zero"):
        (folder / "zero.docx").symlink_to("/dev/zero")
    (folder / "bzip2.docx").write_bytes(
        _member(build_docx(), "word/document.xml", zipfile.ZIP_BZIP2))
    (folder / "twice.docx").write_bytes(_twice_named())
    started = time.perf_counter()
    extracted = _run_child("""
from caseaudit_docx.errors import CaseAuditError
from caseaudit_docx.extract.extract import extract_files
out = {'records': [], 'errors': {}}
for path, result in extract_files([sys.argv[1]]):
    if isinstance(result, CaseAuditError):
        out['errors'][path.name] = result.message
    else:
        out['records'].append(path.name)
""", str(folder))
    assert sorted(extracted["records"]) == sorted(p.name for p in GOOD)  # type: ignore[arg-type]
    errors = extracted["errors"]
    assert isinstance(errors, dict)
    assert errors["x.docx"].startswith("is not a regular file (a FIFO)")
    assert "bzip2" in errors["bzip2.docx"] and "twice.docx" in errors
    if "zero.docx" in errors:
        assert errors["zero.docx"].startswith("is not a regular file (a character device)")
    assert all("\n" not in message for message in errors.values())
    ingested = _run_child("""
from caseaudit_docx.register.ingest import ingest
summary = ingest([sys.argv[1]], sys.argv[2], workers=1)
out = {'new': summary.new, 'failures': dict(summary.failures)}
""", str(folder), str(tmp_path / "register.db"))
    assert ingested["new"] == len(GOOD)
    failures = ingested["failures"]
    assert isinstance(failures, dict)
    fifo_failures = [why for path, why in failures.items() if Path(path).name == "x.docx"]
    assert fifo_failures and "not a regular file (a FIFO)" in fifo_failures[0]
    assert time.perf_counter() - started < TIMEOUT


# -- zip members: methods, sizes, names ---------------------------------------------------------


@pytest.mark.parametrize("method, name", [(zipfile.ZIP_BZIP2, "bzip2"),
                                          (zipfile.ZIP_LZMA, "lzma")])
def test_members_compressed_as_word_never_writes_are_refused(method: int, name: str) -> None:
    data = _member(build_docx(), "word/document.xml", method)
    with pytest.raises(UnsafeFileError) as caught:
        read_package_bytes(data, "x.docx")
    assert caught.value.message == (
        f"part word/document.xml is compressed with {name}, which Word never writes "
        "(only stored or deflate); refusing it")


def test_a_member_that_is_never_read_is_refused_too() -> None:
    data = _member(build_docx(extra={"word/media/image1.png": b"\x89PNG" * 10}),
                   "word/media/image1.png", zipfile.ZIP_LZMA)
    with pytest.raises(UnsafeFileError, match=r"image1\.png is compressed with lzma"):
        read_package_bytes(data, "x.docx")


def test_stored_and_deflated_members_are_read() -> None:
    data = _member(build_docx(), "word/document.xml", zipfile.ZIP_STORED)
    assert read_package_bytes(data, "x.docx").document is not None


def test_a_bzip2_bomb_that_lies_about_its_size_never_unpacks(tmp_path: Path) -> None:
    """256 MB of zeros in about 200 bytes of bzip2, declared as 100 bytes: zipfile would
    unpack it whole in one call; it is refused before it is opened."""
    path = tmp_path / "bomb.docx"
    _bomb(path, zipfile.ZIP_BZIP2, 256 * 2**20)
    assert path.stat().st_size < 8 * 1024
    out = _run_child(_EXTRACT_ONE, str(path), str(GOOD[0]))
    assert "compressed with bzip2" in str(out["error"])
    assert float(out["rss_mb"]) < 50  # type: ignore[arg-type]  # 256 MB if it were unpacked


def test_a_deflate_member_that_lies_about_its_size_fails_in_bounded_memory(tmp_path: Path
                                                                            ) -> None:
    path = tmp_path / "liar.docx"
    _bomb(path, zipfile.ZIP_DEFLATED, 64 * 2**20)
    assert path.stat().st_size < 100 * 1024
    out = _run_child(_EXTRACT_ONE, str(path), str(GOOD[0]))
    assert out["error"] == ("is damaged: part word/document.xml is corrupt "
                            "(its sizes or checksum do not match its contents)")
    assert float(out["rss_mb"]) < 50  # type: ignore[arg-type]  # 64 MB if it were unpacked


def test_unpacked_bytes_count_against_the_total_limit() -> None:
    from caseaudit_docx.oxml.package import Limits

    body = "".join(p(r(f"paragraph {i}")) for i in range(2000))
    data = build_docx(body)
    limits = Limits(max_total_size=10_000, max_part_size=10_000_000)  # declared: not checked
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        declared = sum(info.file_size for info in archive.infolist())
    data = patch_declared_size(data, "word/document.xml", 1)
    assert declared > 10_000
    with pytest.raises(NotAFormError):  # the sizes lie: damaged or over the total, never read
        read_package_bytes(data, "x.docx", limits=limits)


def _twice_named() -> bytes:
    document = document_xml(p(r("Hello")))
    return build_docx(extra={"WORD/DOCUMENT.XML": document.replace(b"Hello", b"Other")})


def test_part_names_that_differ_only_in_case_are_refused() -> None:
    with pytest.raises(UnsafeFileError) as caught:
        read_package_bytes(_twice_named(), "x.docx")
    assert caught.value.message == (
        "has two zip members for one part (word/document.xml and WORD/DOCUMENT.XML: part "
        "names differ only in case, if at all); refusing it")


def test_a_part_named_twice_is_refused() -> None:
    data = build_docx()
    buffer = io.BytesIO(data)
    with pytest.warns(UserWarning, match="Duplicate name"), zipfile.ZipFile(buffer, "a") as archive:
        archive.writestr("docProps/core.xml", b"<x/>")
    with pytest.raises(UnsafeFileError, match="two zip members for one part"):
        read_package_bytes(buffer.getvalue(), "x.docx")


# -- budgets: rows, cells, controls -------------------------------------------------------------


def _timed_refusal(data: bytes) -> str:
    started = time.perf_counter()
    with pytest.raises(NotAFormError) as caught:
        extract_bytes(data, "x.docx")
    assert time.perf_counter() - started < 20  # it took 450 s before the budget
    return caught.value.message


def test_a_form_of_50000_rows_is_refused_as_too_large_quickly() -> None:
    rows = "".join(f'<w:tr w:rsidR="{i:08X}"><w:tc><w:p/></w:tc></w:tr>' for i in range(50_000))
    data = build_docx(f"<w:tbl>{rows}</w:tbl>")
    assert len(data) < 200 * 1024
    message = _timed_refusal(data)
    title = bundled_form().title
    assert message == (f"is too large: 50,000 table rows; a {title} form has about "
                       f"{FORM_ROWS} (at most {max(40 * FORM_ROWS, SIZE_FLOOR):,} are read)")


def test_50000_controls_sharing_one_tag_are_refused_as_too_large_quickly() -> None:
    controls = "".join(sdt(p(r(f"x{i}")), tag="case_number") for i in range(50_000))
    message = _timed_refusal(build_docx(controls))
    assert message.startswith("is too large: 50,000 content controls; a ")


def test_50000_cells_in_a_row_are_refused_as_too_large() -> None:
    cells = "".join(f"<w:tc><w:p><w:r><w:t>{i}</w:t></w:r></w:p></w:tc>" for i in range(50_000))
    message = _timed_refusal(build_docx(f"<w:tbl><w:tr>{cells}</w:tr></w:tbl>"))
    assert message.startswith("is too large: 50,000 table cells; a ")


def test_thousands_of_extra_rows_are_kept_in_linear_time() -> None:
    """Under the budget every extra row is kept, each under its own name, without the
    quadratic search for a free name."""
    with zipfile.ZipFile(GOOD[0]) as archive:
        members = {info.filename: archive.read(info) for info in archive.infolist()}
    document = members["word/document.xml"].decode()
    count = 4_000
    rows = "".join(f"<w:tr><w:tc>{p(r(f'typed {i}'))}</w:tc></w:tr>" for i in range(count))
    at = document.rindex("<w:sectPr")
    members["word/document.xml"] = (document[:at] + f"<w:tbl>{rows}</w:tbl>"
                                    + document[at:]).encode()
    started = time.perf_counter()
    record = extract_bytes(zip_bytes(members), "x.docx")
    assert time.perf_counter() - started < 20
    assert len(record.extras) == count
    assert record.extras["unplaced"] == "typed 0"
    assert record.extras[f"unplaced#{count}"] == f"typed {count - 1}"


def test_the_batch_goes_on_past_a_form_too_large(tmp_path: Path) -> None:
    from caseaudit_docx.extract.extract import extract_files

    folder = tmp_path / "forms"
    _with_good_forms(folder)
    rows = "".join(f'<w:tr w:rsidR="{i:08X}"><w:tc><w:p/></w:tc></w:tr>' for i in range(20_000))
    (folder / "huge.docx").write_bytes(build_docx(f"<w:tbl>{rows}</w:tbl>"))
    results = {path.name: result for path, result in extract_files([folder])}
    assert isinstance(results["huge.docx"], NotAFormError)
    assert "too large: 20,000 table rows" in str(results["huge.docx"])
    assert all(not isinstance(results[path.name], Exception) for path in GOOD)


# -- case lists and output names ----------------------------------------------------------------


def _xlsx(rows_xml: str) -> bytes:
    """A workbook whose one sheet's <sheetData> is ``rows_xml`` (and claims A1:XFD1048576)."""
    from openpyxl import Workbook

    book = Workbook()
    book.active["A1"] = "case_number"
    buffer = io.BytesIO()
    book.save(buffer)
    with zipfile.ZipFile(io.BytesIO(buffer.getvalue())) as archive:
        members = {info.filename: archive.read(info) for info in archive.infolist()}
    sheet = members["xl/worksheets/sheet1.xml"].decode()
    sheet = re.sub(r'<dimension ref="[^"]*"/>', '<dimension ref="A1:XFD1048576"/>', sheet)
    members["xl/worksheets/sheet1.xml"] = sheet.replace("</sheetData>",
                                                        rows_xml + "</sheetData>").encode()
    return zip_bytes(members)


def _cell(ref: str, text: str = "x") -> str:
    return f'<c r="{ref}" t="inlineStr"><is><t>{text}</t></is></c>'


def test_a_case_list_is_as_long_and_wide_as_its_cells(tmp_path: Path) -> None:
    path = tmp_path / "cases.xlsx"
    path.write_bytes(_xlsx(f'<row r="5">{_cell("B5", "CA-1")}</row>'))
    rows = read_table(path, score=lambda row: 0).rows
    assert rows == (("case_number",), (), (), (), (None, "CA-1"))


@pytest.mark.parametrize("rows_xml, message", [
    ('<row r="99999999">' + _cell("A99999999") + "</row>", "more than 1,048,576 rows"),
    ("".join(f'<row r="{i}"><c r="XFD{i}"><v>1</v></c></row>' for i in range(2, 1000)),
     "more than 10,000,000 cells"),
    ('<row r="2">' + _cell("ZZZZ2") + "</row>", "cannot be read as an Excel workbook"),
])
def test_a_small_workbook_claiming_a_huge_sheet_is_refused(tmp_path: Path, rows_xml: str,
                                                          message: str) -> None:
    path = tmp_path / "cases.xlsx"
    path.write_bytes(_xlsx(rows_xml))
    assert path.stat().st_size < 32 * 1024
    started = time.perf_counter()
    with pytest.raises(InputError, match=re.escape(message)):
        read_table(path, score=lambda row: 0)
    assert time.perf_counter() - started < 20


def test_a_case_list_has_a_row_limit(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(casefile, "MAX_CASES", 10)
    path = tmp_path / "cases.csv"
    path.write_text("case_number\n" + "".join(f"CA-{i}\n\n" for i in range(10)))
    with pytest.raises(InputError) as caught:
        read_table(path, score=lambda row: 0)
    assert caught.value.message == ("is too large: more than 10 rows of cases "
                                    "(a case list holds at most 10)")
    path.write_text("case_number\n" + "".join(f"CA-{i}\n\n" for i in range(9)))
    assert len(read_table(path, score=lambda row: 0).rows) == 18


def test_a_csv_of_delimiters_is_refused_before_it_is_split(tmp_path: Path,
                                                          monkeypatch: pytest.MonkeyPatch
                                                          ) -> None:
    monkeypatch.setattr(casefile, "MAX_CELLS", 1000)
    path = tmp_path / "cases.csv"
    path.write_text("case_number,team\n" + "," * 5000 + "\n")
    with pytest.raises(InputError, match="more than 1,000 cells"):
        read_table(path, score=lambda row: 0)


FIELDS = ("case_number", "team")


def test_a_name_pattern_that_would_make_a_huge_string_is_refused_at_check_time() -> None:
    started = time.perf_counter()
    with pytest.raises(InputError) as caught:
        check_pattern("{case_number:>300000000}", FIELDS)
    assert time.perf_counter() - started < 1
    assert str(caught.value) == (
        "--name '{case_number:>300000000}': the width 300,000,000 in "
        "{case_number:>300000000} is longer than a file name can be (at most 120)")


@pytest.mark.parametrize("pattern, message", [
    ("{case_number:.999999999}", "the precision 999,999,999"),
    ("{case_number!r}.docx", "{case_number!r} is not allowed"),
    ("{case_number:{row}}", "is not a format this tool understands"),
    ("{case}" * 21, "has more than 20 {fields}"),
    ("x" * 1001, "is 1,001 characters long"),
])
def test_other_unbounded_name_patterns_are_refused(pattern: str, message: str) -> None:
    with pytest.raises(InputError, match=re.escape(message)):
        check_pattern(pattern, FIELDS)


def test_plain_formats_in_name_patterns_still_work() -> None:
    for pattern in ("{row:03d} {case_number}.docx", "{case_number:>10}", "{team:.3}"):
        check_pattern(pattern, FIELDS)
    assert format_name("{row:03d} {team:.3}", {"team": "North"}, 7) == "007 Nor.docx"
