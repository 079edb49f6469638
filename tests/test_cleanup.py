"""Nothing left behind: signals, kill -9 and a full disk at several points of each command.

The runs that are stopped run in a subprocess (a small driver that imports the library and
pauses at a chosen point), with TMPDIR a fresh folder, and every file left under it and beside
the output is searched for the children's names the samples hold. Every wait is bounded.
"""

from __future__ import annotations

import errno
import gc
import os
import select
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from caseaudit_docx import cleanup
from caseaudit_docx.cli import cli
from caseaudit_docx.errors import OutputError
from caseaudit_docx.register.ingest import ingest

from .conftest import ROOT

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"),
                                reason="looks for processes and locks the Linux way")

FORMS = ROOT / "samples" / "forms"
CASES = ROOT / "samples" / "cases.csv"
#: The children's names in the sample forms and the sample case list (all fictional).
NAMES = (b"Poppy Example", b"Noah Invented", b"Mia Imaginary", b"Leo Fabricated",
         b"Ava Pretend", b"Ivy Sample", b"Oscar Unreal", b"Archie Fictitious",
         b"Amelia Fictional", b"Oliver Madeup")
WAIT = 30  # seconds: the most any run is waited for

DRIVER = r'''
import sys, time
marker, mode, stop, *args = sys.argv[1:]

def pause():
    print("ready", flush=True)
    time.sleep(60)

def pause_at(n):
    return lambda progress: pause() if progress.done == n else None

if stop in ("save", "zip"):  # in the report: before saving, or half-way through the zip
    import zipfile
    from xlsxwriter.workbook import Workbook
    save, zip_write, written = Workbook.close, zipfile.ZipFile.write, []
    def paused_save(self):
        if stop == "save":
            pause()
        save(self)
    def paused_zip_write(self, *args, **kwargs):
        zip_write(self, *args, **kwargs)
        written.append(args)
        if stop == "zip" and len(written) == 3:
            pause()
    Workbook.close, zipfile.ZipFile.write = paused_save, paused_zip_write
at = int(stop) if stop.isdigit() else None

if mode == "ingest":
    from caseaudit_docx.register.ingest import ingest
    forms, db, workers = args
    ingest([forms], db, workers=int(workers), progress=pause_at(at) if at else None)
elif mode == "collate":
    from caseaudit_docx.report.collate import collate
    forms, out = args
    collate([forms], out, progress=pause_at(at) if at else None)
elif mode == "report":
    from caseaudit_docx.report.workbook import write_report
    db, out = args
    write_report(db, out)
elif mode == "generate":
    from caseaudit_docx.generate.generate import generate_forms
    cases, out = args
    generate_forms(cases, out,
                   progress=(lambda done, total: pause() if done == at else None) if at else None)
print("done", flush=True)
'''


class Run:
    """The driver in a subprocess: ``caseaudit_docx`` stopped at a chosen point."""

    def __init__(self, tmp_path: Path, mode: str, stop: str, *args: str | Path) -> None:
        self.marker = f"caseaudit-cleanup-test-{uuid.uuid4().hex}"
        self.tmpdir = tmp_path / "tmp"
        self.tmpdir.mkdir(exist_ok=True)
        driver = tmp_path / "driver.py"
        driver.write_text(DRIVER, encoding="utf-8")
        self.proc = subprocess.Popen(
            [sys.executable, str(driver), self.marker, mode, stop, *map(str, args)],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=ROOT, text=True,
            env={**os.environ, "TMPDIR": str(self.tmpdir), "PYTHONPATH": str(ROOT)})

    def wait_for(self, word: str = "ready") -> None:
        assert self.proc.stdout is not None
        ready, _, _ = select.select([self.proc.stdout], [], [], WAIT)
        line = self.proc.stdout.readline() if ready else ""
        if line.strip() != word:
            self.proc.kill()
            _out, err = self.proc.communicate(timeout=WAIT)
            pytest.fail(f"the driver did not say {word!r} (said {line!r}): {err}")

    def stop(self, signum: int) -> int:
        self.proc.send_signal(signum)
        try:
            self.proc.communicate(timeout=WAIT)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.communicate()
            pytest.fail(f"the run did not end within {WAIT} s of signal {signum}")
        return self.proc.returncode

    def finish(self) -> int:
        """Wait for a run that was not stopped; its exit status."""
        _out, err = self.proc.communicate(timeout=WAIT)
        assert self.proc.returncode == 0, err
        return self.proc.returncode

    def processes(self) -> list[int]:
        """The live processes whose command line holds this run's marker (workers included)."""
        return processes_with(self.marker)

    def no_orphans(self) -> None:
        deadline = time.monotonic() + 5
        while self.processes() and time.monotonic() < deadline:
            time.sleep(0.1)
        assert self.processes() == [], "processes of the run live on"


