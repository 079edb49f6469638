"""Shared fixtures: the repository's paths, LibreOffice discovery and built templates."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest

from caseaudit_docx.model.form import Form

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
ON_CI = os.environ.get("CI", "").lower() == "true"


def squash_spaces(text: str) -> str:
    """Runs of white space as one space: layout and line wrapping left out of a comparison."""
    return re.sub(r"\s+", " ", text).strip()


def tool_or_skip(names: tuple[str, ...], needs: str, what: str) -> str:
    """The first of the programs ``names`` found, when ``needs`` is found too; else the test
    is skipped, or on CI (CI=true), where .ci/run installs them, fails."""
    found = next((path for name in names if (path := shutil.which(name))), None)
    if found and shutil.which(needs):
        return found
    message = f"{what} are needed for this test"
    if ON_CI:
        pytest.fail(message + "; .ci/run installs them")
    pytest.skip(message)


def soffice_or_skip() -> str:
    """The LibreOffice binary (and pdftotext beside it)."""
    return tool_or_skip(("soffice", "libreoffice"), "pdftotext",
                        "LibreOffice headless (soffice) and pdftotext")


def chromium_or_skip() -> str:
    """The headless Chromium binary (and pdfinfo beside it)."""
    return tool_or_skip(("chromium", "chromium-browser"), "pdfinfo",
                        "headless chromium and pdfinfo")


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


#: The second form every capability is tested on besides v3.2: another council's tool.
OTHER_FORM = ROOT / "tests" / "forms" / "other-council-1.0.json"


def two_forms() -> dict[str, Form]:
    """The bundled v3.2 and the other council's form, by the ids tests are parametrised with."""
    from caseaudit_docx.model.description import bundled_form, load_form

    return {"v3.2": bundled_form(), "other": load_form(OTHER_FORM)}
