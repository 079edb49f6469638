"""Learning speed: a 200-question blank, against the floor of reading the same package.

Floor: zipfile read of word/document.xml plus one lxml parse, the least any reader of a blank
must do. The blank is built here from a description of 200 numbered questions (notes and a
1-5 score each, in tables of 20) with the template builder, then learned on its own and with
``based_on`` its own description. Medians over the rounds, in this one run; quote the ratios.

Target (issue "Learn a new form from its blank template"): under 2 s per 200-question blank.

    python benchmarks/bench_learn.py [--rounds 7]
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
from typing import Any

from lxml import etree

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from caseaudit_docx.generate.template import build_template
from caseaudit_docx.learn import learn_form
from caseaudit_docx.model.description import FORMAT, bundled_form, form_from_data


def big_description(questions: int = 200, per_table: int = 20) -> dict[str, Any]:
    """A form description of ``questions`` numbered questions, notes and a score each."""
    score = {"type": "number", "noun": "score", "minimum": 1, "maximum": 5, "out_of": 5}
    blocks: list[dict[str, Any]] = [{"paragraph": "Big audit form 1.0", "style": "title"}]
    sections = []
    for start in range(1, questions + 1, per_table):
        key = f"part{start}"
        sections.append({"key": key, "title": f"Part {start}"})
        rows: list[dict[str, Any]] = [{"key": f"{key}.heading", "cells": [
            {"label": [f"Part {start}"], "shaded": True, "bold": True},
            {"label": ["Auditor notes"], "shaded": True, "bold": True},
            {"label": ["Auditor’s response", "1 No, not at all", "5 Yes, completely"],
             "shaded": True, "bold": True}]}]
        for n in range(start, min(start + per_table, questions + 1)):
            label = f"Q{n}. Is there evidence of practice standard number {n} being met?"
            rows.append({"key": f"q{n}", "label": label, "cells": [
                {"label": [label]}, {"field": f"q{n}.notes", "kind": "text"},
                {"field": f"q{n}.score", "kind": "score"}]})
        blocks.append({"table": key, "widths_cm": [9, 5, 3.5], "rows": rows})
    return {"format": FORMAT, "name": "big", "version": "1.0", "title": "Big audit form 1.0",
            "placeholder": "Click here to enter text.",
            "kinds": {"text": {"type": "text"}, "score": score},
            "roles": {"case": "q1.notes"}, "sections": sections, "blocks": blocks}


def big_blank(questions: int = 200) -> bytes:
    # a council's blank: untagged, in its all-plain look
    return build_template(tagged=False, plain=True,
                          form=form_from_data(big_description(questions)))


def _floor(data: bytes) -> None:
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        etree.fromstring(package.read("word/document.xml"))


def _median(work: Callable[[], object], rounds: int) -> float:
    times = []
    for _ in range(rounds):
        start = time.perf_counter()
        work()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=7)
    args = parser.parse_args()
    data = big_blank()
    form = form_from_data(big_description())
    v32 = (ROOT / "caseaudit_docx/templates/case-audit-3.2-untagged.docx").read_bytes()
    floor = _median(lambda: _floor(data), args.rounds)
    alone = _median(lambda: learn_form(data), args.rounds)
    based = _median(lambda: learn_form(data, based_on=form), args.rounds)
    v32_floor = _median(lambda: _floor(v32), args.rounds)
    v32_based = _median(lambda: learn_form(v32, based_on=bundled_form()), args.rounds)
    print(f"200-question blank: {len(data):,} bytes, median of {args.rounds} rounds")
    print(f"  floor (zip + lxml parse)  {floor * 1000:8.1f} ms")
    print(f"  learn_form                {alone * 1000:8.1f} ms  {alone / floor:6.1f}x floor")
    print(f"  learn_form, based_on      {based * 1000:8.1f} ms  {based / floor:6.1f}x floor")
    print("v3.2 untagged blank (170 fields)")
    print(f"  floor (zip + lxml parse)  {v32_floor * 1000:8.1f} ms")
    print(f"  learn_form, based_on      {v32_based * 1000:8.1f} ms  "
          f"{v32_based / v32_floor:6.1f}x floor")


if __name__ == "__main__":
    main()
