"""Refresh the source part (sha256, size) of tests/data/v32-sample-records.json after the
samples' bytes changed (python samples/make_samples.py), and nothing else.

Why a script: the golden records are the public contract, so a byte change of a sample (a fixed
zip member, a unique bookmark id) must not be a reason to recapture them. This refuses, naming
the sample and key, when anything but sha256/size differs; only then does it write.

Run from the repository root: ``python -m tests.refresh_golden_sources``.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from caseaudit_docx.extract.extract import extract_file

ROOT = Path(__file__).resolve().parent.parent
GOLDEN = ROOT / "tests" / "data" / "v32-sample-records.json"
VOLATILE = ("sha256", "size")


def _without_bytes(record: dict[str, Any]) -> dict[str, Any]:
    source = {k: v for k, v in record["source"].items() if k not in (*VOLATILE, "file")}
    return {**record, "source": source}


def refreshed(golden: dict[str, Any]) -> tuple[dict[str, Any], list[str]]:
    """The golden records with today's sha256/size, and every other difference found."""
    out: dict[str, Any] = {}
    differences: list[str] = []
    for name, before in golden.items():
        now = extract_file(ROOT / "samples" / "forms" / name).to_dict()
        now["source"].pop("file")
        old, new = _without_bytes(before), _without_bytes(now)
        differences += [f"{name}: {key}" for key in sorted(set(old) | set(new))
                        if old.get(key) != new.get(key)]
        source = {**before["source"], **{k: now["source"][k] for k in VOLATILE}}
        out[name] = {**before, "source": source}
    return out, differences


def main() -> int:
    golden = json.loads(GOLDEN.read_text("utf-8"))
    updated, differences = refreshed(golden)
    if differences:
        print("not refreshed: records differ beyond sha256/size:", *differences, sep="\n  ")
        return 1
    GOLDEN.write_text(json.dumps(updated, indent=1), encoding="utf-8")
    print(f"refreshed sha256/size of {len(updated)} samples in {GOLDEN.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
