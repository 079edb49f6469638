"""Open a .docx read-only, refuse anything that is not one, and read only the parts we need.

The file is read once, in binary, and never written. Before a zip is trusted its member count,
declared sizes, total and compression ratios are checked, and so are its compression methods
(only stored and deflate, which Word writes) and its part names (two that differ only in case
are refused); parts are then read in chunks and their bytes counted against the part and total
limits, because a zip's declared sizes may lie. Only ``[Content_Types].xml``, the package
relationships, the main document, its relationships, the glossary and the core properties are
read and parsed (the main document, for extraction, without what no reader of text reads:
:mod:`.lean`); images and everything else are never decompressed. So a macro-enabled document
(.docm) reads like a .docx: its macros (``vbaProject.bin``) are never read, run or kept.

A batch of forms made from one template repeats the same small parts byte for byte (content
types, relationships, glossary), so what is read from those is remembered by their exact bytes:
each part is still read and size-checked every time, and only parts that parsed are remembered.
"""

from __future__ import annotations

import hashlib
import io
import os
import posixpath
import struct
import zipfile
import zlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import TypeVar, cast
from urllib.parse import unquote

from lxml import etree

from caseaudit_docx.errors import NotAFormError, UnsafeFileError
from caseaudit_docx.files import megabytes, read_user_file

from . import properties
from .lean import without_unread_markup
from .ns import STRICT_W, W, qn
from .parser import parse_part
from .text import glossary_entries

MiB = 1024 * 1024
_T = TypeVar("_T")


@dataclass(frozen=True)
class Limits:
    """Bounds that keep a hostile zip (a "zip bomb") from exhausting memory or time."""

    max_file_size: int = 256 * MiB  # the .docx itself
    max_members: int = 2000
    max_part_size: int = 64 * MiB  # declared and actual uncompressed size of any part
    max_total_size: int = 256 * MiB  # declared uncompressed size of all parts together
    max_ratio: float = 200.0  # uncompressed : compressed, for parts over ratio_min_size
    ratio_min_size: int = 1 * MiB


DEFAULT_LIMITS = Limits()


@dataclass(frozen=True, eq=False)
class DocxPackage:
    """What extraction needs from one .docx: its identity, its body and a few properties."""

    path: Path | None
    sha256: str  # of the file's bytes, hex
    size: int  # bytes
    document: etree._Element  # root of the main part, ``w:document``
    glossary: Mapping[str, str] = field(default_factory=dict)  # docPart name -> text
    modified: str | None = None  # dcterms:modified as written (ISO 8601)
    title: str | None = None  # dc:title
    #: The form id a generated form carries (docProps/custom.xml, :mod:`.properties`).
    form_id: str | None = None
    #: The bytes ``document`` was parsed from: the reader checks them for characters it
    #: reserves with one byte search instead of serialising the tree again.
    document_xml: bytes | None = field(default=None, repr=False)
    #: ``document`` leaves out what no reader of text reads (:mod:`.lean`: run formatting,
    #: revision ids, proofing marks): fit for :func:`.text.read_document` only.
    text_only: bool = False


def read_package(path: str | os.PathLike[str], *, limits: Limits = DEFAULT_LIMITS,
                 blank: bool = False, text_only: bool = False) -> DocxPackage:
    """Open the .docx at ``path`` read-only. Raises :class:`NotAFormError` (or its subclass
    :class:`UnsafeFileError`) with a one-line message when the file cannot be a form.

    ``blank``: the file is wanted as a blank form (to learn from or check against), so a Word
    template (.dotx, .dotm) is accepted too; its body reads like a document's, and nothing of
    a macro-enabled one but its XML is ever read.

    ``text_only``: the package is wanted only for its text (:func:`.text.read_document`), so
    what no reader of text looks at (run formatting, revision ids, proofing marks) is left
    out of ``document`` before it is parsed (:mod:`.lean`: about half the parsing on what Word
    writes); not for learning, which reads formatting."""
    path = Path(path)
    _refuse_lock_file(path)
    data = read_user_file(path, limit=limits.max_file_size, what="a .docx file",
                          error=NotAFormError, too_large=UnsafeFileError)
    return read_package_bytes(data, path, limits=limits, blank=blank, text_only=text_only)