def processes_with(marker: str) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            cmdline = (entry / "cmdline").read_bytes()
            state = (entry / "stat").read_text().rsplit(")", 1)[1].split()[0]
        except (OSError, IndexError):
            continue
        if marker.encode() in cmdline and state not in ("Z", "X"):
            found.append(int(entry.name))
    return found


def with_case_data(*folders: Path) -> list[Path]:
    """The files under ``folders`` holding a child's name."""
    return [path for folder in folders if folder.exists() for path in folder.rglob("*")
            if path.is_file() and any(name in path.read_bytes() for name in NAMES)]


def everything(folder: Path) -> list[str]:
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*")) if folder.exists() else []


@pytest.fixture(scope="module")
def register(tmp_path_factory: pytest.TempPathFactory) -> Path:
    db = tmp_path_factory.mktemp("register") / "audits.db"
    ingest([FORMS], db, workers=1)
    return db


# -- SIGTERM, SIGHUP and kill -9 ----------------------------------------------------------------


def test_sigterm_on_an_ingest_with_workers_leaves_no_process(tmp_path: Path) -> None:
    db = tmp_path / "audits.db"
    run = Run(tmp_path, "ingest", "9", FORMS, db, "2")
    run.wait_for()
    assert len(run.processes()) == 3  # the main process and its two workers
    assert run.stop(signal.SIGTERM) == 128 + signal.SIGTERM
    run.no_orphans()
    assert everything(run.tmpdir) == []
    summary = ingest([FORMS], db, workers=2)  # the next run completes
    assert summary.new + summary.revised + summary.unchanged == 14


def test_kill_9_of_an_ingest_takes_its_workers_with_it(tmp_path: Path) -> None:
    db = tmp_path / "audits.db"
    run = Run(tmp_path, "ingest", "1", FORMS, db, "2")
    run.wait_for()
    assert len(run.processes()) == 3
    assert run.stop(signal.SIGKILL) == -signal.SIGKILL
    run.no_orphans()  # within seconds, not ten minutes
    again = Run(tmp_path, "ingest", "never", FORMS, db, "2")
    assert again.finish() == 0


@pytest.mark.parametrize(("signum", "stop"), [
    (signal.SIGTERM, "9"),  # reading the forms: the temporary register holds the first eight
    (signal.SIGHUP, "9"),
    (signal.SIGTERM, "save"),  # about to save the workbook: every sheet is written aside
])
def test_a_stopped_collate_leaves_no_case_data(tmp_path: Path, signum: int, stop: str) -> None:
    out = tmp_path / "out" / "audits.xlsx"
    out.parent.mkdir()
    run = Run(tmp_path, "collate", stop, FORMS, out)
    run.wait_for()
    assert with_case_data(run.tmpdir)  # what there was to clean up
    assert run.stop(signum) == 128 + signum
    run.no_orphans()
    assert everything(run.tmpdir) == [] and everything(out.parent) == []
    again = Run(tmp_path, "collate", "never", FORMS, out)
    assert again.finish() == 0 and everything(out.parent) == ["audits.xlsx"]
    assert everything(run.tmpdir) == []


def test_the_run_after_a_killed_collate_removes_what_it_left(tmp_path: Path) -> None:
    out = tmp_path / "out" / "audits.xlsx"
    out.parent.mkdir()
    run = Run(tmp_path, "collate", "9", FORMS, out)
    run.wait_for()
    assert run.stop(signal.SIGKILL) == -signal.SIGKILL
    run.no_orphans()
    assert with_case_data(run.tmpdir)  # nothing runs on a kill -9: the next run sweeps
    again = Run(tmp_path, "collate", "never", FORMS, out)
    assert again.finish() == 0
    assert everything(run.tmpdir) == [] and everything(out.parent) == ["audits.xlsx"]


