"""Batch ingest: folders of returned forms into the register.

Reading a form costs milliseconds of XML parsing, writing it to SQLite far less, so extraction
is spread over the CPU cores (a process pool fed small chunks of paths) while the main process
hashes files, skips bytes the register already holds and writes results in order, one
transaction per chunk. Every worker reads with the same forms: it receives each form's
description (JSON text, which crosses between processes as plain text whatever the form holds)
once, when it starts, and keeps the loaded forms for every document it reads. Given several
forms (the versions of a council's form), each document is read by the one it fits best
(:mod:`caseaudit_docx.extract.choose`) and packed by that form's roles. Progress is reported
through a callback, so the library stays free of any user interface; the CLI turns it into a
progress bar on a terminal.
"""

from __future__ import annotations

import hashlib
import os
import signal
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from caseaudit_docx.errors import CaseAuditError
from caseaudit_docx.files import find_forms
from caseaudit_docx.model.description import form_from_json, form_to_json
from caseaudit_docx.model.form import Form
from caseaudit_docx.model.record import ERROR, Problem, Record
from caseaudit_docx.register.pack import form_of, given_forms
from caseaudit_docx.register.store import (
    FAILED,
    UNCHANGED,
    FileInfo,
    PackedRecord,
    Register,
    pack,
    register_errors,
    utc_iso,
)

Extractor = Callable[[str], Record]


@dataclass(frozen=True)
class Progress:
    """One file written: the callback's argument."""

    done: int
    total: int
    path: str
    outcome: str


@dataclass
class IngestSummary:
    """What an ingest did, for the closing line."""

    new: int = 0
    revised: int = 0
    unchanged: int = 0
    failed: int = 0
    lock_files: int = 0
    failures: list[tuple[str, str]] = field(default_factory=list)  # (path, why)

    def count(self, outcome: str) -> None:
        setattr(self, outcome, getattr(self, outcome) + 1)

    def line(self) -> str:
        text = (f"{self.new} new, {self.revised} revised, {self.unchanged} unchanged, "
                f"{self.failed} failed")
        if self.lock_files:
            text += f" ({self.lock_files} lock file{'s' * (self.lock_files != 1)} skipped)"
        return text


def _file_info(path: Path) -> tuple[FileInfo, Problem | None]:
    """Size, modified time and sha256 of a file, read in the main process (cheap, sequential)."""
    try:
        stat = path.stat()
        digest = hashlib.sha256()
        with path.open("rb") as handle:
            for block in iter(lambda: handle.read(1 << 20), b""):
                digest.update(block)
    except OSError as exc:
        return FileInfo(str(path)), Problem(None, ERROR, f"cannot be read: {exc.strerror}")
    return FileInfo(str(path), stat.st_size, digest.hexdigest(), utc_iso(stat.st_mtime)), None


_Result = tuple[PackedRecord | None, tuple[Problem, ...]]

#: The forms a worker process reads with, loaded once by :func:`_start_worker`.
_worker_forms: tuple[Form, ...] = ()


def _start_worker(*form_jsons: str) -> None:
    """A worker's start: load the forms from their descriptions once; leave Ctrl-C to the
    main process, which rolls back and stops the workers cleanly."""
    global _worker_forms
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _worker_forms = tuple(form_from_json(text, where="a form of this ingest")
                          for text in form_jsons)


def _read(path: str, extractor: Extractor | None, forms: Sequence[Form]) -> Record:
    """The real extraction unless a test gives its own (imported here: the pool sends names):
    by the one form, or by the form of several that the document fits best."""
    if extractor is not None:
        return extractor(path)
    from caseaudit_docx.extract.choose import extract_best_file

    return extract_best_file(path, forms)


def _extract_one(path: str, extractor: Extractor | None, forms: Sequence[Form]) -> _Result:
    """A form read and packed for the register (by the roles of the form that read it), or
    why it could not be read."""
    try:
        record = _read(path, extractor, forms)
        return pack(record, form_of(record, forms) or forms[0]), ()
    except CaseAuditError as exc:
        return None, (Problem(None, ERROR, exc.message),)
    except Exception as exc:
        return None, (Problem(None, ERROR, f"could not be read ({type(exc).__name__}: {exc})"),)


def _extract_many(paths: Sequence[str], extractor: Extractor | None,
                  forms: Sequence[Form] = ()) -> list[_Result]:
    """One task of the pool: a few paths, so that process hops cost little per form.

    ``forms`` are given in this process; a worker reads with the forms it loaded on starting.
    """
    forms = forms or _worker_forms
    if not forms:
        raise RuntimeError("a worker started without its forms")
    return [_extract_one(path, extractor, forms) for path in paths]


