"""Leaving nothing behind: a private folder, outputs written whole, signals that unwind.

The commands hold case data (children's names) in temporary files: the register ``collate``
builds, the rows ``report`` sets aside, each sheet's XML. Every one of them lives in one
:func:`private_folder` (``mkdtemp``: mode 0700), removed when the work ends, whichever way it
ends: success, an error, Ctrl-C, or SIGTERM or SIGHUP, which :func:`signals_unwind` turns into
an exception (:class:`Terminated`) so that every ``finally`` block runs. A kill -9 runs none:
each private folder holds a locked ``.lock`` file, and the next run removes the folders whose
lock nobody holds any more (their process is gone).

Outputs (workbooks, templates, generated forms) are written under a temporary name beside
their final one and renamed only when complete (:func:`written_whole`), so no run leaves a half
file under the name a user asked for; and an ``OSError`` while writing becomes one line
(:func:`output_error`): "…: cannot be written: disk full" when the disk or quota is full.
"""

from __future__ import annotations

import contextlib
import ctypes
import errno
import os
import secrets
import shutil
import signal
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextvars import ContextVar
from dataclasses import dataclass, field
from pathlib import Path
from types import FrameType
from typing import IO, Any

from caseaudit_docx.errors import OutputError

if sys.platform != "win32":  # Windows has no flock: no sweeping after a kill there
    import fcntl

#: The private folders' prefix (LibreOffice's conversions run in one too).
PREFIX = "caseaudit-"
_LOCK = ".lock"
_SIGNALS = tuple(getattr(signal, name) for name in ("SIGTERM", "SIGHUP") if hasattr(signal, name))
_FULL = frozenset(code for code in (errno.ENOSPC, getattr(errno, "EDQUOT", None)) if code)


class Terminated(SystemExit):
    """SIGTERM or SIGHUP arrived while :func:`signals_unwind` was in force: raised where the
    process was, so that every ``finally`` block runs. Exits with 128 + the signal's number,
    as a shell reports a process a signal ended."""

    def __init__(self, signum: int) -> None:
        super().__init__(128 + signum)
        self.signum = signum


_previous: dict[int, Any] = {}  # the handlers ours replaced, while installed
_depth = 0
_stopping = False


def _raise_terminated(signum: int, frame: FrameType | None) -> None:
    global _stopping
    if _stopping:  # a second signal while the first unwinds: let the clean-up finish
        return
    _stopping = True
    raise Terminated(signum)


@contextlib.contextmanager
def signals_unwind() -> Iterator[None]:
    """While the block runs, SIGTERM and SIGHUP raise :class:`Terminated`; restored after.

    Installed from the main thread only (Python runs signal handlers there), and only over
    the default action: an application's own handler, or ``nohup``'s SIG_IGN, is left alone.
    Nested blocks share the outermost one's handlers.
    """
    global _depth, _stopping
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    if _depth == 0:
        _stopping = False
        for signum in _SIGNALS:
            if signal.getsignal(signum) is signal.SIG_DFL:
                _previous[signum] = signal.signal(signum, _raise_terminated)
    _depth += 1
    try:
        yield
    finally:
        _depth -= 1
        if _depth == 0:
            for signum, handler in _previous.items():
                signal.signal(signum, handler)
            _previous.clear()


def default_signals() -> None:
    """In a child process (a pool's worker): SIGTERM and SIGHUP end it at once, whatever
    handlers it inherited from its parent."""
    for signum in _SIGNALS:
        signal.signal(signum, signal.SIG_DFL)


_PR_SET_PDEATHSIG = 1  # from <linux/prctl.h>
#: How often a worker looks whether its parent is still there, where the kernel cannot say.
WATCH_SECONDS = 0.5


def die_with_parent(parent: int) -> None:
    """In a child process: end it (SIGTERM, the default action) as soon as its parent dies,
    even by kill -9, so that no worker lives on holding files open. On Linux the kernel sends
    the signal (``prctl(PR_SET_PDEATHSIG)``); everywhere, a daemon thread also watches for the
    parent process changing. ``parent`` is the pid the parent had when it started the child:
    if it is gone already, the child ends now."""
    default_signals()
    if sys.platform.startswith("linux"):
        with contextlib.suppress(OSError, AttributeError):
            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(_PR_SET_PDEATHSIG, signal.SIGTERM, 0, 0, 0)
    watched = os.getppid()
    if watched != parent and not _alive(parent):
        os._exit(1)  # the parent died before the signal was asked for
    threading.Thread(target=_watch_parent, args=(watched,), name="caseaudit-watch-parent",
                     daemon=True).start()


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # someone else's process, so it exists
        return True
    return True


def _watch_parent(parent: int) -> None:
    """A child's watchdog: when its parent is gone (the child is given to another), exit."""
    while os.getppid() == parent:
        time.sleep(WATCH_SECONDS)
    os._exit(1)


# -- the private folder -------------------------------------------------------------------------

@dataclass
class _Folder:
    path: Path
    opened: list[IO[str]] = field(default_factory=list)  # closed when the folder goes


_current: ContextVar[_Folder | None] = ContextVar("caseaudit_private_folder", default=None)


def current_folder() -> Path | None:
    """The innermost :func:`private_folder` in force, if any."""
    folder = _current.get()
    return folder.path if folder is not None else None


