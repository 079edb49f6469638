"""Shared fixtures: the repository's paths, LibreOffice discovery and built templates."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
ON_CI = os.environ.get("CI", "").lower() == "true"


def squash_spaces(text: str) -> str:
    """Runs of white space as one space: layout and line wrapping left out of a comparison."""
    return re.sub(r"\s+", " ", text).strip()


def soffice_or_skip() -> str:
    """The LibreOffice binary; on CI (CI=true) its absence fails the test instead of skipping."""
    found = shutil.which("soffice") or shutil.which("libreoffice")
    if found and shutil.which("pdftotext"):
        return found
    message = "LibreOffice headless (soffice) and pdftotext are needed for this test"
    if ON_CI:
        pytest.fail(message + "; .ci/run installs them")
    pytest.skip(message)


def convert_to_pdf(source: Path, outdir: Path) -> Path:
    """Convert a document with LibreOffice headless and return the PDF's path."""
    soffice = soffice_or_skip()
    profile = outdir / "lo-profile"
    subprocess.run(
        [soffice, f"-env:UserInstallation=file://{profile}", "--headless", "--norestore",
         "--convert-to", "pdf", "--outdir", str(outdir), str(source)],
        check=True, capture_output=True, timeout=180,
    )
    pdf = outdir / (source.stem + ".pdf")
    assert pdf.exists(), f"LibreOffice did not write {pdf}"
    return pdf


def pdf_text(pdf: Path) -> str:
    return subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], check=True, capture_output=True, text=True
    ).stdout


@pytest.fixture(scope="session")
def tagged_template() -> bytes:
    from caseaudit_docx.generate.template import build_template

    return build_template(tagged=True)


@pytest.fixture(scope="session")
def untagged_template() -> bytes:
    from caseaudit_docx.generate.template import build_template

    return build_template(tagged=False)


@pytest.fixture()
def private_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A temporary folder of its own for the code under test (``tempfile.tempdir``), so a test
    can see every file a run leaves there."""
    folder = tmp_path / "tmp"
    folder.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(folder))
    return folder
