"""Finding the forms a user points at: files as named, and every .docx under folders.

Word leaves an owner ("lock") file named ``~$…`` beside every open document; it is never a form,
so it is skipped and counted. Shared by ``extract`` and ``ingest``.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from .errors import InputError

LOCK_PREFIX = "~$"  # Word's owner files beside an open document: never a form


@dataclass(frozen=True)
class Found:
    """The forms to ingest, in a stable order, and how many lock files were left out."""

    files: tuple[Path, ...]
    lock_files: int = 0


def _is_lock_file(path: Path) -> bool:
    return path.name.startswith(LOCK_PREFIX)


def find_forms(paths: Iterable[str | Path]) -> Found:
    """Files as given, and every ``*.docx`` under folders (recursive); lock files counted.

    A path that does not exist is the user's error. A file named explicitly is taken whatever
    its extension: if it is not a form, ingest records it as failed and says why.
    """
    seen: set[str] = set()
    files: list[Path] = []
    locks = 0
    for given in paths:
        path = Path(given)
        if path.is_dir():
            found = sorted(
                Path(root) / name
                for root, _dirs, names in os.walk(path)
                for name in names if name.lower().endswith(".docx")
            )
        elif path.exists():
            found = [path]
        else:
            raise InputError("no such file or folder", path=path)
        for item in found:
            if _is_lock_file(item):
                locks += 1
                continue
            key = os.path.abspath(item)
            if key not in seen:
                seen.add(key)
                files.append(Path(key))
    return Found(tuple(files), locks)