def read_package_bytes(
    data: bytes, path: str | os.PathLike[str] | None = None, *, limits: Limits = DEFAULT_LIMITS,
    blank: bool = False, text_only: bool = False,
) -> DocxPackage:
    """Like :func:`read_package`, for a file already in memory; ``path`` names it in messages."""
    where = Path(path) if path is not None else None
    if where is not None:
        _refuse_lock_file(where)
    if not data:
        raise NotAFormError("is empty (0 bytes), not a Word document", path=where)
    if not data.startswith(b"PK\x03\x04"):
        raise NotAFormError(_describe_non_zip(data), path=where)
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (*_ZIP_ERRORS, NotImplementedError):
        raise NotAFormError(
            "is damaged or incomplete: it is not a readable zip package "
            "(was it copied or downloaded completely?)",
            path=where,
        ) from None
    with archive:
        parts = _Parts(archive, len(data), limits, where)
        main, main_xml, glossary, modified, title = parts.read_docx(templates=blank,
                                                                    text_only=text_only)
        form_id = parts.form_id()
    return DocxPackage(
        path=where,
        sha256=hashlib.sha256(data).hexdigest(),
        size=len(data),
        document=main,
        glossary=MappingProxyType(glossary),
        modified=modified,
        title=title,
        form_id=form_id,
        document_xml=main_xml,
        text_only=text_only,
    )


def check_zip(data: bytes, path: str | os.PathLike[str] | None = None, *,
               limits: Limits = DEFAULT_LIMITS) -> None:
    """Check any Office package (an .xlsx case list too) as a form is checked before a library
    that reads members whole (openpyxl) gets it: member count, compression methods, declared
    sizes and ratios, overlaps, names that differ only in case, and every member actually
    unpacked, in chunks, against the part and total limits. Raises :class:`UnsafeFileError`
    or :class:`NotAFormError` (one line) for a package that fails."""
    where = Path(path) if path is not None else None
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (*_ZIP_ERRORS, NotImplementedError):
        raise NotAFormError("is damaged or incomplete: it is not a readable zip package",
                            path=where) from None
    with archive:
        parts = _Parts(archive, len(data), limits, where)
        for info in archive.infolist():
            if not info.is_dir():
                parts.read(info.filename)


# -- telling non-docx files apart ---------------------------------------------------------------

_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def _refuse_lock_file(path: Path) -> None:
    if path.name.startswith("~$"):
        raise NotAFormError(
            "is a Word lock file (~$…), not a form: Word keeps it while the document is open",
            path=path,
        )


def _describe_non_zip(data: bytes) -> str:
    """A one-line account of what a file that is not a zip seems to be."""
    if data.startswith(_OLE_MAGIC):
        return _describe_ole(data)
    head = data[:4096]
    save_as = "; open it in Word and save it as 'Word Document (*.docx)'"
    if b"%PDF-" in head[:1024]:
        return "is a PDF, not a Word .docx form"
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        head = head.decode("utf-16", "replace").encode("utf-8", "replace")
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    if text.startswith(b"{\\rtf"):
        return "is an RTF document, not a .docx (even if its name ends in .doc)" + save_as
    lowered = text.lower()
    if b"schemas.microsoft.com/office/2006/xmlpackage" in lowered:
        return "is a Word XML document (Flat OPC .xml), not a .docx" + save_as
    if b"schemas.microsoft.com/office/word/2003/wordml" in lowered:
        return "is a Word 2003 XML document, not a .docx" + save_as
    if lowered.startswith((b"<!doctype html", b"<html")) or b"<html" in lowered[:1024]:
        return "is a web page (HTML), not a .docx" + save_as
    if text.startswith(b"<"):
        return "is an XML file, not a Word .docx document"
    if data.startswith(b"PK\x05\x06"):
        return "is an empty zip archive, not a Word document"
    return "is not a Word .docx document (its contents are not a zip package)"