@pytest.mark.parametrize(("signum", "stop"), [(signal.SIGTERM, "save"), (signal.SIGHUP, "zip")])
def test_a_stopped_report_leaves_no_case_data(tmp_path: Path, register: Path, signum: int,
                                              stop: str) -> None:
    out = tmp_path / "out" / "audits.xlsx"
    out.parent.mkdir()
    run = Run(tmp_path, "report", stop, register, out)
    run.wait_for()
    assert with_case_data(run.tmpdir)
    if stop == "zip":
        assert [p.name for p in out.parent.iterdir() if p.name.endswith(".part")]
    assert run.stop(signum) == 128 + signum
    assert everything(run.tmpdir) == [] and everything(out.parent) == []
    again = Run(tmp_path, "report", "never", register, out)
    assert again.finish() == 0 and everything(out.parent) == ["audits.xlsx"]


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGHUP])
def test_a_stopped_generate_leaves_no_part_files(tmp_path: Path, signum: int) -> None:
    out = tmp_path / "out"
    run = Run(tmp_path, "generate", "2", CASES, out)
    run.wait_for()
    assert len([p for p in out.iterdir() if p.name.endswith(".part")]) == 2
    assert run.stop(signum) == 128 + signum
    assert not out.exists()  # it made the folder: it goes too, being empty
    assert everything(tmp_path / "tmp") == []
    assert not [p for p in tmp_path.rglob("*.part")]
    again = Run(tmp_path, "generate", "never", CASES, out)
    assert again.finish() == 0 and len(everything(out)) == 10


# -- a full disk --------------------------------------------------------------------------------


class _FillingFile:
    """A file on a disk with ``room`` bytes left: a write past it raises ENOSPC."""

    def __init__(self, handle: Any, room: int) -> None:
        self._handle, self._room = handle, room

    def write(self, data: Any) -> int:
        if len(data) > self._room:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        self._room -= len(data)
        return int(self._handle.write(data))

    def __getattr__(self, name: str) -> Any:
        return getattr(self._handle, name)

    def __enter__(self) -> _FillingFile:
        return self

    def __exit__(self, *exc: object) -> None:
        self._handle.close()


def full_disk(monkeypatch: pytest.MonkeyPatch, which: str, room: int = 0) -> None:
    """Files opened with ``os.fdopen`` whose name holds ``which`` fill the disk after ``room``
    bytes."""
    fdopen = os.fdopen

    def filling(fd: int, *args: Any, **kwargs: Any) -> Any:
        handle = fdopen(fd, *args, **kwargs)
        if which in os.readlink(f"/proc/self/fd/{fd}"):
            return _FillingFile(handle, room)
        return handle

    monkeypatch.setattr(os, "fdopen", filling)


def one_line(result: Result) -> str:
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    lines = [line for line in result.stderr.splitlines()
             if not line.startswith("caseaudit: warning: ")]  # the case list's, on its columns
    assert len(lines) == 1, lines
    return lines[0]


# XlsxWriter has no public way to close the files of rows of a workbook whose close() failed
# (the disk was full): they are closed when the workbook is collected, inside the private folder
# that is removed anyway, and Python's ResourceWarning about them is expected here.
@pytest.mark.filterwarnings("ignore::ResourceWarning")
@pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")
@pytest.mark.parametrize(("which", "room"), [("sheet rows", 0), (".part", 20_000)])
def test_a_full_disk_under_report_is_one_line(tmp_path: Path, register: Path, private_tmp: Path,
                                              monkeypatch: pytest.MonkeyPatch, which: str,
                                              room: int) -> None:
    out = tmp_path / "out" / "audits.xlsx"
    out.parent.mkdir()
    if which == "sheet rows":  # XlsxWriter's files of each sheet's rows, in the private folder
        import xlsxwriter.worksheet
        real_open = open
        monkeypatch.setattr(xlsxwriter.worksheet, "open", lambda *a, **k: _FillingFile(
            real_open(*a, **k), room), raising=False)
    else:
        full_disk(monkeypatch, which, room)
    result = CliRunner().invoke(cli, ["report", "--db", str(register), "-o", str(out)])
    assert one_line(result) == f"caseaudit: {out}: cannot be written: disk full"
    assert everything(out.parent) == [] and everything(private_tmp) == []
    # The failed workbook is a cycle of objects: collect it here, under this test's filters,
    # rather than whenever a later test's allocations happen to run the collector.
    del result
    gc.collect()


