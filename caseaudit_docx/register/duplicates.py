"""Possible duplicates: two audits that are probably one, to be looked at, never merged.

An audit is known by its form id, else by its case, auditor and start date, so one piece of
work can still be filed twice: a council's copy whose start date was corrected, a form
generated twice, an auditor's name spelt two ways. Two current audits of the same case and
the same child (the form's roles) are possible duplicates when they started within
:data:`DUPLICATE_WINDOW_DAYS` of each other, or when they differ only by the spelling of the
auditor's name (judged by the project's one similarity rule, :func:`caseaudit_docx.model.
matching.alike`). A form without a child role compares the case alone.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from itertools import combinations

from caseaudit_docx.model.description import load_form
from caseaudit_docx.model.form import Form
from caseaudit_docx.model.matching import alike, label_key
from caseaudit_docx.register.identity import DUPLICATE_WINDOW_DAYS
from caseaudit_docx.register.store import Register

__all__ = ["DUPLICATE_WINDOW_DAYS", "AuditName", "PossibleDuplicate", "duplicate_reason",
           "possible_duplicates"]



@dataclass(frozen=True)
class AuditName:
    """An audit as a person would name it: its identity, and the file of its current revision."""

    audit_id: int
    case: str
    auditor: str | None
    start_date: str | None  # ISO when it read as a date, else as written
    file: str

    def describe(self, *, file: bool = True) -> str:
        """The audit in words; ``file=False`` names it by its audit id instead of its file,
        whose name often carries the child's (a redacted report)."""
        where = self.file if file else f"audit_id {self.audit_id}"
        return (f"{self.case} (auditor {self.auditor or '(none)'}, start "
                f"{_uk(self.start_date) or '(none)'}, {where})")


@dataclass(frozen=True)
class PossibleDuplicate:
    """Two audits that are possibly one, and why."""

    first: AuditName
    second: AuditName
    why: str

    def line(self, *, files: bool = True) -> str:
        """One line naming both audits and why they may be one (``files=False``: by audit id,
        not by file name)."""
        return (f"possible duplicate audits: {self.first.describe(file=files)} and "
                f"{self.second.describe(file=files)}: {self.why}")


def _uk(start: str | None) -> str | None:
    """An ISO date as forms write it (04/03/2024); anything else as it is."""
    day = _date(start)
    return day.strftime("%d/%m/%Y") if day else start


def _date(text: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat(text) if text else None
    except ValueError:
        return None


def _spelling(a: str | None, b: str | None) -> bool:
    """Whether two auditors' names are one name spelt two ways (not the same, but alike)."""
    key_a, key_b = label_key(a or ""), label_key(b or "")
    if not key_a or not key_b:
        return False
    return (key_a != key_b and alike(key_a, key_b)) or (key_a == key_b and a != b)


def duplicate_reason(first: AuditName, second: AuditName) -> str | None:
    """Why two audits of the same case and child may be one, or None when they are not
    (:data:`DUPLICATE_WINDOW_DAYS`, or the same start and the auditor spelt two ways)."""
    spelt = _spelling(first.auditor, second.auditor)
    day_a, day_b = _date(first.start_date), _date(second.start_date)
    reasons = []
    if day_a and day_b and abs((day_a - day_b).days) <= DUPLICATE_WINDOW_DAYS:
        apart = abs((day_a - day_b).days)
        reasons.append("the same case and child, started the same day" if apart == 0 else
                       f"the same case and child, started {apart} day{'s' * (apart != 1)} "
                       f"apart (within {DUPLICATE_WINDOW_DAYS})")
    elif spelt and (first.start_date or "") == (second.start_date or ""):
        reasons.append("the same case and child and start")
    else:
        return None
    if spelt:
        reasons.append(f"the auditor spelt {first.auditor!r} and {second.auditor!r}")
    return "; ".join(reasons)


def _children(register: Register, field_id: str | None) -> dict[int, str]:
    """The child's name (as compared) of each current audit, by audit id."""
    if not field_id:
        return {}
    out = {}
    for audit_id, text in register.conn.execute(
        "SELECT a.id, fv.text FROM audits a JOIN field_values fv"
        " ON fv.revision_id = a.current_revision_id AND fv.field_id = ?", (field_id,)):
        out[int(audit_id)] = label_key(text or "")
    return out


def possible_duplicates(register: Register, form: Form | None = None) -> list[PossibleDuplicate]:
    """Pairs of current audits that are possibly one audit filed twice, by case then date.

    ``form``'s roles say which field is the child's; an audit whose child is blank is
    compared by its case alone.
    """
    form = load_form(form)
    by_case: dict[str, list[AuditName]] = defaultdict(list)
    for audit_id, case_key, case, auditor, start, path in register.conn.execute(
        "SELECT a.id, a.case_key, a.case_text, a.auditor_text, a.start_key, f.path"
        " FROM audits a JOIN revisions r ON r.id = a.current_revision_id"
        " JOIN files f ON f.id = r.file_id ORDER BY a.start_key, a.id"):
        by_case[case_key.casefold()].append(
            AuditName(int(audit_id), case, auditor, start or None, path))
    children = _children(register, form.roles.child)
    found = []
    for audits in by_case.values():
        for first, second in combinations(audits, 2):
            child_a, child_b = children.get(first.audit_id), children.get(second.audit_id)
            if child_a and child_b and child_a != child_b:
                continue
            why = duplicate_reason(first, second)
            if why:
                found.append(PossibleDuplicate(first, second, why))
    return found
