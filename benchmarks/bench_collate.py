"""Ingest and report speed and memory: 2,000 forms in, a workbook of 10,000 audits out.

Builds 2,000 forms by copying the samples under other case numbers (the case number's first
run gets a prefix, so every copy is a new audit), then, each phase in its own process so that
peak memory (RSS, ``resource.getrusage``) is the phase's own:

- extraction alone, one process, in memory: the floor every ingest pays per form;
- ``ingest`` of the 2,000 files into a new register (process pool over the CPU cores,
  batched transactions), and a second ingest of the same files (all unchanged);
- ``report`` over 10,000 audits (the 2,000 ingested, copied in the register under new case
  numbers) with openpyxl in write-only mode; its Responses sheet passes Excel's row limit.

Targets (issue 5, on a 2-core machine): ingest at least 150 forms/s; report for 10,000 audits
in under 60 s and under 1 GB peak RSS. Medians of ``--rounds`` runs; ratios against the
targets, and the ingest against extraction alone, are what to quote on a shared machine.

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
REPORT_SECONDS, REPORT_MEMORY_MB = 60.0, 1024.0


def make_forms(folder: Path, count: int) -> list[Path]:
    """Copies of the samples, each under its own case number."""
    samples = [p.read_bytes() for p in sorted((ROOT / "samples" / "forms").glob("*.docx"))]
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--forms", type=int, default=2000)
    parser.add_argument("--audits", type=int, default=10000)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-collate-") as tmp:
        work = Path(tmp)
        forms = work / "forms"
        forms.mkdir()
        make_forms(forms, args.forms)
        print(f"{args.forms} forms from {len(list((ROOT / 'samples').glob('*.docx')))} samples;"
              f" {os.cpu_count()} CPUs; medians of {args.rounds} rounds")

        floor = [_child(EXTRACT_ONLY, str(forms)) for _ in range(args.rounds)]
        ingests, agains = [], []
        for n in range(args.rounds):
            db = work / f"r{n}.db"
            ingests.append(_child(INGEST, str(forms), str(db)))
            agains.append(_child(INGEST.replace("summary.failed == 0", "summary.unchanged == "
                                                f"{args.forms}"), str(forms), str(db)))
        db = work / "r0.db"
        _child(GROW, str(db), str(args.audits))
        reports = [_child(REPORT, str(db), str(work / "book.xlsx")) for _ in range(args.rounds)]
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
          f"{report_mb:.0f} MB = {report_mb / REPORT_MEMORY_MB:.2f}x the 1 GB budget; "
          f"{size_mb:.0f} MB workbook")


if __name__ == "__main__":
    main()
