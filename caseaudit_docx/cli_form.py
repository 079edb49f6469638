"""``caseaudit form``: learn a form description from its blank, show, list and check forms.

Thin Click commands over :mod:`caseaudit_docx.learn.commands`, one library call each; the
``caseaudit`` group (:mod:`caseaudit_docx.cli`), which adds this one, turns their errors into
one line.
"""

from __future__ import annotations

from pathlib import Path

import click

from caseaudit_docx.names import safe_line


@click.group("form")
def form_group() -> None:
    """Learn, show, list and check form descriptions.

    Example: caseaudit form learn council-blank.docx -o our-form.json --based-on case-audit-3.2
    """


@form_group.command()
@click.argument("blank", type=click.Path(dir_okay=False, path_type=Path))
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="Where to write the description (.json).")
@click.option("--based-on", metavar="FORM",
              help="The earlier version (a bundled form's name or a description file): "
                   "matching fields keep its ids, kinds and roles.")
@click.option("--name", help="The form's name (default: the earlier form's, or the title's).")
@click.option("--version", help="The form's version (default: the one the title prints, "
                                "else the earlier form's).")
@click.option("--force", is_flag=True, help="Replace the output file if it exists.")
def learn(blank: Path, output: Path, based_on: str | None, name: str | None,
          version: str | None, force: bool) -> None:
    """Learn a form description from a blank form (.docx or .dotx).

    Prints what it found, then every decision it could not make (review those in the file).

    Example: caseaudit form learn council-blank.docx -o our-form.json --based-on case-audit-3.2
    """
    from caseaudit_docx.learn.commands import learn_to_file

    for line in learn_to_file(blank, output, based_on=based_on, name=name, version=version,
                              force=force):
        click.echo(safe_line(line))


@form_group.command()
@click.argument("form", required=False, metavar="[FORM]")
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table",
              show_default=True, help="An aligned text table, or a JSON list of fields.")
def show(form: str | None, fmt: str) -> None:
    """List a form's fields: id, kind, section, question, column, choices.

    FORM is a bundled form's name or a description file (default: case-audit-3.2).

    Example: caseaudit form show our-form.json --format json
    """
    from caseaudit_docx.learn.commands import show_fields

    click.echo(show_fields(form, fmt=fmt))


@form_group.command("list")
def list_forms() -> None:
    """List the bundled forms, by the name --form accepts.

    Each line: the name, the title and the number of fields.

    Example: caseaudit form list
    """
    from caseaudit_docx.learn.commands import bundled_form_lines

    for line in bundled_form_lines():
        click.echo(line)


@form_group.command()
@click.argument("form", metavar="FORM")
@click.argument("blank", required=False, type=click.Path(dir_okay=False, path_type=Path),
                metavar="[BLANK]")
def check(form: str, blank: Path | None) -> None:
    """Check a form description, and a blank against it.

    A fault in FORM is one line naming where; with BLANK, each row where the blank no longer
    matches FORM is a line naming the row. Exit status 1 when anything is wrong.

    Example: caseaudit form check our-form.json council-blank.docx
    """
    from caseaudit_docx.learn.commands import check_description

    result = check_description(form, blank)
    for message in result.messages:
        click.echo(safe_line(message))
    click.echo(safe_line(result.line), err=not result.ok)
    if not result.ok:
        click.get_current_context().exit(1)
