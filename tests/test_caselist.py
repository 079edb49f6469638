"""Reading case lists: CSV and Excel, heading matching, dates, and every bad input."""

from __future__ import annotations

import datetime as dt
import re
import zipfile
from pathlib import Path

import pytest
from openpyxl import Workbook

from caseaudit_docx.errors import InputError
from caseaudit_docx.generate.caselist import (
    DATE_EXAMPLES,
    help_text,
    read_case_list,
    resolve_field,
    suggest_field,
)
from caseaudit_docx.model.description import bundled_form
from caseaudit_docx.model.kinds import DATE
from caseaudit_docx.model.matching import header_fields, match_header_labels
from caseaudit_docx.model.normalise import normalise

from .conftest import OTHER_FORM

FORM = bundled_form()


def write_csv(tmp_path: Path, text: str, *, name: str = "cases.csv", bom: bool = False) -> Path:
    path = tmp_path / name
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + text.encode("utf-8"))
    return path


def write_xlsx(tmp_path: Path, sheets: dict[str, list[list[object]]], name: str = "cases.xlsx"
               ) -> Path:
    book = Workbook()
    book.remove(book.active)
    for title, rows in sheets.items():
        sheet = book.create_sheet(title)
        for row in rows:
            sheet.append(row)
    path = tmp_path / name
    book.save(path)
    return path


# -- columns ------------------------------------------------------------------------------------


@pytest.mark.parametrize("heading, field", [
    ("Case Number", "case_number"), ("CASE_NUMBER", "case_number"), ("case-number", "case_number"),
    ("Case ID", "case_number"), ("Case No.", "case_number"), ("Child", "child_name"),
    ("Child Name", "child_name"), ("Worker", "practitioners"), ("Social worker", "practitioners"),
    ("Name of Practitioner(s)", "practitioners"), ("Category", "category"),
    ("Category of Case (EH, CIN, CP & LAC)", "category"), ("Team", "team"),
    ("Name of Auditor", "auditor"), ("auditor", "auditor"),
    ("Audit start date", "audit_start_date"),
    ("Date of meeting practitioner", "practitioner_meeting_date"),
    ("Date family feedback obtained?", "family_feedback_date"),
])
def test_headings_match_by_id_label_or_synonym(heading: str, field: str) -> None:
    assert resolve_field(heading) == field


@pytest.mark.parametrize("heading", ["Date of birth", "Address", "", "Notes", "Date"])
def test_other_headings_match_nothing(heading: str) -> None:
    assert resolve_field(heading) is None


def test_every_header_field_is_reachable_by_its_own_id() -> None:
    assert {resolve_field(f.id) for f in header_fields(FORM)} == {f.id for f in header_fields(FORM)}


def test_printed_labels_match_header_fields_in_any_column_order() -> None:
    texts = ["Team", "Case Number", "Notes", "Category of Case (EH, CIN, CP & LAC)"]
    assert match_header_labels(texts, FORM) == {"team": 0, "case_number": 1, "category": 3}
    assert match_header_labels(["Auditor notes", "Auditor"], FORM) == {}


def test_csv_with_synonyms_bom_and_unicode(tmp_path: Path) -> None:
    path = write_csv(tmp_path, "Case ID,Child,Social worker,Category\n"
                               "CA-1,Zoë Ægir-Ō'Brien,\"Sam Placeholder, Jo Example\",CP & LAC\n",
                     bom=True)
    cases = read_case_list(path)
    assert cases.columns == {"Case ID": "case_number", "Child": "child_name",
                             "Social worker": "practitioners", "Category": "category"}
    assert dict(cases.cases[0].values) == {
        "case_number": "CA-1", "child_name": "Zoë Ægir-Ō'Brien",
        "practitioners": "Sam Placeholder, Jo Example", "category": "CP & LAC"}
    assert cases.cases[0].row == 2
    assert cases.warnings == ()


def test_semicolon_csv(tmp_path: Path) -> None:
    path = write_csv(tmp_path, "Case Number;Child Name;Team\r\n1234;Amy Example;Team, North\r\n")
    case = read_case_list(path).cases[0]
    assert dict(case.values) == {"case_number": "1234", "child_name": "Amy Example",
                                 "team": "Team, North"}


