"""Ingest and report speed and memory: 2,000 forms in, a workbook of 10,000 audits out.

Builds 2,000 forms by copying the samples under other case numbers (the case number's first
run gets a prefix, so every copy is a new audit), then, each phase in its own process so that
peak memory (RSS, ``resource.getrusage``) is the phase's own:

- extraction alone, one process, in memory: the floor every ingest pays per form;
- ingest with one process and with one worker per core, interleaved with extraction alone,
  on Word-realistic forms (samples/realistic.py) and on the samples: forms/s, ms per form and
  the parallel efficiency (target >= 0.85);
- ``ingest`` of the 2,000 files into a new register (process pool over the CPU cores,
  batched transactions), and a second ingest of the same files (all unchanged);
- ``report`` over 10,000 audits (the 2,000 ingested, copied in the register under new case
  numbers) with XlsxWriter in constant_memory mode; its Responses sheet passes Excel's row
  limit; and the floor: the same cells written again with XlsxWriter's plain public API.

Targets (issue 5, on a 2-core machine): ingest at least 150 forms/s; report for 10,000 audits
in under 30 s and under 500 MB peak RSS (issue 15), printed as a ratio to the floor.
Medians of ``--rounds`` runs; ratios against the targets, and the ingest against
extraction alone, are what to quote on a shared machine.

    python benchmarks/bench_collate.py [--forms 2000] [--audits 10000] [--rounds 3]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

INGEST_TARGET = 150.0  # forms per second
REPORT_SECONDS, REPORT_MEMORY_MB = 30.0, 500.0  # issue 15 item 4


def make_forms(folder: Path, count: int, sources: list[bytes] | None = None) -> list[Path]:
    """Copies of the samples (or of ``sources``), each under its own case number."""
    samples = sources or [p.read_bytes()
                          for p in sorted((ROOT / "samples" / "forms").glob("*.docx"))]
    paths = []
    for n in range(count):
        source = zipfile.ZipFile(__import__("io").BytesIO(samples[n % len(samples)]))
        target = folder / f"form-{n:05d}.docx"
        with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as out:
            for item in source.infolist():
                data = source.read(item)
                if item.filename == "word/document.xml":
                    assert b">CA-" in data, "a sample's case number has moved"
                    data = data.replace(b">CA-", b">B%05d-CA-" % n, 1)
                out.writestr(item, data)
        paths.append(target)
    return paths


def _child(code: str, *args: str) -> dict[str, float]:
    """Run one phase in a fresh interpreter; it prints a JSON line of its measurements."""
    measure = (
        "import json, resource, sys, time\n"
        f"sys.path.insert(0, {str(ROOT)!r})\n"
        "start = time.perf_counter()\n"
        f"{code}\n"
        "elapsed = time.perf_counter() - start\n"
        "own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024\n"
        "kids = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024\n"
        "print(json.dumps({'seconds': elapsed, 'rss_mb': own, 'worker_rss_mb': kids}))\n"
    )
    done = subprocess.run([sys.executable, "-c", measure, *args], check=True,
                          capture_output=True, text=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


EXTRACT_ONLY = """
from pathlib import Path
from caseaudit_docx.extract.extract import extract_file
for path in sorted(Path(sys.argv[1]).glob('*.docx')):
    extract_file(path)
