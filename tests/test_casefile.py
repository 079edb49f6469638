"""Case lists as councils export them, in real files: titles above the headings, hidden sheets,
dates as serial numbers, sheets whose dimension lies, Excel's UTF-16 "Unicode text"."""

from __future__ import annotations

import datetime as dt
import re
import time
import tracemalloc
import zipfile
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook
from openpyxl.utils.datetime import CALENDAR_MAC_1904

from caseaudit_docx.errors import InputError
from caseaudit_docx.generate.casefile import read_table
from caseaudit_docx.generate.caselist import read_case_list


def save(book: Workbook, path: Path) -> Path:
    book.save(path)
    return path


def titled_book(tmp_path: Path) -> Path:
    """A title, a subtitle, a blank row, then the headings on row 4 (as many exports are)."""
    book = Workbook()
    ws = book.active
    ws.title = "Cases"
    ws.append(["Case audits, April 2024"])
    ws.append(["Exported from the case management system", None, None, "04/04/2024"])
    ws.append([])
    ws.append(["Case ID", "Child", "Team", "Audit start date"])
    ws.append(["CA-1", "Amy Example", "North", dt.datetime(2024, 4, 2)])
    ws.append([None, "Ben Example", "South"])
    ws.append(["CA-3", "Cara Example", "East", None])
    return save(book, tmp_path / "cases.xlsx")


def test_headings_below_a_title_and_a_blank_row(tmp_path: Path) -> None:
    cases = read_case_list(titled_book(tmp_path))
    assert cases.header_row == 4
    assert cases.columns == {"Case ID": "case_number", "Child": "child_name", "Team": "team",
                             "Audit start date": "audit_start_date"}
    assert [(c.row, c.case) for c in cases.cases] == [(5, "CA-1"), (7, "CA-3")]
    assert cases.cases[0].values["audit_start_date"] == "02/04/2024"
    assert cases.skipped == ("row 6 has no case number; skipped",)  # the spreadsheet's numbers
    assert cases.warnings == ("the column headings are on row 4; the rows above are passed over "
                              "(use --header-row N to choose another row)",)


def test_header_row_chooses_the_row(tmp_path: Path) -> None:
    path = titled_book(tmp_path)
    assert read_case_list(path, header_row=4).warnings == ()
    with pytest.raises(InputError, match=re.escape("--header-row 3: row 3 is blank")):
        read_case_list(path, header_row=3)
    with pytest.raises(InputError, match=r"has no case number column .* the headings are "
                                        r"'Case audits, April 2024'"):
        read_case_list(path, header_row=1)


def test_hidden_first_sheet_is_skipped_with_a_warning(tmp_path: Path) -> None:
    book = Workbook()
    lookups = book.active
    lookups.title = "Lookups"
    lookups.append(["Case Number", "Team"])
    lookups.append(["NOT-A-CASE", "x"])
    lookups.sheet_state = "hidden"
    cases_sheet = book.create_sheet("Cases")
    cases_sheet.append(["Case Number", "Team"])
    cases_sheet.append(["CA-1", "North"])
    path = save(book, tmp_path / "cases.xlsx")
    cases = read_case_list(path)
    assert [c.case for c in cases.cases] == ["CA-1"]
    assert cases.warnings == ("skipped the hidden sheet 'Lookups'; read 'Cases' (use --sheet to "
                              "choose another)",)
    named = read_case_list(path, sheet="Lookups")  # asked for by name: read, no warning
    assert [c.case for c in named.cases] == ["NOT-A-CASE"] and named.warnings == ()


def test_serial_numbers_in_date_columns_are_dates(tmp_path: Path) -> None:
    book = Workbook()
    ws = book.active
    ws.append(["Case Number", "Audit start date", "Date of meeting practitioner", "Team"])
    ws.append(["CA-1", 45355, 45356.75, 45355])  # not formatted as dates: bare numbers
    ws.append(["CA-2", dt.datetime(2024, 3, 4), "45356", None])  # a formatted date; text digits
    ws.append(["CA-3", 12, None, None])  # far outside a case's years: kept, with a warning
    path = save(book, tmp_path / "cases.xlsx")
    assert load_workbook(path)["Sheet"]["B2"].number_format == "General"
    cases = read_case_list(path)
    values = [dict(c.values) for c in cases.cases]
    assert values[0] == {"case_number": "CA-1", "audit_start_date": "04/03/2024",
                         "practitioner_meeting_date": "05/03/2024", "team": "45355"}
    assert values[1]["audit_start_date"] == "04/03/2024"
    assert values[1]["practitioner_meeting_date"] == "05/03/2024"
    assert values[2]["audit_start_date"] == "12"
    assert cases.warnings == ("row 4, column 'Audit start date': '12' is not a date; it is "
                              "written as given",)


