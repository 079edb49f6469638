"""Batches on every core (caseaudit_docx/workers.py), and extract and generate that use them:
the same output, in the same order, with one worker process as with two; a bad file in the
middle stops nothing; a worker that dies stops the batch with one line."""

from __future__ import annotations

import csv
import os
import shutil
import signal
import subprocess
import sys
import time
import uuid
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from caseaudit_docx.cli import cli
from caseaudit_docx.errors import CaseAuditError
from caseaudit_docx.extract.extract import extract_bytes, extract_files
from caseaudit_docx.generate.template import build_template
from caseaudit_docx.model.description import load_form
from caseaudit_docx.workers import default_jobs, in_order

from .conftest import OTHER_FORM, ROOT, two_forms

SAMPLES = ROOT / "samples" / "forms"

_offset = [0]


def _start(offset: int) -> None:
    _offset[0] = offset


def _add_offset(chunk: list[int]) -> list[tuple[int, int, int]]:
    return [(item, item + _offset[0], os.getpid()) for item in chunk]


def _die_on_13(chunk: list[int]) -> list[int]:
    if 13 in chunk:
        os._exit(3)  # a worker killed mid-batch
    return chunk


def test_in_order_keeps_the_order_and_loads_each_worker_once() -> None:
    items = list(range(50))
    one = list(in_order(_add_offset, items, jobs=1, chunk_size=3, initializer=_start,
                        initargs=(100,)))
    two = list(in_order(_add_offset, items, jobs=2, chunk_size=3, initializer=_start,
                        initargs=(100,)))
    assert [(a, b) for a, b, _ in one] == [(a, b) for a, b, _ in two] == [
        (i, i + 100) for i in items]
    assert {pid for _, _, pid in one} == {os.getpid()}
    assert os.getpid() not in {pid for _, _, pid in two}


def test_in_order_in_process_uses_here_and_sets_nothing() -> None:
    _offset[0] = 0
    seen = list(in_order(_add_offset, [1, 2], jobs=1, initializer=_start, initargs=(7,),
                         here=lambda chunk: [(i, -i, 0) for i in chunk]))
    assert seen == [(1, -1, 0), (2, -2, 0)] and _offset[0] == 0
    assert list(in_order(_add_offset, [], jobs=2)) == []
    assert default_jobs() >= 1


def test_a_worker_that_dies_stops_the_batch_with_one_line() -> None:
    with pytest.raises(CaseAuditError, match="worker process was stopped"):
        list(in_order(_die_on_13, range(40), jobs=2, chunk_size=2))


@pytest.fixture
def batch(tmp_path: Path) -> Path:
    """The samples twice over, with a file that is not a form and a text file in between."""
    folder = tmp_path / "returned"
    folder.mkdir()
    for copy in ("a", "b"):
        for sample in sorted(SAMPLES.glob("*.docx")):
            shutil.copy(sample, folder / f"{copy}-{sample.name}")
    (folder / "a-07b-broken.docx").write_bytes(b"not a zip")
    (folder / "a-07c-notes.txt").write_text("notes", encoding="utf-8")
    return folder


def test_extract_files_gives_the_same_records_in_order_with_one_or_two_workers(batch) -> None:
    one = [(path, result) for path, result in extract_files([batch], jobs=1)]
    two = [(path, result) for path, result in extract_files([batch], jobs=2)]
    assert [path for path, _ in one] == [path for path, _ in two]
    assert len(one) == 30
    for (_, a), (_, b) in zip(one, two):
        if isinstance(a, CaseAuditError):
            assert type(a) is type(b) and str(a) == str(b)
        else:
            assert a == b
    errors = [path.name for path, result in two if isinstance(result, CaseAuditError)]
    assert errors == ["a-07b-broken.docx", "a-07c-notes.txt"]


