"""Forms saved in other formats: legacy Word 97-2003 (.doc) and OpenDocument text (.odt).

Councils hold years of forms, the older ones as .doc. When LibreOffice (``soffice`` or
``libreoffice``) is on PATH, such a file is converted to .docx headless and then read by label
and layout like any untagged copy, with a warning on the record; without it, the one-line error
says how to get LibreOffice or how to re-save the file.

The conversion never touches the input: its bytes are read once and copied into a private
temporary folder (:func:`caseaudit_docx.cleanup.private_folder`, mode 0700, swept by the next
run should this one be killed), which also holds LibreOffice's own user profile (so
the user's is never used or locked) and its temporary files. LibreOffice runs in its own process
group with a time limit; on timeout the whole group is killed. The folder is removed in every
case. The record keeps the identity (SHA-256, size) of the file the user has, not of the
converted copy.
"""

from __future__ import annotations

import dataclasses
import hashlib
import os
import shutil
import signal
import stat
import subprocess
import sys
from pathlib import Path

from caseaudit_docx.cleanup import private_folder
from caseaudit_docx.errors import NotAFormError
from caseaudit_docx.files import read_user_file
from caseaudit_docx.model.record import WARNING, Problem
from caseaudit_docx.oxml.package import (
    DEFAULT_LIMITS,
    DocxPackage,
    Limits,
    ole_kind,
    read_package_bytes,
)

#: How long one conversion may take, in seconds (LibreOffice's first start, which builds its
#: profile, takes a few seconds; a form converts in one or two more).
TIMEOUT_SECONDS = 120.0

#: The suffixes of the formats converted, by the kind read from a file's content.
SUFFIXES = {"doc": ".doc", "odt": ".odt"}

INSTALL_HINT = (
    "install LibreOffice (e.g. apt-get install libreoffice-writer-nogui) "
    "or open it in Word and save it as .docx"
)
_WHAT = {
    "doc": "a legacy Word 97-2003 .doc file",
    "odt": "an OpenDocument text file (.odt)",
}
_ODT_MIMETYPE = b"application/vnd.oasis.opendocument.text"
#: How much of a file :func:`convertible` looks at first (an ODF mimetype is at the start).
_SNIFF = 64 * 1024


def convertible(path: str | os.PathLike[str]) -> bool:
    """Whether ``path`` is a form this module converts: a legacy .doc (an OLE file with a
    ``WordDocument`` stream, not an encrypted one) or an .odt (an ODF zip whose mimetype is
    OpenDocument text), by content; by its suffix (.doc, .odt) when it cannot be read."""
    path = Path(path)
    try:
        if not stat.S_ISREG(os.stat(path).st_mode):
            return False  # a FIFO or a device is never opened: the reader refuses it by type
        with open(path, "rb") as handle:
            head = handle.read(_SNIFF)
            if ole_kind(head) is not None:  # its stream names may be anywhere: read it all
                head += handle.read(DEFAULT_LIMITS.max_file_size)
    except OSError:
        return path.suffix.lower() in SUFFIXES.values()
    return _kind(head) is not None


def open_form(
    path: str | os.PathLike[str], *, limits: Limits = DEFAULT_LIMITS,
) -> tuple[DocxPackage, tuple[Problem, ...]]:
    """The package of the form at ``path`` and the problems its reading adds to the record.

    A .docx or .docm is read directly (as :func:`~caseaudit_docx.oxml.package.read_package`
    does, with no problems); a .doc or .odt is converted by LibreOffice and carries a warning.
    Raises :class:`NotAFormError` with a one-line message for anything else, when LibreOffice
    is missing, or when the conversion fails or takes too long."""
    path = Path(path)
    data = read_user_file(path, limit=limits.max_file_size, what="a Word form",
                          error=NotAFormError)
    kind = _kind(data)
    if kind is None or path.name.startswith("~$"):  # a Word lock file is refused by its name
        return read_package_bytes(data, path, limits=limits), ()
    docx = _convert(data, kind, path, limits=limits)
    package = read_package_bytes(docx, path, limits=limits)
    # the record names the file the user has: its own hash and size, not the converted copy's
    package = dataclasses.replace(package, sha256=hashlib.sha256(data).hexdigest(),
                                  size=len(data))
    warning = Problem(None, WARNING, f"converted from {SUFFIXES[kind]} by LibreOffice; "
                                     "check the values against the original")
    return package, (warning,)


