"""A small factory of records for register and workbook tests: every field id, blanks included."""

from __future__ import annotations

import hashlib
import random
from typing import Any

from caseaudit_docx.model.description import bundled_form
from caseaudit_docx.model.record import FieldValue, Problem, Record, Source

FORM = bundled_form()
GRADES = FORM.kinds["grade"].values
TEAMS = ("Blue Team", "Green Team", "Red Team")


def _text_of(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, list):
        return " & ".join(value)
    return str(value)


def make_record(
    case_number: str | None = "1001",
    auditor: str | None = "Alex Auditor",
    audit_start_date: str | None = "2019-03-12",
    *,
    file: str | None = None,
    modified: str | None = None,
    problems: tuple[Problem, ...] = (),
    salt: str = "",
    **values: Any,
) -> Record:
    """A record with every id of the form; ``values`` by field id (dots as ``__``).

    A value may be a :class:`FieldValue` or a plain value (its text is ``str(value)``). The
    sha256 is derived from the content, so two equal records look like the same bytes;
    ``salt`` makes otherwise equal records different files.
    """
    fields = {fid: FieldValue(None, None) for fid in FORM.field_ids}
    given = {"case_number": case_number, "auditor": auditor, "audit_start_date": audit_start_date}
    given.update({key.replace("__", "."): value for key, value in values.items()})
    for fid, value in given.items():
        assert fid in fields, fid
        fields[fid] = value if isinstance(value, FieldValue) else FieldValue(_text_of(value), value)
    digest = hashlib.sha256(repr((sorted((k, v.text, repr(v.value)) for k, v in fields.items()),
                                  problems, modified, salt)).encode()).hexdigest()
    source = Source(file or f"returned/{case_number}.docx", digest, 1000, modified)
    return Record(source, fields, problems)


def random_record(rng: random.Random, index: int, **overrides: Any) -> Record:
    """A plausibly filled form: most scores and grades answered, some blanks, some n/a."""
    values: dict[str, Any] = {}
    for f in FORM.fields:
        if f.section == "moderation":
            continue
        roll = rng.random()
        if f.kind.name == "score" and roll < 0.85:
            values[f.id] = rng.randint(1, 5) if roll < 0.8 else "n/a"
        elif f.kind.name == "grade" and roll < 0.9:
            values[f.id] = rng.choice(GRADES) if roll < 0.85 else "n/a"
        elif f.kind.name == "text" and f.id.endswith(".notes") and roll < 0.6:
            values[f.id] = f"Notes {index} on {f.id}: " + "evidence seen. " * rng.randint(0, 12)
        elif f.kind.name == "yes_no" and roll < 0.9:
            values[f.id] = rng.choice(("Yes", "No", "n/a"))
        elif f.kind.name == "level" and roll < 0.9:
            values[f.id] = rng.choice(("Too High", "Appropriate", "Too Little"))
        elif f.kind.name == "good_practice" and roll < 0.8:
            values[f.id] = rng.choice(("Yes", "With some work", "No"))
    if rng.random() < 0.7:
        values["q43.parent1"] = "Mother"
        values["q44.parent1"] = f"2019-0{rng.randint(3, 9)}-1{rng.randint(0, 9)}"
        values["q48.parent1"] = rng.randint(0, 10)
        values["q48_why.parent1"] = "She listened."
        if rng.random() < 0.4:
            values["q48.parent2"] = rng.randint(0, 10)
    for n in range(1, rng.randint(1, 4)):
        values[f"action{n}.action"] = f"Action {n} for case {index}"
        values[f"action{n}.by_who"] = rng.choice(("SW", "TM", "IRO"))
        values[f"action{n}.by_when"] = f"2019-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
    if rng.random() < 0.3:
        values["moderation.date"] = "2019-05-01"
        values["moderation.scaling"] = rng.randint(1, 5)
        values["moderation.change_grade"] = rng.choice(("Yes, to Good", "No", "no change"))
    month = rng.randint(1, 12)
    values.update(
        child_name=f"Rowan{index} Fictitious",
        practitioners=f"Practitioner {index % 7}",
        team=rng.choice(TEAMS),
        category=rng.choice((["CP"], ["CIN"], ["CP", "LAC"], ["EH"], ["LAC"])),
        general_themes=f"Theme {index % 5}",
        commentary__auditor="Good progress." if index % 2 else None,
    )
    values = {key.replace(".", "__"): value for key, value in values.items()}
    values.update(overrides)
    return make_record(f"{5000 + index}", f"Auditor {index % 4}", f"2019-{month:02d}-15",
                       modified=f"2019-{month:02d}-20T10:00:00Z", **values)
