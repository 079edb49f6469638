"""Safe file names for generated forms: whatever a case list holds, the name is harmless."""

from __future__ import annotations

import re
import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from caseaudit_docx.errors import InputError
from caseaudit_docx.generate.filenames import (
    MAX_BYTES,
    MAX_CHARS,
    check_pattern,
    format_name,
    name_key,
    numbered,
    safe_filename,
)

FIELDS = ("case_number", "child_name", "team")


@pytest.mark.parametrize("raw, safe", [
    ("1234", "1234.docx"),
    ("1234.docx", "1234.docx"),
    ("CA/2024\\17", "CA_2024_17.docx"),
    ("../../etc/passwd", "_._etc_passwd.docx"),
    ("..", "form.docx"),
    ("   .hidden. ", "hidden.docx"),
    ("CON", "_CON.docx"),
    ("nul.txt", "_nul.txt.docx"),
    ("Com1", "_Com1.docx"),
    ("LPT\u00b9", "_LPT\u00b9.docx"),
    ("~$lock", "_$lock.docx"),
    ("a:b*c?d\"e<f>g|h", "a_b_c_d_e_f_g_h.docx"),
    ("line\nbreak\ttab\x00nul\x7fdel", "line break tab nul del.docx"),
    ("evil\u202egpj.exe", "evilgpj.exe.docx"),
    ("Zoe\u0308", "Zo\u00eb.docx"),
])
def test_examples(raw: str, safe: str) -> None:
    assert safe_filename(raw) == safe


def test_long_names_are_cut_to_120_characters_and_240_bytes() -> None:
    assert len(safe_filename("x" * 500)) == MAX_CHARS
    emoji = safe_filename("😀" * 100)
    assert len(emoji.encode("utf-8")) <= MAX_BYTES and emoji.endswith("😀.docx")


def test_numbered_names_stay_within_the_limits() -> None:
    long = safe_filename("y" * 300)
    assert numbered(long, 12).endswith("y (12).docx") and len(numbered(long, 12)) <= MAX_CHARS
    assert numbered("1234.docx", 2) == "1234 (2).docx"


def test_names_that_differ_only_in_case_or_normalisation_clash() -> None:
    assert name_key("CA-1.docx") == name_key("ca-1.DOCX")
    assert name_key("Zo\u00eb.docx") == name_key(unicodedata.normalize("NFD", "Zo\u00eb.docx"))


def test_patterns() -> None:
    check_pattern("{case_number} {child_name} ({row}).docx", FIELDS)
    assert format_name("{case_number} {child_name}.docx",
                       {"case_number": "CA/1", "child_name": "Amy\nExample"}, 3) == \
        "CA_1 Amy Example.docx"
    assert format_name("{team}-{case_number}", {"case_number": "9"}, 4) == "-9.docx"
    assert format_name("{team}", {}, 4) == "case-row-4.docx"
    assert format_name("{row:03d}", {}, 7) == "007.docx"


@pytest.mark.parametrize("pattern, message", [
    ("{shoe_size}.docx", "{shoe_size} is not a header field"),
    ("{case_number.__class__}.docx", "is not a header field"),
    ("{case_number[0]}.docx", "is not a header field"),
    ("{}.docx", "{} is not a header field"),
    ("{case_number", "is not a valid pattern"),
])
def test_bad_patterns(pattern: str, message: str) -> None:
    with pytest.raises(InputError, match=re.escape(message)):
        check_pattern(pattern, FIELDS)


_RESERVED_STEMS = {"con", "prn", "aux", "nul", "conin$", "conout$", "clock$"} | {
    f"{d}{n}" for d in ("com", "lpt") for n in "123456789\u00b9\u00b2\u00b3"}


@settings(max_examples=400, deadline=None)
@given(st.text(max_size=300), st.integers(min_value=2, max_value=10_000))
def test_any_text_gives_a_safe_name(raw: str, number: int) -> None:
    for name in (safe_filename(raw), numbered(safe_filename(raw), number)):
        stem = name[: -len(".docx")]
        assert name.endswith(".docx") and stem
        assert len(name) <= MAX_CHARS and len(name.encode("utf-8")) <= MAX_BYTES
        assert not any(c in name for c in '/\\:*?"<>|') and ".." not in name
        assert not any(unicodedata.category(c) == "Cc" for c in name)
        assert not name.startswith((".", " ", "~$")) and not stem.endswith((".", " "))
        assert stem.split(".")[0].strip().casefold() not in _RESERVED_STEMS
        assert name == unicodedata.normalize("NFC", name)
