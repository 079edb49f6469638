"""The ``caseaudit`` command: a thin layer of Click over the library.

Each command parses its options and makes one library call. Errors the user can cause arrive as
:class:`~caseaudit_docx.errors.CaseAuditError`; the group turns them into one line on stderr and
the error's exit code (1), while Click itself uses 2 for usage errors. Nothing here prints a
traceback for a user's mistake.
"""

from __future__ import annotations

import json
from pathlib import Path

import click

from . import __version__
from .errors import CaseAuditError
from .form_v32 import DEFAULT_COUNCIL


class _Group(click.Group):
    """A command group that reports our own errors as one line and an exit code."""

    def invoke(self, ctx: click.Context) -> object:
        try:
            return super().invoke(ctx)
        except CaseAuditError as exc:
            click.echo(f"caseaudit: {exc}", err=True)
            ctx.exit(exc.exit_code)


@click.group(cls=_Group)
@click.version_option(__version__, prog_name="caseaudit")
def cli() -> None:
    """Read, pre-fill and collate the children's services case audit form (v3.2) in Word."""


@cli.command()
@click.option(
    "-o", "--output", required=True, type=click.Path(dir_okay=False, path_type=Path),
    help="Where to write the blank form (.docx).",
)
@click.option("--untagged", is_flag=True,
              help="Leave out control tags and titles, like the council's own copies.")
@click.option("--council", default=DEFAULT_COUNCIL, show_default=True,
              help="Council name in the parents' introductory script.")
@click.option("--council-variable", is_flag=True,
              help="Write the docxtpl variable for the council name instead (docx_templates/).")
@click.option("--force", is_flag=True, help="Replace the output file if it exists.")
def template(output: Path, untagged: bool, council: str, council_variable: bool, force: bool) -> None:
    """Write the blank case audit form.

    Example: caseaudit template -o blank.docx
    """
    from .template import write_template

    written = write_template(
        output, tagged=not untagged, council=None if council_variable else council, force=force
    )
    click.echo(f"Wrote {written}")


@cli.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--format", "fmt", type=click.Choice(["json", "jsonl"]), default="json",
              show_default=True, help="One pretty JSON document, or one record per line.")
@click.option("--problems", is_flag=True,
              help="Print only the problems, one line each: file, field, level, message.")
def extract(files: tuple[Path, ...], fmt: str, problems: bool) -> None:
    """Read filled forms into records (JSON, as docs/fields.md shows).

    Exit status 0 when every file was read, 1 when any failed (the others are still printed).

    Example: caseaudit extract returned/1234.docx --format jsonl
    """
    from .extract import extract_files

    records = []
    failed = 0
    for path, result in extract_files(files):
        if isinstance(result, CaseAuditError):
            failed += 1
            click.echo(f"caseaudit: {result}", err=True)
        elif problems:
            for problem in result.problems:
                click.echo(f"{path}: {problem}")
        elif fmt == "jsonl":
            click.echo(json.dumps(result.to_dict(), ensure_ascii=False))
        else:
            records.append(result.to_dict())
    if not problems and fmt == "json" and records:
        click.echo(json.dumps(records[0] if len(files) == 1 else records, ensure_ascii=False,
                              indent=2))
    if failed:
        click.get_current_context().exit(1)


def main() -> None:
    """Console-script entry point."""
    cli(prog_name="caseaudit")
