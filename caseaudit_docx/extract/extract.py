"""A filled form in, a record out: open safely, read as a reader sees it, locate, normalise.

This is the one path every returned form takes (``caseaudit extract``, ingest, the round-trip
tests of generation). Field trouble becomes problems in the record; a file that cannot be read
as a case audit form raises a :class:`~caseaudit_docx.errors.CaseAuditError` naming the file.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path

from caseaudit_docx.errors import CaseAuditError
from caseaudit_docx.extract.locate import locate
from caseaudit_docx.files import find_forms
from caseaudit_docx.model.description import load_form
from caseaudit_docx.model.form import Form
from caseaudit_docx.model.normalise import normalise
from caseaudit_docx.model.record import FieldValue, Problem, Record, Source
from caseaudit_docx.oxml.package import DocxPackage, read_package, read_package_bytes
from caseaudit_docx.oxml.text import read_document


def extract_file(path: str | Path, *, form: Form | None = None) -> Record:
    """Read the form at ``path`` (never written to) into a record."""
    form = load_form(form)
    return extract_package(read_package(path), form=form)


def extract_files(
    paths: Iterable[str | Path], *, form: Form | None = None
) -> Iterator[tuple[Path, Record | CaseAuditError]]:
    """Each form with its record, or with the error that stopped it: one bad file never stops
    the batch. A folder stands for every .docx below it (Word's ``~$`` lock files left out);
    a file named on its own is always tried, so a wrong one gets its own error."""
    form = load_form(form)
    for given in paths:
        path = Path(given)
        for found in find_forms([path]).files if path.is_dir() else (path,):
            try:
                yield found, extract_file(found, form=form)
            except CaseAuditError as exc:
                yield found, exc


def extract_bytes(data: bytes, path: str | Path, *, form: Form | None = None) -> Record:
    """Read a form already in memory; ``path`` names it in the record and in errors."""
    form = load_form(form)
    return extract_package(read_package_bytes(data, path), form=form)


def extract_package(package: DocxPackage, *, form: Form | None = None) -> Record:
    form = load_form(form)
    view = read_document(package)
    located = locate(view, form, path=str(package.path))
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
