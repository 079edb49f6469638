"""A filled form in, a record out: open safely, read as a reader sees it, locate, normalise.

This is the one path every returned form takes (``caseaudit extract``, ingest, the round-trip
tests of generation). Field trouble becomes problems in the record; a file that cannot be read
as a case audit form raises a :class:`~caseaudit_docx.errors.CaseAuditError` naming the file.
Forms saved as .doc, .odt or .docm are opened by :mod:`caseaudit_docx.legacy` (.doc and .odt
converted by LibreOffice, with a warning on the record).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Iterator, Sequence
from functools import partial
from pathlib import Path

from caseaudit_docx.errors import CaseAuditError, InputError, NotAFormError, UnsafeFileError
from caseaudit_docx.extract.locate import Located, locate
from caseaudit_docx.files import NOT_A_FORM, Found, NotRead, find_forms, read_user_file
from caseaudit_docx.legacy import convertible, open_form
from caseaudit_docx.model.description import load_form
from caseaudit_docx.model.form import Form
from caseaudit_docx.model.normalise import normalise
from caseaudit_docx.model.record import FieldValue, Problem, Record, Source
from caseaudit_docx.oxml.package import (
    DEFAULT_LIMITS,
    DocxPackage,
    read_package,
    read_package_bytes,
)
from caseaudit_docx.oxml.text import read_document


def extract_file(path: str | Path, *, form: Form | None = None,
                 forms: Sequence[Form] | None = None) -> Record:
    """Read the form at ``path`` (never written to) into a record.

    With ``forms``, the document is read by the one it fits best
    (:mod:`caseaudit_docx.extract.choose`); else by ``form`` (default the bundled one).
    A .doc, .odt or .docm is opened by :func:`caseaudit_docx.legacy.open_form`, whose
    problems (a conversion's warning) join the record's.
    """
    path = Path(path)
    if path.suffix.lower() not in OPENED_BY_LEGACY:
        return extract_package(read_package(path, text_only=True), form=form, forms=forms)
    package, problems = open_form(path)
    record = extract_package(package, form=form, forms=forms)
    return dataclasses.replace(record, problems=(*record.problems, *problems)) if problems \
        else record


#: The suffixes :func:`extract_file` opens through :mod:`caseaudit_docx.legacy`.
OPENED_BY_LEGACY = frozenset({".doc", ".odt", ".docm"})


def find_files(paths: Iterable[str | Path]) -> Found:
    """:func:`~caseaudit_docx.files.find_forms` as extraction reads: .doc and .odt files are
    forms when :mod:`caseaudit_docx.legacy` can convert them."""
    return find_forms(paths, convertible=convertible)


def not_read_error(item: NotRead) -> CaseAuditError:
    """A path that is not read as a form, as the one-line error a command prints."""
    error = NotAFormError if item.kind == NOT_A_FORM else InputError
    return error(item.reason, path=item.path)


def extract_files(
    paths: Iterable[str | Path], *, form: Form | None = None,
    forms: Sequence[Form] | None = None, jobs: int | None = None,
) -> Iterator[tuple[Path, Record | CaseAuditError]]:
    """Each path accounted for, in the order given: each form with its record, or with the
    error that stopped it, and each path not read as a form (not a form, missing, a folder that
    cannot be read or holds nothing) with its error. One bad file never stops the batch.
    A folder stands for every file below it (:func:`find_files`; Word's ``~$`` lock files left
    out); a file named on its own is tried unless its name says it is never a form.

    The forms are read in ``jobs`` worker processes (default: every core; 1 reads in this
    process), a few at a time (:func:`caseaudit_docx.workers.in_order`): the output and its
    order are the same whatever ``jobs`` is."""
    from caseaudit_docx.workers import in_order  # the pool is only needed for a batch

    chosen = (load_form(form),) if not forms else tuple(forms)
    yield from in_order(_extract_chunk, _planned(paths), jobs=jobs, initializer=_start_worker,
                        initargs=(chosen, bool(forms)),
                        here=partial(_extract_with, chosen, bool(forms)))


#: One entry of a batch: a path to read, or a path already known not to be read, with why.
_Planned = tuple[Path, CaseAuditError | None]


def _planned(paths: Iterable[str | Path]) -> Iterator[_Planned]:
    for given in paths:
        found = find_files([given])
        named = None if Path(given).is_dir() else Path(given)  # named as the user wrote it
        for path in found.forms:
            yield named or path, None
        for item in found.not_read:
            item = dataclasses.replace(item, path=named or item.path)
            yield item.path, not_read_error(item)


#: What a worker process reads with (:func:`_start_worker`): the forms, and whether each
#: document is read by the best fit of them (``forms=``) or by the one (``form=``).
_worker: tuple[tuple[Form, ...], bool] = ((), False)


def _start_worker(forms: tuple[Form, ...], choose: bool) -> None:
    """A worker's forms, given once: inherited as they are (with what this process has
    already worked out of them) where workers are forked, pickled where they are spawned."""
    global _worker
    _worker = forms, choose


def _extract_chunk(chunk: list[_Planned]) -> list[tuple[Path, Record | CaseAuditError]]:
    return _extract_with(*_worker, chunk)


def _extract_with(chosen: Sequence[Form], choose: bool, chunk: list[_Planned]
                  ) -> list[tuple[Path, Record | CaseAuditError]]:
    out: list[tuple[Path, Record | CaseAuditError]] = []
    for path, error in chunk:
        if error is not None:
            out.append((path, error))
            continue
        try:
            if choose:
                out.append((path, extract_file(path, forms=chosen)))
            else:
                out.append((path, extract_file(path, form=chosen[0])))
        except CaseAuditError as exc:
            out.append((path, exc))
    return out


def read_form_bytes(path: str | Path) -> bytes:
    """The bytes of the .docx at ``path``, read once and bounded as :func:`extract_file`
    reads them, for :func:`extract_bytes`: ingest hashes and extracts the same bytes."""
    return read_user_file(path, limit=DEFAULT_LIMITS.max_file_size, what="a .docx file",
                          error=NotAFormError, too_large=UnsafeFileError)


def extract_bytes(data: bytes, path: str | Path, *, form: Form | None = None,
                  forms: Sequence[Form] | None = None) -> Record:
    """Read a form already in memory; ``path`` names it in the record and in errors."""
    return extract_package(read_package_bytes(data, path, text_only=True), form=form,
                           forms=forms)


def extract_package(package: DocxPackage, *, form: Form | None = None,
                    forms: Sequence[Form] | None = None) -> Record:
    """The record of an opened package: by ``form``, or by the best fit of ``forms``."""
    if forms:
        from caseaudit_docx.extract.choose import extract_best  # it builds on this module

        return extract_best(package, forms)
    form = load_form(form)
    view = read_document(package)
    return record_of(package, form, locate(view, form, path=str(package.path)))


def record_of(package: DocxPackage, form: Form, located: Located) -> Record:
    """The record of a document whose fields ``form`` located: each field normalised by its
    kind, with the problems met (the locator's and the normaliser's) and the form that read it."""
    fields: dict[str, FieldValue] = {}
    problems: list[Problem] = []
    for fld in form.fields:
        text = located.texts[fld.id]
        if fld.kind.is_text:
            fields[fld.id] = FieldValue(text, text)
            continue
        result = normalise(fld.kind, text, date_hint=located.date_hints.get(fld.id),
                           checked=located.checked.get(fld.id))  # a check box's state
        fields[fld.id] = FieldValue(text, result.value)
        if result.problem:
            problems.append(Problem(fld.id, result.level, result.problem))
    problems.extend(located.problems)
    return Record(
        source=Source(
            file=str(package.path), sha256=package.sha256, size=package.size,
            modified=package.modified, form_id=package.form_id,
        ),
        fields=fields,
        problems=tuple(problems),
        template_name=form.name,
        template_version=form.version,
        extras=located.extras,
    )
