"""The roles rule: which learned fields are the case, the auditor, the start date, …

With no earlier version to say, roles come from the header labels the vocabulary knows
("Case Number", "Name of Auditor"). An audit needs a case field; when none is recognised the
first field stands in, and a note says so. A check box names nobody and cannot be filled
with text, so it is no role's and not pre-filled.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from typing import Any

from caseaudit_docx.model.form import Field, Roles
from caseaudit_docx.model.matching import label_key

from .vocabulary import Vocabulary


def find_role(fields: Sequence[Field], phrases: Sequence[str]) -> Field | None:
    """The first field whose wording is one of ``phrases`` (exactly, else starting with it)."""
    keys = [(f, label_key(f.question)) for f in fields]
    for phrase in phrases:
        wanted = label_key(phrase)
        found = next((f for f, key in keys if key == wanted), None)
        if found is not None:
            return found
    for phrase in phrases:
        wanted = label_key(phrase)
        found = next((f for f, key in keys if key.startswith(wanted + " ")), None)
        if found is not None:
            return found
    return None


def guess_roles(fields: Sequence[Field], header: str, vocab: Vocabulary
                ) -> tuple[Roles, list[str]]:
    """Roles from the header section's fields (all fields when it has none)."""
    notes: list[str] = []
    values = [f for f in fields if f.kind.type != "checkbox"]
    candidates = [f for f in values if f.section == header] or values
    found: dict[str, str | None] = {}
    for role, phrases in vocab.roles.items():
        hit = find_role(candidates, phrases)
        found[role] = hit.id if hit else None
    case = found.pop("case", None)
    if case is None:
        case = fields[0].id if fields else "case"
        notes.append(f"no field is labelled as the case number; {case!r} stands in as the "
                     f"case (set roles.case in the description)")
    listed: dict[str, tuple[str, ...]] = {
        name: tuple(v for v in (found.get(role) for role in roles) if v)
        for name, roles in vocab.role_lists.items()}
    changes: dict[str, Any] = {**found, **listed}
    roles = Roles(case=case, prefill=tuple(f.id for f in candidates if f.section == header))
    return replace(roles, **changes), notes
