"""The learner's knowledge as data: known scales and the words that tell what a cell holds.

``vocabularies.json`` (beside this module) holds the kinds a blank's printed hints and
drop-downs are recognised as, copied from the bundled v3.2 description so that a learned form
reads answers exactly as v3.2 does, and the words that make field ids and roles. Nothing here
spells a form's wording; a new scale is a new entry in the file.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

from caseaudit_docx.model.description import FORMAT, form_from_data
from caseaudit_docx.model.kinds import Kind


@dataclass(frozen=True)
class Vocabulary:
    """Known kinds and cue words. ``scales`` are tried in the order given (most options
    first); ``date_cues`` are patterns (case-insensitive) that make a label a date's."""

    scales: tuple[Kind, ...]
    text: Kind
    date: Kind
    checkbox: Kind
    date_cues: tuple[re.Pattern[str], ...]
    text_cues: tuple[re.Pattern[str], ...]
    number_noun: str
    number_description: str
    drop_words: frozenset[str]
    generic_words: frozenset[str]
    roles: Mapping[str, tuple[str, ...]]
    role_lists: Mapping[str, tuple[str, ...]]  # Roles lists -> the roles whose fields they hold
    header_key: str
    header_title: str
    placeholders: tuple[str, ...]

    def number_scale(self, minimum: int, maximum: int) -> Kind | None:
        return next((k for k in self.scales if k.type == "number" and k.minimum == minimum
                     and k.maximum == maximum), None)


def _kinds(entries: Mapping[str, Any]) -> dict[str, Kind]:
    """Kinds from their description-file form, checked by the description reader itself (a
    one-field form around them), so that the file can never hold a kind a form could not."""
    data = {
        "format": FORMAT, "name": "vocabulary", "version": "0", "title": "vocabulary",
        "kinds": dict(entries), "roles": {"case": "x"},
        "sections": [{"key": "s", "title": "s"}],
        "blocks": [{"table": "s", "widths_cm": [1], "rows": [
            {"key": "r", "cells": [{"field": "x", "kind": next(iter(entries))}]}]}],
    }
    return dict(form_from_data(data).kinds)


def _patterns(values: list[str]) -> tuple[re.Pattern[str], ...]:
    return tuple(re.compile(v, re.IGNORECASE) for v in values)


@cache
def vocabulary() -> Vocabulary:
    """The bundled vocabulary, read once per process."""
    text = (resources.files("caseaudit_docx.learn") / "vocabularies.json").read_text("utf-8")
    return vocabulary_from_data(json.loads(text))


def vocabulary_from_data(data: Mapping[str, Any]) -> Vocabulary:
    entries = {s["name"]: s["kind"] for s in data["scales"]}
    for key in ("text", "date", "checkbox"):
        entries[data[key]["name"]] = data[key]["kind"]
    kinds = _kinds(entries)
    words = data["field_words"]
    header = data["header_section"]
    return Vocabulary(
        scales=tuple(kinds[s["name"]] for s in data["scales"]),
        text=kinds[data["text"]["name"]], date=kinds[data["date"]["name"]],
        checkbox=kinds[data["checkbox"]["name"]],
        date_cues=_patterns(data["date"]["cues"]), text_cues=_patterns(data["text"]["cues"]),
        number_noun=data["number"]["noun"], number_description=data["number"]["description"],
        drop_words=frozenset(words["drop"]), generic_words=frozenset(words["generic"]),
        roles={k: tuple(v) for k, v in data["roles"].items() if k != "comment"},
        role_lists={k: tuple(v) for k, v in data["role_lists"].items() if k != "comment"},
        header_key=header["key"], header_title=header["title"],
        placeholders=tuple(data["placeholders"]),
    )
