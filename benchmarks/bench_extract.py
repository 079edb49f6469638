"""Extraction speed against the floor of reading the same files at all.

Floor: zipfile read of word/document.xml plus one lxml parse, the least any reader of these
forms must do. Also compared: python-docx's Document() load (which cannot even see the content
controls). Each is timed over the bundled samples, repeated, in this one run; the ratios are
what to quote on a shared machine, not the absolute times.

Target (issue 3): extraction costs at most 2x the floor. Extraction is timed twice in the same
run: with the bundled v3.2 description, and with a description learned from the bundled untagged
blank with no earlier version to go on (``learn_form(blank)``), so both ratios can be compared
(the learning issue: "extraction with a learned form is as fast as with the bundled one").

Also printed, to show how much room the target leaves: the floor plus one walk of every element
by libxslt (a stylesheet that visits each element and writes nothing). Any reader of the
accepted view must visit the runs at least once after parsing; this is that visit at C speed,
with nothing yet read, located, normalised or recorded.

    python benchmarks/bench_extract.py [--rounds 15]
"""

from __future__ import annotations

import argparse
import io
import statistics
import sys
import time
import zipfile
from collections.abc import Callable
from pathlib import Path

import docx
from lxml import etree

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from caseaudit_docx.extract.extract import extract_bytes
from caseaudit_docx.learn import learn_form
from caseaudit_docx.model.form import Form

UNTAGGED = ROOT / "caseaudit_docx" / "templates" / "case-audit-3.2-untagged.docx"
BUNDLED = "caseaudit extract (bundled)"
LEARNED = "caseaudit extract (learned)"


def _floor(data: bytes) -> None:
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        etree.fromstring(package.read("word/document.xml"))


_WALK = etree.XSLT(etree.XML(
    '<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform">'
    '<xsl:output method="text"/>'
    '<xsl:template match="*"><xsl:apply-templates select="*"/></xsl:template>'
    "</xsl:stylesheet>"
), access_control=etree.XSLTAccessControl.DENY_ALL)


def _floor_and_walk(data: bytes) -> None:
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        str(_WALK(etree.fromstring(package.read("word/document.xml"))))


def _python_docx(data: bytes) -> None:
    docx.Document(io.BytesIO(data))


def _extract(data: bytes) -> None:
    extract_bytes(data, "bench.docx")


def _extract_with(form: Form) -> Callable[[bytes], None]:
    def extract(data: bytes) -> None:
        extract_bytes(data, "bench.docx", form=form)
    return extract


def _round(fn: Callable[[bytes], None], forms: list[bytes]) -> float:
    start = time.perf_counter()
    for data in forms:
        fn(data)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=15)
    parser.add_argument("--repeat", type=int, default=4, help="copies of the samples per round")
    args = parser.parse_args()
    samples = sorted((ROOT / "samples" / "forms").glob("*.docx"))
    forms = [p.read_bytes() for p in samples] * args.repeat
    learned = learn_form(UNTAGGED.read_bytes()).form  # based_on=None: learned from scratch
    cases = {"floor (zip + lxml parse)": _floor, "floor + libxslt element walk": _floor_and_walk,
             "python-docx Document()": _python_docx, BUNDLED: _extract,
             LEARNED: _extract_with(learned)}
    for fn in cases.values():
        _round(fn, forms[:3])  # warm up imports and caches
    timings: dict[str, list[float]] = {name: [] for name in cases}
    for _ in range(args.rounds):  # interleaved, so load on the shared box hits all alike
        for name, fn in cases.items():
            timings[name].append(_round(fn, forms))
    floor = statistics.median(timings["floor (zip + lxml parse)"])
    print(f"{len(forms)} forms per round, {args.rounds} rounds; medians:")
    for name, values in timings.items():
        median = statistics.median(values)
        print(f"  {name:29} {len(forms) / median:8.1f} forms/s  "
              f"{1000 * median / len(forms):6.2f} ms/form  ratio to floor {median / floor:5.2f}")
    ratios = {name: statistics.median(timings[name]) / floor for name in (BUNDLED, LEARNED)}
    for name, ratio in ratios.items():
        verdict = "met" if ratio <= 2 else "NOT met"
        form = "learned form" if name == LEARNED else "bundled form"
        print(f"extraction / floor, {form} = {ratio:.2f} (target <= 2.00): {verdict}")
    paired = statistics.median(
        learn / bundled for learn, bundled in zip(timings[LEARNED], timings[BUNDLED]))
    print(f"learned / bundled (median of per-round ratios) = {paired:.2f}")


if __name__ == "__main__":
    main()
