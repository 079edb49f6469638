"""The public Python API: every name in ``__all__`` resolves, and the README's example runs."""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path

import pytest

import caseaudit_docx as ca

from .conftest import ROOT


def test_every_public_name_resolves() -> None:
    for name in ca.__all__:
        assert getattr(ca, name) is not None, name
    assert set(dir(ca)) >= set(ca.__all__)


def test_an_unknown_name_is_an_attribute_error() -> None:
    try:
        ca.no_such_thing  # type: ignore[attr-defined]  # noqa: B018
    except AttributeError as exc:
        assert "no_such_thing" in str(exc)
    else:  # pragma: no cover - the assertion is the test
        raise AssertionError("no AttributeError")


def test_extract_ingest_and_report_from_python(tmp_path: Path) -> None:
    record = ca.extract_file(ROOT / "samples" / "forms" / "01-clean-tagged.docx")
    assert (record.template_name, record.template_version) == ("case-audit", "3.2")
    assert record.value("q1.score") is not None
    summary = ca.ingest([ROOT / "samples" / "forms"], tmp_path / "audits.db")
    assert summary.new >= 10 and summary.failed == 0
    written = ca.write_report(tmp_path / "audits.db", tmp_path / "audits.xlsx")
    assert written.audits == summary.new and (tmp_path / "audits.xlsx").stat().st_size > 0


def test_the_readmes_python_example_runs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch
                                         ) -> None:
    """The README's block, run as written from a copy of the project folder (with the
    description it names learned first, as its "Learning a form" section does)."""
    readme = (ROOT / "README.md").read_text("utf-8")
    block = readme.split("## Python API", 1)[1].split("```python\n", 1)[1].split("```", 1)[0]
    (tmp_path / "samples").symlink_to(ROOT / "samples")
    monkeypatch.chdir(tmp_path)
    untagged = ROOT / "caseaudit_docx" / "templates" / "case-audit-3.2-untagged.docx"
    learned = ca.learn_form(untagged, based_on=ca.bundled_form()).form
    (tmp_path / "my-form.json").write_text(
        ca.form_to_json(replace(learned, version="3.2-ours")), "utf-8")
    exec(compile(block, "README.md", "exec"), {})
    assert (tmp_path / "audits.xlsx").exists() and (tmp_path / "both.xlsx").exists()


def test_the_readme_documents_the_api() -> None:
    readme = (ROOT / "README.md").read_text("utf-8")
    section = readme.split("## Python API", 1)[1].split("\n## ", 1)[0]
    used = set(re.findall(r"\bca\.(\w+)", section))
    assert {"extract_file", "ingest", "write_report", "load_form"} <= used
    assert used <= set(ca.__all__)
