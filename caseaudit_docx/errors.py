"""The one exception tree of caseaudit-docx.

Every error a user can cause (a bad file, a wrong option, an unreadable case list) is raised as a
subclass of :class:`CaseAuditError` with a message written for that user. The CLI catches only
the root, prints one line and exits with the error's ``exit_code``. Trouble with a single field of
a form is never an exception: it is a problem in the record.
"""

from __future__ import annotations

from pathlib import Path


class CaseAuditError(Exception):
    """Base of every error caseaudit-docx raises on purpose."""

    exit_code = 1

    def __init__(self, message: str, *, path: str | Path | None = None) -> None:
        self.message = message
        self.path = str(path) if path is not None else None
        super().__init__(self.__str__())

    def __str__(self) -> str:
        return f"{self.path}: {self.message}" if self.path else self.message


class NotAFormError(CaseAuditError):
    """The file is not a .docx case audit form (a .doc, a PDF, a lock file, another document)."""


class UnsafeFileError(NotAFormError):
    """The file looks hostile or broken: a zip bomb, a DTD or entity, an oversized part."""


class InputError(CaseAuditError):
    """A file the user gave (a case list, a template) cannot be used as asked."""


class OutputError(CaseAuditError):
    """An output cannot be written (it exists, or the folder is not writable)."""


class RegisterError(CaseAuditError):
    """The SQLite register cannot be opened or is not a caseaudit register."""


class FormError(CaseAuditError):
    """A form description cannot be used: not found, not valid, or not matching its blank."""


class NoAuditsMatchError(InputError):
    """A report's filters (team, category, dates) match no audit in the register: an error
    naming what the register holds, not an empty workbook."""


class FilterUsageError(InputError):
    """Filters that cannot match anything as written (``--from`` after ``--to``): a usage
    error, as the command line reports one."""

    exit_code = 2
