"""The document properties parts: a form id read back safely, and written as OPC wants it."""

from __future__ import annotations

import datetime as dt
import io
import uuid
import zipfile

import pytest
from lxml import etree

from caseaudit_docx.errors import UnsafeFileError
from caseaudit_docx.oxml.package import read_package_bytes
from caseaudit_docx.oxml.properties import (
    CUSTOM_CONTENT_TYPE,
    CUSTOM_RELATIONSHIP,
    FORM_ID_PROPERTY,
    package_stamp,
    read_form_id,
)

from .conftest import ROOT

TEMPLATE = (ROOT / "caseaudit_docx" / "templates" / "case-audit-3.2.docx").read_bytes()

CUSTOM = "http://schemas.openxmlformats.org/officeDocument/2006/custom-properties"
VT = "http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes"
FMTID = "{D5CDD505-2E9C-101B-9397-08002B2CF9AE}"


def _custom(*props: tuple[str, str, str]) -> bytes:
    """A custom properties part: (pid, name, value) each, as Word writes it."""
    body = "".join(f'<property fmtid="{FMTID}" pid="{pid}" name="{name}"><vt:lpwstr>{value}'
                   "</vt:lpwstr></property>" for pid, name, value in props)
    return (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
            f'<Properties xmlns="{CUSTOM}" xmlns:vt="{VT}">{body}</Properties>').encode()


def _members(data: bytes) -> list[tuple[str, bytes | None]]:
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        return [(info.filename, package.read(info)) for info in package.infolist()]


def _zip(members: list[tuple[str, bytes | None]]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as package:
        for name, data in members:
            package.writestr(name, data or b"")
    return out.getvalue()


def test_the_form_id_is_read_as_a_uuid_or_not_at_all() -> None:
    form_id = str(uuid.uuid4())
    assert read_form_id(_custom(("2", FORM_ID_PROPERTY, form_id))) == form_id
    assert read_form_id(_custom(("2", "Caseaudit Form ID", form_id.upper()))) == form_id
    assert read_form_id(_custom(("2", "Client", "x"), ("3", FORM_ID_PROPERTY, form_id))) == form_id
    assert read_form_id(_custom(("2", FORM_ID_PROPERTY, "typed over by someone"))) is None
    assert read_form_id(_custom(("2", FORM_ID_PROPERTY, "1" * 5000))) is None
    assert read_form_id(_custom(("2", "Client", form_id))) is None
    assert read_form_id(_custom()) is None


def test_a_hostile_custom_part_is_refused_like_any_part() -> None:
    hostile = (b'<?xml version="1.0"?><!DOCTYPE p [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
               b'<Properties xmlns="' + CUSTOM.encode() + b'">&x;</Properties>')
    with pytest.raises(UnsafeFileError, match="DTD"):
        read_form_id(hostile)


def test_a_stamp_declares_the_part_once_and_writes_each_forms_own() -> None:
    members = _members(TEMPLATE)
    assert not any(name == "docProps/custom.xml" for name, _ in members)
    stamp = package_stamp(members)
    when = dt.datetime(2024, 3, 1, 9, 30, tzinfo=dt.UTC)
    ids = [str(uuid.uuid4()) for _ in range(2)]
    packages = [_zip(list(stamp.members(members, form_id, when))) for form_id in ids]
    for form_id, data in zip(ids, packages):
        with zipfile.ZipFile(io.BytesIO(data)) as package:
            names = package.namelist()
            rels = etree.fromstring(package.read("_rels/.rels"))
            types = etree.fromstring(package.read("[Content_Types].xml"))
            core = etree.fromstring(package.read("docProps/core.xml"))
        assert names.count("docProps/custom.xml") == 1
        targets = [r.get("Target") for r in rels if r.get("Type") == CUSTOM_RELATIONSHIP]
        assert targets == ["docProps/custom.xml"]
        assert len({r.get("Id") for r in rels}) == len(rels)  # relationship ids stay unique
        declared = [t.get("ContentType") for t in types
                    if t.get("PartName") == "/docProps/custom.xml"]
        assert declared == [CUSTOM_CONTENT_TYPE]
        dates = {etree.QName(e).localname: e.text for e in core}
        assert dates["created"] == dates["modified"] == "2024-03-01T09:30:00Z"
        assert "lastPrinted" not in dates
        package_read = read_package_bytes(data, "form.docx")
        assert package_read.form_id == form_id
        assert package_read.modified == "2024-03-01T09:30:00Z"


def test_a_template_with_custom_properties_keeps_them_and_loses_an_old_id() -> None:
    members = _members(TEMPLATE)
    old = str(uuid.uuid4())
    members.append(("docProps/custom.xml", _custom(("2", "Client", "Northbridge"),
                                                   ("5", FORM_ID_PROPERTY, old))))
    stamp = package_stamp(members)
    new = str(uuid.uuid4())
    custom = dict(stamp.members(members, new, dt.datetime.now(dt.UTC)))
    root = etree.fromstring(custom["docProps/custom.xml"] or b"")
    props = {p.get("name"): (p.get("pid"), "".join(p.itertext())) for p in root}
    assert props == {"Client": ("2", "Northbridge"), FORM_ID_PROPERTY: ("3", new)}
    assert read_form_id(custom["docProps/custom.xml"] or b"") == new


def test_documents_without_the_part_have_no_form_id() -> None:
    assert read_package_bytes(TEMPLATE, "t.docx").form_id is None