@pytest.fixture
def other_batch(tmp_path: Path) -> Path:
    """Twenty forms of the second form (tests/forms/other-council-1.0.json), a broken one
    between them."""
    from samples.wordfill import fill_form

    from .test_second_form import ANSWERS, MODES, PREVIOUS

    form = load_form(OTHER_FORM)
    blank = build_template(tagged=True, form=form)
    folder = tmp_path / "other"
    folder.mkdir()
    for index in range(20):
        answers = {**ANSWERS, "case_ref": f"NB-{2000 + index}"}
        (folder / f"NB-{2000 + index}.docx").write_bytes(
            fill_form(blank, answers, modes=MODES, previous=PREVIOUS, form=form))
    (folder / "NB-2010b.docx").write_bytes(b"PK not really")
    return folder


@pytest.mark.parametrize("which", ["batch", "other_batch"])
def test_extract_command_prints_the_same_bytes_with_one_or_two_jobs(which, request) -> None:
    folder = request.getfixturevalue(which)
    form = "case-audit-3.2" if which == "batch" else str(OTHER_FORM)
    runner = CliRunner()
    args = ["extract", str(folder), "--format", "jsonl", "--form", form]
    one = runner.invoke(cli, [*args, "--jobs", "1"])
    two = runner.invoke(cli, [*args, "--jobs", "2"])
    default = runner.invoke(cli, args)
    assert one.exit_code == two.exit_code == default.exit_code == 1  # the broken file
    assert one.stdout == two.stdout == default.stdout
    assert one.stderr == two.stderr
    assert len(one.stdout.splitlines()) == (28 if which == "batch" else 20)
    errors = one.stderr.splitlines()
    assert len(errors) == (2 if which == "batch" else 1)
    assert ("a-07b-broken.docx" if which == "batch" else "NB-2010b.docx") in errors[0]


def _cases(tmp_path: Path, count: int) -> Path:
    with (ROOT / "samples" / "cases.csv").open(encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))
    path = tmp_path / "cases.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(rows[0])
        for index in range(count):
            row = list(rows[1 + index % (len(rows) - 1)])
            row[0] = f"CA-{40000 + index}"
            writer.writerow(row)
    return path


def _document(path: Path) -> bytes:
    with zipfile.ZipFile(path) as package:
        return package.read("word/document.xml")


def test_generate_writes_the_same_forms_in_order_with_one_or_two_jobs(tmp_path: Path) -> None:
    cases = _cases(tmp_path, 40)
    runner = CliRunner()
    for jobs in ("1", "2"):
        result = runner.invoke(cli, ["generate", str(cases), "-o", str(tmp_path / jobs),
                                     "--jobs", jobs])
        assert result.exit_code == 0, result.output
        assert "Wrote 40 forms" in result.stdout
    one = sorted((tmp_path / "1").iterdir())
    two = sorted((tmp_path / "2").iterdir())
    assert [p.name for p in one] == [p.name for p in two] == [
        f"CA-{40000 + i}.docx" for i in range(40)]
    ids = set()
    for a, b in zip(one, two):
        assert _document(a) == _document(b)
        ra, rb = extract_bytes(a.read_bytes(), a.name), extract_bytes(b.read_bytes(), b.name)
        assert ra.fields == rb.fields
        assert ra.fields["case_number"].value == a.stem
        ids |= {ra.source.form_id, rb.source.form_id}
    assert len(ids) == 80  # every form its own id, whichever process made it


def test_generate_the_second_form_in_two_workers(tmp_path: Path) -> None:
    from caseaudit_docx.generate.generate import generate_forms

    form = load_form(OTHER_FORM)
    cases = tmp_path / "cases.csv"
    cases.write_text("case_ref,worker,team\n" + "".join(
        f"NB-{3000 + i},Sam Worker,East Locality\n" for i in range(36)), encoding="utf-8")
    made = {}
    for jobs in (1, 2):
        result = generate_forms(cases, tmp_path / f"out{jobs}", form=form, jobs=jobs)
        made[jobs] = [(g.path.name, _document(g.path)) for g in result.forms]
    assert made[1] == made[2] and len(made[1]) == 36
    record = extract_bytes((tmp_path / "out2" / made[2][5][0]).read_bytes(), "x.docx",
                           form=form)
    assert record.fields["case_ref"].value == "NB-3005"