def test_quoted_line_breaks_are_kept(tmp_path: Path) -> None:
    path = write_csv(tmp_path, 'Case Number,Worker\n1,"Sam Placeholder\nJo Example"\n')
    assert read_case_list(path).cases[0].values["practitioners"] == "Sam Placeholder\nJo Example"


def test_map_overrides_and_ignores_columns(tmp_path: Path) -> None:
    path = write_csv(tmp_path, "Ref,Child,Child Name,Allocated to\nR1,Amy,Amy Example,Sam\n")
    cases = read_case_list(path, column_map={"Ref": "case_number", "Child": "",
                                             "Allocated to": "Name of Practitioner(s)"})
    assert dict(cases.cases[0].values) == {"case_number": "R1", "child_name": "Amy Example",
                                           "practitioners": "Sam"}
    assert cases.warnings == ()


def test_unknown_columns_are_listed_in_one_warning(tmp_path: Path) -> None:
    path = write_csv(tmp_path, "Case Number,Date of birth,Address,Team\n1,01/01/2015,x,T\n")
    cases = read_case_list(path)
    assert cases.warnings == ("ignored 2 columns not on the form: 'Date of birth', 'Address' "
                              "(use --map COLUMN=FIELD to use one)",)


@pytest.mark.parametrize("name, field", [
    ("auditer", "auditor"), ("Name of Auditer", "auditor"), ("tean", "team"),
    ("childname", "child_name"), ("audit_strat_date", "audit_start_date"), ("shoe_size", None),
    ("council_name", None),
])
def test_mistyped_names_suggest_a_field(name: str, field: str | None) -> None:
    assert suggest_field(name) == field


def test_a_category_not_on_the_form_is_written_as_given_with_a_warning(tmp_path: Path) -> None:
    path = write_csv(tmp_path, "Case Number,Category\n1,CP\n2,child in need\n3,CIN/CP\n4,n/a\n"
                               "5,\n6,Youth offending\n7,XYZ\n")
    cases = read_case_list(path)
    assert [c.values.get("category") for c in cases.cases] == [
        "CP", "child in need", "CIN/CP", "n/a", None, "Youth offending", "XYZ"]
    assert cases.warnings == (
        "row 7: category 'Youth offending' is not one of EH, CIN, CP or LAC; written as given",
        "row 8: category 'XYZ' is not one of EH, CIN, CP or LAC; written as given")


def test_help_text_lists_the_category_codes_and_the_dates_accepted() -> None:
    text = help_text()
    assert "Case categories: EH, CIN, CP, LAC (Early Help, Child in Need" in text
    assert all(example in text for example in DATE_EXAMPLES)
    assert "--header-row N" in text
    assert {normalise(DATE, example).value for example in DATE_EXAMPLES} == {"2019-03-12"}
    assert "--header-row" not in help_text(case_list=False)


# -- dates --------------------------------------------------------------------------------------


@pytest.mark.parametrize("written", ["2024-03-04", "04/03/2024", "4/3/24", "4 March 2024",
                                     "4th Mar 2024", "04.03.2024", "2024-03-04 00:00:00"])
def test_dates_in_date_columns_become_day_first(tmp_path: Path, written: str) -> None:
    path = write_csv(tmp_path, f"Case Number,Audit start date\n1,{written}\n")
    assert read_case_list(path).cases[0].values["audit_start_date"] == "04/03/2024"


def test_a_date_column_that_is_not_a_date_is_kept_with_a_warning(tmp_path: Path) -> None:
    path = write_csv(tmp_path, "Case Number,Audit start date\n1,next week\n")
    cases = read_case_list(path)
    assert cases.cases[0].values["audit_start_date"] == "next week"
    assert cases.warnings == ("row 2, column 'Audit start date': 'next week' is not a date; "
                              "it is written as given",)


def test_dates_in_text_columns_are_left_alone(tmp_path: Path) -> None:
    path = write_csv(tmp_path, "Case Number,Team\n2024-03-04,T\n")
    assert read_case_list(path).cases[0].case == "2024-03-04"


