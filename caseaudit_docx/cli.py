"""The ``caseaudit`` command: a thin layer of Click over the library.

Each command parses its options and makes one library call. Errors the user can cause arrive as
:class:`~caseaudit_docx.errors.CaseAuditError`; the group turns them into one line on stderr and
the error's exit code (1), while Click itself uses 2 for usage errors. Nothing here prints a
traceback for a user's mistake.
"""

from __future__ import annotations

import datetime as dt
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import click

from caseaudit_docx import __version__
from caseaudit_docx.cli_action import action_group
from caseaudit_docx.cli_dates import day_option, iso_date_option
from caseaudit_docx.cli_form import form_group
from caseaudit_docx.errors import CaseAuditError
from caseaudit_docx.generate.filenames import DEFAULT_PATTERN
from caseaudit_docx.names import safe_line, safe_name

if TYPE_CHECKING:
    from caseaudit_docx.model.form import Form
    from caseaudit_docx.register.ingest import IngestSummary
    from caseaudit_docx.register.read import ReportFilter


def _say(text: str, *, err: bool = False) -> None:
    """Print a message that may name a path: one line, whatever bytes the name holds
    (control characters and bytes that are not UTF-8 escaped, :mod:`caseaudit_docx.names`)."""
    click.echo(safe_line(text), err=err)


class _Group(click.Group):
    """A command group that reports our own errors as one line and an exit code."""

    def invoke(self, ctx: click.Context) -> object:
        try:
            return super().invoke(ctx)
        except CaseAuditError as exc:
            _say(f"caseaudit: {exc}", err=True)
            ctx.exit(exc.exit_code)


def _form(ctx: click.Context, param: click.Parameter, value: str | None) -> Form:
    """--form: a bundled form's name or a description file, loaded (a bad one is a one-line
    :class:`~caseaudit_docx.errors.FormError`, reported by the group)."""
    from caseaudit_docx.model.description import load_form

    return load_form(value)


_FORM_OPTION = click.option(
    "--form", "form", callback=_form, metavar="FORM", expose_value=True,
    help="The form: a bundled form's name (default case-audit-3.2) or a description file.")

_JOBS_OPTION = click.option(
    "--jobs", "jobs", type=click.IntRange(min=1), metavar="N",
    help="Worker processes (default: one per CPU core; 1 works in this process).")


def _forms(ctx: click.Context, param: click.Parameter, values: tuple[str, ...]
           ) -> tuple[Form, ...]:
    """--form given once or more (the versions of a form), each loaded as :func:`_form` does;
    none given is the default form."""
    from caseaudit_docx.model.description import load_form

    return tuple(load_form(value) for value in values) or (load_form(None),)


_FORMS_OPTION = click.option(
    "--form", "forms", callback=_forms, metavar="FORM", multiple=True,
    help="The form: a bundled form's name (default case-audit-3.2) or a description file. "
         "Give it once per version of the form: each document is read by the one it fits "
         "best.")


@click.group(cls=_Group)
@click.version_option(__version__, prog_name="caseaudit")
def cli() -> None:
    """Read, pre-fill and collate children's services case audit forms in Word."""


cli.add_command(form_group)
cli.add_command(action_group)


_LOGO_OPTION = click.option(
    "--logo", type=click.Path(dir_okay=False, path_type=Path), metavar="IMAGE",
    help="The council's logo (PNG or JPEG), put in the page header in place of the logo box.")


@cli.command()
@click.option(
    "-o", "--output", required=True, type=click.Path(dir_okay=False, path_type=Path),
    help="Where to write the blank form (.docx).",
)
@click.option("--untagged", is_flag=True,
              help="Leave out control tags and titles, like the council's own copies.")
@click.option("--council", default="",
              help="Council name printed on the form (default: the form's own).")
@click.option("--council-variable", is_flag=True,
              help="Write the docxtpl variable for the council name instead "
                   "(caseaudit_docx/templates/).")
@click.option("--plain", is_flag=True,
              help="Every answer a plain text box, as in the council's own copies (default: "
                   "drop-down lists for choices, date pickers for dates).")
@_LOGO_OPTION
@click.option("--force", is_flag=True, help="Replace the output file if it exists.")
@_FORM_OPTION
def template(output: Path, untagged: bool, council: str, council_variable: bool, plain: bool,
             logo: Path | None, force: bool, form: Form) -> None:
    """Write the blank case audit form.

    Example: caseaudit template -o blank.docx
    """
    from caseaudit_docx.generate.template import write_template

    written = write_template(
        output, tagged=not untagged, council=None if council_variable else council, force=force,
        form=form, plain=plain, logo=logo,
    )
    click.echo(f"Wrote {safe_name(written)}")


