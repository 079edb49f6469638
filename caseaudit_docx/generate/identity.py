"""Each generated form's identity: a form id of its own and the time it was made.

The id ties a returned form to its audit whatever its case number, auditor or start date
become (a corrected start date is a new revision of the same audit, not a second audit). It
lives in a custom document property that Word and LibreOffice keep on save
(:mod:`caseaudit_docx.oxml.properties`); the generation time becomes the form's created and
modified dates, so a form made today does not claim the template's 2019.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from caseaudit_docx.oxml.properties import new_form_id


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(microsecond=0)


@dataclass(frozen=True)
class FormIdentity:
    """What makes one generated form itself: its id (a UUID) and when it was made (UTC)."""

    form_id: str = field(default_factory=new_form_id)
    generated_at: dt.datetime = field(default_factory=_now)

    @property
    def generated_iso(self) -> str:
        """The generation time as the register writes times ("2024-03-01T09:30:00Z")."""
        return self.generated_at.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def new_identity(when: dt.datetime | None = None) -> FormIdentity:
    """A fresh identity for a form made at ``when`` (default now)."""
    return FormIdentity(generated_at=when) if when is not None else FormIdentity()
