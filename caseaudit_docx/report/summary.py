"""Completion and Moderation: the sheets of figures beside the Summary.

The figures are gathered by :class:`~caseaudit_docx.report.stats.Stats` while the audits
stream past; these sheets are written at the end. The Summary itself is the briefing
(:mod:`caseaudit_docx.report.briefing`, :mod:`caseaudit_docx.report.briefing_sheet`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from caseaudit_docx.register.read import AllocationRow
from caseaudit_docx.report.cells import Col, Sheet
from caseaudit_docx.report.sheets import field_col, iso_date
from caseaudit_docx.report.stats import NOT_CLEAR, Stats, mean

__all__ = ["NOT_RETURNED", "Stats", "write_completion",
           "write_moderation"]

#: Allocations not yet returned: the Completion measure, and (capitalised) the table that
#: lists them. (Not a grade, whatever a form's grades are called.)
NOT_RETURNED = "not yet returned"

def _identity_cols(stats: Stats, *, dated: bool) -> list[Col]:
    """The case and the auditor (and the start date) as the figures' tables head them."""
    roles, plan = stats.form.roles, stats.plan
    cols = [field_col(plan, f, 16 if f == roles.auditor else 14) for f in stats.key_fields]
    if dated and roles.start_date:
        cols.append(Col(roles.start_date, 14, "date"))
    return [Col(c.name, c.width) if c.look in ("wrap", "grade") else c for c in cols]


def write_completion(sheet: Sheet, stats: Stats, allocations: Sequence[AllocationRow],
                     as_of: dt.date, *, scope: str = "") -> None:
    """Audits sent out against those returned, and how complete each returned form is.
    ``scope`` ("all teams", :func:`~caseaudit_docx.report.briefing.allocation_scope`) labels
    the allocations' figures when the audits are filtered by what an allocation does not
    record."""
    outstanding = [a for a in allocations if not a.returned]
    shares = [row[-2] for row in stats.answered]
    wider = f" ({scope})" if scope else ""
    totals = [
        (f"allocated (caseaudit generate --db){wider}", len(allocations)),
        (f"returned{wider}", len(allocations) - len(outstanding)),
        (f"{NOT_RETURNED}{wider}", len(outstanding)),
        ("forms in this report", stats.audits),
        ("forms with every question answered", sum(1 for s in shares if s == 1)),
        ("average share of questions answered", mean([s for s in shares if s is not None])),
    ]
    roles = stats.form.roles
    outstanding_rows = []
    for a in outstanding:
        sent = dt.date.fromisoformat(a.generated_at[:10])
        identity = [a.case, *([a.auditor] if roles.auditor else []),
                    *([iso_date(a.start_date)] if roles.start_date else [])]
        outstanding_rows.append((*identity, a.file_name, sent, (as_of - sent).days))
    heads = _identity_cols(stats, dated=True)
    sheet.side_by_side([
        ("Completion", [Col("measure", 36), Col("value", 10, "decimal")], totals),
        ("NotReturned", [*heads, Col("file_name", 24), Col("allocated_on", 13),
                         Col("days_since_allocation", 12)], outstanding_rows),
        ("Answered", [Col("audit_id", 9), *heads, Col("answered", 10), Col("questions", 10),
                      Col("answered_share", 10, "percent"), Col("unanswered", 60, "wrap")],
         stats.answered),
    ])


def write_moderation(sheet: Sheet, stats: Stats) -> None:
    """How many audits went to the panel, and in how many the panel changed the grade."""
    panel, roles = stats.form.report.panel, stats.form.roles
    totals = [("audits in this report", stats.audits),
              ("went to the moderation panel", len(stats.moderated)),
              ("panel changed the grade", stats.changed[True]),
              ("panel kept the grade", stats.changed[False]),
              (f"{NOT_CLEAR} from the form", stats.changed[None])]
    cols = [Col("audit_id", 9), *_identity_cols(stats, dated=False),
            *(Col(f, 16) for f in (roles.team,) if f),
            *((Col(roles.overall, 16, "grade"),) if roles.overall else ())]
    changed = Col("panel_changed_grade", 12)
    for field_id in panel.columns if panel else ():
        kind = stats.form.kind_of(field_id)
        if field_id == (panel.changed if panel else None):
            cols += [Col(field_id, 30, "wrap"), changed]
        elif kind.is_text:
            cols.append(Col(field_id, 40, "wrap"))
        else:
            cols.append(Col(field_id, 14 if kind.type == "date" else 10))
    if panel is not None and panel.changed not in panel.columns:
        cols.append(changed)
    sheet.side_by_side([
        ("ModerationTotals", [Col("measure", 30), Col("value", 9)], totals),
        ("Moderation", cols, stats.moderated),
    ])
