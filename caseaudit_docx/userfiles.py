"""Reading a file a user named: once, bounded in size, every failure one clear error.

Forms, case lists and templates all arrive as paths typed by a person. Whatever goes wrong
(missing, a folder, no permission, absurdly large) becomes a :class:`CaseAuditError` naming the
file, never a traceback; the size is checked before a byte is read.
"""

from __future__ import annotations

import os
from pathlib import Path

from .errors import CaseAuditError, InputError


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
