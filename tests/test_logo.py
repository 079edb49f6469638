"""``--logo``: the council's logo in the header in place of the logo box, on two forms."""

from __future__ import annotations

import io
import struct
import zipfile
import zlib
from pathlib import Path

import docx
import pytest
from click.testing import CliRunner
from lxml import etree

from caseaudit_docx.cli import cli
from caseaudit_docx.errors import InputError
from caseaudit_docx.generate.logo import read_logo, with_logo
from caseaudit_docx.generate.template import build_template
from caseaudit_docx.model.description import bundled_form, load_form
from caseaudit_docx.oxml import build
from caseaudit_docx.oxml.ns import qn

from .conftest import OTHER_FORM

FORMS = {
    "v3.2": bundled_form(),
    "other": load_form(OTHER_FORM),
}
A = "http://schemas.openxmlformats.org/drawingml/2006/main"
WP = "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing"
EMU_PER_PT = 12700


def png(width: int, height: int) -> bytes:
    """A real (tiny, red) PNG image of ``width`` x ``height`` pixels."""
    raw = b"".join(b"\x00" + b"\xc8\x1e\x1e" * width for _ in range(height))

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(
            ">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(raw))
            + chunk(b"IEND", b""))


def _header(data: bytes) -> etree._Element:
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        name = next(n for n in package.namelist() if n.startswith("word/header"))
        return etree.fromstring(package.read(name))


@pytest.mark.parametrize("name", sorted(FORMS))
def test_the_logo_replaces_the_box_scaled_to_its_height(name: str, tmp_path: Path) -> None:
    logo = tmp_path / "logo.png"
    logo.write_bytes(png(300, 100))
    blank = build_template(form=FORMS[name])
    box = build.logo_box(_header(blank))
    assert box is not None
    box_text = "".join(box[0].itertext())
    assert box_text  # the box the template draws says what goes there
    data = build_template(form=FORMS[name], logo=logo)
    header = _header(data)
    assert build.logo_box(header) is None  # the box (its border) is gone
    assert box_text not in "".join(header.itertext())  # and so is its wording
    (extent,) = header.iter(f"{{{WP}}}extent")
    cx, cy = int(extent.get("cx")), int(extent.get("cy"))
    assert cy == pytest.approx(box[1] * EMU_PER_PT, rel=0.01)  # the box's height
    assert cx / cy == pytest.approx(3.0, rel=0.01)  # aspect ratio kept
    assert len(list(header.iter(f"{{{A}}}blip"))) == 1
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        media = [n for n in package.namelist() if n.startswith("word/media/")]
        assert [package.read(n) for n in media] == [logo.read_bytes()]
    docx.Document(io.BytesIO(data))  # python-docx opens it again


@pytest.mark.parametrize("content, name", [(b"GIF89a....", "logo.gif"),
                                           (b"<svg/>", "logo.png"), (b"", "empty.png")])
def test_a_file_that_is_not_a_png_or_jpeg_is_one_line(content: bytes, name: str,
                                                       tmp_path: Path) -> None:
    bad = tmp_path / name
    bad.write_bytes(content)
    with pytest.raises(InputError, match="is not a PNG or JPEG image") as caught:
        read_logo(bad)
    assert str(bad) in str(caught.value) and "\n" not in str(caught.value)
    result = CliRunner().invoke(cli, ["template", "-o", str(tmp_path / "t.docx"),
                                      "--logo", str(bad)])
    assert result.exit_code == 1
    assert result.output.count("\n") == 1 and name in result.output
    assert not (tmp_path / "t.docx").exists()


def test_a_jpeg_is_taken_by_its_magic_bytes(tmp_path: Path) -> None:
    jpeg = tmp_path / "logo.jpeg"
    jpeg.write_bytes(b"\xff\xd8\xff\xe0" + b"\x00" * 20)
    assert read_logo(jpeg).format == "JPEG"


def test_a_damaged_image_is_one_line(tmp_path: Path) -> None:
    broken = tmp_path / "broken.png"
    broken.write_bytes(png(10, 10)[:20])  # the header cut short
    with pytest.raises(InputError, match=r"broken\.png: cannot be read as a PNG image"):
        build_template(logo=broken)


def test_a_template_without_a_logo_box_is_refused(tmp_path: Path) -> None:
    logo = tmp_path / "logo.png"
    logo.write_bytes(png(20, 10))
    document = docx.Document()
    out = io.BytesIO()
    document.save(out)
    with pytest.raises(InputError, match="has no logo box"):
        with_logo(out.getvalue(), read_logo(logo), where="council.docx")


