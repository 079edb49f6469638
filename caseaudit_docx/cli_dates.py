"""Date options of the ``caseaudit`` commands, read the way the forms' dates are read.

One rule for every command's date option (``--from``, ``--to``, ``--as-of``, ``action done
--on``): any writing a form's date field accepts (12/03/2019, 2019-03-12, 12 March 2019), and
a usage error naming the value otherwise.
"""

from __future__ import annotations

import datetime as dt

import click

__all__ = ["day_option", "iso_date_option"]


def iso_date_option(ctx: click.Context, param: click.Parameter, value: str | None
                    ) -> str | None:
    """A Click callback: the option's date as ISO text (None when not given)."""
    if value is None:
        return None
    from caseaudit_docx.model.kinds import DATE
    from caseaudit_docx.model.normalise import NA, normalise

    found = normalise(DATE, value).value
    if not isinstance(found, str) or found == NA:
        raise click.BadParameter(f"{value!r} is not a date (try 2019-03-12 or 12/03/2019)",
                                 ctx=ctx, param=param)
    return found


def day_option(ctx: click.Context, param: click.Parameter, value: str | None
               ) -> dt.date | None:
    """A Click callback: the option's date as a date (None when not given)."""
    found = iso_date_option(ctx, param, value)
    return dt.date.fromisoformat(found) if found else None
