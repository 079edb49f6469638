"""The document properties parts: the form id a generated form carries, and its dates.

A generated form must say which audit it is, in a way Word and LibreOffice keep when someone
saves it: a *custom document property* (ECMA-376 Part 1, 22.3: ``docProps/custom.xml``, reached
by a package relationship of type ``.../custom-properties`` and declared in
``[Content_Types].xml``). Word shows it under File > Properties > Custom and keeps it on every
save; LibreOffice keeps it too (tests/test_identity.py saves a form with ``soffice`` and reads it
back). Its name is :data:`FORM_ID_PROPERTY`, its value a UUID. The core properties
(``docProps/core.xml``) get the generation time as ``dcterms:created`` and ``dcterms:modified``,
not the template's dates.

Reading (:func:`form_id_of`) takes a root parsed by the hardened parser
(:func:`caseaudit_docx.oxml.parser.parse_part`, entities and network off, bounded by the package
reader); writing (:class:`PackageStamp`) works out once per template what every form's package
needs (the relationship and the content type, added when missing) and then, per form, writes
only the two small parts that differ.
"""

from __future__ import annotations

import datetime as dt
import posixpath
import uuid
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from lxml import etree

from .parser import parse_part

#: The custom property that holds a generated form's id (a UUID).
FORM_ID_PROPERTY = "caseaudit form id"

CUSTOM_PART = "docProps/custom.xml"
CORE_PART = "docProps/core.xml"
CUSTOM_RELATIONSHIP = ("http://schemas.openxmlformats.org/officeDocument/2006/relationships/"
                       "custom-properties")
CORE_RELATIONSHIP = ("http://schemas.openxmlformats.org/package/2006/relationships/metadata/"
                     "core-properties")
CUSTOM_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.custom-properties+xml"
CORE_CONTENT_TYPE = "application/vnd.openxmlformats-package.core-properties+xml"
#: The format id every user-defined custom property carries (ECMA-376 Part 1, 22.3.2.2).
USER_DEFINED_FMTID = "{D5CDD505-2E9C-101B-9397-08002B2CF9AE}"

_CUSTOM = "http://schemas.openxmlformats.org/officeDocument/2006/custom-properties"
_VT = "http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes"
_CP = "http://schemas.openxmlformats.org/package/2006/metadata/core-properties"
_DC = "http://purl.org/dc/elements/1.1/"
_DCTERMS = "http://purl.org/dc/terms/"
_XSI = "http://www.w3.org/2001/XMLSchema-instance"
_RELS = "http://schemas.openxmlformats.org/package/2006/relationships"
_TYPES = "http://schemas.openxmlformats.org/package/2006/content-types"

_PROPERTY, _LPWSTR = f"{{{_CUSTOM}}}property", f"{{{_VT}}}lpwstr"
_CREATED, _MODIFIED = f"{{{_DCTERMS}}}created", f"{{{_DCTERMS}}}modified"
_LAST_PRINTED, _REVISION = f"{{{_CP}}}lastPrinted", f"{{{_CP}}}revision"
_XSI_TYPE = f"{{{_XSI}}}type"
#: A UUID written any way is at most this long; anything longer is not our id.
_MAX_ID = 64


def form_id_of(custom: etree._Element) -> str | None:
    """The form id in a parsed ``docProps/custom.xml``: the value of the property named
    :data:`FORM_ID_PROPERTY`, as a canonical UUID; None when there is none or it is not a UUID
    (someone typed over it: the form is then known by its case, auditor and start date)."""
    for prop in custom.iterchildren(_PROPERTY):
        if (prop.get("name") or "").strip().casefold() != FORM_ID_PROPERTY:
            continue
        text = "".join(str(piece) for piece in prop.itertext()).strip()
        if not text or len(text) > _MAX_ID:
            return None
        try:
            return str(uuid.UUID(text))
        except ValueError:
            return None
    return None


def read_form_id(data: bytes, name: str = CUSTOM_PART, *, path: str | None = None) -> str | None:
    """:func:`form_id_of` the bytes of a custom properties part (parsed hardened)."""
    return form_id_of(parse_part(data, name, path=path))


def new_form_id() -> str:
    """A fresh form id: a random (version 4) UUID, so that no two forms share one."""
    return str(uuid.uuid4())


