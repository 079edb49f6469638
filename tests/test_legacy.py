"""Forms saved as .doc, .odt or .docm: converted by LibreOffice (or read directly), never touched.

The fixtures in samples/legacy/ were made by samples/make_samples.py from the sample
02-clean-untagged.docx, so reading them back must give that sample's record. Converting a .doc
back needs LibreOffice at test time: those tests skip without it, except on CI.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import stat
import sys
import tempfile
import time
import zipfile
from pathlib import Path

import pytest

from caseaudit_docx import legacy
from caseaudit_docx.errors import NotAFormError
from caseaudit_docx.extract.extract import extract_file, extract_package
from caseaudit_docx.legacy import INSTALL_HINT, converted_bytes, convertible, open_form
from caseaudit_docx.model.record import WARNING, Problem, Record
from caseaudit_docx.oxml.package import read_package, read_package_bytes
from samples.make_samples import LEGACY_SAMPLE, as_docm, legacy_sample

from .conftest import ROOT, soffice_or_skip
from .oxmlbuild import build_docx, ole_file

LEGACY = ROOT / "samples" / "legacy"
ORIGINAL = ROOT / "samples" / "forms" / f"{LEGACY_SAMPLE}.docx"
DOC, ODT, DOCM = (LEGACY / f"{LEGACY_SAMPLE}.{suffix}" for suffix in ("doc", "odt", "docm"))
DOTX = "application/vnd.openxmlformats-officedocument.wordprocessingml.template.main+xml"

#: Field ids whose values LibreOffice 7.4 provably loses on the way .docx -> .doc/.odt -> .docx:
#: none (every value of the sample reads back).
DROPPED: dict[str, frozenset[str]] = {"doc": frozenset(), "odt": frozenset()}


def warning(suffix: str) -> Problem:
    return Problem(None, WARNING, f"converted from .{suffix} by LibreOffice; "
                                  "check the values against the original")


def read(path: Path) -> tuple[Record, tuple[Problem, ...]]:
    package, problems = open_form(path)
    return extract_package(package), problems


def differing(record: Record, expected: Record) -> set[str]:
    return {fid for fid, fv in expected.fields.items()
            if (record.fields[fid].text, record.fields[fid].value) != (fv.text, fv.value)}


def copy_to(tmp_path: Path, source: Path, name: str) -> Path:
    target = tmp_path / name
    target.write_bytes(source.read_bytes())
    return target


# -- the checked-in fixtures ----------------------------------------------------------------------


def test_the_fixtures_are_what_they_claim() -> None:
    assert DOC.read_bytes().startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1")
    assert ODT.read_bytes()[30:38] == b"mimetype"
    assert convertible(DOC) and convertible(ODT)
    assert not convertible(DOCM) and not convertible(ORIGINAL)


def test_the_docm_is_what_the_script_makes() -> None:
    assert DOCM.read_bytes() == as_docm(legacy_sample().build()), (
        "run: python samples/make_samples.py"
    )


def test_the_legacy_fixtures_are_not_counted_as_samples() -> None:
    assert not list(LEGACY.glob("*.docx"))


# -- reading them back ---------------------------------------------------------------------------


@pytest.mark.soffice
@pytest.mark.parametrize("path", [DOC, ODT], ids=["doc", "odt"])
def test_a_converted_form_reads_back_every_value_of_its_sample(path: Path) -> None:
    soffice_or_skip()
    expected = extract_file(ORIGINAL)
    record, problems = read(path)
    suffix = path.suffix.lstrip(".")
    assert differing(record, expected) == DROPPED[suffix], (
        "if the sample changed, run: python samples/make_samples.py --legacy"
    )
    assert problems == (warning(suffix),)
    assert record.problems == expected.problems  # the converted copy has no trouble of its own
    assert record.extras == expected.extras
    # the record names the file the user has, not the converted copy
    assert record.source.file == str(path)
    assert record.source.size == path.stat().st_size
    assert record.source.sha256 == hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.mark.soffice
def test_converting_never_touches_the_input_and_leaves_nothing_behind(tmp_path, monkeypatch):
    soffice_or_skip()
    forms = tmp_path / "forms"
    forms.mkdir()
    form = copy_to(forms, DOC, "returned form.doc")
    os.utime(form, (1_500_000_000, 1_500_000_000))
    os.chmod(form, 0o444)  # read-only: nothing may write it, nor need to
    before = (form.read_bytes(), form.stat().st_mtime_ns, sorted(os.listdir(forms)))
    private = tmp_path / "tmp"
    private.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(private))
    made: list[tuple[Path, int]] = []
    mkdtemp = tempfile.mkdtemp

    def recording_mkdtemp(*args, **kwargs):
        folder = mkdtemp(*args, **kwargs)
        made.append((Path(folder), stat.S_IMODE(os.stat(folder).st_mode)))
        return folder

    monkeypatch.setattr(tempfile, "mkdtemp", recording_mkdtemp)
    record, problems = read(form)
    assert problems == (warning("doc"),)
    assert record.value("case_number") == extract_file(ORIGINAL).value("case_number")
    assert (form.read_bytes(), form.stat().st_mtime_ns) == before[:2]
    assert sorted(os.listdir(forms)) == before[2]  # no lock file, no output beside it
    assert [mode for _, mode in made] == [0o700]
    assert not made[0][0].exists()
    assert os.listdir(private) == []  # LibreOffice's own temporary files went with it


@pytest.mark.soffice
def test_converted_bytes_are_a_docx(tmp_path) -> None:
    soffice_or_skip()
    data = converted_bytes(ODT)
    assert data.startswith(b"PK\x03\x04")
    assert read_package_bytes(data, "converted.docx").document is not None


def test_converted_bytes_refuse_what_is_no_doc_or_odt() -> None:
    with pytest.raises(NotAFormError, match="nothing to convert"):
        converted_bytes(ORIGINAL)


# -- without LibreOffice, and when it fails -----------------------------------------------------


@pytest.mark.parametrize("path", [DOC, ODT], ids=["doc", "odt"])
def test_without_libreoffice_the_error_says_how_to_get_it(monkeypatch, path: Path) -> None:
    monkeypatch.setattr(shutil, "which", lambda name, *args, **kwargs: None)
    with pytest.raises(NotAFormError) as caught:
        open_form(path)
    message = str(caught.value)
    assert "\n" not in message
    assert message.startswith(f"{path}: is ")
    assert INSTALL_HINT in message
    assert "apt-get install libreoffice-writer-nogui" in message
    assert ("Word 97-2003 .doc" if path == DOC else "OpenDocument text file (.odt)") in message


def fake_libreoffice(monkeypatch, args: list[str]) -> None:
    """LibreOffice "found" on PATH, and the command it would run replaced by ``args``."""
    monkeypatch.setattr(legacy, "soffice", lambda: "/usr/bin/soffice")
    monkeypatch.setattr(legacy, "command", lambda *_, **__: args)


def test_a_conversion_that_takes_too_long_is_killed(tmp_path, monkeypatch) -> None:
    pids = tmp_path / "pids"
    # a shell and its child, as soffice runs soffice.bin: both must go
    fake_libreoffice(monkeypatch, ["sh", "-c", f"sleep 30 & echo $$ $! > '{pids}'; wait"])
    monkeypatch.setattr(legacy, "TIMEOUT_SECONDS", 0.5)
    private = tmp_path / "tmp"
    private.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(private))
    started = time.monotonic()
    with pytest.raises(NotAFormError) as caught:
        open_form(DOC)
    assert time.monotonic() - started < 10
    message = str(caught.value)
    assert "\n" not in message
    assert "did not convert within 0.5 s" in message
    assert "save it as .docx" in message
    for pid in map(int, pids.read_text().split()):
        assert not running(pid), pid
    assert os.listdir(private) == []


def running(pid: int) -> bool:
    """Whether ``pid`` is alive (a zombie waiting to be reaped is not)."""
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        try:
            status = Path(f"/proc/{pid}/status").read_text()
        except (FileNotFoundError, ProcessLookupError):
            return False
        if "State:\tZ" in status:
            return False
        time.sleep(0.05)
    return True


def test_a_conversion_with_no_output_is_one_line(monkeypatch) -> None:
    fake_libreoffice(monkeypatch, [sys.executable, "-c", "pass"])  # exits 0, writes nothing
    with pytest.raises(NotAFormError, match="LibreOffice could not convert") as caught:
        open_form(ODT)
    assert "\n" not in str(caught.value)


def test_libreoffice_that_cannot_start_is_one_line(monkeypatch, tmp_path) -> None:
    fake_libreoffice(monkeypatch, [str(tmp_path / "no-such-soffice")])
    with pytest.raises(NotAFormError, match="could not be started") as caught:
        open_form(DOC)
    assert "\n" not in str(caught.value) and INSTALL_HINT in str(caught.value)


def test_timeout_seconds_can_be_given(monkeypatch) -> None:
    fake_libreoffice(monkeypatch, ["sleep", "30"])
    started = time.monotonic()
    with pytest.raises(NotAFormError, match=r"within 0\.2 s"):
        converted_bytes(DOC, timeout=0.2)
    assert time.monotonic() - started < 10


def test_a_real_libreoffice_command_uses_a_private_profile() -> None:
    profile = Path("/tmp/x/profile")
    args = legacy.command("soffice", profile, Path("/tmp/x/out"), Path("/tmp/x/form.doc"))
    assert f"-env:UserInstallation={profile.as_uri()}" in args
    assert args[args.index("--convert-to") + 1] == "docx"
    assert "--headless" in args and args[-1] == "/tmp/x/form.doc"


# -- telling the formats apart by content -------------------------------------------------------


def test_content_decides_not_the_name(tmp_path, monkeypatch) -> None:
    monkeypatch.setattr(shutil, "which", lambda name, *args, **kwargs: None)
    renamed_doc = copy_to(tmp_path, DOC, "form.docx")
    assert convertible(renamed_doc)
    with pytest.raises(NotAFormError, match="install LibreOffice"):
        open_form(renamed_doc)
    renamed_docx = copy_to(tmp_path, ORIGINAL, "form.doc")
    assert not convertible(renamed_docx)
    package, problems = open_form(renamed_docx)  # read directly: no LibreOffice needed
    assert problems == () and package.sha256 == read_package(ORIGINAL).sha256


def test_a_lock_file_is_never_converted(tmp_path) -> None:
    lock = copy_to(tmp_path, DOC, "~$turned form.doc")
    with pytest.raises(NotAFormError, match="lock file"):
        open_form(lock)


def test_a_missing_file_is_judged_by_its_name(tmp_path) -> None:
    assert convertible(tmp_path / "gone.doc") and convertible(tmp_path / "gone.ODT")
    assert not convertible(tmp_path / "gone.docx")
    with pytest.raises(NotAFormError, match="file not found"):
        open_form(tmp_path / "gone.doc")


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (ole_file("\x06DataSpaces", "EncryptionInfo", "EncryptedPackage"), "password-protected"),
        (ole_file("Workbook"), "legacy Excel"),
        (b"%PDF-1.7\n", "is a PDF"),
        (b"{\\rtf1\\ansi hello}", "RTF"),
    ],
    ids=["encrypted", "xls", "pdf", "rtf"],
)
def test_other_files_named_doc_keep_today_s_message(tmp_path, data: bytes, message: str) -> None:
    path = tmp_path / "form.doc"
    path.write_bytes(data)
    assert not convertible(path)
    with pytest.raises(NotAFormError, match=message):
        open_form(path)


# -- .docx, .docm and blanks -------------------------------------------------------------------


def test_a_docx_is_read_directly() -> None:
    package, problems = open_form(ORIGINAL)
    assert problems == ()
    assert package.sha256 == read_package(ORIGINAL).sha256


def test_a_docm_reads_like_the_docx(tmp_path) -> None:
    expected = extract_file(ORIGINAL)
    record, problems = read(DOCM)
    assert problems == ()
    assert differing(record, expected) == set()
    assert record.problems == expected.problems and record.extras == expected.extras
    assert extract_file(DOCM).fields == expected.fields


def test_a_template_is_still_refused_as_a_form(tmp_path) -> None:
    path = tmp_path / "blank.dotx"
    path.write_bytes(build_docx(main_type=DOTX))
    with pytest.raises(NotAFormError, match=r"Word template \(\.dotx\), not a filled-in form"):
        open_form(path)


def test_soffice_falls_back_to_libreoffice(monkeypatch) -> None:
    monkeypatch.setattr(shutil, "which",
                        lambda name, *a, **k: "/opt/lo/libreoffice" if name == "libreoffice"
                        else None)
    assert legacy.soffice() == "/opt/lo/libreoffice"


def test_the_odt_fixture_was_made_by_libreoffice() -> None:
    with zipfile.ZipFile(ODT) as odt:
        assert b"<meta:generator>LibreOffice/" in odt.read("meta.xml")


def test_a_fifo_named_doc_is_never_opened(tmp_path: Path) -> None:
    from caseaudit_docx.legacy import convertible

    fifo = tmp_path / "x.doc"
    os.mkfifo(fifo)
    assert convertible(fifo) is False  # returns at once: opening it would block


def test_a_conversion_runs_in_a_private_folder_the_next_run_sweeps(tmp_path: Path,
                                                                   monkeypatch) -> None:
    """The conversion's copy of the form lives in one of the private folders every command
    uses: locked while it runs, so that a run after a kill -9 removes it."""
    from caseaudit_docx import cleanup, legacy

    seen: list[Path] = []

    def fake_run(args: list[str], folder: Path, seconds: float, kind: str, path: Path) -> None:
        seen.append(folder)
        assert (folder / ".lock").exists() and cleanup.current_folder() == folder

    monkeypatch.setattr(legacy, "_run", fake_run)
    monkeypatch.setattr(legacy, "soffice", lambda: "soffice")
    with pytest.raises(NotAFormError, match="could not convert"):
        legacy._convert(b"data", "doc", tmp_path / "x.doc", limits=legacy.DEFAULT_LIMITS)
    assert seen and not seen[0].exists()