def test_a_full_disk_under_collate_is_one_line(tmp_path: Path, private_tmp: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "out" / "audits.xlsx"
    out.parent.mkdir()
    full_disk(monkeypatch, ".part", 10_000)
    result = CliRunner().invoke(cli, ["collate", str(FORMS), "-o", str(out)])
    assert one_line(result) == f"caseaudit: {out}: cannot be written: disk full"
    assert everything(out.parent) == [] and everything(private_tmp) == []


def test_a_full_disk_under_generate_is_one_line(tmp_path: Path, private_tmp: Path,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "out"
    full_disk(monkeypatch, ".part", 10_000)
    result = CliRunner().invoke(cli, ["generate", str(CASES), "-o", str(out)])
    assert one_line(result) == f"caseaudit: {out / 'CA-20101.docx'}: cannot be written: disk full"
    assert not out.exists() and everything(private_tmp) == []


def test_a_full_disk_under_template_is_one_line(tmp_path: Path,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "out" / "blank.docx"
    out.parent.mkdir()
    full_disk(monkeypatch, ".part", 1_000)
    result = CliRunner().invoke(cli, ["template", "-o", str(out)])
    assert one_line(result) == f"caseaudit: {out}: cannot be written: disk full"
    assert everything(out.parent) == []


# -- the pieces ---------------------------------------------------------------------------------


def test_signals_unwind_raises_terminated_and_restores_the_handlers() -> None:
    with pytest.raises(cleanup.Terminated) as stopped, cleanup.signals_unwind():
        with cleanup.signals_unwind():  # nested: one installation
            assert signal.getsignal(signal.SIGHUP) is not signal.SIG_DFL
        os.kill(os.getpid(), signal.SIGHUP)
        time.sleep(5)
    assert stopped.value.code == 128 + signal.SIGHUP
    assert signal.getsignal(signal.SIGTERM) is signal.SIG_DFL
    assert signal.getsignal(signal.SIGHUP) is signal.SIG_DFL


def test_signals_unwind_leaves_an_applications_own_handler_alone() -> None:
    seen: list[int] = []
    previous = signal.signal(signal.SIGHUP, lambda signum, frame: seen.append(signum))
    try:
        with cleanup.signals_unwind():
            os.kill(os.getpid(), signal.SIGHUP)
        assert seen == [signal.SIGHUP]
    finally:
        signal.signal(signal.SIGHUP, previous)


def test_the_private_folder_is_private_and_goes_on_an_error(private_tmp: Path) -> None:
    with pytest.raises(RuntimeError), cleanup.private_folder() as folder:
        assert folder.parent == private_tmp and cleanup.current_folder() == folder
        assert folder.stat().st_mode & 0o777 == 0o700
        handle, path = cleanup.private_text_file(prefix="x.", suffix=".xml")
        assert path.parent == folder and path.stat().st_mode & 0o777 == 0o600
        handle.close()
        raise RuntimeError
    assert everything(private_tmp) == [] and cleanup.current_folder() is None


def test_a_sweep_removes_only_folders_whose_lock_nobody_holds(private_tmp: Path) -> None:
    stale = private_tmp / "caseaudit-stale"
    stale.mkdir()
    (stale / ".lock").touch()
    (stale / "register.db").write_bytes(b"Poppy Example")
    unlocked = private_tmp / "caseaudit-unlocked"  # no lock file: not one of ours
    unlocked.mkdir()
    with cleanup.private_folder() as live:
        assert not stale.exists() and unlocked.exists()
        assert cleanup.sweep_stale() == 0 and live.exists()  # held by this run
    assert everything(private_tmp) == ["caseaudit-unlocked"]


def test_written_whole_renames_only_a_complete_file(tmp_path: Path) -> None:
    target = tmp_path / "out.docx"
    with pytest.raises(KeyboardInterrupt), cleanup.written_whole(target, force=False) as handle:
        handle.write(b"half")
        raise KeyboardInterrupt
    assert everything(tmp_path) == []
    with cleanup.written_whole(target, force=False) as handle:
        handle.write(b"whole")
    assert everything(tmp_path) == ["out.docx"] and target.read_bytes() == b"whole"
    with pytest.raises(OutputError, match="appeared while it was being written"), \
            cleanup.written_whole(target, force=False) as handle:
        handle.write(b"other")
    assert everything(tmp_path) == ["out.docx"] and target.read_bytes() == b"whole"


def test_output_error_says_disk_full() -> None:
    error = cleanup.output_error(OSError(errno.EDQUOT, "Disk quota exceeded"), "a.xlsx")
    assert str(error) == "a.xlsx: cannot be written: disk full"
    error = cleanup.output_error(OSError(errno.EACCES, "Permission denied"), "a.xlsx")
    assert str(error) == "a.xlsx: cannot be written: Permission denied"
