"""Where generated forms go, written all or nothing.

A batch of forms is written under temporary names in the output folder (same file system, so
the final rename is atomic) and renamed only when every form is complete. If anything fails
before that (a rendering error, a full disk, Ctrl-C, SIGTERM or SIGHUP), the temporary files
and any form this run already renamed are removed, so a failed run leaves nothing
half-written. Without ``force`` an
existing file is never replaced: the names are checked before anything is written, and the
rename itself goes through a hard link, which fails if the name appeared in the meantime.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path

from caseaudit_docx.cleanup import output_error, rename_into_place, signals_unwind, temporary_beside
from caseaudit_docx.errors import OutputError
from caseaudit_docx.generate.filenames import format_name, name_key, numbered

Progress = Callable[[int, int], None]  # (forms written so far, forms in the batch)


def check_new_file(path: Path, *, suffix: str, wrong_suffix: str, force: bool,
                   need_folder: bool = False) -> None:
    """Refuse a single output file we must not write, before any work is done: the wrong
    extension (``wrong_suffix`` says what is expected), an existing file without ``force``,
    and, when ``need_folder``, a folder that does not exist."""
    if path.suffix.lower() != suffix:
        raise OutputError(wrong_suffix, path=path)
    if path.exists() and not force:
        raise OutputError("already exists (use --force to replace it)", path=path)
    if need_folder and not path.parent.is_dir():
        raise OutputError("its folder does not exist", path=path)


def output_folder(outdir: Path) -> bool:
    """Make sure ``outdir`` is a folder; True if this call created it."""
    if outdir.is_dir():
        return False
    if outdir.exists():
        raise OutputError("is a file; the output must be a folder", path=outdir)
    try:
        outdir.mkdir(parents=True)
    except FileExistsError:
        return False
    except OSError as exc:
        raise OutputError(f"cannot create the output folder ({exc.strerror or exc})",
                          path=outdir) from None
    return True


def plan_names(rows: Sequence[tuple[int, Mapping[str, str]]], pattern: str, outdir: Path, *,
               force: bool = False) -> list[str]:
    """A distinct safe name per (row number, values); names that would clash, even only on a
    case-insensitive file system, get " (2)", " (3)" … Without ``force``, refuses up front
    (before anything is written) if any name is taken in ``outdir``."""
    names: list[str] = []
    taken: set[str] = set()
    for row, values in rows:
        base = candidate = format_name(pattern, values, row)
        number = 2
        while name_key(candidate) in taken:
            candidate, number = numbered(base, number), number + 1
        taken.add(name_key(candidate))
        names.append(candidate)
    existing = [] if force else [n for n in names if (outdir / n).exists()]
    if existing:
        shown = ", ".join(existing[:5]) + (f" and {len(existing) - 5} more"
                                           if len(existing) > 5 else "")
        raise OutputError(f"{len(existing)} form{'s' if len(existing) > 1 else ''} would "
                          f"replace existing files ({shown}); use --force to replace them",
                          path=outdir)
    return names


def write_all(contents: Iterable[bytes], names: Sequence[str], outdir: Path, *,
              force: bool = False, progress: Progress | None = None
              ) -> tuple[list[Path], list[Path]]:
    """Write each of ``contents`` (made lazily, one at a time) under its name in ``names``.
    Returns the paths written, and those of them that did not replace an existing file.

    Until every form is renamed, a failure of any kind (SIGTERM and SIGHUP included) removes
    the temporary files and the forms this call created; a full disk is one line, "…: cannot
    be written: disk full"."""
    temps: list[Path] = []
    created: list[Path] = []
    done = False
    with signals_unwind():
        try:
            for data in contents:
                final = outdir / names[len(temps)] if len(temps) < len(names) else outdir
                temps.append(_write_temp(outdir, data, final))
                if progress is not None:
                    progress(len(temps), len(names))
            finals = []
            for temp, name in zip(temps, names):
                final = outdir / name
                if _move(temp, final, force):
                    created.append(final)
                finals.append(final)
            done = True
            return finals, created
        finally:
            if not done:
                for path in (*temps, *created):
                    path.unlink(missing_ok=True)


def _write_temp(outdir: Path, data: bytes, final: Path) -> Path:
    """A new file only this process can read (mode 0600), as the forms name children; an
    error names the form it was to become."""
    temp: Path | None = None
    try:
        handle, temp = temporary_beside(outdir, ".caseaudit-")
        with handle:
            handle.write(data)
    except OSError as exc:
        if temp is not None:
            temp.unlink(missing_ok=True)
        raise output_error(exc, final) from None
    return temp


def _move(temp: Path, final: Path, force: bool) -> bool:
    """Rename into place; without ``force`` never over an existing file, even one that
    appeared a moment ago. True if newly created."""
    return rename_into_place(temp, final, force=force, meanwhile="the forms were being written")