def ole_kind(data: bytes) -> str | None:
    """What an OLE compound file holds, from the names of its streams (UTF-16LE in the
    directory sectors): "doc" (legacy Word 97-2003), "encrypted" (a password-protected Office
    file), "xls", "ppt" or "other"; None when ``data`` is not an OLE file at all."""
    if not data.startswith(_OLE_MAGIC):
        return None
    region = b""
    shift = int.from_bytes(data[30:32], "little")
    first_dir_sector = int.from_bytes(data[48:52], "little")
    if 7 <= shift <= 16 and first_dir_sector < 0xFFFFFFFA:
        start = (first_dir_sector + 1) << shift
        region = data[start : start + 64 * 1024]
    names = {
        "encrypted": ("EncryptedPackage", "EncryptionInfo"),
        "doc": ("WordDocument",),
        "xls": ("Workbook", "Book"),
        "ppt": ("PowerPoint Document",),
    }
    for haystack in (region, data):
        for kind, streams in names.items():
            if any(name.encode("utf-16-le") in haystack for name in streams):
                return kind
    return "other"


def _describe_ole(data: bytes) -> str:
    """Legacy .doc or encrypted .docx? Both are OLE compound files."""
    return _OLE_MESSAGES[ole_kind(data) or "other"]


_OLE_MESSAGES = {
    "encrypted": "is a password-protected (encrypted) Word document; remove the password "
    "in Word (File > Info > Protect Document > Encrypt with Password) and save it again",
    "doc": "is a legacy Word 97-2003 .doc file, not a .docx; open it in Word and save it as "
    "'Word Document (*.docx)'",
    "xls": "is a legacy Excel .xls workbook, not a Word document",
    "ppt": "is a legacy PowerPoint .ppt presentation, not a Word document",
    "other": "is an old-style Office file (OLE compound document), not a .docx form",
}

_DOCX_MAIN = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
#: A macro-enabled document (.docm): its main part is a document's; only its XML is ever read.
_DOCM_MAIN = "application/vnd.ms-word.document.macroEnabled.main+xml"
_OTHER_MAIN = {
    "application/vnd.openxmlformats-officedocument.wordprocessingml.template.main+xml":
        "is a Word template (.dotx), not a filled-in form; save it as 'Word Document (*.docx)'",
    "application/vnd.ms-word.template.macroEnabledTemplate.main+xml":
        "is a macro-enabled Word template (.dotm), not a filled-in form",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml":
        "is an Excel workbook (.xlsx), not a Word document",
    "application/vnd.ms-excel.sheet.macroEnabled.main+xml":
        "is a macro-enabled Excel workbook (.xlsm), not a Word document",
    "application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml":
        "is a PowerPoint presentation (.pptx), not a Word document",
    "application/vnd.ms-powerpoint.presentation.macroEnabled.main+xml":
        "is a macro-enabled PowerPoint presentation (.pptm), not a Word document",
}
#: Word templates (.dotx, .dotm): blanks, accepted where a blank is wanted.
_TEMPLATE_MAINS = frozenset({
    "application/vnd.openxmlformats-officedocument.wordprocessingml.template.main+xml",
    "application/vnd.ms-word.template.macroEnabledTemplate.main+xml",
})
_STRICT = (
    "is saved as Strict Open XML, which this tool cannot read; "
    "open it in Word and save it as 'Word Document (*.docx)'"
)
_OFFICE_DOCUMENT = (
    "http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument"
)
_STRICT_OFFICE_DOCUMENT = "http://purl.oclc.org/ooxml/officeDocument/relationships/officeDocument"

_CT_DEFAULT, _CT_OVERRIDE = qn("ct:Default"), qn("ct:Override")
_RELATIONSHIP = qn("pr:Relationship")
_CORE_MODIFIED, _CORE_TITLE = qn("dcterms:modified"), qn("dc:title")
_W_DOCUMENT, _STRICT_DOCUMENT = f"{{{W}}}document", f"{{{STRICT_W}}}document"
_CHUNK = 1 * MiB
#: The zip compression methods Word writes; anything else (bzip2, lzma: whose unpacking
#: zipfile does not bound by the chunk asked for) is refused before a member is opened.
_WORD_METHODS = frozenset({zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED})
_METHOD_NAMES = {9: "deflate64", zipfile.ZIP_BZIP2: "bzip2", zipfile.ZIP_LZMA: "lzma",
                 93: "zstandard", 95: "xz", 98: "ppmd", 99: "AES encryption"}
