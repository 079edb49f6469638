"""Where each recommended action stands on the report's ``--as-of`` date.

An action is *done* when the register records it done (``caseaudit action done``) on or
before the as-of date, whatever its target date (a report as of an earlier date shows it as it
stood then); else *overdue* when its target date is before the as-of date, *due* when it is
on or after it; *no target date* when none is written, and *target date unreadable* when what
is written ("tbc", "ASAP") is not a date (the text is kept as typed and flagged). The days
columns say, for an overdue action, how many days overdue it is, and for a due one how many
days are left (0: due on the as-of date itself).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from caseaudit_docx.register.read import ActionDone

__all__ = ["DONE", "DUE", "NO_DATE", "OVERDUE", "STATUS_COLUMNS", "UNREADABLE", "ActionStatus",
           "action_status"]

DONE, OVERDUE, DUE = "done", "overdue", "due"
NO_DATE, UNREADABLE = "no target date", "target date unreadable"
#: The columns the status adds to each row of an actions sheet, in order.
STATUS_COLUMNS = ("status", "done_on", "days_overdue", "due_in_days")


@dataclass(frozen=True)
class ActionStatus:
    status: str
    done_on: dt.date | None = None
    days_overdue: int | None = None
    due_in_days: int | None = None

    def cells(self) -> tuple[Any, ...]:
        return self.status, self.done_on, self.days_overdue, self.due_in_days


def action_status(target: Any, done: ActionDone | None, as_of: dt.date) -> ActionStatus:
    """The status of an action whose target date cell holds ``target`` (a date, the text as
    written when it is not one, or None)."""
    if done is not None and done.on <= as_of:
        return ActionStatus(DONE, done_on=done.on)
    if isinstance(target, dt.date):
        days = (as_of - target).days
        if days > 0:
            return ActionStatus(OVERDUE, days_overdue=days)
        return ActionStatus(DUE, due_in_days=-days)
    if isinstance(target, str) and target.strip():
        return ActionStatus(UNREADABLE)
    return ActionStatus(NO_DATE)
