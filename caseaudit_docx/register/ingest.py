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

Every path given is accounted for (:func:`~caseaudit_docx.files.find_forms`): a file that is
not a form is recorded as such, and a path that does not exist or a folder that cannot be read
as failed, each with what to do about it, so that the workbook's Problems lists them; none of
them stops the rest of the batch.
"""

from __future__ import annotations

import hashlib
import os
import shlex
import signal
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from caseaudit_docx.errors import CaseAuditError, InputError
from caseaudit_docx.files import EMPTY, MISSING, NOT_A_FORM, UNREADABLE, NotRead, find_forms
from caseaudit_docx.legacy import convertible
from caseaudit_docx.model.description import form_from_json, form_to_json
from caseaudit_docx.model.form import Form
from caseaudit_docx.model.record import ERROR, Problem, Record
from caseaudit_docx.register.pack import form_of, given_forms
from caseaudit_docx.register.store import (
    FAILED,
    NEW,
    NOT_FORM,
    REVISED,
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


def _plural(count: int, one: str, many: str | None = None) -> str:
    return f"{count} {one if count == 1 else many or one + 's'}"


@dataclass
class IngestSummary:
    """What an ingest did, for the closing line and the exit status.

    ``failures`` are the forms that failed, (path, why), this time or before (the same bytes,
    unchanged, counted in ``still_failing``); ``not_read`` the paths that were not
    read as forms, (path, why): files that are not forms, paths that do not exist, folders
    that cannot be read or hold nothing. ``values_to_chase`` counts the error-level field
    problems of the forms filed (new or revised), ``forms_to_chase`` the forms holding them.
    """

    new: int = 0
    revised: int = 0
    unchanged: int = 0
    still_failing: int = 0  # of the unchanged: bytes that failed before
    failed: int = 0
    not_forms: int = 0
    missing: int = 0
    unreadable: int = 0  # folders
    empty: int = 0  # folders given that hold nothing
    lock_files: int = 0
    system_files: int = 0
    forms_to_chase: int = 0
    values_to_chase: int = 0
    failures: list[tuple[str, str]] = field(default_factory=list)  # (path, why)
    not_read: list[tuple[str, str]] = field(default_factory=list)  # (path, why)
    paths: tuple[str, ...] = ()  # as given, for the hint at the end of the line

    def count(self, outcome: str) -> None:
        name = {NOT_FORM: "not_forms"}.get(outcome, outcome)
        setattr(self, name, getattr(self, name) + 1)

    @property
    def complete(self) -> bool:
        """Whether every file was read: nothing failed, no path went unread. The commands
        exit 0 only then."""
        return not (self.failed or self.still_failing or self.not_forms or self.missing
                    or self.unreadable or self.empty)

    def line(self) -> str:
        unchanged = f"{self.unchanged} unchanged"
        if self.still_failing:
            unchanged += f" ({self.still_failing} still failing)"
        parts = [f"{self.new} new", f"{self.revised} revised", unchanged, f"{self.failed} failed"]
        if self.not_forms:
            parts.append(_plural(self.not_forms, "not a form", "not forms"))
        if self.missing:
            parts.append(f"{self.missing} not found")
        if self.unreadable:
            parts.append(_plural(self.unreadable, "folder unreadable", "folders unreadable"))
        if self.empty:
            parts.append(_plural(self.empty, "folder without forms", "folders without forms"))
        text = ", ".join(parts)
        skipped = [_plural(count, what) for count, what in (
            (self.lock_files, "lock file"), (self.system_files, "system file")) if count]
        if skipped:
            text += f" ({', '.join(skipped)} skipped)"
        if self.values_to_chase:
            holds = "holds" if self.forms_to_chase == 1 else "hold"
            text += (f"; {_plural(self.forms_to_chase, 'form')} {holds} "
                     f"{_plural(self.values_to_chase, 'value')} to chase "
                     f"(caseaudit extract --problems {self._hint()})")
        return text

    def _hint(self) -> str:
        shown = [shlex.quote(path) for path in self.paths[:3]]
        return " ".join(shown + ["..."] * (len(self.paths) > 3)) or "..."


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
    from caseaudit_docx.extract.extract import extract_file

    return extract_file(path, forms=forms)


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
            why = register.failure_of(item.info.sha256)
            if why is not None:  # the same bytes failed before: still to chase
                self.summary.still_failing += 1
                self.summary.failures.append((item.info.path, f"{why} (unchanged)"))
            return register.add_unchanged(item.info)
        record, problems = (None, item.problems) if item.outcome == FAILED else next(extracted)
        if record is None:
            outcome = register.add_failure(item.info, problems)
        else:
            outcome = register.add_record(record, item.info)
        if outcome == FAILED:
            self.summary.failures.append((item.info.path, register.last_failure_reason()))
        elif record is not None and outcome in (NEW, REVISED):
            chase = sum(1 for fld, level, _message in record.problems
                        if fld is not None and level == ERROR)
            self.summary.forms_to_chase += bool(chase)
            self.summary.values_to_chase += chase
        return outcome

    def write_not_read(self, items: Sequence[NotRead]) -> None:
        """Record the paths that are not forms, or missing, or unreadable folders, each with
        its reason, in one transaction; a folder with nothing in it is only counted."""
        summary = self.summary
        with self.register.transaction():
            for item in items:
                summary.not_read.append((str(item.path), item.reason))
                problem = (Problem(None, ERROR, item.reason),)
                if item.kind == NOT_A_FORM:
                    self.register.add_not_form(_stat_info(item.path), problem)
                    summary.not_forms += 1
                elif item.kind in (MISSING, UNREADABLE):
                    self.register.add_failure(FileInfo(str(item.path)), problem)
                    if item.kind == MISSING:
                        summary.missing += 1
                    else:
                        summary.unreadable += 1
                elif item.kind == EMPTY:
                    summary.empty += 1


def _stat_info(path: Path) -> FileInfo:
    """What the register keeps of a file not read as a form: its size and modified time (it
    is not hashed: it is recorded again each time it is seen, until it is dealt with)."""
    try:
        stat = path.stat()
    except OSError:
        return FileInfo(str(path))
    return FileInfo(str(path), stat.st_size, None, utc_iso(stat.st_mtime))


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
    ``progress`` is called after each form is written; an exception it raises (Ctrl-C
    included) stops the ingest with every file before the current one committed.

    Every path is accounted for: files that are not forms are recorded as such, paths that do
    not exist and folders that cannot be read as failed, each with its reason (the summary's
    ``not_read``); .doc and .odt forms are converted when LibreOffice can
    (:mod:`caseaudit_docx.legacy`). When nothing at all is found (only empty folders), an
    :class:`~caseaudit_docx.errors.InputError` says so and no register is touched.
    """
    given = tuple(str(path) for path in paths)
    found = find_forms(given, convertible=convertible)
    if not found.forms and all(item.kind == EMPTY for item in found.not_read):
        if not found.not_read:
            raise InputError("no files or folders given")
        raise InputError(found.not_read[0].reason, path=found.not_read[0].path)
    chosen = given_forms(form, forms)
    workers = max(1, workers or os.cpu_count() or 1)
    with register_errors(db_path), Register.open(db_path) as register:
        writer = _Writer(register, len(found.files), progress)
        writer.write_not_read(found.not_read)
        chunks = _chunks(_plan(found.files, register), max(1, chunk_size))
        if workers == 1 or len(found.files) <= chunk_size:
            for chunk in chunks:
                todo = [item.info.path for item in chunk if item.outcome is None]
                writer.write(chunk, _extract_many(todo, extractor, chosen))
        else:
            _run_pool(chunks, writer, extractor, chosen, workers)
    writer.summary.lock_files = found.lock_files
    writer.summary.system_files = found.system_files
    writer.summary.paths = given
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
