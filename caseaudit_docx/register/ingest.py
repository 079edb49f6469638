"""Batch ingest: folders of returned forms into the register.

Reading a form costs milliseconds of XML parsing, writing it to SQLite far less, so extraction
is spread over the CPU cores (a process pool fed small chunks of paths) while the main process
writes results in order, one transaction per chunk. Every worker reads with the same forms: it
receives each form's description (JSON text, which crosses between processes as plain text
whatever the form holds) once, when it starts, and keeps the loaded forms for every document it
reads. Given several forms (the versions of a council's form), each document is read by the
one it fits best (:mod:`caseaudit_docx.extract.choose`) and packed by that form's roles.
Progress is reported through a callback, so the library stays free of any user interface; the
CLI turns it into a progress bar on a terminal.

Each file is read once, by its worker: the bytes hashed are the bytes extracted, so a form
saved again during the ingest is recorded with its own hash and its own fields, never one
version's hash with another's. The main process tells the worker the hash last recorded under
the file's name; when the bytes read hash the same, extraction is skipped. Bytes the register
already holds (under another name, or earlier in the same run) are found by the hash the worker
returns, and are unchanged.

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
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from pathlib import Path

from caseaudit_docx.cleanup import die_with_parent, signals_unwind
from caseaudit_docx.errors import CaseAuditError, InputError
from caseaudit_docx.files import EMPTY, MISSING, NOT_A_FORM, UNREADABLE, NotRead, find_forms
from caseaudit_docx.legacy import convertible
from caseaudit_docx.model.form import Form
from caseaudit_docx.model.record import ERROR, Problem, Record
from caseaudit_docx.names import stored_name
from caseaudit_docx.register.duplicates import possible_duplicates
from caseaudit_docx.register.pack import FormSource, form_of, given_forms
from caseaudit_docx.register.store import (
    FAILED,
    NEW,
    NOT_FORM,
    REVISED,
    FileInfo,
    PackedRecord,
    Register,
    pack,
    register_errors,
    utc_iso,
)
from caseaudit_docx.workers import chunks

#: A stand-in for extraction in tests: a function of a file's bytes and its path.
Extractor = Callable[[bytes, str], Record]


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
    warnings: tuple[str, ...] = ()  # about the register itself (its permissions tightened)
    #: Forms filed by their form id whose case, auditor or start date changed (path, what).
    identity_changes: list[tuple[str, str]] = field(default_factory=list)
    #: Audits in the register that are possibly one filed twice, one line each.
    possible_duplicates: tuple[str, ...] = ()

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


_Result = tuple[FileInfo, PackedRecord | None, tuple[Problem, ...]]
#: A path to read, and the sha256 last recorded under its name (None: never seen).
_Task = tuple[str, str | None]

#: The forms a worker process reads with, loaded once by :func:`_start_worker`.
_worker_forms: tuple[Form, ...] = ()

#: How often a file that changes while it is read is read again before it is failed.
_READ_TRIES = 3


def _start_worker(parent: int, forms: tuple[Form, ...]) -> None:
    """A worker's start: its forms, given once (inherited as they are where workers are
    forked, pickled where they are spawned); leave Ctrl-C to the
    main process, which rolls back and stops the workers cleanly; and end when the main
    process (pid ``parent``) dies, however it dies, rather than live on holding the register
    and the forms open."""
    global _worker_forms
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    die_with_parent(parent)
    _worker_forms = forms


def _same_file(before: os.stat_result, after: os.stat_result) -> bool:
    return (before.st_ino, before.st_dev, before.st_size, before.st_mtime_ns,
            before.st_ctime_ns) == (after.st_ino, after.st_dev, after.st_size,
                                    after.st_mtime_ns, after.st_ctime_ns)


def _read_bytes(path: str) -> tuple[bytes, os.stat_result]:
    """The file's bytes, read once (bounded, as every form is), and its state then: a file
    replaced or written while it was read is read again, so its time goes with its bytes."""
    from caseaudit_docx.extract.extract import read_form_bytes

    for _ in range(_READ_TRIES):
        before = os.stat(path)
        data = read_form_bytes(path)
        after = os.stat(path)
        if _same_file(before, after):
            return data, after
    raise CaseAuditError("kept changing while it was read; read it again when it is saved",
                         path=path)


def _cannot_read(path: str, exc: OSError) -> _Result:
    why = f"cannot be read: {exc.strerror or exc}"
    return FileInfo(path), None, (Problem(None, ERROR, why),)


def _extract_one(task: _Task, extractor: Extractor | None, forms: Sequence[Form]) -> _Result:
    """A file read once and, unless its bytes are those last recorded under its name, packed
    for the register (by the roles of the form that read it); or why it could not be read.
    The hash returned is of the bytes read, whatever happens after."""
    from caseaudit_docx.extract.extract import OPENED_BY_LEGACY, extract_bytes, extract_file

    path, last_sha256 = task
    if extractor is None and Path(path).suffix.lower() in OPENED_BY_LEGACY:
        return _extract_legacy(path, forms, extract_file)
    info = FileInfo(path)
    try:
        data, stat = _read_bytes(path)
        info = FileInfo(path, len(data), hashlib.sha256(data).hexdigest(), utc_iso(stat.st_mtime))
        if info.sha256 == last_sha256:
            return info, None, ()  # the bytes recorded last time: unchanged
        record = (extractor(data, path) if extractor is not None
                  else extract_bytes(data, path, forms=forms))
        return info, pack(record, form_of(record, forms) or forms[0]), ()
    except CaseAuditError as exc:
        return info, None, (Problem(None, ERROR, exc.message),)
    except OSError as exc:
        return _cannot_read(path, exc)
    except Exception as exc:
        return info, None, (Problem(None, ERROR,
                                    f"could not be read ({type(exc).__name__}: {exc})"),)


def _extract_legacy(path: str, forms: Sequence[Form],
                    extract_file: Callable[..., Record]) -> _Result:
    """A .doc, .odt or .docm, opened by :mod:`caseaudit_docx.legacy`, which reads it once and
    hashes what it read: a record's hash is that of the bytes extracted. One that fails is
    hashed for the register (so that the same bytes are "still failing" next time, not read
    again) only when the file did not change while it was read (the same inode, size and
    times before and after); otherwise it is recorded without a hash, so it lends none."""
    try:
        before = os.stat(path)
        record = extract_file(path, forms=forms)
    except CaseAuditError as exc:
        return _failed_legacy(path, before, Problem(None, ERROR, exc.message))
    except OSError as exc:
        return _cannot_read(path, exc)
    except Exception as exc:
        return _failed_legacy(path, before, Problem(
            None, ERROR, f"could not be read ({type(exc).__name__}: {exc})"))
    info = FileInfo(path, record.source.size, record.source.sha256, utc_iso(before.st_mtime))
    return info, pack(record, form_of(record, forms) or forms[0]), ()


def _failed_legacy(path: str, before: os.stat_result, problem: Problem) -> _Result:
    try:
        data, after = _read_bytes(path)
    except (CaseAuditError, OSError):
        return FileInfo(path), None, (problem,)
    if not _same_file(before, after):
        return FileInfo(path), None, (problem,)
    sha256 = hashlib.sha256(data).hexdigest()
    return FileInfo(path, len(data), sha256, utc_iso(after.st_mtime)), None, (problem,)


def _extract_many(tasks: Sequence[_Task], extractor: Extractor | None,
                  forms: Sequence[Form] = ()) -> list[_Result]:
    """One task of the pool: a few paths, so that process hops cost little per form.

    ``forms`` are given in this process; a worker reads with the forms it loaded on starting.
    """
    forms = forms or _worker_forms
    if not forms:
        raise RuntimeError("a worker started without its forms")
    return [_extract_one(task, extractor, forms) for task in tasks]


def _plan(files: Sequence[Path], register: Register) -> Iterator[_Task]:
    """Each file with the hash last recorded under its name (a worker that reads those same
    bytes need not extract them); the hash decides nothing until a worker has read the file."""
    for path in files:
        yield str(path), register.last_sha256(path)




class _Writer:
    """Writes chunks in order, one transaction each (each file under its own savepoint)."""

    def __init__(self, register: Register, total: int,
                 progress: Callable[[Progress], None] | None) -> None:
        self.register, self.total = register, total
        self.progress = progress
        self.summary = IngestSummary()
        self.done = 0

    def write(self, chunk: list[_Task], results: list[_Result]) -> None:
        if len(results) != len(chunk):
            raise RuntimeError(f"a worker returned {len(results)} results for "
                               f"{len(chunk)} files")
        with self.register.transaction():
            for result in results:
                outcome = self._write_one(result)
                self.summary.count(outcome)
                self.done += 1
                if self.progress:
                    self.progress(Progress(self.done, self.total, result[0].path, outcome))

    def _write_one(self, result: _Result) -> str:
        """One file by the hash of the bytes its worker read: bytes the register holds are
        unchanged (those that failed before still failing); the rest filed or failed."""
        register = self.register
        info, record, problems = result
        if register.is_known(info.sha256):
            why = register.failure_of(info.sha256)
            if why is not None:  # the same bytes failed before: still to chase
                self.summary.still_failing += 1
                self.summary.failures.append((info.path, f"{why} (unchanged)"))
            return register.add_unchanged(info)
        if record is None and not problems:  # skipped as known, but the register lost them
            problems = (Problem(None, ERROR, "was not read (its bytes were thought known); "
                                             "ingest it again"),)
        if record is None:
            outcome = register.add_failure(info, problems)
        else:
            outcome = register.add_record(record, info)
        if outcome == FAILED:
            self.summary.failures.append((info.path, register.last_failure_reason()))
        elif register.last_identity_change:
            self.summary.identity_changes.append((info.path, register.last_identity_change))
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
    form: FormSource | Sequence[FormSource] | None = None,
    forms: Sequence[FormSource] | None = None,
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
    to a worker as one task and are written in one transaction. Each file is read once, by
    its worker, which hashes and extracts the same bytes. ``extractor`` (a picklable function
    of a file's bytes and its path) stands in for extraction in tests; its records are
    packed by the form given of their name and version.
    ``progress`` is called after each form is written; an exception it raises (Ctrl-C
    included) stops the ingest with every file up to and including the current one committed.

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
        writer.summary.warnings = tuple(f"{stored_name(db_path)}: {warning}"
                                        for warning in register.warnings)
        pending = chunks(_plan(found.files, register), max(1, chunk_size))
        if workers == 1 or len(found.files) <= chunk_size:
            for chunk in pending:
                writer.write(chunk, _extract_many(chunk, extractor, chosen))
        else:
            _run_pool(pending, writer, extractor, chosen, workers)
        writer.summary.possible_duplicates = tuple(
            found_pair.line() for found_pair in possible_duplicates(register, chosen[0]))
    writer.summary.lock_files = found.lock_files
    writer.summary.system_files = found.system_files
    writer.summary.paths = given
    return writer.summary


def _run_pool(batches: Iterator[list[_Task]], writer: _Writer, extractor: Extractor | None,
              forms: Sequence[Form], workers: int) -> None:
    """Keep the pool a few chunks ahead of the writer; on any interruption (SIGTERM and
    SIGHUP included: they unwind like Ctrl-C), stop it at once. The workers end with this
    process, even when it is killed (:func:`~caseaudit_docx.cleanup.die_with_parent`)."""
    pool = ProcessPoolExecutor(max_workers=workers, initializer=_start_worker,
                               initargs=(os.getpid(), tuple(forms)))
    pending: deque[tuple[list[_Task], Future[list[_Result]]]] = deque()
    with signals_unwind():
        try:
            for chunk in batches:
                pending.append((chunk, pool.submit(_extract_many, chunk, extractor)))
                while len(pending) > workers * 3:
                    done, future = pending.popleft()
                    writer.write(done, future.result())
            while pending:
                done, future = pending.popleft()
                writer.write(done, future.result())
        except BaseException as exc:
            pool.shutdown(wait=False, cancel_futures=True)
            if isinstance(exc, BrokenProcessPool):
                raise CaseAuditError(
                    "a process reading the forms was stopped (killed, or out of memory); "
                    "what was filed before it is kept: run the command again") from None
            raise
        pool.shutdown()
