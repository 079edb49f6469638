"""caseaudit-docx: read, pre-fill and collate children's services case audit forms in Word.

The public Python API. A form is data (a description file; the v3.2 form is bundled), and every
function takes the form it is given (``form=``: a bundled name such as ``"case-audit-3.2"``, a
description file's path, or a :class:`Form`; default the bundled v3.2)::

    import caseaudit_docx as ca

    record = ca.extract_file("returned/CA-10231.docx")          # one form -> a record
    record.value("q1.score"), record.problems
    summary = ca.ingest(["returned/"], "audits.db")             # folders -> the register
    ca.write_report("audits.db", "audits.xlsx")                 # register -> the workbook
    ca.collate(["returned/"], "audits.xlsx", form="mine.json")  # both, with another form

Names are imported when first used, so ``import caseaudit_docx`` stays cheap for the command
line and for worker processes.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

__version__ = "0.2.0"

#: Public name -> the module that defines it.
_WHERE = {
    # the form as data
    "Form": "caseaudit_docx.model.form",
    "Field": "caseaudit_docx.model.form",
    "Kind": "caseaudit_docx.model.kinds",
    "Option": "caseaudit_docx.model.kinds",
    "load_form": "caseaudit_docx.model.description",
    "bundled_form": "caseaudit_docx.model.description",
    "bundled_form_names": "caseaudit_docx.model.description",
    "form_from_json": "caseaudit_docx.model.description",
    "form_to_json": "caseaudit_docx.model.description",
    "normalise": "caseaudit_docx.model.normalise",
    "Record": "caseaudit_docx.model.record",
    "FieldValue": "caseaudit_docx.model.record",
    "Problem": "caseaudit_docx.model.record",
    # learning a form from its blank
    "learn_form": "caseaudit_docx.learn",
    "Learned": "caseaudit_docx.learn",
    "check_blank": "caseaudit_docx.learn",
    "describe_fields": "caseaudit_docx.learn",
    # reading returned forms
    "extract_file": "caseaudit_docx.extract.extract",
    "extract_bytes": "caseaudit_docx.extract.extract",
    "extract_files": "caseaudit_docx.extract.extract",
    # pre-filled and blank forms
    "generate_forms": "caseaudit_docx.generate.generate",
    "build_template": "caseaudit_docx.generate.template",
    "write_template": "caseaudit_docx.generate.template",
    "read_case_list": "caseaudit_docx.generate.caselist",
    # the register and the report
    "ingest": "caseaudit_docx.register.ingest",
    "IngestSummary": "caseaudit_docx.register.ingest",
    "Register": "caseaudit_docx.register.store",
    "read_history": "caseaudit_docx.register.read",
    "ReportFilter": "caseaudit_docx.register.read",
    "possible_duplicates": "caseaudit_docx.register.read",
    "PossibleDuplicate": "caseaudit_docx.register.read",
    "actions_done": "caseaudit_docx.register.read",
    "ActionDone": "caseaudit_docx.register.read",
    "mark_done": "caseaudit_docx.register.actions",
    "mark_undone": "caseaudit_docx.register.actions",
    "ActionMarked": "caseaudit_docx.register.actions",
    "write_report": "caseaudit_docx.report.workbook",
    "ReportSummary": "caseaudit_docx.report.workbook",
    "write_html_report": "caseaudit_docx.report.html",
    "HtmlSummary": "caseaudit_docx.report.html",
    "write_outputs": "caseaudit_docx.report.outputs",
    "check_marking": "caseaudit_docx.report.marking",
    "collate": "caseaudit_docx.report.collate",
    # errors
    "CaseAuditError": "caseaudit_docx.errors",
    "FormError": "caseaudit_docx.errors",
    "NotAFormError": "caseaudit_docx.errors",
    "UnsafeFileError": "caseaudit_docx.errors",
    "InputError": "caseaudit_docx.errors",
    "OutputError": "caseaudit_docx.errors",
    "RegisterError": "caseaudit_docx.errors",
    "NoAuditsMatchError": "caseaudit_docx.errors",
    "FilterUsageError": "caseaudit_docx.errors",
}

__all__ = ["__version__", *_WHERE]


def __getattr__(name: str) -> Any:
    """Import a public name from its module on first use (PEP 562)."""
    module = _WHERE.get(name)
    if module is None:
        raise AttributeError(f"module 'caseaudit_docx' has no attribute {name!r}")
    value = getattr(import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(__all__)


if TYPE_CHECKING:  # for type checkers and editors: the same names, imported eagerly
    from caseaudit_docx.errors import (
        CaseAuditError,
        FilterUsageError,
        FormError,
        InputError,
        NoAuditsMatchError,
        NotAFormError,
        OutputError,
        RegisterError,
        UnsafeFileError,
    )
    from caseaudit_docx.extract.extract import extract_bytes, extract_file, extract_files
    from caseaudit_docx.generate.caselist import read_case_list
    from caseaudit_docx.generate.generate import generate_forms
    from caseaudit_docx.generate.template import build_template, write_template
    from caseaudit_docx.learn import Learned, check_blank, describe_fields, learn_form
    from caseaudit_docx.model.description import (
        bundled_form,
        bundled_form_names,
        form_from_json,
        form_to_json,
        load_form,
    )
    from caseaudit_docx.model.form import Field, Form
    from caseaudit_docx.model.kinds import Kind, Option
    from caseaudit_docx.model.normalise import normalise
    from caseaudit_docx.model.record import FieldValue, Problem, Record
    from caseaudit_docx.register.actions import ActionMarked, mark_done, mark_undone
    from caseaudit_docx.register.ingest import IngestSummary, ingest
    from caseaudit_docx.register.read import (
        ActionDone,
        PossibleDuplicate,
        ReportFilter,
        actions_done,
        possible_duplicates,
        read_history,
    )
    from caseaudit_docx.register.store import Register
    from caseaudit_docx.report.collate import collate
    from caseaudit_docx.report.html import HtmlSummary, write_html_report
    from caseaudit_docx.report.marking import check_marking
    from caseaudit_docx.report.outputs import write_outputs
    from caseaudit_docx.report.workbook import ReportSummary, write_report