@dataclass
class _Item:
    info: FileInfo
    outcome: str | None = None  # decided before extraction: unchanged, or failed to read
    problems: tuple[Problem, ...] = ()


def _plan(files: Sequence[Path], register: Register) -> Iterator[_Item]:
    """Hash each file; bytes already in the register (or earlier in this run) need no reading."""
    in_run: set[str] = set()
    for path in files:
        info, problem = _file_info(path)
        if problem:
            yield _Item(info, FAILED, (problem,))
        elif info.sha256 in in_run or register.is_known(info.sha256):
            yield _Item(info, UNCHANGED)
        else:
            in_run.add(info.sha256 or "")
            yield _Item(info)


def _chunks(items: Iterator[_Item], size: int) -> Iterator[list[_Item]]:
    chunk: list[_Item] = []
    for item in items:
        chunk.append(item)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


class _Writer:
    """Writes chunks in order, one transaction each (each file under its own savepoint)."""

    def __init__(self, register: Register, total: int,
                 progress: Callable[[Progress], None] | None) -> None:
        self.register, self.total = register, total
        self.progress = progress
        self.summary = IngestSummary()
        self.done = 0

    def write(self, chunk: list[_Item], results: list[_Result]) -> None:
        extracted = iter(results)
        with self.register.transaction():
            for item in chunk:
                outcome = self._write_one(item, extracted)
                self.summary.count(outcome)
                self.done += 1
                if self.progress:
                    self.progress(Progress(self.done, self.total, item.info.path, outcome))

    def _write_one(self, item: _Item, extracted: Iterator[_Result]) -> str:
        register = self.register
        if item.outcome == UNCHANGED:
            return register.add_unchanged(item.info)
        record, problems = (None, item.problems) if item.outcome == FAILED else next(extracted)
        if record is None:
            outcome = register.add_failure(item.info, problems)
        else:
            outcome = register.add_record(record, item.info)
        if outcome == FAILED:
            self.summary.failures.append((item.info.path, register.last_failure_reason()))
        return outcome


def ingest(
    paths: Iterable[str | Path],
    db_path: str | Path,
    *,
    form: Form | Sequence[Form] | None = None,
    forms: Sequence[Form] | None = None,
    workers: int | None = None,
    chunk_size: int = 8,
    progress: Callable[[Progress], None] | None = None,
    extractor: Extractor | None = None,
) -> IngestSummary:
    """Ingest the forms under ``paths`` into the register at ``db_path``.

    Every document is read with ``form`` (default the bundled one), whose roles say which
    fields are an audit's identity; the register notes the form's name and version with each
    revision. Given several forms (``forms``, or a sequence as ``form``), each document is read
    by the one it fits best, and one that fits none is recorded as failed, naming the closest.
    ``workers`` defaults to the CPU count; 1 reads in this process. ``chunk_size`` files go
    to a worker as one task and are written in one transaction. ``extractor`` (a picklable
    function of a path) stands in for :func:`caseaudit_docx.extract.choose.extract_best_file`
    in tests; its records are packed by the form given of their name and version.
    ``progress`` is called after each file is written; an exception it raises (Ctrl-C
    included) stops the ingest with every file before the current one committed.
    """
    found = find_forms(paths)
    chosen = given_forms(form, forms)
    workers = max(1, workers or os.cpu_count() or 1)
    with register_errors(db_path), Register.open(db_path) as register:
        writer = _Writer(register, len(found.files), progress)
        chunks = _chunks(_plan(found.files, register), max(1, chunk_size))
        if workers == 1 or len(found.files) <= chunk_size:
            for chunk in chunks:
                todo = [item.info.path for item in chunk if item.outcome is None]
                writer.write(chunk, _extract_many(todo, extractor, chosen))
        else:
            _run_pool(chunks, writer, extractor, chosen, workers)
    writer.summary.lock_files = found.lock_files
    return writer.summary


def _run_pool(chunks: Iterator[list[_Item]], writer: _Writer, extractor: Extractor | None,
              forms: Sequence[Form], workers: int) -> None:
    """Keep the pool a few chunks ahead of the writer; on any interruption, stop it at once."""
    pool = ProcessPoolExecutor(max_workers=workers, initializer=_start_worker,
                               initargs=tuple(form_to_json(form) for form in forms))
    pending: deque[tuple[list[_Item], Future[list[_Result]]]] = deque()
    try:
        for chunk in chunks:
            todo = [item.info.path for item in chunk if item.outcome is None]
            pending.append((chunk, pool.submit(_extract_many, todo, extractor)))
            while len(pending) > workers * 3:
                done, future = pending.popleft()
                writer.write(done, future.result())
        while pending:
            done, future = pending.popleft()
            writer.write(done, future.result())
    except BaseException:
        pool.shutdown(wait=False, cancel_futures=True)
        raise
    pool.shutdown()