@cli.command()
@click.argument("files", nargs=-1, required=True, metavar="FILE_OR_FOLDER...",
                type=click.Path(path_type=Path))
@click.option("--format", "fmt", type=click.Choice(["json", "jsonl"]), default="json",
              show_default=True, help="One pretty JSON document, or one record per line.")
@click.option("--problems", is_flag=True,
              help="Print only the problems, one line each: file, field, level, message.")
@_FORM_OPTION
@_JOBS_OPTION
def extract(files: tuple[Path, ...], fmt: str, problems: bool, form: Form,
            jobs: int | None) -> None:
    """Read filled forms into records (JSON, as docs/fields.md shows).

    A folder stands for every file below it: .docx and .docm forms are read (.doc and .odt
    ones converted when LibreOffice is installed); every other file is named on stderr with
    what to do about it, as is a path that does not exist or a folder that cannot be read or
    holds nothing. Word's lock files (~$...) are skipped. Exit status 0 when every file was
    read, 1 when any failed or was not a form (the others are still printed).

    Example: caseaudit extract returned/1234.docx --format jsonl
    """
    from caseaudit_docx.extract.output import extract_output

    failed = False
    for line in extract_output(files, form=form, fmt=fmt, problems=problems, jobs=jobs):
        click.echo(safe_line(line.text) if line.error else line.text, err=line.error)
        failed = failed or line.error
    if failed:
        click.get_current_context().exit(1)


def _pairs(ctx: click.Context, param: click.Parameter, items: tuple[str, ...]) -> dict[str, str]:
    """NAME=VALUE options (--set, --map) as a dict; a missing "=" is a usage error."""
    out: dict[str, str] = {}
    for item in items:
        key, sep, value = item.partition("=")
        if not sep or not key.strip():
            raise click.BadParameter(f"{item!r} should be NAME=VALUE", ctx=ctx, param=param)
        out[key.strip()] = value
    return out


class _TerminalProgress:
    """A progress bar on stderr when it is a terminal; opened on the first report, when the
    number of forms is known, and closed when the ``with`` block ends, however it ends."""

    def __init__(self, label: str) -> None:
        self.label = label
        self.bar: object | None = None
        self.enabled = sys.stderr.isatty()

    def __enter__(self) -> _TerminalProgress:
        return self

    def __exit__(self, *exc_info: object) -> None:
        if self.bar is not None:
            self.bar.__exit__(None, None, None)  # type: ignore[attr-defined]

    def __call__(self, done: int, total: int) -> None:
        if not self.enabled:
            return
        if self.bar is None:
            self.bar = click.progressbar(length=total, label=self.label, file=sys.stderr)
            self.bar.__enter__()
        self.bar.update(done - self.bar.pos)  # type: ignore[attr-defined]


def _echo_not_read(summary: IngestSummary) -> None:
    """Forms that could not be filed and paths not read as forms, one line each on stderr
    (they are in the register too, and under Problems in the workbook)."""
    for path, why in summary.failures:
        _say(f"caseaudit: {path}: failed: {why}", err=True)
    for path, why in summary.not_read:
        _say(f"caseaudit: {path}: {why}", err=True)


#: Possible duplicates printed by ``ingest`` before the rest are counted.
_DUPLICATES_SHOWN = 5


def _echo_identity_warnings(summary: IngestSummary) -> None:
    """Forms whose case, auditor or start date changed (one audit, by its form id), and the
    audits that are possibly one filed twice (the first few; the workbook lists them all)."""
    for path, what in summary.identity_changes:
        _say(f"caseaudit: warning: {path}: {what}", err=True)
    shown = summary.possible_duplicates[:_DUPLICATES_SHOWN]
    for line in shown:
        _say(f"caseaudit: warning: {line}", err=True)
    more = len(summary.possible_duplicates) - len(shown)
    if more:
        _say(f"caseaudit: warning: and {more} more possible duplicate audits (listed under "
             "Problems in the report)", err=True)


def _filters(date_from: str | None, date_to: str | None, team: str | None,
             category: str | None) -> ReportFilter:
    """The report filters, ``--from`` after ``--to`` being a usage error (exit 2)."""
    from caseaudit_docx.errors import FilterUsageError
    from caseaudit_docx.register.read import ReportFilter

    try:
        return ReportFilter(date_from, date_to, team, category).check_dates()
    except FilterUsageError as exc:
        raise click.UsageError(exc.message) from None


