"""The council's logo in a form's header, in place of the template's logo box.

Our template draws a box at the top right of the page header where the logo goes (a paragraph
with a border on all four sides, whatever its wording says; a paragraph ruled above or below
only, such as a council's underlined address, is not one, and its text is kept). ``--logo`` on
``template`` and ``generate`` puts a PNG or JPEG image there instead: the box's text and border
go, and the picture is scaled (aspect ratio kept) to the box's height, so the header keeps its
size on every page. python-docx places the picture (``Run.add_picture``);
:mod:`caseaudit_docx.oxml.build` finds the box.
"""

from __future__ import annotations

import io
import struct
from dataclasses import dataclass
from pathlib import Path
from typing import cast

import docx
from docx.image.exceptions import (
    InvalidImageStreamError,
    UnexpectedEndOfFileError,
    UnrecognizedImageError,
)
from docx.oxml.text.paragraph import CT_P
from docx.shared import Pt
from docx.text.paragraph import Paragraph

from caseaudit_docx.errors import InputError
from caseaudit_docx.files import read_user_file
from caseaudit_docx.oxml import build

#: A logo is a small picture; anything bigger than this is not one.
LOGO_LIMIT = 10 * 1024 * 1024
#: How each image format we accept starts (its magic bytes).
_MAGIC = {b"\x89PNG\r\n\x1a\n": "PNG", b"\xff\xd8\xff": "JPEG"}


@dataclass(frozen=True)
class Logo:
    """An image read from the user's file, known to be a PNG or a JPEG by its first bytes."""

    data: bytes
    format: str
    path: Path


def read_logo(path: str | Path) -> Logo:
    """Read the logo image at ``path`` (bounded), and check it is a PNG or JPEG image by its
    magic bytes: anything else is refused with one line naming the file."""
    source = Path(path)
    data = read_user_file(source, limit=LOGO_LIMIT, what="a logo image (PNG or JPEG)")
    for magic, name in _MAGIC.items():
        if data.startswith(magic):
            return Logo(data, name, source)
    raise InputError("is not a PNG or JPEG image; --logo needs the council's logo as one",
                     path=source)


def put_logo(document: docx.document.Document, logo: Logo, *,
             where: str | Path | None = None) -> None:
    """Put ``logo`` in every header of ``document`` in place of its logo box; a document
    whose headers have no box is refused (``where`` names it in the message)."""
    placed = False
    seen: set[int] = set()
    for section in document.sections:
        header = section.header
        if header.is_linked_to_previous or id(header.part) in seen:
            continue
        seen.add(id(header.part))
        found = build.logo_box(header.part.element)
        if found is None:
            continue
        element, height = found
        build.empty_box(element)
        paragraph = Paragraph(cast(CT_P, element), header)
        try:
            paragraph.add_run().add_picture(io.BytesIO(logo.data), height=Pt(height))
        except (UnrecognizedImageError, UnexpectedEndOfFileError, InvalidImageStreamError,
                ValueError, IndexError, EOFError, struct.error) as error:
            # python-docx's image parser on a truncated or damaged file
            detail = f" ({error})" if str(error) else ", it is damaged or cut short"
            raise InputError(f"cannot be read as a {logo.format} image{detail}",
                             path=logo.path) from None
        placed = True
    if not placed:
        raise InputError("has no logo box in its page header to put the logo in (a paragraph "
                         "with a border on all four sides, as `caseaudit template` draws one)",
                         path=where)


def with_logo(data: bytes, logo: Logo, *, where: str | Path | None = None) -> bytes:
    """The .docx ``data`` with ``logo`` in its header's logo box."""
    document = docx.Document(io.BytesIO(data))
    put_logo(document, logo, where=where)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()
