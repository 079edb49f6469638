"""Reading a file a user named: bounded, and every failure one clear error naming it."""

from __future__ import annotations

from pathlib import Path

import pytest

from caseaudit_docx.errors import InputError, NotAFormError, UnsafeFileError
from caseaudit_docx.files import megabytes, read_user_file


def test_reads_the_bytes(tmp_path: Path) -> None:
    path = tmp_path / "cases.csv"
    path.write_bytes(b"a,b\n")
    assert read_user_file(path, limit=10, what="a case list") == b"a,b\n"


@pytest.mark.parametrize("make,message", [
    (lambda p: None, "file not found"),
    (lambda p: p.mkdir(), "is a folder, not a case list"),
])
def test_missing_or_folder(tmp_path: Path, make, message: str) -> None:
    path = tmp_path / "cases.csv"
    make(path)
    with pytest.raises(InputError) as caught:
        read_user_file(path, limit=10, what="a case list")
    assert str(caught.value) == f"{path}: {message}"


def test_too_large_is_refused_before_reading(tmp_path: Path) -> None:
    path = tmp_path / "big.docx"
    path.write_bytes(b"x" * 2048)
    with pytest.raises(UnsafeFileError, match=r"2 KB, far too large to be a \.docx file"):
        read_user_file(path, limit=1024, what="a .docx file", error=NotAFormError,
                       too_large=UnsafeFileError)


def test_megabytes() -> None:
    assert (megabytes(3 * 2**20), megabytes(2048)) == ("3 MB", "2 KB")