def test_serial_numbers_follow_the_workbooks_date_system(tmp_path: Path) -> None:
    book = Workbook()
    book.epoch = CALENDAR_MAC_1904  # old Mac Excel: serial 0 is 1 January 1904
    book.active.append(["Case Number", "Audit start date"])
    book.active.append(["CA-1", 45355 - 1462])
    path = save(book, tmp_path / "cases.xlsx")
    assert read_case_list(path).cases[0].values["audit_start_date"] == "04/03/2024"


def test_serial_numbers_in_a_csv_date_column(tmp_path: Path) -> None:
    path = tmp_path / "cases.csv"
    path.write_text("Case Number,Audit start date,Team\nCA-1,45355,45355\n", encoding="utf-8")
    assert dict(read_case_list(path).cases[0].values) == {
        "case_number": "CA-1", "audit_start_date": "04/03/2024", "team": "45355"}


def test_a_sheet_whose_dimension_lies_is_read_by_its_cells(tmp_path: Path) -> None:
    """Had the 16,384 columns the dimension claims been made for each of the 2,000 rows, the
    rows would take 250 MB, or (made and dropped) a minute under tracemalloc."""
    book = Workbook()
    book.active.append(["Case Number", "Child"])
    book.active.append(["CA-1", "Amy Example"])
    book.active.append([None, None])
    for number in range(2, 2001):
        book.active.append([f"CA-{number}", "Ben Example"])
    path = save(book, tmp_path / "cases.xlsx")
    with zipfile.ZipFile(path) as package:
        members = {i.filename: package.read(i) for i in package.infolist()}
    sheet = members["xl/worksheets/sheet1.xml"].decode()
    lied, count = re.subn(r'<dimension ref="[^"]*"\s*/>', '<dimension ref="A1:XFD1048576"/>',
                          sheet)
    assert count == 1, sheet
    members["xl/worksheets/sheet1.xml"] = lied.encode()
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as package:
        for name, data in members.items():
            package.writestr(name, data)
    claimed = load_workbook(path, read_only=True).active
    assert (claimed.max_row, claimed.max_column) == (1048576, 16384)  # the lie is believed

    tracemalloc.start()
    started = time.perf_counter()
    try:
        table = read_table(path, score=lambda row: 0)
        cases = read_case_list(path)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert time.perf_counter() - started < 15
    assert peak < 20 * 1024 * 1024, peak
    assert table.rows[:4] == (("Case Number", "Child"), ("CA-1", "Amy Example"), (),
                              ("CA-2", "Ben Example"))
    assert len(table.rows) == 2002 and {len(row) for row in table.rows} == {0, 2}
    assert [(c.row, c.case) for c in cases.cases[:2]] == [(2, "CA-1"), (4, "CA-2")]
    assert len(cases.cases) == 2000


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be"])
def test_utf16_tab_separated_csv_from_excel(tmp_path: Path, encoding: str) -> None:
    """Excel's "Unicode text": UTF-16 with a BOM, tab-separated, CRLF line ends."""
    text = ("Case ID\tChild\tSocial worker\tTeam\r\n"
            "CA-1\tZoë Ægir-Ō'Brien\tSam Placeholder, Jo Example\tNorth; South\r\n"
            "CA-2\t李小龍 Fictional\tJo Example\tEast\r\n")
    path = tmp_path / "cases.csv"
    path.write_bytes("\ufeff".encode(encoding) + text.encode(encoding))
    assert path.read_bytes()[:2] in (b"\xff\xfe", b"\xfe\xff")
    cases = read_case_list(path)
    assert [dict(c.values) for c in cases.cases] == [
        {"case_number": "CA-1", "child_name": "Zoë Ægir-Ō'Brien",
         "practitioners": "Sam Placeholder, Jo Example", "team": "North; South"},
        {"case_number": "CA-2", "child_name": "李小龍 Fictional", "practitioners": "Jo Example",
         "team": "East"}]


def test_csv_with_a_title_line_above_the_headings(tmp_path: Path) -> None:
    path = tmp_path / "cases.csv"
    path.write_text("Case audits; April 2024\n\nCase Number;Child;Team\nCA-1;Amy;North, East\n",
                    encoding="utf-8")
    cases = read_case_list(path)
    assert cases.header_row == 3
    assert dict(cases.cases[0].values) == {"case_number": "CA-1", "child_name": "Amy",
                                           "team": "North, East"}


def test_an_xlsx_whose_member_is_a_bomb_is_refused_before_openpyxl(tmp_path: Path) -> None:
    """openpyxl reads a workbook's parts whole: a part that inflates past the limits is
    refused by the same bounded check as a form's, in one line, before openpyxl sees it."""
    import zipfile

    from caseaudit_docx.errors import InputError
    from caseaudit_docx.generate.caselist import read_case_list

    path = tmp_path / "cases.xlsx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as book:
        book.writestr("[Content_Types].xml", "<Types/>")
        book.writestr("xl/sharedStrings.xml", b"\0" * (70 * 2**20))  # 70 MB in about 70 KB
    with pytest.raises(InputError, match="zip bomb"):
        read_case_list(path)
