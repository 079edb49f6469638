"""A filled form in, a record out: open safely, read as a reader sees it, locate, normalise.

This is the one path every returned form takes (``caseaudit extract``, ingest, the round-trip
tests of generation). Field trouble becomes problems in the record; a file that cannot be read
as a case audit form raises a :class:`~caseaudit_docx.errors.CaseAuditError` naming the file.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path

from caseaudit_docx.errors import CaseAuditError
from caseaudit_docx.extract.locate import Located, locate
from caseaudit_docx.files import find_forms
from caseaudit_docx.model.description import load_form
from caseaudit_docx.model.form import Form
from caseaudit_docx.model.normalise import normalise
from caseaudit_docx.model.record import FieldValue, Problem, Record, Source
from caseaudit_docx.oxml.package import DocxPackage, read_package, read_package_bytes
from caseaudit_docx.oxml.text import read_document


def extract_file(path: str | Path, *, form: Form | None = None,
                 forms: Sequence[Form] | None = None) -> Record:
    """Read the form at ``path`` (never written to) into a record.

    With ``forms``, the document is read by the one it fits best
    (:mod:`caseaudit_docx.extract.choose`); else by ``form`` (default the bundled one).
    """
    return extract_package(read_package(path), form=form, forms=forms)


def extract_files(
    paths: Iterable[str | Path], *, form: Form | None = None,
    forms: Sequence[Form] | None = None,
) -> Iterator[tuple[Path, Record | CaseAuditError]]:
    """Each form with its record, or with the error that stopped it: one bad file never stops
    the batch. A folder stands for every .docx below it (Word's ``~$`` lock files left out);
    a file named on its own is always tried, so a wrong one gets its own error."""
    form = load_form(form) if not forms else None
    for given in paths:
        path = Path(given)
        for found in find_forms([path]).files if path.is_dir() else (path,):
            try:
                yield found, extract_file(found, form=form, forms=forms)
            except CaseAuditError as exc:
                yield found, exc


def extract_bytes(data: bytes, path: str | Path, *, form: Form | None = None,
                  forms: Sequence[Form] | None = None) -> Record:
    """Read a form already in memory; ``path`` names it in the record and in errors."""
    return extract_package(read_package_bytes(data, path), form=form, forms=forms)


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
            modified=package.modified,
        ),
        fields=fields,
        problems=tuple(problems),
        template_name=form.name,
        template_version=form.version,
        extras=located.extras,
    )
