"""``describe_fields``: a form's fields as plain rows, for ``caseaudit form show``."""

from __future__ import annotations

from typing import Any

from caseaudit_docx.model.form import Form


def describe_fields(form: Form) -> list[dict[str, Any]]:
    """One dict per field in page order: id, kind (its name), type, section, question,
    column and choices (the kind's values: options, or a number's range)."""
    return [
        {
            "id": f.id, "kind": f.kind.name, "type": f.kind.type, "section": f.section,
            "question": f.question, "column": f.column, "choices": list(f.kind.values),
        }
        for f in form.fields
    ]