@contextlib.contextmanager
def private_folder() -> Iterator[Path]:
    """A new folder only this user can open (0700) for files holding case data, removed with
    everything in it when the block ends, on success, error, SIGTERM or SIGHUP (the files
    :func:`private_text_file` opened in it are closed first). Folders that a killed run left
    behind are removed first."""
    with signals_unwind():
        sweep_stale()
        folder: _Folder | None = None
        lock: int | None = None
        token = None
        try:  # from before the folder exists: a signal at any point still removes it
            folder = _Folder(Path(tempfile.mkdtemp(prefix=PREFIX)))
            token = _current.set(folder)
            lock = _hold_lock(folder.path)
            yield folder.path
        finally:
            if token is not None:
                _current.reset(token)
            if folder is not None:
                for handle in folder.opened:
                    with contextlib.suppress(OSError):
                        handle.close()
                shutil.rmtree(folder.path, ignore_errors=True)
            if lock is not None:
                os.close(lock)


def _hold_lock(folder: Path) -> int | None:
    """Lock a file in ``folder`` for as long as this process lives (the lock dies with it),
    named ``.lock`` only once locked, so that a sweep never takes a new folder for a stale one."""
    if sys.platform == "win32":  # pragma: no cover
        return None
    fd, name = tempfile.mkstemp(dir=folder, prefix=".locking.")
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        os.rename(name, folder / _LOCK)
    except BaseException:
        os.close(fd)
        raise
    return fd


def sweep_stale(top: str | Path | None = None) -> int:
    """Remove this user's private folders under ``top`` (default the temporary folder) whose
    lock no process holds: what a kill -9 left. Returns how many were removed."""
    if sys.platform == "win32":  # pragma: no cover
        return 0
    top = Path(top if top is not None else tempfile.gettempdir())
    removed = 0
    try:
        entries = list(os.scandir(top))
    except OSError:
        return 0
    for entry in entries:
        try:
            if not entry.name.startswith(PREFIX) or not entry.is_dir(follow_symlinks=False) \
                    or entry.stat(follow_symlinks=False).st_uid != os.getuid():
                continue
            fd = os.open(os.path.join(entry.path, _LOCK), os.O_RDONLY | os.O_NOFOLLOW)
        except OSError:
            continue  # no lock: not one of ours, or still being made
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            continue  # held: its run is alive
        else:
            shutil.rmtree(entry.path, ignore_errors=True)
            removed += 1
        finally:
            os.close(fd)
    return removed


def private_text_file(*, prefix: str, suffix: str) -> tuple[IO[str], Path]:
    """A new text file (0600) in the current private folder (else the temporary folder)."""
    fd, name = tempfile.mkstemp(prefix=prefix, suffix=suffix, dir=current_folder())
    try:
        handle = os.fdopen(fd, "w", encoding="utf-8")
    except BaseException:
        os.close(fd)
        os.unlink(name)
        raise
    folder = _current.get()
    if folder is not None:
        folder.opened.append(handle)
    return handle, Path(name)


# -- outputs ------------------------------------------------------------------------------------


def disk_full(exc: OSError) -> bool:
    """Whether ``exc`` says the disk (or the user's quota) is full."""
    return exc.errno in _FULL


def output_error(exc: OSError, path: str | Path) -> OutputError:
    """One line for a file that could not be written: "cannot be written: disk full", or the
    system's reason."""
    why = "disk full" if disk_full(exc) else (exc.strerror or str(exc))
    return OutputError(f"cannot be written: {why}", path=path)


def temporary_beside(folder: Path, prefix: str, *, private: bool = True) -> tuple[IO[bytes], Path]:
    """A new file in ``folder`` under a name no other run holds (``prefix``…``.part``), open for
    writing: mode 0600 when ``private`` (it names children), else as the umask allows."""
    mode = 0o600 if private else 0o666
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0) \
        | getattr(os, "O_BINARY", 0)
    for _ in range(100):
        path = folder / f"{prefix}{secrets.token_hex(4)}.part"
        try:
            fd = os.open(path, flags, mode)
        except FileExistsError:
            continue
        try:
            return os.fdopen(fd, "wb"), path
        except BaseException:
            os.close(fd)
            path.unlink(missing_ok=True)
            raise
    raise FileExistsError(errno.EEXIST, "no temporary name is free", str(folder))


def rename_into_place(temp: Path, final: Path, *, force: bool,
                      meanwhile: str = "it was being written") -> bool:
    """Rename a complete ``temp`` to ``final``; without ``force`` never over an existing file,
    even one that appeared a moment ago (a hard link fails if the name exists). True if
    ``final`` is new. Raises :class:`OutputError`."""
    try:
        if force:
            existed = final.exists()
            os.replace(temp, final)
            return not existed
        try:
            os.link(temp, final)
        except FileExistsError:
            raise OutputError(f"appeared while {meanwhile}; nothing was replaced "
                              "(use --force to replace it)", path=final) from None
        except OSError:  # a file system without hard links
            if final.exists():
                raise OutputError("already exists (use --force to replace it)",
                                  path=final) from None
            os.rename(temp, final)
            return True
        temp.unlink()
        return True
    except OSError as exc:
        raise output_error(exc, final) from None


@contextlib.contextmanager
def written_whole(path: Path, *, force: bool, private: bool = True) -> Iterator[IO[bytes]]:
    """A binary file to write ``path`` through: it is a temporary file beside ``path``, renamed
    to it when the block ends without error, and removed otherwise (SIGTERM and SIGHUP
    included). An ``OSError`` becomes an :class:`OutputError` naming ``path``."""
    with signals_unwind():
        temp: Path | None = None
        try:
            handle, temp = temporary_beside(path.parent, f".{path.name[:200]}.", private=private)
            with handle:
                yield handle
            rename_into_place(temp, path, force=force)
        except OSError as exc:
            raise output_error(exc, path) from None
        finally:
            if temp is not None:
                temp.unlink(missing_ok=True)