#: What zipfile raises on damaged input (ValueError covers undecodable member names).
_ZIP_ERRORS = (zipfile.BadZipFile, zlib.error, EOFError, OSError, ValueError, struct.error)


# -- reading the zip ----------------------------------------------------------------------------


class _Parts:
    """The members of an open zip, checked against the limits, read on demand."""

    def __init__(self, archive: zipfile.ZipFile, file_size: int, limits: Limits, path: Path | None):
        self._archive, self._limits, self._path = archive, limits, path
        infos = archive.infolist()
        self._check_bounds(infos, file_size)
        self._members = _members_by_name(infos, path)
        self._unpacked = 0  # bytes actually unpacked so far, against max_total_size

    def _check_bounds(self, infos: list[zipfile.ZipInfo], file_size: int) -> None:
        limits, path = self._limits, self._path
        if len(infos) > limits.max_members:
            raise UnsafeFileError(
                f"has {len(infos)} zip members (at most {limits.max_members}); "
                "it looks like a zip bomb, not a form",
                path=path,
            )
        total = 0
        for info in infos:
            if info.compress_type not in _WORD_METHODS:
                method = _METHOD_NAMES.get(info.compress_type, f"method {info.compress_type}")
                raise UnsafeFileError(
                    f"part {info.filename} is compressed with {method}, which Word never "
                    "writes (only stored or deflate); refusing it",
                    path=path,
                )
            if info.file_size > limits.max_part_size:
                raise UnsafeFileError(
                    f"part {info.filename} would unpack to {megabytes(info.file_size)} "
                    f"(limit {megabytes(limits.max_part_size)}); refusing a possible zip bomb",
                    path=path,
                )
            ratio = info.file_size / max(info.compress_size, 1)
            if info.file_size > limits.ratio_min_size and ratio > limits.max_ratio:
                raise UnsafeFileError(
                    f"part {info.filename} is compressed {ratio:.0f}:1 "
                    f"(limit {limits.max_ratio:.0f}:1), which is typical of a zip bomb",
                    path=path,
                )
            total += info.file_size
        if total > limits.max_total_size:
            raise UnsafeFileError(
                f"would unpack to {megabytes(total)} in total "
                f"(limit {megabytes(limits.max_total_size)}); "
                "refusing a possible zip bomb",
                path=path,
            )
        if _overlapping(infos, file_size):
            raise UnsafeFileError(
                "has overlapping zip entries (a zip bomb technique); refusing it", path=path
            )

    def has(self, name: str) -> bool:
        return name.lower() in self._members

    def read(self, name: str) -> bytes:
        """A member's bytes, unpacked in chunks and counted against the part and total limits
        (never trusting the declared size; only stored and deflate members get here, whose
        unpacking zipfile bounds by the chunk asked for)."""
        info = self._members[name.lower()]
        limit, chunks, count = self._limits.max_part_size, [], 0
        try:
            with self._archive.open(info) as member:
                while chunk := member.read(_CHUNK):
                    count += len(chunk)
                    self._unpacked += len(chunk)
                    if count > limit:
                        raise UnsafeFileError(
                            f"part {info.filename} unpacks to more than {megabytes(limit)}; "
                            "refusing a possible zip bomb",
                            path=self._path,
                        )
                    if self._unpacked > self._limits.max_total_size:
                        raise UnsafeFileError(
                            f"unpacks to more than {megabytes(self._limits.max_total_size)} "
                            "in total; refusing a possible zip bomb",
                            path=self._path,
                        )
                    chunks.append(chunk)
        except _ZIP_ERRORS as exc:
            reason = "its sizes or checksum do not match its contents" if "CRC" in str(exc) else (
                "it cannot be unpacked"
            )
            raise NotAFormError(
                f"is damaged: part {info.filename} is corrupt ({reason})", path=self._path
            ) from exc
        except NotImplementedError as exc:
            raise NotAFormError(
                f"uses a zip compression method this tool cannot unpack (part {info.filename})",
                path=self._path,
            ) from exc
        except RuntimeError as exc:  # an encrypted zip member
            raise NotAFormError(
                f"is damaged or not a Word document: part {info.filename} is encrypted",
                path=self._path,
            ) from exc
        if count != info.file_size:
            raise NotAFormError(
                f"is damaged: part {info.filename} does not have the size its zip header declares",
                path=self._path,
            )
        return b"".join(chunks)

    def xml(self, name: str) -> etree._Element:
        return parse_part(self.read(name), name, path=self._path)

    def relationships(self, source: str) -> list[tuple[str, str]]:
        """``(type, target part name)`` of the internal relationships of ``source`` ("" for
        the package), from its ``_rels`` part; [] when there is none."""
        folder, base = posixpath.split(source)
        rels = posixpath.join(folder, "_rels", f"{base}.rels")
        if not self.has(rels):
            return []
        data = self.read(rels)

        def parse() -> list[tuple[str, str]]:
            found = []
            for rel in parse_part(data, rels, path=self._path).iter(_RELATIONSHIP):
                target = rel.get("Target")
                if not target or rel.get("TargetMode") == "External":
                    continue
                target = unquote(target)
                joined = target if target.startswith("/") else posixpath.join("/", folder, target)
                found.append((rel.get("Type", ""), posixpath.normpath(joined).lstrip("/")))
            return found

        return list(_cached(("rels", folder, data), parse))

    def read_docx(
        self, *, templates: bool = False, text_only: bool = False,
    ) -> tuple[etree._Element, bytes, dict[str, str], str | None, str | None]:
        """The main document's root and the bytes it was parsed from, glossary placeholders,
        dcterms:modified and dc:title. ``templates``: a Word template's main part is accepted
        as a document's; ``text_only``: what no reader of text reads is left out (:mod:`.lean`)."""
        path = self._path
        if not self.has("[Content_Types].xml"):
            raise NotAFormError(self._describe_foreign_zip(), path=path)
        overrides, defaults = self._content_types()
        package_rels = self.relationships("")
        if any(kind == _STRICT_OFFICE_DOCUMENT for kind, _ in package_rels):
            raise NotAFormError(_STRICT, path=path)
        main = next((t for kind, t in package_rels if kind == _OFFICE_DOCUMENT), None)
        if main is None or not self.has(main):
            main = "word/document.xml"
        content_type = overrides.get(main.lower()) or defaults.get(_extension(main))
        if content_type == _DOCM_MAIN or (templates and content_type in _TEMPLATE_MAINS):
            content_type = _DOCX_MAIN
        if content_type in _OTHER_MAIN:
            raise NotAFormError(_OTHER_MAIN[content_type], path=path)
        if content_type != _DOCX_MAIN or not self.has(main):
            known = next((_OTHER_MAIN[t] for t in overrides.values() if t in _OTHER_MAIN), None)
            raise NotAFormError(
                known or "is a zip package but not a Word document (it has no Word main part)",
                path=path,
            )
        main_xml = self.read(main)
        if text_only:
            main_xml = without_unread_markup(main_xml)
        root = parse_part(main_xml, main, path=self._path)
        if root.tag == _STRICT_DOCUMENT:
            raise NotAFormError(_STRICT, path=path)
        if root.tag != _W_DOCUMENT:
            raise NotAFormError(
                f"is damaged: its part {main} is not a Word document body", path=path
            )
        modified, title = self._core_properties(package_rels)
        return root, main_xml, self._glossary(main), modified, title

    def _content_types(self) -> tuple[dict[str, str], dict[str, str]]:
        """Content types by part name (overrides) and by extension (defaults); not to be
        changed by the caller (they may be shared with other packages of the batch)."""
        data = self.read("[Content_Types].xml")

        def parse() -> tuple[dict[str, str], dict[str, str]]:
            overrides: dict[str, str] = {}
            defaults: dict[str, str] = {}
            for element in parse_part(data, "[Content_Types].xml", path=self._path):
                if element.tag == _CT_OVERRIDE:
                    name = element.get("PartName", "").lstrip("/").lower()
                    overrides[name] = element.get("ContentType", "")
                elif element.tag == _CT_DEFAULT:
                    defaults[element.get("Extension", "").lower()] = element.get("ContentType", "")
            return overrides, defaults

        return _cached(("types", data), parse)

    def _glossary(self, main: str) -> dict[str, str]:
        name = next(
            (t for kind, t in self.relationships(main) if kind.endswith("/glossaryDocument")),
            posixpath.join(posixpath.dirname(main), "glossary", "document.xml"),
        )
        if not self.has(name):
            return {}
        data = self.read(name)
        entries = _cached(
            ("glossary", data),
            lambda: glossary_entries(parse_part(data, name, path=self._path), data),
        )
        return dict(entries)

    def _core_properties(
        self, package_rels: list[tuple[str, str]]
    ) -> tuple[str | None, str | None]:
        name = next(
            (t for kind, t in package_rels if kind.endswith("/metadata/core-properties")),
            "docProps/core.xml",
        )
        if not self.has(name):
            return None, None
        root = self.xml(name)
        return _child_text(root, _CORE_MODIFIED), _child_text(root, _CORE_TITLE)

    def form_id(self) -> str | None:
        """The form id of a generated form, from the custom properties part the package
        relationships name (read bounded and parsed hardened, as every part); None without."""
        name = next((t for kind, t in self.relationships("")
                     if kind == properties.CUSTOM_RELATIONSHIP), None)
        if name is None or not self.has(name):
            return None
        return properties.form_id_of(self.xml(name))

    def _describe_foreign_zip(self) -> str:
        if self.has("mimetype") and self._members["mimetype"].file_size < 200:
            mimetype = self.read("mimetype")
            if b"opendocument.text" in mimetype:
                return "is an OpenDocument text file (.odt), not a .docx; " \
                       "save it as 'Word Document (*.docx)'"
            if b"opendocument" in mimetype:
                return "is an OpenDocument file, not a Word document"
        return "is a zip archive but not a Word document (it has no [Content_Types].xml)"


