"""Possible duplicates: two audits of one case and child close in time, or spelt two ways."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from caseaudit_docx.register.duplicates import (
    DUPLICATE_WINDOW_DAYS,
    AuditName,
    duplicate_reason,
    possible_duplicates,
)
from caseaudit_docx.register.store import Register

from .conftest import OTHER_FORM
from .records import make_record

DAY = dt.date(2024, 3, 1)


def _audit(audit_id: int, start: dt.date | str | None, auditor: str = "Jo Example") -> AuditName:
    text = start.isoformat() if isinstance(start, dt.date) else start
    return AuditName(audit_id, "CA-1", auditor, text, f"{audit_id}.docx")


@given(st.integers(min_value=-400, max_value=400))
def test_the_window_is_42_days_either_way(apart: int) -> None:
    first, second = _audit(1, DAY), _audit(2, DAY + dt.timedelta(days=apart))
    found = duplicate_reason(first, second)
    assert (found is not None) == (abs(apart) <= DUPLICATE_WINDOW_DAYS)
    assert duplicate_reason(second, first) == (
        None if found is None else found)  # the same either way round
    if found and apart:
        assert f"started {abs(apart)} day" in found


def test_the_boundaries() -> None:
    edge = DAY + dt.timedelta(days=DUPLICATE_WINDOW_DAYS)
    assert duplicate_reason(_audit(1, DAY), _audit(2, edge))
    assert duplicate_reason(_audit(1, DAY), _audit(2, edge + dt.timedelta(days=1))) is None


def test_an_auditors_spelling_is_named_and_unknown_starts_count_by_spelling() -> None:
    why = duplicate_reason(_audit(1, DAY, "Jo Example"), _audit(2, DAY, "Jo Exmaple"))
    assert why and "'Jo Example' and 'Jo Exmaple'" in why
    # no start dates to compare: the same (unknown) start and a name spelt two ways
    assert duplicate_reason(_audit(1, None, "Jo Example"), _audit(2, None, "Jo Exampel"))
    assert duplicate_reason(_audit(1, None, "Jo Example"), _audit(2, None, "Sam Other")) is None
    assert duplicate_reason(_audit(1, "tbc", "Jo Example"), _audit(2, "tbc", "Jo Example")) \
        is None  # the same audit would have been one: nothing to tell apart
    far = DAY + dt.timedelta(days=200)
    assert duplicate_reason(_audit(1, DAY, "Jo Example"), _audit(2, far, "Jo Exmaple")) is None


def test_possible_duplicates_in_a_register(tmp_path: Path) -> None:
    with Register.open(tmp_path / "r.db") as register:
        for salt, (case, auditor, start, child) in enumerate((
            ("CA-1", "Jo Example", "2024-03-01", "Alex Example"),
            ("CA-1", "Jo Example", "2024-03-20", "Alex Example"),   # 19 days later: one
            ("CA-1", "Jo Example", "2024-09-01", "Alex Example"),   # months later: not
            ("CA-2", "Jo Example", "2024-03-01", "Sam Example"),
            ("CA-2", "Jo Example", "2024-03-02", "Priya Example"),  # another child: not
            ("CA-3", "Jo Example", "2024-03-01", "Kai Example"),
            ("CA-3", "Jo Exampel", "2024-03-01", "Kai Example"),     # spelt two ways: one
        )):
            register.add_record(make_record(case, auditor, start, child_name=child,
                                            salt=str(salt)))
        found = possible_duplicates(register)
    pairs = sorted((d.first.case, d.first.start_date, d.second.start_date) for d in found)
    assert pairs == [("CA-1", "2024-03-01", "2024-03-20"), ("CA-3", "2024-03-01", "2024-03-01")]
    lines = sorted(d.line() for d in found)
    assert lines[0].startswith("possible duplicate audits: CA-1 (auditor Jo Example, start "
                               "01/03/2024, returned/CA-1.docx) and CA-1")
    assert "started 19 days apart" in lines[0]
    assert "auditor spelt" in lines[1]


def test_a_form_without_a_child_role_compares_the_case(tmp_path: Path) -> None:
    from caseaudit_docx.model.description import load_form


    other = load_form(OTHER_FORM)
    assert other.roles.child is None
    with Register.open(tmp_path / "r.db") as register:
        for salt, start in enumerate(("2024-03-01", "2024-03-05")):
            register.add_record(make_record("NB-1", "Jo Reviewer", start, salt=str(salt)))
        assert len(possible_duplicates(register, other)) == 1


def test_history_names_the_cases_possible_duplicates(tmp_path: Path) -> None:
    from caseaudit_docx.register.read import history_lines

    db = tmp_path / "r.db"
    with Register.open(db) as register:
        for salt, start in enumerate(("2024-03-01", "2024-03-08")):
            register.add_record(make_record("CA-1", "Jo Example", start, salt=str(salt)))
        register.add_record(make_record("CA-2", "Jo Example", "2024-03-01", salt="x"))
    lines = history_lines(db, "CA-1")
    assert lines[-1].startswith("possible duplicate audits: CA-1 (auditor Jo Example, start "
                                "01/03/2024") and "started 7 days apart" in lines[-1]
    assert not any(line.startswith("possible") for line in history_lines(db, "CA-2"))
