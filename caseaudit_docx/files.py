"""The files users name: bounded reading, and finding the forms under folders.

Forms, case lists and templates all arrive as paths typed by a person. Whatever goes wrong
reading one (missing, a folder, a FIFO or a device, no permission, absurdly large)
becomes a :class:`CaseAuditError` naming the file, never a traceback; only regular files are
opened, the size is checked before a byte is read, and no more bytes are read than the
limit. Finding forms accounts for every path: :func:`find_forms` returns the forms and, as
data, every file that is not one (with what to do about it), every folder that cannot be read
and every path that does not exist, so that a batch goes on and nothing is dropped silently.
Word leaves an owner ("lock") file named ``~$…`` beside every open document; it is never a
form, so it is skipped and counted.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Callable, Iterable
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
    """The bytes of ``path``; ``what`` names what it should be ("a case list", "a .docx file").

    Only a regular file is read: a FIFO, a device or a socket (or a link to one, such as
    ``/dev/zero``) is refused by its type before it is opened, and it is opened without
    blocking, so that one swapped in meanwhile cannot hang the reader either. At most
    ``limit + 1`` bytes are ever read, whatever size the file claims."""
    path = Path(path)
    try:
        check_regular_file(path, what=what, error=error)
        handle = os.open(path, _READ_FLAGS)
        try:
            status = os.fstat(handle)
            check_regular_mode(status.st_mode, path, what=what, error=error)
            if status.st_size > limit:
                raise (too_large or error)(
                    f"is {megabytes(status.st_size)}, far too large to be {what} "
                    f"(limit {megabytes(limit)})",
                    path=path,
                )
            data = _read_at_most(handle, limit + 1)
        finally:
            os.close(handle)
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
    if len(data) > limit:  # it grew after it was measured
        raise (too_large or error)(
            f"is more than {megabytes(limit)}, far too large to be {what}", path=path)
    return data


#: Never block on a FIFO swapped in after the type check; no controlling terminal from a tty.
_READ_FLAGS = (os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0)
               | getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_BINARY", 0))
_READ_CHUNK = 1 << 20

#: What a path that is not a regular file is, for messages.
_FILE_TYPES = (
    (stat.S_ISFIFO, "a FIFO"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISSOCK, "a socket"),
)


def _read_at_most(handle: int, size: int) -> bytes:
    """Up to ``size`` bytes from an open file descriptor, counted as they arrive."""
    chunks: list[bytes] = []
    left = size
    while left > 0:
        try:
            chunk = os.read(handle, min(left, _READ_CHUNK))
        except BlockingIOError:  # not a regular file after all: nothing more to wait for
            break
        if not chunk:
            break
        chunks.append(chunk)
        left -= len(chunk)
    return b"".join(chunks)


def check_regular_mode(mode: int, path: Path, *, what: str,
                       error: type[CaseAuditError] = InputError) -> None:
    """Raise ``error`` unless ``mode`` (an ``st_mode``) is a regular file's."""
    if stat.S_ISREG(mode):
        return
    if stat.S_ISDIR(mode):
        raise error(f"is a folder, not {what}", path=path)
    kind = next((name for test, name in _FILE_TYPES if test(mode)), "a special file")
    raise error(f"is not a regular file ({kind}), so it is not read as {what}", path=path)


def check_regular_file(path: str | os.PathLike[str], *, what: str,
                       error: type[CaseAuditError] = InputError) -> None:
    """Raise ``error`` (one line) unless ``path`` is a regular file or a link to one: a FIFO,
    a device or a socket is never opened. ``OSError`` (a missing file) is left to the caller."""
    check_regular_mode(os.stat(path).st_mode, Path(path), what=what, error=error)


LOCK_PREFIX = "~$"  # Word's owner files beside an open document: never a form

#: Files read as forms wherever they are found.
FORM_SUFFIXES = frozenset({".docx", ".docm"})
#: Files read as forms when a converter says it can read them (LibreOffice, in legacy.py).
CONVERTIBLE_SUFFIXES = frozenset({".doc", ".odt"})
#: What operating systems leave in folders (thumbnail caches, folder settings): skipped, counted.
SYSTEM_FILES = frozenset({"thumbs.db", "desktop.ini", ".ds_store"})