def _exit_status(summary: IngestSummary) -> None:
    """Exit 1 unless every file was read (the same rule as ``extract``)."""
    if not summary.complete:
        click.get_current_context().exit(1)


class _ValuesHelp(click.Command):
    """A command whose --help ends with the values its options and case lists accept (the
    default form's case categories, the ways of writing a date); worked out only when help
    is shown, so that loading the form costs nothing on every other run."""

    def format_epilog(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        from caseaudit_docx.generate.caselist import help_text

        self.epilog = help_text(case_list=ctx.info_name == "generate")
        super().format_epilog(ctx, formatter)


@cli.command(cls=_ValuesHelp)
@click.argument("cases", type=click.Path(dir_okay=True, path_type=Path))
@click.option("-o", "--output", "outdir", required=True,
              type=click.Path(file_okay=False, path_type=Path),
              help="Folder for the forms (created if missing).")
@click.option("--template", type=click.Path(path_type=Path),
              help="Form to fill: default ours; may be a council's own (untagged) copy.")
@click.option("--name", default=DEFAULT_PATTERN, show_default=True,
              help="File name pattern: header field ids in braces, and {row}.")
@click.option("--set", "settings", multiple=True, metavar="FIELD=VALUE", callback=_pairs,
              help="Same value in every form: a header field id, or a template variable.")
@click.option("--map", "column_map", multiple=True, metavar="COLUMN=FIELD", callback=_pairs,
              help="Use COLUMN for FIELD (empty FIELD: ignore the column).")
@click.option("--sheet", help="Worksheet of an .xlsx case list (default: the first visible).")
@click.option("--header-row", type=click.IntRange(min=1), metavar="N",
              help="Row of the case list that names the columns, counting from 1 (default: "
                   "found among the first rows, below any title).")
@click.option("--force", is_flag=True, help="Replace forms that already exist.")
@click.option("--allow-duplicates", is_flag=True,
              help="Generate a form for each row even when a case number repeats.")
@click.option("--db", type=click.Path(dir_okay=False, path_type=Path),
              help="Register in which to record each form as an allocated audit.")
@_LOGO_OPTION
@_FORM_OPTION
@_JOBS_OPTION
def generate(cases: Path, outdir: Path, template: Path | None, name: str,
             settings: dict[str, str], column_map: dict[str, str], sheet: str | None,
             header_row: int | None, force: bool, allow_duplicates: bool, db: Path | None,
             logo: Path | None, form: Form, jobs: int | None) -> None:
    """Write a pre-filled form for every case in CASES (.csv or .xlsx).

    Example: caseaudit generate cases.csv -o forms --set auditor="Jo Example"
    """
    from caseaudit_docx.generate.generate import generate_forms

    with _TerminalProgress("Generating forms") as bar:
        result = generate_forms(
            cases, outdir, template=template, name=name, settings=settings,
            column_map=column_map, sheet=sheet, header_row=header_row, force=force,
            allow_duplicates=allow_duplicates,
            db=db, progress=bar, report=lambda m: _say(f"caseaudit: warning: {m}", err=True),
            form=form, jobs=jobs, logo=logo,
        )
    _say(result.summary)


_DB_OPTION = click.option(
    "--db", type=click.Path(dir_okay=False, path_type=Path), default="caseaudit.db",
    show_default=True, help="The register (an SQLite file, readable by its owner only).")


def _report_options(command: Callable[..., None]) -> Callable[..., None]:
    """The options ``report`` and ``collate`` share: output, filters, redaction."""
    options = [
        # report may write --html instead of (or as well as) the workbook
        click.option("-o", "--output", required=command.__name__ != "report",
                     type=click.Path(dir_okay=False, path_type=Path),
                     help="The workbook to write (.xlsx)."),
        click.option("--from", "date_from", callback=iso_date_option, metavar="DATE",
                     help="Only audits started on or after DATE."),
        click.option("--to", "date_to", callback=iso_date_option, metavar="DATE",
                     help="Only audits started on or before DATE."),
        click.option("--team", help="Only this team's audits (ignoring case)."),
        click.option("--category", metavar="CODE",
                     help="Only audits of this category (one of the form's codes)."),
        click.option("--redact", is_flag=True, help="Leave child names out of the workbook."),
        click.option("--force", is_flag=True, help="Replace the workbook if it exists."),
        click.option("--as-of", "as_of", callback=day_option, metavar="DATE",
                     help="Actions due before DATE are overdue (default today)."),
        click.option("--marking", default="OFFICIAL-SENSITIVE", show_default=True,
                     help="The protective marking printed on every page."),
        _FORMS_OPTION,
    ]
    for option in reversed(options):
        command = option(command)
    return command


@cli.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@_DB_OPTION
@_FORMS_OPTION
@_JOBS_OPTION
def ingest(paths: tuple[Path, ...], db: Path, forms: tuple[Form, ...], jobs: int | None
           ) -> None:
    """Read returned forms (files or folders) into the register.

    Word's lock files (~$...) are skipped and counted. Same bytes again are unchanged; a
    changed form is a new revision. Forms that cannot be filed are recorded as failed, and
    files that are not forms (a .pdf, an image) as not forms, each listed with what to do
    about it here and under Problems in the workbook; so are paths not found and folders that
    cannot be read. The closing line counts each, and the values to chase in the forms read.
    With --form given for each version of the form, each document is read by the version it
    fits best.

    \b
    Exit status 0 when every file was read; 1 when any failed, was not a
    form, or a path was not found or a folder could not be read (the rest
    are still read and recorded).

    Example: caseaudit ingest returned/ --db audits.db
    """
    from caseaudit_docx.register.ingest import ingest as ingest_paths

    with _TerminalProgress("Reading forms") as bar:
        summary = ingest_paths(paths, db, forms=forms, workers=jobs,
                               progress=lambda p: bar(p.done, p.total))
    for warning in summary.warnings:
        _say(f"caseaudit: warning: {warning}", err=True)
    _echo_identity_warnings(summary)
    _echo_not_read(summary)
    _say(f"{db}: {summary.line()}")
    _exit_status(summary)


@cli.command(cls=_ValuesHelp)
@_report_options
@click.option("--html", "html", type=click.Path(dir_okay=False, path_type=Path),
              help="Also (or instead) write the briefing as one HTML page (.html).")
@_DB_OPTION
def report(output: Path | None, date_from: str | None, date_to: str | None, team: str | None,
           category: str | None, redact: bool, force: bool, as_of: dt.date | None,
           marking: str, forms: tuple[Form, ...], html: Path | None, db: Path) -> None:
    """Write the workbook, the HTML briefing (--html), or both.

    Audits read by several versions of a form (give --form for each; bundled ones are found
    by name) are lined up by field id, and the Audits sheet names each audit's form.

    Example: caseaudit report -o audits.xlsx --html briefing.html --from 2019-04-01
    """
    from caseaudit_docx.report.outputs import write_outputs

    if output is None and html is None:
        raise click.UsageError("give -o BOOK.xlsx, --html PAGE.html, or both")
    filters = _filters(date_from, date_to, team, category)
    for line in write_outputs(db, workbook=output, html=html, forms=forms, filters=filters,
                              redact=redact, as_of=as_of, marking=marking, force=force):
        _say(line)


@cli.command(cls=_ValuesHelp)
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@_report_options
def collate(paths: tuple[Path, ...], output: Path, date_from: str | None, date_to: str | None,
            team: str | None, category: str | None, redact: bool, force: bool,
            as_of: dt.date | None, marking: str, forms: tuple[Form, ...]) -> None:
    """Ingest forms and write the workbook in one step.

    No register is kept: the temporary one is deleted afterwards. Files that fail or are not
    forms, paths not found and folders that cannot be read are listed here and under Problems
    in the workbook, which is written all the same. With --form given for each version of the
    form, each document is read by the version it fits best.

    \b
    Exit status 0 when every file was read; 1 when any failed, was not a
    form, or a path was not found or a folder could not be read (the
    workbook is still written).

    Example: caseaudit collate samples/forms -o audits.xlsx
    """
    from caseaudit_docx.report.collate import collate as collate_paths

    with _TerminalProgress("Reading forms") as bar:
        summary = collate_paths(paths, output, forms=forms,
                                filters=_filters(date_from, date_to, team, category),
                                redact=redact, force=force, as_of=as_of, marking=marking,
                                progress=lambda p: bar(p.done, p.total))
    _echo_identity_warnings(summary.ingest)
    _echo_not_read(summary.ingest)
    _say(summary.line())
    _exit_status(summary.ingest)


@cli.command()
@click.argument("case")
@_DB_OPTION
@_FORM_OPTION
def history(case: str, db: Path, form: Form) -> None:
    """List every revision of a case's audits.

    The current revision of each audit comes first, marked with *.

    Example: caseaudit history CA-10231
    """
    from caseaudit_docx.register.read import history_lines

    for line in history_lines(db, case, form=form):
        _say(line)


def main() -> None:
    """Console-script entry point."""
    cli(prog_name="caseaudit")