# -- Excel --------------------------------------------------------------------------------------


def test_xlsx_first_sheet_dates_and_numbers(tmp_path: Path) -> None:
    path = write_xlsx(tmp_path, {
        "Cases": [["Case Number", "Child", "Audit start date", "Team"],
                  [1234, "Amy Example", dt.datetime(2024, 3, 4), 7.0],
                  [1235.0, "Ben Example", dt.date(2024, 3, 5), None]],
        "Other": [["Case Number"], ["X"]],
    })
    cases = read_case_list(path)
    assert [dict(c.values) for c in cases.cases] == [
        {"case_number": "1234", "child_name": "Amy Example", "audit_start_date": "04/03/2024",
         "team": "7"},
        {"case_number": "1235", "child_name": "Ben Example", "audit_start_date": "05/03/2024"},
    ]


def test_xlsx_named_sheet(tmp_path: Path) -> None:
    path = write_xlsx(tmp_path, {"Summary": [["Total", 1]],
                                 "March": [["Case ID", "Child"], ["M-1", "Cara Example"]]})
    cases = read_case_list(path, sheet="March")
    assert [c.case for c in cases.cases] == ["M-1"]
    with pytest.raises(InputError, match="has no sheet 'April'; its sheets are 'Summary', 'March'"):
        read_case_list(path, sheet="April")


def test_xlsx_formulas_give_their_cached_values(tmp_path: Path) -> None:
    """Excel stores each formula's last result; openpyxl writes none, so add them as Excel does."""
    path = write_xlsx(tmp_path, {"Cases": [["Case Number", "Child"], ["=\"CA-\"&\"7\"", "Amy"]]})
    with zipfile.ZipFile(path) as package:
        members = {i.filename: package.read(i) for i in package.infolist()}
    sheet = members["xl/worksheets/sheet1.xml"].decode()
    cached, count = re.subn(r'<c r="A2"([^>]*)><f>(.*?)</f><v\s*/?>(</v>)?',
                            r'<c r="A2" t="str"><f>\2</f><v>CA-7</v>', sheet)
    assert count == 1, sheet
    members["xl/worksheets/sheet1.xml"] = cached.encode()
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as package:
        for name, data in members.items():
            package.writestr(name, data)
    assert read_case_list(path).cases[0].case == "CA-7"


# -- bad input ----------------------------------------------------------------------------------


def test_row_without_case_number_is_skipped_with_its_row_number(tmp_path: Path) -> None:
    path = write_csv(tmp_path, "Case Number,Child\n1,Amy\n,Ben\n\n3,Cara\n")
    cases = read_case_list(path)
    assert [c.case for c in cases.cases] == ["1", "3"]
    assert [c.row for c in cases.cases] == [2, 5]
    assert cases.skipped == ("row 3 has no case number; skipped",)


def test_duplicate_case_numbers_name_both_rows(tmp_path: Path) -> None:
    path = write_csv(tmp_path, "Case Number,Child\nCA-1,Amy\nCA-2,Ben\n ca-1 ,Amy again\n")
    with pytest.raises(InputError) as caught:
        read_case_list(path)
    assert str(caught.value) == (
        f"{path}: lists the same case twice: 'ca-1' is on rows 2 and 4 "
        "(use --allow-duplicates if each should get a form)")
    allowed = read_case_list(path, allow_duplicates=True)
    assert [c.row for c in allowed.cases] == [2, 3, 4]


@pytest.mark.parametrize("text, message", [
    ("", "is empty: the first row should name the columns"),
    ("\n\n", "is empty: the first row should name the columns"),
    ("Case Number,Child\n", "has no cases to generate forms for"),
    ("Case Number,Child\n,Amy\n", "has no cases to generate forms for (1 row without a case"),
    ("Child,Team\nAmy,T\n", "has no case number column"),
    ("Case Number,Child,Child Name\n1,A,B\n", "columns 'Child' and 'Child Name' both give "
                                             "child_name"),
])
def test_unusable_csv_is_a_clear_error(tmp_path: Path, text: str, message: str) -> None:
    with pytest.raises(InputError, match=re.escape(message)):
        read_case_list(write_csv(tmp_path, text))