#: What was read from small parts, by their exact bytes (and what else the reading depended on).
#: Bounded in entries and in the size of a part, so that no batch can make it hold much memory.
_SMALL_PARTS: dict[tuple[str | bytes, ...], object] = {}
_SMALL_PARTS_LIMIT = 64
_SMALL_PART_SIZE = 64 * 1024
_MISSING = object()


def _cached(key: tuple[str | bytes, ...], parse: Callable[[], _T]) -> _T:
    """What ``parse`` reads from a small part, remembered under ``key`` (whose last item is the
    part's bytes). Parsing is a pure function of the bytes, so the same bytes give the same
    result; a part that fails to parse raises every time (failures are not remembered)."""
    if len(key[-1]) > _SMALL_PART_SIZE:
        return parse()
    found = _SMALL_PARTS.get(key, _MISSING)
    if found is _MISSING:
        if len(_SMALL_PARTS) >= _SMALL_PARTS_LIMIT:
            _SMALL_PARTS.clear()
        found = _SMALL_PARTS[key] = parse()
    return cast(_T, found)


def _members_by_name(infos: list[zipfile.ZipInfo], path: Path | None
                     ) -> dict[str, zipfile.ZipInfo]:
    """The members by part name, which OPC compares without regard to case; two members
    whose names differ only in case (or repeat) are refused, since readers disagree on which
    one is the part (Word's choice is not ours to guess)."""
    members: dict[str, zipfile.ZipInfo] = {}
    for info in infos:
        key = info.filename.lower()
        first = members.setdefault(key, info)
        if first is not info:
            raise UnsafeFileError(
                f"has two zip members for one part ({first.filename} and {info.filename}: "
                "part names differ only in case, if at all); refusing it",
                path=path,
            )
    return members


def _overlapping(infos: list[zipfile.ZipInfo], file_size: int) -> bool:
    """Whether any member's data starts inside another's (each local header is at least 30
    bytes plus the name), or runs past the end of the file."""
    end = 0
    for info in sorted(infos, key=lambda i: i.header_offset):
        if info.header_offset < end:
            return True
        encoding = "utf-8" if info.flag_bits & 0x800 else "cp437"
        name_size = len(info.orig_filename.encode(encoding, "replace"))
        end = info.header_offset + 30 + name_size + info.compress_size
    return end > file_size


def _child_text(root: etree._Element, tag: str) -> str | None:
    element = next(root.iterchildren(tag), None)
    text = (element.text or "").strip() if element is not None else ""
    return text or None


def _extension(name: str) -> str:
    return posixpath.splitext(name)[1].lstrip(".").lower()

