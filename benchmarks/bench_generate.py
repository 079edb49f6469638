"""How fast ``caseaudit generate`` writes forms, against a floor measured in the same run.

The floor is the least any generator must do per form: copy the template's zip members into a
new .docx file, with the header values put into ``word/document.xml`` by plain string
replacement (no escaping, no placeholder handling, no Jinja). The target is at most 3x the floor.
A plain docxtpl render-and-save per case costs about 25x, because it re-prepares the same
template for every case; ``caseaudit generate`` prepares it once per batch.

Run from the repository root: ``python benchmarks/bench_generate.py [--forms 500] [--repeat 3]``.
Each repeat times both in turn; the medians are printed.
"""

from __future__ import annotations

import argparse
import csv
import io
import shutil
import statistics
import sys
import tempfile
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from caseaudit_docx.generate.generate import default_template, generate_forms
from caseaudit_docx.model.description import bundled_form
from caseaudit_docx.model.matching import header_fields

FORM = bundled_form()
DEFAULT_TEMPLATE = default_template(FORM)
PLACEHOLDER_TEXT = FORM.placeholder

FIELDS = [f.id for f in header_fields(FORM)]
TARGET = 3.0


def write_cases(path: Path, count: int) -> list[dict[str, str]]:
    """A case list of ``count`` fictional cases with every header field filled."""
    rows = []
    for n in range(count):
        rows.append({
            "case_number": f"CA-{30000 + n}",
            "child_name": f"Child Number{n} Fictional",
            "practitioners": "Sam Placeholder, Priya Notreal",
            "team": f"Assessment Team {n % 4 + 1}",
            "category": ("EH", "CIN", "CP", "LAC", "CP & LAC")[n % 5],
            "auditor": "Jo Example",
            "audit_start_date": f"{n % 28 + 1:02d}/03/2024",
            "practitioner_meeting_date": f"{n % 28 + 1:02d}/04/2024",
            "family_feedback_date": f"{n % 28 + 1:02d}/05/2024",
        })
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=FIELDS)
        writer.writeheader()
        writer.writerows(rows)
    return rows


def floor(rows: list[dict[str, str]], outdir: Path) -> float:
    """Seconds to write every form by copying members and replacing the placeholder text."""
    start = time.perf_counter()
    with zipfile.ZipFile(DEFAULT_TEMPLATE) as package:
        members = [(info.filename, package.read(info)) for info in package.infolist()]
    document = dict(members)["word/document.xml"].decode("utf-8")
    head, *rest = document.split(PLACEHOLDER_TEXT, len(FIELDS))  # the header controls come first
    for row in rows:
        text = head + "".join(row[f] + part for f, part in zip(FIELDS, rest))
        data = text.encode("utf-8")
        with zipfile.ZipFile(outdir / f"{row['case_number']}.docx", "w",
                             zipfile.ZIP_DEFLATED) as out:
            for name, blob in members:
                out.writestr(name, data if name == "word/document.xml" else blob)
    return time.perf_counter() - start


def naive_docxtpl(rows: list[dict[str, str]], outdir: Path) -> float:
    """Seconds per form for a plain docxtpl render-and-save of a template with a Jinja tag in
    each header control (for comparison only: it also leaves the placeholder flags in place)."""
    from docxtpl import DocxTemplate

    with zipfile.ZipFile(DEFAULT_TEMPLATE) as package:
        members = [(info.filename, package.read(info)) for info in package.infolist()]
    document = dict(members)["word/document.xml"].decode("utf-8")
    head, *rest = document.split(PLACEHOLDER_TEXT, len(FIELDS))
    tagged = head + "".join("{{ " + f + " }}" + part for f, part in zip(FIELDS, rest))
    template = io.BytesIO()
    with zipfile.ZipFile(template, "w", zipfile.ZIP_DEFLATED) as out:
        for name, blob in members:
            out.writestr(name, tagged.encode("utf-8") if name == "word/document.xml" else blob)
    start = time.perf_counter()
    for row in rows:
        tpl = DocxTemplate(io.BytesIO(template.getvalue()))
        tpl.render(row, autoescape=True)
        tpl.save(outdir / f"{row['case_number']}.docx")
    return (time.perf_counter() - start) / len(rows)


def ours(cases: Path, outdir: Path) -> float:
    start = time.perf_counter()
    generate_forms(cases, outdir)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--forms", type=int, default=500)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--docxtpl", type=int, default=20, metavar="N",
                        help="also time a plain docxtpl render-and-save of N forms (0: skip)")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="bench-generate-"))
    try:
        cases = work / "cases.csv"
        rows = write_cases(cases, args.forms)
        floors, generated = [], []
        for run in range(args.repeat):
            for kind, times in (("floor", floors), ("ours", generated)):
                out = work / f"{kind}-{run}"
                out.mkdir()
                times.append(floor(rows, out) if kind == "floor" else ours(cases, out))
                shutil.rmtree(out)
        f, g = statistics.median(floors), statistics.median(generated)
        print(f"forms per run:        {args.forms} (median of {args.repeat} runs)")
        print(f"floor (zip copy):     {f:.2f} s  {args.forms / f:7.1f} forms/s")
        print(f"caseaudit generate:   {g:.2f} s  {args.forms / g:7.1f} forms/s")
        ratio = g / f
        verdict = "within" if ratio <= TARGET else "OVER"
        print(f"ratio to floor:       {ratio:.2f}x ({verdict} the {TARGET:.0f}x target)")
        if args.docxtpl:
            out = work / "docxtpl"
            out.mkdir()
            per_form = naive_docxtpl(rows[: args.docxtpl], out)
            print(f"docxtpl per case:     {1 / per_form:7.1f} forms/s "
                  f"({per_form / (f / args.forms):.0f}x the floor; {args.docxtpl} forms)")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
