"""The extracted record: what a filled form said, field by field, with its problems.

:meth:`Record.to_dict` is the JSON contract of ``docs/fields.md`` ("The extracted
record"); the register stores the same thing and the workbook reads it back. Trouble with one
field is a :class:`Problem` in the record, never an exception.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

ERROR = "error"
WARNING = "warning"


@dataclass(frozen=True)
class Problem:
    """Something a person should look at: ``field`` is a field id, or None for the whole form."""

    field: str | None
    level: str  # "error" or "warning"
    message: str

    def to_dict(self) -> dict[str, Any]:
        return {"field": self.field, "level": self.level, "message": self.message}

    def __str__(self) -> str:
        where = self.field or "form"
        return f"{where}: {self.level}: {self.message}"


@dataclass(frozen=True)
class FieldValue:
    """What a person wrote in one field (``text``) and its normalised ``value``."""

    text: str | None
    value: Any = None

    def to_dict(self) -> dict[str, Any]:
        return {"text": self.text, "value": self.value}


@dataclass(frozen=True)
class Source:
    """The file a record came from."""

    file: str
    sha256: str
    size: int | None = None
    modified: str | None = None  # the document's own last-modified time (docProps/core.xml)
    #: The id a generated form carries (a UUID, docProps/custom.xml); None for other copies.
    form_id: str | None = None

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"file": self.file, "sha256": self.sha256}
        if self.size is not None:
            out["size"] = self.size
        if self.modified is not None:
            out["modified"] = self.modified
        if self.form_id is not None:
            out["form_id"] = self.form_id
        return out


@dataclass(frozen=True)
class Record:
    """One filled form: every field id of the form model, blank ones included."""

    source: Source
    fields: dict[str, FieldValue]
    problems: tuple[Problem, ...] = ()
    template_name: str = ""  # the form that read it (name and version of its description)
    template_version: str = ""
    extras: dict[str, str] = field(default_factory=dict)  # text found beyond the form (11th action)

    def text(self, field_id: str) -> str | None:
        return self.fields[field_id].text

    def value(self, field_id: str) -> Any:
        return self.fields[field_id].value

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "source": self.source.to_dict(),
            "template": {"name": self.template_name, "version": self.template_version},
            "fields": {fid: fv.to_dict() for fid, fv in self.fields.items()},
            "problems": [p.to_dict() for p in self.problems],
        }
        if self.extras:
            out["extras"] = dict(self.extras)
        return out

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Record:
        """Rebuild a record from :meth:`to_dict` output (the register stores that JSON)."""
        source = data["source"]
        return cls(
            source=Source(
                file=source["file"], sha256=source["sha256"], size=source.get("size"),
                modified=source.get("modified"), form_id=source.get("form_id"),
            ),
            fields={fid: FieldValue(fv["text"], fv["value"]) for fid, fv in data["fields"].items()},
            problems=tuple(Problem(p["field"], p["level"], p["message"]) for p in data["problems"]),
            template_name=data["template"]["name"],
            template_version=data["template"]["version"],
            extras=dict(data.get("extras", {})),
        )