@pytest.mark.parametrize("name", ["v3.2", "other"])
def test_a_spawned_renderer_gets_the_template_whole(name: str, tmp_path: Path) -> None:
    """Forked workers inherit the prepared template; spawned ones (macOS, Windows, Python's
    later default) get it pickled, and must render the same forms from it."""
    import pickle

    from caseaudit_docx.generate.generate import prepare_template
    from caseaudit_docx.generate.identity import new_identity
    from caseaudit_docx.model.matching import header_fields

    form = two_forms()[name]
    blank = tmp_path / "blank.docx"
    blank.write_bytes(build_template(form=form))
    values = {f.id: f"Value of {f.id}" for f in header_fields(form)[:3]}
    prepared = prepare_template(blank, fields=list(values), form=form)
    copy = pickle.loads(pickle.dumps(prepared))
    identity = new_identity()
    out = {}
    for label, template in (("here", prepared), ("spawned", copy)):
        path = tmp_path / f"{label}.docx"
        path.write_bytes(template.render(values, identity))
        out[label] = _document(path)
    assert out["here"] == out["spawned"]
    assert b"Value of " + next(iter(values)).encode() in out["spawned"]


@pytest.mark.parametrize("which", ["batch", "other_batch"])
def test_a_spawned_reader_gets_its_forms_whole(which: str, request) -> None:
    """Forked workers inherit the forms with what the caller worked out of them; spawned
    ones get them pickled, and must read the same records."""
    import pickle

    folder = request.getfixturevalue(which)
    form = two_forms()["other" if which == "other_batch" else "v3.2"]
    path = next(p for p in sorted(folder.glob("*.docx")) if "broken" not in p.name
                and "NB-2010b" not in p.name)
    here = extract_bytes(path.read_bytes(), path.name, form=form)  # fills the form's caches
    copy = pickle.loads(pickle.dumps(form))
    assert extract_bytes(path.read_bytes(), path.name, form=copy).fields == here.fields
    assert here.fields

_STOPPED_EXTRACT = """
import sys, time
from caseaudit_docx.extract.extract import extract_files
for number, (path, record) in enumerate(extract_files([sys.argv[2]], jobs=2)):
    if number == 0:
        print("ready", flush=True)
        time.sleep(60)  # stopped here, the pool's workers alive
"""


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGKILL])
def test_a_stopped_extract_takes_its_workers_with_it(batch, signum) -> None:
    from .test_cleanup import processes_with

    marker = f"caseaudit-workers-test-{uuid.uuid4().hex}"
    proc = subprocess.Popen([sys.executable, "-c", _STOPPED_EXTRACT, marker, str(batch)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT,
                            env={**os.environ, "PYTHONPATH": str(ROOT)})
    try:
        assert proc.stdout is not None
        assert proc.stdout.readline().strip() == "ready"
        assert len(processes_with(marker)) == 3  # the batch and its two workers
        proc.send_signal(signum)
        proc.communicate(timeout=30)
        assert proc.returncode == (128 + signum if signum == signal.SIGTERM else -signum)
        deadline = time.monotonic() + 10
        while processes_with(marker) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert processes_with(marker) == []
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.communicate()


def test_ingest_command_takes_jobs_and_files_the_same(batch, tmp_path: Path) -> None:
    from caseaudit_docx.register.read import current_audit_ids, iter_current
    from caseaudit_docx.register.store import Register

    runner = CliRunner()
    filed, lines = {}, {}
    for jobs in ("1", "2"):
        db = tmp_path / f"audits-{jobs}.db"
        result = runner.invoke(cli, ["ingest", str(batch), "--db", str(db), "--jobs", jobs])
        assert result.exit_code == 1, result.output  # the broken file and the text file
        lines[jobs] = result.stdout.replace(str(db), "DB")
        assert "14 unchanged" in result.stdout  # the second copy of each sample
        with Register.open(db) as register:
            filed[jobs] = sorted(a.record.source.sha256
                                 for a in iter_current(register, current_audit_ids(register)))
    assert filed["1"] == filed["2"] and len(filed["1"]) == 13  # 14 revises 01
    assert lines["1"] == lines["2"]
