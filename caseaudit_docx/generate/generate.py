"""A case list in, one pre-filled form per case out (``caseaudit generate``).

The template (ours from caseaudit_docx/templates/, or a council's own copy, tagged or not) is
prepared once per batch: docxtpl renders its Jinja (the council's name in the parents' script) with
``autoescape=True``, then :mod:`caseaudit_docx.oxml.fill` locates the header controls and cuts
the document there. Each case is then a join of bytes and a zip of the other parts, unchanged:
re-preparing the template per case (what a plain docxtpl render-and-save does) costs 15 to 25
times as much (benchmarks/bench_generate.py measures both). A template whose Jinja uses the
case's own fields (``{{ case_number }}`` somewhere) is rendered by docxtpl per case instead:
correct for any Jinja, only slower.

A run either writes every form or none (:mod:`caseaudit_docx.generate.outputs`), and with a register
records each form as an allocated audit.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import time
import zipfile
from collections.abc import Callable, Collection, Iterator, Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property, partial
from importlib import resources
from pathlib import Path

from caseaudit_docx.errors import CaseAuditError, InputError
from caseaudit_docx.files import read_user_file
from caseaudit_docx.generate.caselist import (
    Case,
    case_noun,
    field_value,
    read_case_list,
    resolve_field,
    suggest_field,
)
from caseaudit_docx.generate.filenames import CASE, DEFAULT_PATTERN, check_pattern
from caseaudit_docx.generate.identity import FormIdentity, new_identity
from caseaudit_docx.generate.logo import read_logo, with_logo
from caseaudit_docx.generate.outputs import Progress, output_folder, plan_names, write_all
from caseaudit_docx.model.description import load_form
from caseaudit_docx.model.form import Form
from caseaudit_docx.model.matching import header_fields, match_header_labels
from caseaudit_docx.oxml.build import document_from_template
from caseaudit_docx.oxml.fill import PreparedDocument, clean_text, prepare_document
from caseaudit_docx.oxml.package import read_package_bytes
from caseaudit_docx.oxml.properties import PackageStamp, package_stamp

#: Our tagged template; built in memory when the package data is missing.
TEMPLATES = Path(str(resources.files("caseaudit_docx") / "templates"))


def default_template(form: Form) -> Path:
    """Our tagged template of ``form`` (``templates/<name>-<version>.docx``); it may not exist
    (a form learned from a council's blank), and is then built from the form in memory."""
    return TEMPLATES / f"{form.key}.docx"
_MAX_TEMPLATE = 64 * 1024 * 1024

Report = Callable[[str], None]  # a warning or a skipped row, as it happens


@dataclass(frozen=True)
class PreparedTemplate:
    """A template made ready for a batch: its parts, and its main document cut at the controls."""

    source: bytes
    variables: Mapping[str, str]
    members: tuple[tuple[str, bytes | None], ...]  # every part in zip order; None: the main one
    document: PreparedDocument
    declared: frozenset[str]  # the variables the template's Jinja uses
    form: Form
    path: Path | None = None  # the template, for messages

    @cached_property
    def per_case(self) -> frozenset[str]:
        """Header fields the template's own Jinja uses: it is rendered again for each case."""
        return self.declared & {f.id for f in header_fields(self.form)}

    @property
    def located(self) -> Mapping[str, str]:
        """Field id -> "tag" or "layout": how each header control was found."""
        return self.document.located

    @cached_property
    def stamp(self) -> PackageStamp:
        """What each form's package needs to carry its own form id and dates (worked out once)."""
        return package_stamp(self.members)

    def render(self, values: Mapping[str, str], identity: FormIdentity | None = None) -> bytes:
        """One pre-filled form as .docx bytes; ``values`` is header field id -> text.

        Each form carries ``identity`` (default a new one): its own form id, and the time it
        was made as its created and modified dates (:mod:`caseaudit_docx.generate.identity`).
        """
        identity = identity or new_identity()
        if self.per_case:
            fresh = _prepare(self.source, {**self.variables, **values}, values.keys(), self.form,
                             path=self.path, declared=self.declared)
            return fresh._zip(values, identity)
        return self._zip(values, identity)

    def _zip(self, values: Mapping[str, str], identity: FormIdentity) -> bytes:
        document = self.document.render(values, _iso_dates(values, self.form))
        out = io.BytesIO()
        now = time.localtime()[:6]
        members = self.stamp.members(self.members, identity.form_id, identity.generated_at)
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as package:
            for name, data in members:
                package.writestr(_member(name, now), data if data is not None else document)
        return out.getvalue()


def prepare_template(
    template: str | Path | None = None,
    *,
    variables: Mapping[str, str] | None = None,
    fields: Collection[str] | None = None,
    form: Form | None = None,
    logo: str | Path | None = None,
) -> PreparedTemplate:
    """Read, check and render ``template`` (default: ours) for a batch that fills ``fields``
    (default: every header field). ``variables`` go to the template's Jinja (``council_name``);
    ``logo`` (a PNG or JPEG file) replaces the template's header logo box.
    Raises NotAFormError for a file that is not a .docx form, InputError when a wanted field
    has nowhere to go or a variable is not in the template."""
    form = load_form(form)
    image = read_logo(logo) if logo is not None else None
    source, where = _template_bytes(template, form)
    read_package_bytes(source, where)  # refuses anything that is not a safe .docx
    if image is not None:
        source = with_logo(source, image, where=where)
    wanted = list(fields) if fields is not None else [f.id for f in header_fields(form)]
    settings = dict(variables or {})
    prepared = _prepare(source, settings, wanted, form, path=where)
    ids = {f.id for f in header_fields(form)}
    unknown = sorted(set(settings) - prepared.declared - ids)
    if unknown:
        # our own template's path is of no use to the person who mistyped a --set
        raise InputError(_unknown_setting(unknown[0], prepared.declared, form),
                         path=where if template is not None else None)
    missing = [f for f in wanted if f not in prepared.located]
    if len(missing) == len(wanted) and wanted:
        case = form.field(form.roles.case)
        raise InputError(f"is not a form like {form.title!r}: none of its header fields were "
                         f"found (no tagged controls, no {case.question or case.alias!r} label "
                         "above or beside a value cell)", path=where)
    if missing:
        names = ", ".join(f"{form.field(f).question!r} ({f})" for f in missing)
        raise InputError(f"has no place for {names}: no control tagged with the field and no "
                         "cell under or beside its label", path=where)
    return prepared


@dataclass(frozen=True)
class Generated:
    """One form written: the case it is for, its row in the case list, where it went."""

    case: str
    row: int
    path: Path


@dataclass(frozen=True)
class GenerateResult:
    """What a run did; :attr:`summary` is the line the CLI prints at the end."""

    outdir: Path
    forms: tuple[Generated, ...]
    skipped: tuple[str, ...] = ()
    warnings: tuple[str, ...] = ()
    allocations: int | None = None  # recorded in the register (None without --db)

    @property
    def summary(self) -> str:
        count = len(self.forms)
        line = f"Wrote {count} form{'s' if count != 1 else ''} to {self.outdir}"
        extra = []
        if self.skipped:
            extra.append(f"{len(self.skipped)} row{'s' if len(self.skipped) != 1 else ''} skipped")
        if self.warnings:
            extra.append(f"{len(self.warnings)} warning{'s' if len(self.warnings) != 1 else ''}")
        if self.allocations is not None:
            extra.append(f"{self.allocations} recorded as allocated")
        return line + (f" ({', '.join(extra)})" if extra else "")


def generate_forms(
    cases: str | Path,
    outdir: str | Path,
    *,
    template: str | Path | None = None,
    name: str = DEFAULT_PATTERN,
    settings: Mapping[str, str] | None = None,
    column_map: Mapping[str, str] | None = None,
    sheet: str | None = None,
    header_row: int | None = None,
    force: bool = False,
    allow_duplicates: bool = False,
    db: str | Path | None = None,
    progress: Progress | None = None,
    report: Report | None = None,
    form: Form | None = None,
    jobs: int | None = None,
    logo: str | Path | None = None,
) -> GenerateResult:
    """Write one pre-filled form per case of the case list ``cases`` into ``outdir``.

    ``settings`` (``--set``) gives every form the same value for a header field, or sets a
    template variable such as ``council_name``; ``column_map`` (``--map``) says which column
    is which field; ``header_row`` (``--header-row``, 1-based) is the row naming the columns
    when the one found is not it. With ``db``, each form is recorded in the register as an
    allocated audit. The forms are rendered in ``jobs`` worker processes (default: every
    core; 1 renders in this process), and written in the case list's order (:func:`render_all`).
    ``logo`` (``--logo``, a PNG or JPEG file) goes in the header in place of the logo box.
    """
    form = load_form(form)
    say = report or (lambda message: None)
    ids = [f.id for f in header_fields(form)]
    check_pattern(name, ids)
    case_list = read_case_list(cases, column_map=column_map, sheet=sheet, header_row=header_row,
                               allow_duplicates=allow_duplicates, form=form)
    notes = list(case_list.warnings)
    fixed, variables, set_notes = _split_settings(settings or {}, case_list.columns, form)
    notes += set_notes
    for message in (*notes, *case_list.skipped):
        say(message)
    batch = [(case, {k: v for k, v in {**case.values, **fixed}.items() if v})
             for case in case_list.cases]
    wanted = sorted({fid for _, values in batch for fid in values}, key=ids.index)
    prepared = prepare_template(template, variables=variables, fields=wanted, form=form,
                                logo=logo)
    out = Path(outdir)
    made_folder = output_folder(out)
    try:
        names = plan_names([(case.row, {CASE: case.case, **values})
                            for case, values in batch], name, out, force=force)
        if db is not None:
            _check_register(db)
        identities = [new_identity() for _ in batch]  # made here, so the register knows them
        contents = render_all(prepared, [values for _, values in batch], jobs=jobs,
                              identities=identities)
        written, created = write_all(contents, names, out, force=force, progress=progress)
        forms = tuple(Generated(case.case, case.row, path)
                      for (case, _), path in zip(batch, written))
        recorded = (_record(db, batch, forms, created, form, identities)
                    if db is not None else None)
    except BaseException:
        if made_folder:
            with contextlib.suppress(OSError):
                out.rmdir()  # only if empty: never anything this run did not make
        raise
    return GenerateResult(out, forms, case_list.skipped, tuple(notes), recorded)


# -- rendering a batch on every core --------------------------------------------------------------


def render_all(prepared: PreparedTemplate, batch: Sequence[Mapping[str, str]], *,
               jobs: int | None = None,
               identities: Sequence[FormIdentity] | None = None) -> Iterator[bytes]:
    """Each form of ``batch`` (header field id -> text, one mapping per form) as .docx bytes,
    in order, each with its identity from ``identities`` (one per form; default a new one
    each), so that the caller can record which form id went to which case. A batch is
    rendered in ``jobs`` worker processes (default every core; 1: this process), which are
    given ``prepared`` once, on starting, and render a few forms at a time
    (:func:`caseaudit_docx.workers.in_order`). The bytes are those this process would render
    (each form's own id and dates aside)."""
    from caseaudit_docx.workers import in_order

    if identities is not None and len(identities) != len(batch):
        raise ValueError("render_all needs one identity per form")
    given = identities if identities is not None else [new_identity() for _ in batch]
    items = ((dict(values), identity) for values, identity in zip(batch, given))
    return in_order(_render_chunk, items, jobs=jobs, chunk_size=8, initializer=_start_renderer,
                    initargs=(prepared,), here=partial(_render_with, prepared))


#: The template a worker process renders with, given once by :func:`_start_renderer`.
_renderer: list[PreparedTemplate] = []


def _start_renderer(prepared: PreparedTemplate) -> None:
    """A worker's template: inherited as it is where workers are forked (Linux), so that no
    worker prepares it again; pickled (plain data: bytes, strings, the form) where they are
    spawned."""
    _renderer[:] = [prepared]


def _render_chunk(chunk: list[tuple[dict[str, str], FormIdentity]]) -> list[bytes]:
    if not _renderer:
        raise RuntimeError("a worker started without its template")
    return _render_with(_renderer[0], chunk)


def _render_with(prepared: PreparedTemplate,
                 chunk: list[tuple[dict[str, str], FormIdentity]]) -> list[bytes]:
    return [prepared.render(values, identity) for values, identity in chunk]


# -- preparing -----------------------------------------------------------------------------------


def _template_bytes(template: str | Path | None, form: Form) -> tuple[bytes, Path]:
    ours = default_template(form)
    if template is None and not ours.exists():
        from caseaudit_docx.generate.template import build_template

        return build_template(tagged=True, council=None, form=form), ours
    path = Path(template) if template is not None else ours
    suffix = path.suffix.lower()
    if suffix == ".dotm":
        raise InputError("is a macro-enabled Word template: save it in Word as a Word Template "
                         "(.dotx) or Word Document (.docx) to generate forms from it", path=path)
    if suffix not in (".docx", ".dotx"):
        raise InputError("the template must be a Word document (.docx) or template (.dotx)",
                         path=path)
    data = read_user_file(path, limit=_MAX_TEMPLATE, what="a .docx template")
    if suffix == ".dotx":  # a blank: forms are made from it as Word's File > New makes them
        read_package_bytes(data, path, blank=True)
        data = document_from_template(data)
    return data, path

def _prepare(source: bytes, variables: Mapping[str, str], fields: Collection[str], form: Form,
             path: Path | None = None, declared: frozenset[str] | None = None
             ) -> PreparedTemplate:
    """docxtpl renders the template's Jinja; the result is cut at the header controls.
    ``declared``: the template's variables, when an earlier call has found and checked them."""
    from docxtpl import DocxTemplate
    from jinja2 import TemplateError

    try:
        tpl = DocxTemplate(io.BytesIO(source))
        if declared is None:
            declared = frozenset(tpl.get_undeclared_template_variables())
        context = {k: clean_text(v) for k, v in variables.items() if k in declared}
        tpl.render(context, autoescape=True)
        rendered = io.BytesIO()
        tpl.save(rendered)
        main = tpl.docx.part.partname.membername  # the zip name python-docx saved it under
    except TemplateError as exc:
        raise InputError(f"has a {{{{ … }}}} or {{% … %}} tag that cannot be rendered "
                         f"({exc.__class__.__name__}: {exc})", path=path) from None
    except CaseAuditError:
        raise
    except Exception as exc:
        raise InputError(f"cannot be opened as a template ({exc.__class__.__name__}: {exc})",
                         path=path) from None
    with zipfile.ZipFile(io.BytesIO(rendered.getvalue())) as package:
        parts = {info.filename: package.read(info) for info in package.infolist()}
    document = prepare_document(
        parts[main], fields=fields, match_labels=partial(match_header_labels, form=form),
        part=main, path=str(path) if path else None)
    members = tuple((n, None if n == main else data) for n, data in parts.items())
    return PreparedTemplate(source, dict(variables), members, document, declared, form, path)


def _split_settings(settings: Mapping[str, str], columns: Mapping[str, str], form: Form
                    ) -> tuple[dict[str, str], dict[str, str], list[str]]:
    """--set NAME=VALUE: header fields for every form, the rest template variables."""
    fixed: dict[str, str] = {}
    variables: dict[str, str] = {}
    notes: list[str] = []
    ids = [f.id for f in header_fields(form)]
    for key, raw in settings.items():
        fid = key if key in ids else resolve_field(key, form=form)
        if fid is None:
            if not key.isidentifier():
                ours = {v.template_variable for v in form.variables}
                raise InputError(_unknown_setting(key, ours, form))
            variables[key] = raw
            continue
        if fid == form.roles.case:
            noun = case_noun(form)
            raise InputError(f"--set {key}: every form would get the same {noun}; each form's "
                             f"{noun} comes from the case list")
        text, problem = field_value(fid, raw, form=form)
        if problem:
            notes.append(f"--set {key}: {problem}")
        fixed[fid] = text or ""  # "--set team=" leaves the field blank in every form
        overridden = [heading for heading, f in columns.items() if f == fid]
        if overridden:
            notes.append(f"--set {key} replaces the column {overridden[0]!r} for every form")
    return fixed, variables, notes


def _unknown_setting(name: str, declared: Collection[str], form: Form) -> str:
    """What to say of ``--set NAME=…`` when NAME is neither a header field nor used by the
    template: the field it most likely means, and the names --set takes (the header fields and
    the form's own settings, such as council_name; not every variable a template may hold)."""
    guess = suggest_field(name, form=form)
    takes = [f.id for f in header_fields(form)] + [
        v.template_variable for v in form.variables if v.template_variable in declared]
    listed = f"{', '.join(takes[:-1])} or {takes[-1]}" if len(takes) > 1 else takes[0]
    if guess:
        return f"--set {name}: not a header field; did you mean {guess}? (--set takes {listed})"
    return f"--set {name}: not a header field nor a setting of the template; use {listed}"


def _iso_dates(values: Mapping[str, str], form: Form) -> dict[str, str]:
    """Date fields already written dd/mm/yyyy, as ISO dates for Word date pickers."""
    out = {}
    for fid, text in values.items():
        if form.by_id.get(fid) is not None and form.field(fid).kind.type == "date":
            with contextlib.suppress(ValueError):
                out[fid] = dt.datetime.strptime(text, "%d/%m/%Y").date().isoformat()
    return out


def _member(name: str, when: tuple[int, ...]) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name, date_time=when)  # type: ignore[arg-type]
    info.compress_type = zipfile.ZIP_DEFLATED
    info.external_attr = 0o644 << 16
    return info


# -- the register --------------------------------------------------------------------------------


def _check_register(db: str | Path) -> None:
    """Open the register before writing anything, so a bad --db fails the run early."""
    from caseaudit_docx.register.store import Register

    Register.open(db).close()


def _record(db: str | Path, batch: Sequence[tuple[Case, Mapping[str, str]]],
            forms: Sequence[Generated], created: Sequence[Path], form: Form,
            identities: Sequence[FormIdentity]) -> int:
    """Record each form as an allocated audit; if that fails, the forms this run created go
    too (a replaced file cannot be brought back, so one written with --force stays)."""
    from caseaudit_docx.register.store import Allocation, record_allocations

    now = dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    roles = form.roles
    allocations = [
        Allocation(case.case,  # the identity: the form's case, auditor and start date
                   values.get(roles.auditor) if roles.auditor else None,
                   values.get(roles.start_date) if roles.start_date else None,
                   file_name=generated.path.name, generated_at=now, form_id=identity.form_id)
        for (case, values), generated, identity in zip(batch, forms, identities)
    ]
    try:
        return record_allocations(db, allocations, form=form)
    except BaseException:
        for path in created:
            path.unlink(missing_ok=True)
        raise
