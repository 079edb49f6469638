"""Where an action stands on the as-of date: the rule, at its boundaries."""

from __future__ import annotations

import datetime as dt

from hypothesis import given, settings
from hypothesis import strategies as st

from caseaudit_docx.register.read import ActionDone
from caseaudit_docx.report.action_status import (
    DONE,
    DUE,
    NO_DATE,
    OVERDUE,
    UNREADABLE,
    action_status,
)

AS_OF = dt.date(2020, 5, 10)


def test_due_today_is_due_in_zero_days_and_yesterday_is_overdue_by_one() -> None:
    assert action_status(AS_OF, None, AS_OF).cells() == (DUE, None, None, 0)
    assert action_status(AS_OF - dt.timedelta(days=1), None, AS_OF).cells() == (
        OVERDUE, None, 1, None)


def test_undated_unreadable_and_done() -> None:
    assert action_status(None, None, AS_OF).status == NO_DATE
    assert action_status("  ", None, AS_OF).status == NO_DATE
    assert action_status("tbc", None, AS_OF).status == UNREADABLE
    done = ActionDone(dt.date(2020, 1, 2), "2020-01-02T10:00:00Z")
    assert action_status(AS_OF - dt.timedelta(days=90), done, AS_OF).cells() == (
        DONE, dt.date(2020, 1, 2), None, None)


@settings(deadline=None)
@given(days=st.integers(-2000, 2000))
def test_overdue_exactly_when_the_target_is_before_the_as_of_date(days: int) -> None:
    status = action_status(AS_OF + dt.timedelta(days=days), None, AS_OF)
    if days < 0:
        assert (status.status, status.days_overdue, status.due_in_days) == (OVERDUE, -days, None)
    else:
        assert (status.status, status.days_overdue, status.due_in_days) == (DUE, None, days)


def test_an_action_done_after_the_as_of_date_shows_as_it_stood_then() -> None:
    done = ActionDone(AS_OF + dt.timedelta(days=1), "2020-05-11T10:00:00Z")
    target = AS_OF - dt.timedelta(days=3)
    assert action_status(target, done, AS_OF).cells() == (OVERDUE, None, 3, None)
    assert action_status(target, done, AS_OF + dt.timedelta(days=1)).status == DONE
    on_the_day = ActionDone(AS_OF, "2020-05-10T10:00:00Z")
    assert action_status(target, on_the_day, AS_OF).status == DONE
