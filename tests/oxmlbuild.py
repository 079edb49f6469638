"""Build small .docx packages (and other files) from inline XML, for the oxml tests.

Body XML is written the way Word writes it, with the usual prefixes (``w:``, ``w14:``, ``mc:``,
``wps:``, ``v:``…) already declared by :func:`document_xml`.
"""

from __future__ import annotations

import io
import struct
import zipfile
from collections.abc import Mapping

from caseaudit_docx.oxml.ns import NSMAP
from caseaudit_docx.oxml.parser import parse_part
from caseaudit_docx.oxml.text import document_view
from caseaudit_docx.oxml.view import CellView, DocumentView

W = NSMAP["w"]
DOCX_MAIN = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
GLOSSARY_TYPE = (
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document.glossary+xml"
)
RELS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
OFFICE_DOCUMENT = f"{RELS}/officeDocument"
GLOSSARY_REL = f"{RELS}/glossaryDocument"
CORE_REL = "http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties"

NS_DECLS = " ".join(
    f'xmlns:{prefix}="{NSMAP[prefix]}"'
    for prefix in ("w", "r", "w14", "w15", "mc", "wp", "a", "wps", "v")
) + ' mc:Ignorable="w14 w15"'


def document_xml(body: str, *, namespace: str = W) -> bytes:
    """A whole ``word/document.xml`` around ``body`` (block-level XML), as Word lays it out."""
    decls = NS_DECLS.replace(f'xmlns:w="{W}"', f'xmlns:w="{namespace}"')
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        f"<w:document {decls}><w:body>{body}"
        '<w:sectPr w:rsidR="00D52A1B"><w:pgSz w:w="11906" w:h="16838"/></w:sectPr>'
        "</w:body></w:document>"
    ).encode()


def glossary_xml(parts: Mapping[str, str]) -> bytes:
    """A glossary part with one placeholder building block per ``{name: text}``."""
    blocks = "".join(
        "<w:docPart><w:docPartPr>"
        f'<w:name w:val="{name}"/><w:category><w:name w:val="General"/>'
        '<w:gallery w:val="placeholder"/></w:category>'
        '<w:types><w:type w:val="bbPlcHdr"/></w:types>'
        f'<w:behaviors><w:behavior w:val="content"/></w:behaviors><w:guid w:val="{{{name}}}"/>'
        "</w:docPartPr><w:docPartBody>"
        f'<w:p w:rsidR="00A1"><w:r><w:rPr><w:rStyle w:val="PlaceholderText"/></w:rPr>'
        f"<w:t>{text}</w:t></w:r></w:p>"
        "</w:docPartBody></w:docPart>"
        for name, text in parts.items()
    )
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        f"<w:glossaryDocument {NS_DECLS}><w:docParts>{blocks}</w:docParts></w:glossaryDocument>"
    ).encode()


def core_xml(
    title: str | None = "Case audit", modified: str | None = "2024-05-01T10:20:00Z"
) -> bytes:
    fields = ""
    if title is not None:
        fields += f"<dc:title>{title}</dc:title>"
    if modified is not None:
        fields += f'<dcterms:modified xsi:type="dcterms:W3CDTF">{modified}</dcterms:modified>'
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/'
        'core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/" '
        'xmlns:dcterms="http://purl.org/dc/terms/" '
        'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
        f"{fields}</cp:coreProperties>"
    ).encode()


def content_types(overrides: Mapping[str, str]) -> bytes:
    items = "".join(
        f'<Override PartName="/{name}" ContentType="{kind}"/>' for name, kind in overrides.items()
    )
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
        'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
        f"{items}</Types>"
    ).encode()


def relationships(rels: list[tuple[str, str]]) -> bytes:
    items = "".join(
        f'<Relationship Id="rId{i}" Type="{kind}" Target="{target}"/>'
        for i, (kind, target) in enumerate(rels, 1)
    )
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        f"{items}</Relationships>"
    ).encode()


def build_docx(
    body: str = '<w:p><w:r><w:t>Hello</w:t></w:r></w:p>',
    *,
    document: bytes | None = None,
    glossary: Mapping[str, str] | None = None,
    core: bytes | None = None,
    main_type: str = DOCX_MAIN,
    office_rel: str = OFFICE_DOCUMENT,
    main_name: str = "word/document.xml",
    extra: Mapping[str, bytes] | None = None,
    omit: tuple[str, ...] = (),
) -> bytes:
    """A minimal but complete .docx: content types, package and document relationships,
    the main part (``body`` wrapped by :func:`document_xml`, or ``document`` as given), the
    core properties and, when ``glossary`` is given, a glossary part."""
    overrides = {main_name: main_type, "docProps/core.xml":
                 "application/vnd.openxmlformats-package.core-properties+xml"}
    doc_rels: list[tuple[str, str]] = []
    parts: dict[str, bytes] = {}
    if glossary is not None:
        overrides["word/glossary/document.xml"] = GLOSSARY_TYPE
        doc_rels.append((GLOSSARY_REL, "glossary/document.xml"))
        parts["word/glossary/document.xml"] = glossary_xml(glossary)
    parts = {
        "[Content_Types].xml": content_types(overrides),
        "_rels/.rels": relationships([(office_rel, main_name), (CORE_REL, "docProps/core.xml")]),
        main_name: document if document is not None else document_xml(body),
        "word/_rels/document.xml.rels": relationships(doc_rels),
        "docProps/core.xml": core if core is not None else core_xml(),
        **parts,
        **(extra or {}),
    }
    return zip_bytes({name: data for name, data in parts.items() if name not in omit})