"""
INGEST = """
from caseaudit_docx.register.ingest import ingest
summary = ingest([sys.argv[1]], sys.argv[2])
assert summary.failed == 0, summary.failures[:3]
sys.stderr.write(summary.line() + '\\n')
"""
INGEST_WORKERS = """
from caseaudit_docx.register.ingest import ingest
summary = ingest([sys.argv[1]], sys.argv[2], workers=int(sys.argv[3]))
assert summary.failed == 0, summary.failures[:3]
"""


def ingest_phase(label: str, forms: Path, count: int, rounds: int, work: Path) -> None:
    """Ingest of ``forms`` into new registers with one process and one worker per core,
    interleaved with extraction alone (one process, the floor of ingest): forms/s, ms per
    form, the ratio to extraction alone and the parallel efficiency (one-process time /
    (cores x parallel time); target >= 0.85)."""
    from caseaudit_docx.workers import default_jobs

    cores = default_jobs()
    alone: list[float] = []
    runs: dict[int, list[float]] = {1: [], cores: []}
    for n in range(rounds):
        alone.append(_child(EXTRACT_ONLY, str(forms))["seconds"])
        for jobs, times in runs.items():
            db = work / f"{label}-{jobs}-{n}.db"
            times.append(_child(INGEST_WORKERS, str(forms), str(db), str(jobs))["seconds"])
            db.unlink()
    floor, one, many = (statistics.median(t) for t in (alone, runs[1], runs[cores]))
    efficiency = statistics.median(a / (cores * b) for a, b in zip(runs[1], runs[cores]))
    print(f"{label} ({count} forms, medians of {rounds} interleaved rounds):")
    print(f"  extraction alone, 1 process: {count / floor:7.1f} forms/s "
          f"{1000 * floor / count:6.2f} ms/form")
    print(f"  ingest, 1 process          : {count / one:7.1f} forms/s "
          f"{1000 * one / count:6.2f} ms/form  {one / floor:.2f}x extraction alone")
    print(f"  ingest, {cores} processes        : {count / many:7.1f} forms/s "
          f"{1000 * many / count:6.2f} ms/form  = {count / many / INGEST_TARGET:.2f}x the "
          f"{INGEST_TARGET:.0f}/s target")
    print(f"  parallel efficiency        : {efficiency:.2f} ({one / many:.2f}x on {cores} "
          f"cores; target >= 0.85): {'met' if efficiency >= 0.85 else 'NOT met'}")


GROW = """
import dataclasses
from caseaudit_docx.register.store import Register
from caseaudit_docx.register.read import current_audit_ids, iter_current
from caseaudit_docx.model.description import bundled_form
from caseaudit_docx.model.record import FieldValue, Source
target = int(sys.argv[2])
case_field = bundled_form().roles.case
with Register.open(sys.argv[1]) as register:
    records = [a.record for a in iter_current(register, current_audit_ids(register))]
    copy = 0
    with register.transaction():
        while len(records) * (copy + 1) < target:
            copy += 1
            for n, record in enumerate(records):
                if len(records) * copy + n >= target:
                    break
                fields = dict(record.fields)
                case = f"X{copy:02d}-{record.text(case_field)}"
                fields[case_field] = FieldValue(case, case)
                source = Source(record.source.file, f"{record.source.sha256}-{copy}", 1,
                                record.source.modified)
                register.add_record(dataclasses.replace(record, source=source, fields=fields))
"""
REPORT = """
from caseaudit_docx.report.workbook import write_report
summary = write_report(sys.argv[1], sys.argv[2], force=True)
sys.stderr.write(summary.line() + '\\n')
"""
#: The floor: the report's own cells (read back from its workbook, untimed) written again
#: with XlsxWriter's plain public API (constant_memory, one write_* call per cell, no formats);
#: only the writing and the close are timed, and printed as the JSON's "seconds".
REPORT_FLOOR = """
import datetime as dt
import openpyxl, xlsxwriter
source = openpyxl.load_workbook(sys.argv[1], read_only=True)
book = xlsxwriter.Workbook(sys.argv[2], {"constant_memory": True, "strings_to_formulas": False,
                                         "strings_to_urls": False, "strings_to_numbers": False})
spent = 0.0
for ws in source.worksheets:
    out = book.add_worksheet(ws.title)
    for r, row in enumerate(ws.iter_rows(values_only=True)):
        t = time.perf_counter()
        for c, v in enumerate(row):
            if v is None:
                continue
            if isinstance(v, str):
                out.write_string(r, c, v)
            elif isinstance(v, dt.datetime):
                out.write_datetime(r, c, v)
            else:
                out.write_number(r, c, v)
        spent += time.perf_counter() - t