def w3cdtf(moment: dt.datetime) -> str:
    """A time as the core properties write it (W3CDTF, UTC, whole seconds)."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _serialise(root: etree._Element) -> bytes:
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def _empty_core() -> etree._Element:
    return etree.Element(f"{{{_CP}}}coreProperties", nsmap={
        "cp": _CP, "dc": _DC, "dcterms": _DCTERMS, "xsi": _XSI})


def _empty_custom() -> etree._Element:
    # the default namespace, as Word writes the part (lxml's stubs take no None prefix)
    return parse_part(f'<Properties xmlns="{_CUSTOM}" xmlns:vt="{_VT}"/>'.encode(), CUSTOM_PART)


@dataclass(frozen=True)
class PackageStamp:
    """What a template's package needs so that each form made from it carries its own id and
    dates: worked out once (:func:`package_stamp`), applied per form (:meth:`members`).

    ``changed`` are the parts rewritten once for every form (the package relationships and the
    content types, when the custom part was not yet declared); ``core``/``custom`` the
    template's parts (or None to write a new one) and where they live. Only bytes are held,
    so a stamp crosses to worker processes as it is; its parts are small, parsed per form.
    """

    changed: tuple[tuple[str, bytes], ...]
    core_name: str
    core: bytes | None
    custom_name: str
    custom: bytes | None

    def core_part(self, when: dt.datetime) -> bytes:
        """The core properties of a form made at ``when``: created and modified then, never
        printed, revision 1; the rest (title, subject, creator) as the template has it."""
        root = (parse_part(self.core, self.core_name) if self.core is not None
                else _empty_core())
        for child in list(root):
            if child.tag in (_LAST_PRINTED, _CREATED, _MODIFIED):
                root.remove(child)
        stamp = w3cdtf(when)
        for tag in (_CREATED, _MODIFIED):
            element = etree.SubElement(root, tag)
            element.set(_XSI_TYPE, "dcterms:W3CDTF")
            element.text = stamp
        revision = next(root.iterchildren(_REVISION), None)
        if revision is not None:
            revision.text = "1"
        return _serialise(root)

    def custom_part(self, form_id: str) -> bytes:
        """The custom properties with :data:`FORM_ID_PROPERTY` set to ``form_id``: any other
        property the template has is kept, an old form id replaced."""
        root = (parse_part(self.custom, self.custom_name) if self.custom is not None
                else _empty_custom())
        pids = []
        for prop in list(root.iterchildren(_PROPERTY)):
            if (prop.get("name") or "").strip().casefold() == FORM_ID_PROPERTY:
                root.remove(prop)
            elif (prop.get("pid") or "").isdecimal():
                pids.append(int(prop.get("pid") or 0))
        prop = etree.SubElement(root, _PROPERTY)
        prop.set("fmtid", USER_DEFINED_FMTID)
        prop.set("pid", str(max([1, *pids]) + 1))  # pids of user properties start at 2
        prop.set("name", FORM_ID_PROPERTY)
        etree.SubElement(prop, _LPWSTR).text = form_id
        return _serialise(root)

    def members(self, members: Sequence[tuple[str, bytes | None]], form_id: str,
                when: dt.datetime) -> Iterator[tuple[str, bytes | None]]:
        """``members`` (name, bytes; None stands for the main part, filled by the caller) with
        this form's properties: the same order, new parts last."""
        replaced = dict(self.changed)
        replaced[self.core_name] = self.core_part(when)
        replaced[self.custom_name] = self.custom_part(form_id)
        seen = set()
        for name, data in members:
            seen.add(name)
            yield name, replaced.get(name, data)
        for name in (self.core_name, self.custom_name):
            if name not in seen:
                yield name, replaced[name]


def _target(rels: etree._Element, kind: str) -> str | None:
    for rel in rels.iterchildren(f"{{{_RELS}}}Relationship"):
        if rel.get("Type") == kind and rel.get("TargetMode") != "External":
            target = rel.get("Target") or ""
            return posixpath.normpath(posixpath.join("/", target)).lstrip("/")
    return None


def _add_relationship(rels: etree._Element, kind: str, target: str) -> None:
    taken = {rel.get("Id") for rel in rels.iterchildren(f"{{{_RELS}}}Relationship")}
    number = 1
    while f"rId{number}" in taken:
        number += 1
    rel = etree.SubElement(rels, f"{{{_RELS}}}Relationship")
    rel.set("Id", f"rId{number}")
    rel.set("Type", kind)
    rel.set("Target", target)


def _declare(types: etree._Element, part: str, content_type: str) -> bool:
    """Declare ``part``'s content type unless it is already; whether anything changed."""
    for override in types.iterchildren(f"{{{_TYPES}}}Override"):
        if (override.get("PartName") or "").lstrip("/").lower() == part.lower():
            if override.get("ContentType") == content_type:
                return False
            override.set("ContentType", content_type)
            return True
    element = etree.SubElement(types, f"{{{_TYPES}}}Override")
    element.set("PartName", f"/{part}")
    element.set("ContentType", content_type)
    return True


def package_stamp(members: Sequence[tuple[str, bytes | None]]) -> PackageStamp:
    """The :class:`PackageStamp` of a template's parts (name, bytes), which the package
    reader has already checked; the relationships and content types gain the core and custom
    properties when the template lacks them."""
    parts = {name: data for name, data in members if data is not None}
    rels_name, types_name = "_rels/.rels", "[Content_Types].xml"
    rels = parse_part(parts[rels_name], rels_name)
    types = parse_part(parts[types_name], types_name)
    changed_rels = changed_types = False
    names: dict[str, str] = {}
    for kind, default, content_type in ((CORE_RELATIONSHIP, CORE_PART, CORE_CONTENT_TYPE),
                                        (CUSTOM_RELATIONSHIP, CUSTOM_PART, CUSTOM_CONTENT_TYPE)):
        name = _target(rels, kind)
        if name is None or name not in parts:
            if name is None:
                _add_relationship(rels, kind, default)
                changed_rels = True
            name = name or default
        changed_types |= _declare(types, name, content_type)
        names[kind] = name
    changed = []
    if changed_rels:
        changed.append((rels_name, _serialise(rels)))
    if changed_types:
        changed.append((types_name, _serialise(types)))
    core_name, custom_name = names[CORE_RELATIONSHIP], names[CUSTOM_RELATIONSHIP]
    return PackageStamp(
        changed=tuple(changed),
        core_name=core_name,
        core=parts.get(core_name),
        custom_name=custom_name,
        custom=parts.get(custom_name),
    )
