"""Form description files: a form as JSON a person can read and edit, and back.

The format is documented in ``docs/form-description.md``. Loading checks everything a stage
would otherwise trip over later (unknown kinds and types, duplicate field ids, roles naming
fields the form does not have, tables in sections it does not list) and names where, e.g.
``blocks[4].rows[2].cells[1]: unknown kind 'scroe'``. The bundled forms live in
``caseaudit_docx/model/forms/`` and are named by ``name-version`` ("case-audit-3.2").
"""

from __future__ import annotations

from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from caseaudit_docx.errors import FormError
from caseaudit_docx.model.checks import check_form
from caseaudit_docx.model.form import Form
from caseaudit_docx.model.parse import (
    CONTROL_TYPES,
    FORMAT,
    FORMAT_VERSION,
    parse_data,
    parse_json,
)
from caseaudit_docx.model.write import form_to_json

__all__ = ["CONTROL_TYPES", "DEFAULT_FORM", "FORMAT", "FORMAT_VERSION", "bundled_form",
           "bundled_form_names", "check_form", "form_from_data", "form_from_json",
           "form_to_json", "load_form"]

DEFAULT_FORM = "case-audit-3.2"
_MAX_DESCRIPTION = 16 * 1024 * 1024

#: A description's text -> its form (checked); decoded JSON -> its form.
form_from_json = parse_json
form_from_data = parse_data


# -- finding forms -----------------------------------------------------------------------------


def _forms_folder() -> Any:
    return resources.files("caseaudit_docx.model") / "forms"


def bundled_form_names() -> tuple[str, ...]:
    """The names ``--form`` accepts for the forms that ship with caseaudit, sorted."""
    return tuple(sorted(entry.name[:-5] for entry in _forms_folder().iterdir()
                        if entry.name.endswith(".json")))


@cache
def bundled_form(name: str = DEFAULT_FORM) -> Form:
    """A bundled form by name ("case-audit-3.2"), loaded once per process."""
    if name not in bundled_form_names():
        raise FormError(f"no bundled form {name!r}; the bundled forms are "
                        f"{', '.join(bundled_form_names())} (or give a description file)")
    entry = _forms_folder() / f"{name}.json"
    return form_from_json(entry.read_text(encoding="utf-8"), where=f"bundled form {name}")


def load_form(source: str | Path | Form | None = None) -> Form:
    """A form from a bundled name, a description file's path, or a form (returned as it is).

    ``None`` is the default form (:data:`DEFAULT_FORM`). A name that is neither a bundled
    form nor an existing file is a :class:`FormError` listing the bundled names.
    """
    if source is None:
        return bundled_form()
    if isinstance(source, Form):
        return source
    text = str(source)
    if text in bundled_form_names():
        return bundled_form(text)
    path = Path(source)
    if not path.exists():
        raise FormError(f"no such form description file, and no bundled form of that name "
                        f"(bundled: {', '.join(bundled_form_names())})", path=path)
    from caseaudit_docx.files import read_user_file

    data = read_user_file(path, limit=_MAX_DESCRIPTION, what="a form description",
                          error=FormError)
    try:
        decoded = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise FormError("is not a form description (not UTF-8 text)", path=path) from None
    return form_from_json(decoded, where=str(path))