t = time.perf_counter()
book.close()
spent += time.perf_counter() - t
start = time.perf_counter() - spent  # what the caller's timer then measures
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--forms", type=int, default=2000)
    parser.add_argument("--audits", type=int, default=10000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--realistic", type=int, default=600, metavar="N",
                        help="Word-realistic forms to ingest (samples/realistic.py; 0: skip)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-collate-") as tmp:
        work = Path(tmp)
        forms = work / "forms"
        forms.mkdir()
        make_forms(forms, args.forms)
        count = len(list((ROOT / "samples" / "forms").glob("*.docx")))
        print(f"{args.forms} forms from {count} samples;"
              f" {os.cpu_count()} CPUs; medians of {args.rounds} rounds")
        from benchmarks.bench_extract import machine_efficiency

        print(f"this machine now: a pure-Python loop on 2 cores at once runs at parallel "
              f"efficiency {machine_efficiency():.2f} (the most any batch can reach)")
        if args.realistic:
            from samples.realistic import realistic_forms

            real = work / "realistic"
            real.mkdir()
            make_forms(real, args.realistic, [data for _, data in realistic_forms(12)])
            ingest_phase("realistic forms", real, args.realistic, args.rounds, work)
        ingest_phase("samples", forms, args.forms, args.rounds, work)

        floor = [_child(EXTRACT_ONLY, str(forms)) for _ in range(args.rounds)]
        ingests, agains = [], []
        for n in range(args.rounds):
            db = work / f"r{n}.db"
            ingests.append(_child(INGEST, str(forms), str(db)))
            agains.append(_child(INGEST.replace("summary.failed == 0", "summary.unchanged == "
                                                f"{args.forms}"), str(forms), str(db)))
        db = work / "r0.db"
        _child(GROW, str(db), str(args.audits))
        reports, floors = [], []
        for _ in range(args.rounds):  # interleaved: the box's noise falls on both alike
            reports.append(_child(REPORT, str(db), str(work / "book.xlsx")))
            floors.append(_child(REPORT_FLOOR, str(work / "book.xlsx"), str(work / "f.xlsx")))
        size_mb = (work / "book.xlsx").stat().st_size / 2**20

    def med(runs: list[dict[str, float]], key: str) -> float:
        return statistics.median(r[key] for r in runs)

    extract_rate = args.forms / med(floor, "seconds")
    ingest_rate = args.forms / med(ingests, "seconds")
    again_rate = args.forms / med(agains, "seconds")
    report_s, report_mb = med(reports, "seconds"), med(reports, "rss_mb")
    print(f"extraction alone, 1 process : {extract_rate:7.1f} forms/s")
    print(f"ingest (new register)       : {ingest_rate:7.1f} forms/s  "
          f"= {ingest_rate / INGEST_TARGET:.2f}x the {INGEST_TARGET:.0f}/s target, "
          f"{ingest_rate / extract_rate:.2f}x extraction alone; peak RSS "
          f"{med(ingests, 'rss_mb'):.0f} MB (main), {med(ingests, 'worker_rss_mb'):.0f} MB "
          f"(largest worker)")
    print(f"ingest again (unchanged)    : {again_rate:7.1f} forms/s")
    print(f"report, {args.audits} audits      : {report_s:7.1f} s = "
          f"{report_s / REPORT_SECONDS:.2f}x the {REPORT_SECONDS:.0f} s budget; peak RSS "
          f"{report_mb:.0f} MB = {report_mb / REPORT_MEMORY_MB:.2f}x the "
          f"{REPORT_MEMORY_MB:.0f} MB budget; {size_mb:.0f} MB workbook")
    floor_s = med(floors, "seconds")
    print(f"report floor (same cells, plain XlsxWriter): {floor_s:7.1f} s; the report is "
          f"{report_s / floor_s:.2f}x the floor")


if __name__ == "__main__":
    main()