#: Why a file of a kind is not read as a form, and what to do about it, after its path.
_SAVE_AS = "open it in Word and save it as 'Word Document (*.docx)'"
_IMAGE = ("is an image (a scan or a photo), not a Word form; ask for the form as .docx, or type "
          "its answers into one")
_SHEET = "is a spreadsheet, not a Word form; only .docx forms are read"
NOT_FORM_REASONS: dict[str, str] = {
    ".doc": f"is a legacy Word 97-2003 file (.doc), not a .docx; {_SAVE_AS}",
    ".odt": f"is an OpenDocument text file (.odt), not a .docx; {_SAVE_AS} "
            "(or in LibreOffice: File > Save As, Word 2007-365)",
    ".rtf": f"is an RTF document, not a .docx; {_SAVE_AS}",
    ".wpd": f"is a WordPerfect document, not a .docx; {_SAVE_AS}",
    ".pages": "is an Apple Pages document, not a .docx; export it from Pages as Word (.docx)",
    ".pdf": "is a PDF, not a Word form: its answers cannot be read back; ask for the .docx "
            "it was made from",
    ".dotx": "is a Word template (a blank), not a filled-in form; fill it in and save it as "
             "'Word Document (*.docx)'",
    ".dotm": "is a Word template (a blank), not a filled-in form; fill it in and save it as "
             "'Word Document (*.docx)'",
    **dict.fromkeys((".png", ".jpg", ".jpeg", ".gif", ".bmp", ".tif", ".tiff", ".heic",
                     ".webp"), _IMAGE),
    **dict.fromkeys((".xlsx", ".xlsm", ".xls", ".csv", ".ods"), _SHEET),
    ".zip": "is a zip archive, not a form; unzip it and name the folder",
    ".msg": "is an e-mail, not a form; save the .docx attached to it and name that",
    ".eml": "is an e-mail, not a form; save the .docx attached to it and name that",
}
#: A lock file named on its own (under folders they are skipped and counted).
_LOCK_NAMED = ("is a Word lock file (~$…), not a form: Word keeps it while the document is open; "
               "name the document itself")
_LINKED_FOLDER = "is a link to a folder, which is not followed; name the folder itself"

#: The kinds of path that are not read as forms (:attr:`NotRead.kind`).
NOT_A_FORM, UNREADABLE, MISSING, EMPTY = "not a form", "unreadable", "missing", "empty"


def not_form_reason(path: Path) -> str:
    """Why a file found in a folder is not read as a form, and what to do about it."""
    suffix = path.suffix.lower()
    return NOT_FORM_REASONS.get(suffix) or (
        f"is not a Word form ({'a ' + suffix + ' file' if suffix else 'no extension'}); "
        "only .docx forms are read")


@dataclass(frozen=True)
class NotRead:
    """A path a user gave, or a file under a folder, that is not read as a form, and why:
    ``reason`` reads after the path ("a.pdf: is a PDF, …") and says what to do."""

    path: Path
    kind: str  # NOT_A_FORM, UNREADABLE (a folder), MISSING or EMPTY (a folder with no forms)
    reason: str


@dataclass(frozen=True)
class Found:
    """Every path accounted for: the forms to read (in a stable order) and everything else,
    as data, for the command to report and the register to record."""

    forms: tuple[Path, ...] = ()
    not_read: tuple[NotRead, ...] = ()
    lock_files: int = 0  # Word's ~$ files under folders: skipped, counted
    system_files: int = 0  # Thumbs.db, .DS_Store and the like: skipped, counted

    @property
    def files(self) -> tuple[Path, ...]:
        """The forms (the name before not-forms were accounted for)."""
        return self.forms

    def of_kind(self, kind: str) -> tuple[NotRead, ...]:
        return tuple(item for item in self.not_read if item.kind == kind)

    @property
    def not_forms(self) -> tuple[NotRead, ...]:
        return self.of_kind(NOT_A_FORM)

    @property
    def unreadable(self) -> tuple[NotRead, ...]:
        """Folders that could not be read (their files were not looked at)."""
        return self.of_kind(UNREADABLE)

    @property
    def missing(self) -> tuple[NotRead, ...]:
        return self.of_kind(MISSING)

    @property
    def empty(self) -> tuple[NotRead, ...]:
        """Folders given that hold no forms and nothing else."""
        return self.of_kind(EMPTY)