def zip_bytes(members: Mapping[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


# -- views from inline body XML -----------------------------------------------------------------


def view(body: str, glossary: Mapping[str, str] | None = None) -> DocumentView:
    """The document view of a body, read through the hardened parser."""
    return document_view(parse_part(document_xml(body), "word/document.xml"), glossary)


def cell(content: str, glossary: Mapping[str, str] | None = None, tc_pr: str = "") -> CellView:
    """The one cell of a one-cell table holding ``content`` (block-level XML)."""
    table = view(f"<w:tbl>{TBL_PR}<w:tr><w:tc>{tc_pr}{content}</w:tc></w:tr></w:tbl>", glossary)
    return table.tables[0].rows[0].cells[0]


TBL_PR = '<w:tblPr><w:tblStyle w:val="TableGrid"/><w:tblW w:w="0" w:type="auto"/></w:tblPr>'


def p(*runs: str, rsid: str = "00A1B2C3") -> str:
    """A paragraph as Word writes it (rsid attributes, a pPr) around inline XML."""
    return (
        f'<w:p w:rsidR="{rsid}" w:rsidRDefault="{rsid}">'
        f'<w:pPr><w:spacing w:after="0"/></w:pPr>{"".join(runs)}</w:p>'
    )


def r(text: str, rsid: str = "00C4D5E6") -> str:
    """A run with formatting and one preserved-space text element."""
    return (
        f'<w:r w:rsidRPr="{rsid}"><w:rPr><w:rFonts w:ascii="Arial" w:hAnsi="Arial"/>'
        f'<w:sz w:val="20"/></w:rPr><w:t xml:space="preserve">{text}</w:t></w:r>'
    )


def sdt(content: str, *, tag: str | None = "field", alias: str | None = None, pr: str = "") -> str:
    """A content control; ``content`` is what goes in ``w:sdtContent``, ``pr`` extra sdtPr XML."""
    props = ""
    if alias is not None:
        props += f'<w:alias w:val="{alias}"/>'
    if tag is not None:
        props += f'<w:tag w:val="{tag}"/>'
    props += f'<w:id w:val="-1875443271"/>{pr}'
    return f"<w:sdt><w:sdtPr>{props}</w:sdtPr><w:sdtContent>{content}</w:sdtContent></w:sdt>"


# -- other kinds of file ----------------------------------------------------------------------


def ole_file(*stream_names: str) -> bytes:
    """A small OLE compound file (CFB v3, 512-byte sectors) whose directory, in sector 0,
    names the given streams (after the root entry)."""
    header = bytearray(512)
    header[0:8] = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
    struct.pack_into("<HHHHH", header, 24, 0x3E, 3, 0xFFFE, 9, 6)
    struct.pack_into("<I", header, 44, 1)  # one FAT sector
    struct.pack_into("<I", header, 48, 0)  # first directory sector
    struct.pack_into("<I", header, 56, 4096)
    struct.pack_into("<I", header, 60, 0xFFFFFFFE)
    struct.pack_into("<I", header, 68, 0xFFFFFFFE)
    header[76:80] = struct.pack("<I", 1)  # DIFAT[0]: the FAT is sector 1
    header[80:512] = b"\xff" * 432
    directory = bytearray()
    for i, name in enumerate(("Root Entry", *stream_names)):
        entry = bytearray(128)
        encoded = name.encode("utf-16-le") + b"\x00\x00"
        entry[0 : len(encoded)] = encoded
        struct.pack_into("<HB", entry, 64, len(encoded), 5 if i == 0 else 2)
        directory += entry
    directory += b"\x00" * (-len(directory) % 512)
    fat = struct.pack("<II", 0xFFFFFFFE, 0xFFFFFFFD) + b"\xff" * 504
    return bytes(header) + bytes(directory) + fat + b"\x00" * 512


def patch_declared_size(data: bytes, member: str, file_size: int) -> bytes:
    """Rewrite a member's uncompressed size in both its local and central headers (a lie)."""
    out = bytearray(data)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        info = archive.getinfo(member)
    struct.pack_into("<I", out, info.header_offset + 22, file_size)
    entry = _central_entry(out, member)
    struct.pack_into("<I", out, entry + 24, file_size)
    return bytes(out)


def add_overlapping_entry(data: bytes, member: str, alias: str) -> bytes:
    """Add a central-directory entry named ``alias`` pointing at ``member``'s data (the
    "overlapping entries" zip-bomb trick). ``alias`` must be as long as ``member``."""
    assert len(alias) == len(member)
    out = bytearray(data)
    eocd = out.rindex(b"PK\x05\x06")
    count, cd_size, cd_offset = struct.unpack_from("<HII", out, eocd + 10)
    entry = _central_entry(out, member)
    name_len, extra_len, comment_len = struct.unpack_from("<HHH", out, entry + 28)
    copy = bytearray(out[entry : entry + 46 + name_len + extra_len + comment_len])
    copy[46 : 46 + name_len] = alias.encode("ascii")
    end_of_cd = cd_offset + cd_size
    out[end_of_cd:end_of_cd] = copy
    eocd += len(copy)
    struct.pack_into("<HHI", out, eocd + 8, count + 1, count + 1, cd_size + len(copy))
    return bytes(out)


def _central_entry(data: bytearray, member: str) -> int:
    eocd = data.rindex(b"PK\x05\x06")
    cd_offset = struct.unpack_from("<I", data, eocd + 16)[0]
    position = cd_offset
    while position < eocd:
        name_len, extra_len, comment_len = struct.unpack_from("<HHH", data, position + 28)
        name = bytes(data[position + 46 : position + 46 + name_len]).decode("utf-8")
        if name == member:
            return position
        position += 46 + name_len + extra_len + comment_len
    raise KeyError(f"{member} is not in the central directory")