def test_map_errors(tmp_path: Path) -> None:
    path = write_csv(tmp_path, "Case Number,Child\n1,Amy\n")
    with pytest.raises(InputError, match=r"--map 'Ref': no such column; the headings are "
                                         r"'Case Number', 'Child'"):
        read_case_list(path, column_map={"Ref": "case_number"})
    with pytest.raises(InputError, match="'shoe size' is not a header field; use one of "
                                         "case_number, child_name"):
        read_case_list(path, column_map={"Child": "shoe size"})


@pytest.mark.parametrize("name, data, message", [
    ("cases.csv", "Case Number\n1\n".encode("utf-32"), "is not a text CSV file"),
    ("cases.csv", b"\xff\xfe" + "Case Number\n1\n\ud800".encode("utf-16-le", "surrogatepass"),
     "is not readable UTF-16 text"),
    ("cases.csv", "Case Number,Child\n1,Zo\xeb\n".encode("latin-1"),
     "is not UTF-8 text (byte 23); save it from Excel as 'CSV UTF-8 (Comma delimited)'"),
    ("cases.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(100),
     "expected a .csv or .xlsx file (save it as .xlsx or .csv)"),
    ("cases.txt", b"Case Number\n1\n", "expected a .csv or .xlsx file"),
    ("cases.xlsx", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(100), "password-protected"),
    ("cases.xlsx", b"Case Number\n1\n", "is not an Excel .xlsx workbook"),
    ("cases.xlsx", b"PK\x03\x04" + bytes(50), "cannot be read as an Excel workbook"),
])
def test_unreadable_files_are_clear_errors(tmp_path: Path, name: str, data: bytes,
                                           message: str) -> None:
    path = tmp_path / name
    path.write_bytes(data)
    with pytest.raises(InputError, match=re.escape(message)):
        read_case_list(path)


def test_missing_file_folder_and_sheet_on_csv(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="file not found"):
        read_case_list(tmp_path / "nope.csv")
    folder = tmp_path / "folder.csv"
    folder.mkdir()
    with pytest.raises(InputError, match="is a folder"):
        read_case_list(folder)
    with pytest.raises(InputError, match="--sheet only applies to Excel"):
        read_case_list(write_csv(tmp_path, "Case Number\n1\n"), sheet="Cases")


def test_csv_text_is_not_interpreted(tmp_path: Path) -> None:
    """Values that look like formulas or markup are text to pre-fill, nothing more."""
    path = write_csv(tmp_path, 'Case Number,Child\n=1+2,"<b>Amy</b> & ""Bo"""\n')
    values = read_case_list(path).cases[0].values
    assert values == {"case_number": "=1+2", "child_name": '<b>Amy</b> & "Bo"'}


# -- another form: the case column is the form's case role ------------------------------------

def _other():  # type: ignore[no-untyped-def]
    from caseaudit_docx.model.description import load_form


    return load_form(OTHER_FORM)


def test_another_forms_case_list_uses_its_case_field(tmp_path: Path) -> None:
    form = _other()
    path = write_csv(tmp_path, "Case reference,Worker,Review date,Team\n"
                               "NB-1,Sam,2024-03-12,East\n,Ann,,West\n")
    cases = read_case_list(path, form=form)
    assert [c.case for c in cases.cases] == ["NB-1"]
    assert dict(cases.cases[0].values) == {"case_ref": "NB-1", "worker": "Sam",
                                           "review_date": "12/03/2024", "team": "East"}
    assert cases.skipped == ("row 3 has no case reference; skipped",)
    assert resolve_field("Case ID", form=form) == "case_ref"


def test_another_forms_missing_case_column_names_its_label(tmp_path: Path) -> None:
    form = _other()
    path = write_csv(tmp_path, "Worker,Team\nSam,East\n")
    with pytest.raises(InputError) as caught:
        read_case_list(path, form=form)
    message = str(caught.value)
    assert "has no case reference column" in message and "'Case reference'" in message
    assert "use --map COLUMN=case_ref" in message and "case_number" not in message
