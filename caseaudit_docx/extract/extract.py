"""A filled form in, a record out: open safely, read as a reader sees it, locate, normalise.

This is the one path every returned form takes (``caseaudit extract``, ingest, the round-trip
tests of generation). Field trouble becomes problems in the record; a file that cannot be read
as a case audit form raises a :class:`~caseaudit_docx.errors.CaseAuditError` naming the file.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path

from caseaudit_docx.files import find_forms
from caseaudit_docx.errors import CaseAuditError
from caseaudit_docx.model.form import Form, Kind
from caseaudit_docx.model.form_v32 import FORM
from caseaudit_docx.extract.locate import locate
from caseaudit_docx.model.normalise import normalise
from caseaudit_docx.oxml.package import DocxPackage, read_package, read_package_bytes
from caseaudit_docx.oxml.text import read_document
from caseaudit_docx.model.record import FieldValue, Problem, Record, Source


def extract_file(path: str | Path, *, form: Form = FORM) -> Record:
    """Read the form at ``path`` (never written to) into a record."""
    return extract_package(read_package(path), form=form)


def extract_files(
    paths: Iterable[str | Path], *, form: Form = FORM
) -> Iterator[tuple[Path, Record | CaseAuditError]]:
    """Each form with its record, or with the error that stopped it: one bad file never stops
    the batch. A folder stands for every .docx below it (Word's ``~$`` lock files left out);
    a file named on its own is always tried, so a wrong one gets its own error."""
    for given in paths:
        path = Path(given)
        for found in find_forms([path]).files if path.is_dir() else (path,):
            try:
                yield found, extract_file(found, form=form)
            except CaseAuditError as exc:
                yield found, exc


def extract_bytes(data: bytes, path: str | Path, *, form: Form = FORM) -> Record:
    """Read a form already in memory; ``path`` names it in the record and in errors."""
    return extract_package(read_package_bytes(data, path), form=form)


def extract_package(package: DocxPackage, *, form: Form = FORM) -> Record:
    view = read_document(package)
    located = locate(view, form, path=str(package.path))
    fields: dict[str, FieldValue] = {}
    problems: list[Problem] = []
    for fld in form.fields:
        text = located.texts[fld.id]
        if fld.kind is Kind.TEXT:
            fields[fld.id] = FieldValue(text, text)
            continue
        result = normalise(fld.kind.value, text, date_hint=located.date_hints.get(fld.id))
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
