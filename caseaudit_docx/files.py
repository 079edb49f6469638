"""The files users name: bounded reading, and finding the forms under folders.

Forms, case lists and templates all arrive as paths typed by a person. Whatever goes wrong
(missing, a folder, no permission, absurdly large) becomes a :class:`CaseAuditError` naming the
file, never a traceback; the size is checked before a byte is read. Word leaves an owner
("lock") file named ``~$…`` beside every open document; it is never a form, so it is skipped
and counted.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from caseaudit_docx.errors import CaseAuditError, InputError


def megabytes(size: int) -> str:
    """A size for a message: "12 MB", or "300 KB" below a megabyte."""
    return f"{size / 2**20:.0f} MB" if size >= 2**20 else f"{size / 1024:.0f} KB"


def read_user_file(
    path: str | os.PathLike[str],
    *,
    limit: int,
    what: str,
    error: type[CaseAuditError] = InputError,
    too_large: type[CaseAuditError] | None = None,
) -> bytes:
    """The bytes of ``path``; ``what`` names what it should be ("a case list", "a .docx file")."""
    path = Path(path)
    try:
        with open(path, "rb") as handle:
            size = os.fstat(handle.fileno()).st_size
            if size > limit:
                raise (too_large or error)(
                    f"is {megabytes(size)}, far too large to be {what} (limit {megabytes(limit)})",
                    path=path,
                )
            return handle.read()
    except FileNotFoundError:
        raise error("file not found", path=path) from None
    except IsADirectoryError:
        raise error(f"is a folder, not {what}", path=path) from None
    except PermissionError:
        raise error("cannot be read: permission denied", path=path) from None
    except OSError as exc:
        if path.is_dir():
            raise error(f"is a folder, not {what}", path=path) from None
        raise error(f"cannot be read ({exc.strerror or exc})", path=path) from None


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