def converted_bytes(
    path: str | os.PathLike[str], *, limits: Limits = DEFAULT_LIMITS,
    timeout: float | None = None,
) -> bytes:
    """The .docx LibreOffice makes of the .doc or .odt at ``path`` (which is never written).
    ``timeout``: seconds, default :data:`TIMEOUT_SECONDS`."""
    path = Path(path)
    data = read_user_file(path, limit=limits.max_file_size, what="a Word form",
                          error=NotAFormError)
    kind = _kind(data)
    if kind is None:
        raise NotAFormError("is not a .doc or .odt document, so there is nothing to convert",
                            path=path)
    return _convert(data, kind, path, limits=limits, timeout=timeout)


def soffice() -> str | None:
    """LibreOffice's program on PATH (``soffice``, else ``libreoffice``), or None."""
    return shutil.which("soffice") or shutil.which("libreoffice")


def command(program: str, profile: Path, outdir: Path, source: Path, *,
            to: str = "docx") -> list[str]:
    """The LibreOffice command line converting ``source`` into ``outdir`` as ``to`` (a suffix:
    "docx"; the samples script makes "doc" and "odt"), with the user profile ``profile``."""
    return [
        program, f"-env:UserInstallation={profile.as_uri()}", "--headless", "--invisible",
        "--norestore", "--nologo", "--nodefault", "--nolockcheck",
        "--convert-to", to, "--outdir", str(outdir), str(source),
    ]


# -- the conversion -----------------------------------------------------------------------------


def _kind(data: bytes) -> str | None:
    """"doc" or "odt" when ``data`` is one of the formats converted, else None."""
    if ole_kind(data) == "doc":
        return "doc"
    # An ODF package's first member is "mimetype", stored uncompressed (ODF 1.2 part 3, 3.3).
    if data.startswith(b"PK\x03\x04") and data[30:38] == b"mimetype":
        size = int.from_bytes(data[18:22], "little")  # stored: compressed size is the size
        start = 38 + int.from_bytes(data[28:30], "little")  # after the local header's extra
        if data[start : start + size].strip() == _ODT_MIMETYPE:
            return "odt"
    return None


def _convert(data: bytes, kind: str, path: Path, *, limits: Limits,
             timeout: float | None = None) -> bytes:
    program = soffice()
    if program is None:
        raise NotAFormError(f"is {_WHAT[kind]}; to read it, {INSTALL_HINT}", path=path)
    seconds = TIMEOUT_SECONDS if timeout is None else timeout
    with private_folder() as folder:  # 0700, removed however the conversion ends
        source = folder / f"form{SUFFIXES[kind]}"
        source.write_bytes(data)
        outdir = folder / "out"
        outdir.mkdir()
        _run(command(program, folder / "profile", outdir, source), folder, seconds, kind, path)
        converted = outdir / "form.docx"
        if not converted.is_file():
            raise NotAFormError(
                f"is {_WHAT[kind]} that LibreOffice could not convert "
                "(is it damaged or password-protected?); open it in Word and save it as .docx",
                path=path,
            )
        return read_user_file(converted, limit=limits.max_file_size,
                              what="a converted form", error=NotAFormError)


def _run(args: list[str], folder: Path, seconds: float, kind: str, path: Path) -> None:
    """Run LibreOffice in its own process group, its temporary files in ``folder``; the whole
    group is killed when it outlives ``seconds``."""
    env = dict(os.environ, TMPDIR=str(folder), TMP=str(folder), TEMP=str(folder))
    try:
        process = subprocess.Popen(
            args, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL, cwd=folder, env=env, start_new_session=True,
        )
    except OSError as exc:
        raise NotAFormError(
            f"is {_WHAT[kind]}, but LibreOffice could not be started ({exc.strerror or exc}); "
            f"{INSTALL_HINT}",
            path=path,
        ) from None
    try:
        process.wait(timeout=seconds)
    except subprocess.TimeoutExpired:
        _kill_group(process)
        raise NotAFormError(
            f"is {_WHAT[kind]} that LibreOffice did not convert within {seconds:g} s "
            "(it was stopped); open it in Word and save it as .docx",
            path=path,
        ) from None
    finally:
        if process.returncode is None:  # interrupted (Ctrl+C): leave no LibreOffice behind
            _kill_group(process)
    # LibreOffice's exit status says little (0 even when a file failed): the output decides.


def _kill_group(process: subprocess.Popen[bytes]) -> None:
    """Kill LibreOffice and whatever it started (``soffice`` runs ``soffice.bin``)."""
    try:
        if sys.platform == "win32":
            process.kill()
        else:
            os.killpg(process.pid, signal.SIGKILL)
    except OSError:  # already gone
        pass
    process.wait()