@pytest.mark.parametrize("name", sorted(FORMS))
def test_generate_puts_the_logo_in_every_form(name: str, tmp_path: Path) -> None:
    form = FORMS[name]
    logo = tmp_path / "logo.png"
    logo.write_bytes(png(200, 100))
    case = form.field(form.roles.case)
    cases = tmp_path / "cases.csv"
    cases.write_text(f"{case.question}\nX-1\nX-2\n", "utf-8")
    description = tmp_path / "form.json"
    args = ["generate", str(cases), "-o", str(tmp_path / "out"), "--logo", str(logo),
            "--jobs", "1"]
    if name != "v3.2":
        from caseaudit_docx.model.description import form_to_json

        description.write_text(form_to_json(form), "utf-8")
        args += ["--form", str(description)]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 0, result.output
    forms = sorted((tmp_path / "out").glob("*.docx"))
    assert len(forms) == 2
    for path in forms:
        header = _header(path.read_bytes())
        assert len(list(header.iter(f"{{{A}}}blip"))) == 1
        assert build.logo_box(header) is None
        assert qn("w:drawing") in {el.tag for el in header.iter()}


def _rule_box(blank: bytes, sides: tuple[str, ...], text: str) -> bytes:
    """``blank`` with its logo box bordered on ``sides`` only and saying ``text``: a council's
    header line (an address ruled underneath), not a box."""
    document = docx.Document(io.BytesIO(blank))
    found = build.logo_box(document.sections[0].header.part.element)
    assert found is not None
    paragraph, _ = found
    border = paragraph.find(f"{qn('w:pPr')}/{qn('w:pBdr')}")
    for side in list(border):
        if etree.QName(side).localname not in sides:
            border.remove(side)
    for t in paragraph.iter(qn("w:t")):
        t.text = ""
    next(paragraph.iter(qn("w:t"))).text = text
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


ADDRESS = "Children's Services, 1 Fictional Street, Exampleton"


@pytest.mark.parametrize("sides", [("bottom",), ("top", "bottom"), ("top", "left", "bottom")])
@pytest.mark.parametrize("name", sorted(FORMS))
def test_a_ruled_header_line_is_no_box_and_is_refused(name: str, sides: tuple[str, ...],
                                                      tmp_path: Path) -> None:
    logo = tmp_path / "logo.png"
    logo.write_bytes(png(20, 10))
    ruled = _rule_box(build_template(form=FORMS[name]), sides, ADDRESS)
    assert build.logo_box(_header(ruled)) is None
    with pytest.raises(InputError) as error:
        with_logo(ruled, read_logo(logo), where="council.docx")
    message = str(error.value)
    assert message.startswith("council.docx: has no logo box") and "\n" not in message
    assert "all four sides" in message


def test_generate_refuses_a_template_without_a_box_in_one_line(tmp_path: Path) -> None:
    logo = tmp_path / "logo.png"
    logo.write_bytes(png(20, 10))
    template = tmp_path / "council.docx"
    template.write_bytes(_rule_box(build_template(council=None), ("bottom",), ADDRESS))
    form = FORMS["v3.2"]
    cases = tmp_path / "cases.csv"
    cases.write_text(f"{form.field(form.roles.case).question}\nX-1\n", "utf-8")
    result = CliRunner().invoke(cli, ["generate", str(cases), "-o", str(tmp_path / "out"),
                                      "--template", str(template), "--logo", str(logo),
                                      "--jobs", "1"])
    assert result.exit_code == 1, result.output
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and "council.docx: has no logo box" in lines[0], result.output
    assert not list((tmp_path / "out").glob("*.docx"))


@pytest.mark.parametrize("name", sorted(FORMS))
def test_a_ruled_address_above_the_box_keeps_its_text(name: str, tmp_path: Path) -> None:
    logo = tmp_path / "logo.png"
    logo.write_bytes(png(30, 10))
    document = docx.Document(io.BytesIO(build_template(form=FORMS[name])))
    header = document.sections[0].header
    address = header.paragraphs[0].insert_paragraph_before(ADDRESS)
    build.box_paragraph(address._p)
    border = address._p.find(f"{qn('w:pPr')}/{qn('w:pBdr')}")
    for side in list(border):
        if etree.QName(side).localname != "bottom":
            border.remove(side)
    out = io.BytesIO()
    document.save(out)
    header_xml = _header(with_logo(out.getvalue(), read_logo(logo), where="council.docx"))
    first = next(header_xml.iter(qn("w:p")))
    assert "".join(first.itertext()) == ADDRESS  # the ruled address is kept, rule and all
    assert first.find(f"{qn('w:pPr')}/{qn('w:pBdr')}/{qn('w:bottom')}") is not None
    assert len(list(header_xml.iter(f"{{{A}}}blip"))) == 1  # the logo went in the box
