"""Which library writes the workbook: openpyxl's write-only mode or XlsxWriter's constant_memory.

Both with public APIs only, on the report's real cell mix: Responses-like rows of an audit id
(int), a case number and a field id (short text), a question (wrapped), a note (long text,
wrapped), and a value that is a score (int), a grade (a filled, coloured cell), a date (a date
format) or empty. openpyxl appends rows, styled cells as ``WriteOnlyCell`` with a named style;
XlsxWriter writes each cell with ``write_string`` / ``write_number`` / ``write_datetime`` and a
format made once (``strings_to_formulas``, ``strings_to_urls``, ``strings_to_numbers`` off).
Rounds are interleaved; medians and the ratio are what to quote on a shared machine.

    python benchmarks/bench_workbook.py [--rows 100000] [--rounds 3]
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import xlsxwriter
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font, NamedStyle, PatternFill

Row = tuple[int, str, str, str, str, Any]
GRADES = ("Inadequate", "Requires Improvement", "Good", "Outstanding")


def make_rows(count: int) -> list[Row]:
    rng = random.Random(1)
    notes = ["Chronology reviewed with the worker. " * rng.randint(1, 12) for _ in range(500)]
    rows: list[Row] = []
    for i in range(count):
        kind = i % 4
        value: Any = (None, rng.randint(1, 5), dt.date(2019, 1 + i % 12, 1),
                      GRADES[i % 4])[kind]
        rows.append((i // 140, f"CA-{i // 140:05d}", f"q{i % 50}.notes",
                     "Is the chronology up to date and does it show the child's story?",
                     notes[i % 500], value))
    return rows


def with_xlsxwriter(rows: list[Row], path: Path) -> float:
    start = time.perf_counter()
    book = xlsxwriter.Workbook(str(path), {"constant_memory": True, "strings_to_formulas": False,
                                           "strings_to_urls": False,
                                           "strings_to_numbers": False})
    ws = book.add_worksheet("Responses")
    wrap = book.add_format({"text_wrap": True, "valign": "top"})
    date = book.add_format({"num_format": "dd/mm/yyyy", "valign": "top"})
    grade = book.add_format({"bg_color": "#C6EFCE", "font_color": "#006100"})
    string, number = ws.write_string, ws.write_number
    for r, (audit, case, field, question, note, value) in enumerate(rows, 1):
        number(r, 0, audit)
        string(r, 1, case)
        string(r, 2, field)
        string(r, 3, question, wrap)
        string(r, 4, note, wrap)
        if isinstance(value, int):
            number(r, 5, value)
        elif isinstance(value, dt.date):
            ws.write_datetime(r, 5, dt.datetime(value.year, value.month, value.day), date)
        elif value is not None:
            string(r, 5, value, grade)
    book.close()
    return time.perf_counter() - start


def with_openpyxl(rows: list[Row], path: Path) -> float:
    start = time.perf_counter()
    book = Workbook(write_only=True)
    top = Alignment(vertical="top")
    for name, fmt in (("wrap", {"alignment": Alignment(wrap_text=True, vertical="top")}),
                      ("date", {"alignment": top, "number_format": "dd/mm/yyyy"}),
                      ("grade", {"fill": PatternFill("solid", start_color="C6EFCE"),
                                 "font": Font(color="006100")})):
        style = NamedStyle(name)
        for key, value in fmt.items():
            setattr(style, key, value)
        book.add_named_style(style)
    ws = book.create_sheet("Responses")

    def styled(value: Any, style: str) -> WriteOnlyCell:
        cell = WriteOnlyCell(ws, value)
        cell.style = style
        return cell

    for audit, case, field, question, note, value in rows:
        if isinstance(value, dt.date):
            value = styled(value, "date")
        elif isinstance(value, str):
            value = styled(value, "grade")
        ws.append([audit, case, field, styled(question, "wrap"), styled(note, "wrap"), value])
    book.save(path)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    rows = make_rows(args.rows)
    cells = sum(5 + (r[-1] is not None) for r in rows)
    runs: dict[str, list[float]] = {"xlsxwriter": [], "openpyxl": []}
    writers: dict[str, Callable[[list[Row], Path], float]] = {
        "xlsxwriter": with_xlsxwriter, "openpyxl": with_openpyxl}
    with tempfile.TemporaryDirectory(prefix="bench-workbook-") as tmp:
        for _ in range(args.rounds):
            for name, write in writers.items():
                runs[name].append(write(rows, Path(tmp) / f"{name}.xlsx"))
    medians = {name: statistics.median(times) for name, times in runs.items()}
    print(f"{args.rows:,} Responses-like rows, {cells:,} cells; medians of {args.rounds} "
          "interleaved rounds")
    for name, seconds in medians.items():
        print(f"{name:10}: {seconds:6.2f} s = {seconds / cells * 1e6:5.2f} us/cell")
    print(f"openpyxl / xlsxwriter: {medians['openpyxl'] / medians['xlsxwriter']:.2f}x")


if __name__ == "__main__":
    main()
