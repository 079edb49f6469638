"""``caseaudit action``: record a recommended action as done, or take that back.

Thin Click commands over :mod:`caseaudit_docx.register.actions`, one library call each; the
``caseaudit`` group (:mod:`caseaudit_docx.cli`), which adds this one, turns their errors into
one line.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import click

from caseaudit_docx.cli_dates import day_option
from caseaudit_docx.names import safe_line

if TYPE_CHECKING:
    from caseaudit_docx.model.form import Form


def _forms(ctx: click.Context, param: click.Parameter, values: tuple[str, ...]
           ) -> tuple[Form, ...]:
    from caseaudit_docx.model.description import load_form

    return tuple(load_form(value) for value in values) or (load_form(None),)


def _audit_options(command: Callable[..., None]) -> Callable[..., None]:
    """What ``done`` and ``undone`` share: the case, the action, which audit, the register."""
    options = [
        click.argument("case", metavar="CASE_NUMBER"),
        click.argument("number", type=click.IntRange(min=1), metavar="N"),
        click.option("--auditor", help="The audit's auditor, when the case has several "
                                       "current audits."),
        click.option("--start", metavar="DATE",
                     help="The audit's start date, when the case has several current audits."),
        click.option("--db", type=click.Path(dir_okay=False, path_type=Path),
                     default="caseaudit.db", show_default=True,
                     help="The register (an SQLite file, readable by its owner only)."),
        click.option("--form", "forms", callback=_forms, metavar="FORM", multiple=True,
                     help="The form (a bundled form's name, default case-audit-3.2, or a "
                          "description file), once per version: it numbers the actions."),
    ]
    for option in reversed(options):
        command = option(command)
    return command


@click.group("action")
def action_group() -> None:
    """Record recommended actions as done, or take that back.

    What is recorded is kept through re-ingests and new revisions of the form.

    Example: caseaudit action done CA-10231 3 --on 12/04/2024
    """


@action_group.command()
@_audit_options
@click.option("--on", "on", callback=day_option, metavar="DATE",
              help="The day it was done (default today).")
def done(case: str, number: int, auditor: str | None, start: str | None, db: Path,
         forms: tuple[Form, ...], on: dt.date | None) -> None:
    """Record action N of the current audit of CASE_NUMBER as done.

    Example: caseaudit action done CA-10231 3 --on 12/04/2024 --db audits.db
    """
    from caseaudit_docx.register.actions import mark_done

    click.echo(safe_line(mark_done(db, case, number, on=on, auditor=auditor, start=start,
                                   form=forms).line()))


@action_group.command()
@_audit_options
def undone(case: str, number: int, auditor: str | None, start: str | None, db: Path,
           forms: tuple[Form, ...]) -> None:
    """Take back "action done" for action N of CASE_NUMBER.

    Example: caseaudit action undone CA-10231 3 --db audits.db
    """
    from caseaudit_docx.register.actions import mark_undone

    click.echo(safe_line(mark_undone(db, case, number, auditor=auditor, start=start,
                                     form=forms).line()))
