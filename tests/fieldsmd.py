"""Read the field ids and kinds out of docs/fields.md, the public contract, for the tests."""

from __future__ import annotations

import re
from pathlib import Path

FIELDS_MD = Path(__file__).resolve().parent.parent / "docs" / "fields.md"
_REPEATS = {"parentN": range(1, 3), "actionN": range(1, 11)}


def _expand(token: str) -> list[str]:
    token = token.strip().strip("`")
    if "…" in token:  # "q1.notes … q38.notes"
        first, last = (t.strip() for t in token.split("…"))
        a = re.fullmatch(r"q(\d+)\.(\w+)", first)
        b = re.fullmatch(r"q(\d+)\.(\w+)", last)
        assert a and b and a.group(2) == b.group(2), token
        return [f"q{n}.{a.group(2)}" for n in range(int(a.group(1)), int(b.group(1)) + 1)]
    for marker, numbers in _REPEATS.items():
        if marker in token:
            stem = marker[:-1]
            return [token.replace(marker, f"{stem}{n}") for n in numbers]
    return [token]


def contract_fields(path: Path = FIELDS_MD) -> dict[str, str]:
    """{field id: kind} for every id the contract lists."""
    found: dict[str, str] = {}
    header: list[str] | None = None
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.startswith("|"):
            header = None
            continue
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if header is None:
            header = cells
            continue
        if set(line) <= set("|- "):
            continue
        if header[0] not in ("id", "ids"):
            continue
        ids, kinds = cells[0], cells[-1]
        if " / " in ids:  # "q39.notes / q39.answer" with "text / yes_no"
            pairs = zip(ids.split(" / "), kinds.split(" / "), strict=True)
        else:
            pairs = ((token, kinds) for token in ids.split(","))
        for token, kind in pairs:
            for field_id in _expand(token):
                assert field_id not in found, f"{field_id} listed twice"
                found[field_id] = kind.strip()
    return found
