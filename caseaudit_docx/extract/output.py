"""``caseaudit extract``'s output: records as JSON or JSON Lines, or only their problems.

Kept out of the CLI so that the command makes one call and only prints: each line comes with
whether it belongs on stderr (a file that could not be read, in one line), and the caller
decides the exit status from that. File names are data: an error or problem line has its
control characters escaped (one line, whatever the name holds), and a record names a file
whose name is not UTF-8 with those bytes as ``\\xNN`` (:mod:`caseaudit_docx.names`).
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from caseaudit_docx.errors import CaseAuditError, InputError
from caseaudit_docx.extract.extract import extract_files
from caseaudit_docx.model.form import Form
from caseaudit_docx.model.record import Record
from caseaudit_docx.names import safe_line, stored_name

FORMATS = ("json", "jsonl")


@dataclass(frozen=True)
class OutputLine:
    """A line to print; ``error`` lines (a file that failed) go to stderr."""

    text: str
    error: bool = False


def extract_output(paths: Sequence[str | Path], *, form: Form | None = None,
                   fmt: str = "json", problems: bool = False,
                   jobs: int | None = None) -> Iterator[OutputLine]:
    """The lines ``caseaudit extract`` prints for ``paths``, as each form is read.

    ``json`` gives one pretty document at the end: the record itself when one file was named,
    else a list; ``jsonl`` a record per line as it is read; ``problems`` only the problems,
    one line each ("file: field: level: message"). A file that cannot be read gives one error
    line, and so does every path not read as a form (a file that is not one, a path that does
    not exist, a folder that cannot be read or holds nothing); the others go on.
    ``jobs`` worker processes read the forms (default every core; 1: this process); the
    lines and their order are the same whatever it is.
    """
    if fmt not in FORMATS:
        raise InputError(f"unknown output format {fmt!r} (one of {', '.join(FORMATS)})")
    records = []
    for path, result in extract_files(paths, form=form, jobs=jobs):
        if isinstance(result, CaseAuditError):
            yield OutputLine(safe_line(f"caseaudit: {result}"), error=True)
        elif problems:
            for problem in result.problems:
                yield OutputLine(safe_line(f"{path}: {problem}"))
        elif fmt == "jsonl":
            yield OutputLine(json.dumps(_to_dict(result), ensure_ascii=False))
        else:
            records.append(_to_dict(result))
    if not problems and fmt == "json" and records:
        single = len(paths) == 1 and not Path(paths[0]).is_dir()
        yield OutputLine(json.dumps(records[0] if single else records, ensure_ascii=False,
                                    indent=2))


def _to_dict(record: Record) -> dict[str, Any]:
    """The record's JSON, its file named as text that can be written (JSON escapes control
    characters itself; a byte that is not UTF-8 could not be written at all)."""
    out = record.to_dict()
    source = out.get("source")
    if isinstance(source, dict) and isinstance(source.get("file"), str):
        source["file"] = stored_name(source["file"])
    return out