class _Finder:
    """Walks the paths given, sorting each file into forms, not-forms and skipped files."""

    def __init__(self, convertible: Callable[[Path], bool] | None) -> None:
        self.convertible = convertible
        self.seen: set[str] = set()
        self.forms: list[Path] = []
        self.not_read: list[NotRead] = []
        self.locks = self.system = 0

    def first_time(self, path: Path) -> Path | None:
        key = os.path.abspath(path)
        if key in self.seen:
            return None
        self.seen.add(key)
        return Path(key)

    def _is_form(self, path: Path, *, named: bool) -> bool:
        suffix = path.suffix.lower()
        if suffix in FORM_SUFFIXES:
            return True
        if suffix in CONVERTIBLE_SUFFIXES:
            return self.convertible is not None and self.convertible(path)
        # a file named on its own is tried unless its name says it is never a form
        return named and suffix not in NOT_FORM_REASONS

    def file(self, path: Path, *, named: bool) -> int:
        """Sort one file; how many forms and not-forms it added (0 for a skipped one)."""
        if not named and path.name.startswith(LOCK_PREFIX):
            self.locks += 1
            return 0
        if not named and (path.name.lower() in SYSTEM_FILES or path.name.startswith("._")):
            self.system += 1
            return 0
        where = self.first_time(path)
        if where is None:
            return 1
        if named and path.name.startswith(LOCK_PREFIX):
            self.not_read.append(NotRead(where, NOT_A_FORM, _LOCK_NAMED))
        elif self._is_form(where, named=named):
            self.forms.append(where)
        else:
            self.not_read.append(NotRead(where, NOT_A_FORM, not_form_reason(where)))
        return 1

    def folder(self, top: Path) -> None:
        """Every file below ``top``, folders in name order; a folder that cannot be listed is
        accounted for, and a folder with nothing in it at all is one too."""
        before_locks, counted = self.locks + self.system, 0

        def unreadable(exc: OSError) -> None:
            nonlocal counted
            where = self.first_time(Path(exc.filename or top))
            if where is not None:
                counted += 1
                self.not_read.append(NotRead(
                    where, UNREADABLE, f"folder cannot be read ({exc.strerror or exc}); "
                    "nothing in it was looked at: give yourself read access, or copy its "
                    "files into a folder you can read"))

        for root, dirs, names in os.walk(top, onerror=unreadable):
            dirs.sort()
            for name in list(dirs):
                if os.path.islink(os.path.join(root, name)):
                    dirs.remove(name)
                    where = self.first_time(Path(root, name))
                    if where is not None:
                        counted += 1
                        self.not_read.append(NotRead(where, NOT_A_FORM, _LINKED_FOLDER))
            for name in sorted(names):
                counted += self.file(Path(root, name), named=False)
        if not counted:
            skipped = self.locks + self.system - before_locks
            self.not_read.append(NotRead(
                Path(os.path.abspath(top)), EMPTY,
                f"holds no forms (only {skipped} skipped file{'s' * (skipped != 1)}: Word lock "
                "files or system files)" if skipped else "holds no forms (the folder is empty)"))

    def found(self) -> Found:
        return Found(tuple(self.forms), tuple(self.not_read), self.locks, self.system)


def find_forms(paths: Iterable[str | Path], *,
               convertible: Callable[[Path], bool] | None = None) -> Found:
    """Every path accounted for: each file as given, and every file under folders (recursive).

    Under folders, ``*.docx`` and ``*.docm`` files are forms; ``.doc`` and ``.odt`` ones too
    when ``convertible`` (a function of a path, e.g. :func:`caseaudit_docx.legacy.convertible`)
    says it can read them; every other file is a not-form with its reason, except Word's lock
    files and system files, which are skipped and counted. A file named on its own is taken as
    a form unless its extension names a kind of file that never is one (a PDF, an image), so a
    wrong one gets its own error. A path that does not exist, a folder that cannot be read and
    a folder that holds nothing are accounted for too; none of them stops the others.
    """
    finder = _Finder(convertible)
    for given in paths:
        path = Path(given)
        if path.is_dir():
            finder.folder(path)
        elif path.exists() or path.is_symlink():
            finder.file(path, named=True)
        else:
            where = finder.first_time(path)
            if where is not None:
                finder.not_read.append(NotRead(where, MISSING, "no such file or folder"))
    return finder.found()
