"""The one XML parser: every package part this project reads goes through :func:`parse_part`.

The parser never resolves entities, never loads a DTD and never touches the network. On top of
that, any DTD is refused outright: OPC forbids them (ECMA-376 Part 2, M1.18) and Word never writes
one, so a part that carries ``<!DOCTYPE`` or ``<!ENTITY`` is hostile or broken. That closes both
external entities (XXE, ``file:///etc/passwd``) and entity-expansion bombs before any expansion.
"""

from __future__ import annotations

import threading
from pathlib import Path

from lxml import etree

from caseaudit_docx.errors import NotAFormError, UnsafeFileError

_DTD_MESSAGE = "contains a DTD or entity declarations, which Word never writes (part {name})"
_DTD_MARKERS = (b"<!DOCTYPE", b"<!ENTITY")
_UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")

_local = threading.local()


def make_parser() -> etree.XMLParser:
    """A new hardened parser (one per thread: lxml parsers must not be shared between threads)."""
    return etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        huge_tree=False,
        remove_blank_text=False,
    )


def _parser() -> etree.XMLParser:
    parser: etree.XMLParser | None = getattr(_local, "parser", None)
    if parser is None:
        parser = _local.parser = make_parser()
    return parser


def parse_part(
    data: bytes, name: str, *, path: str | Path | None = None
) -> etree._Element:
    """Parse one package part and return its root element.

    ``name`` is the part name (``word/document.xml``), used in messages; ``path`` is the file the
    part came from, carried on the error for the CLI. Raises :class:`UnsafeFileError` for any DTD
    or entity declaration and :class:`NotAFormError` for XML that is not well formed.
    """
    # A UTF-16 part can hide the markers from a byte search; the docinfo check below catches it.
    # Both markers hold "!", which Word's XML rarely does: one memchr before two slower searches.
    if (
        b"!" in data and not data.startswith(_UTF16_BOMS)
        and any(marker in data for marker in _DTD_MARKERS)
    ):
        raise UnsafeFileError(_DTD_MESSAGE.format(name=name), path=path)
    try:
        root = etree.fromstring(data, _parser())
    except etree.XMLSyntaxError as exc:
        detail = _first_line(str(exc)) or "unreadable"
        raise NotAFormError(
            f"is damaged: its part {name} is not well-formed XML ({detail})", path=path
        ) from exc
    except ValueError as exc:  # e.g. "can only parse strings" or an unsupported encoding
        message = f"is damaged: its part {name} cannot be read as XML"
        raise NotAFormError(message, path=path) from exc
    docinfo = root.getroottree().docinfo
    doctype = docinfo.doctype  # type: ignore[union-attr]  # lxml-stubs miss DocInfo.doctype
    if doctype or docinfo.internalDTD is not None or docinfo.externalDTD is not None:
        raise UnsafeFileError(_DTD_MESSAGE.format(name=name), path=path)
    return root


def _first_line(text: str) -> str:
    line = text.strip().splitlines()[0] if text.strip() else ""
    return line[:200]
