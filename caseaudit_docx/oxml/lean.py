"""Leave out of ``word/document.xml``, before it is parsed, what no reader of text reads.

Why: Word writes every run's formatting in full (``w:rPr`` with fonts, sizes, language, again
for each run an rsid split off), revision ids on every run and paragraph, and proofing marks
between runs. On Word-realistic forms that is two thirds of the bytes, half of the elements and
most of the attributes, and more than half of the cost of parsing and walking the tree; yet the
reader of text (:mod:`.stream`) never looks at any of it: it ignores a run's ``w:rPr`` whole,
reads no attribute of ``w:p`` or ``w:r``, and inside a paragraph skips ``w:proofErr`` and
bookmarks. Removing them from the bytes (two regular-expression passes in C, each searching
for a literal start) costs far less than parsing them; the record read is the same.

The edit is made only when it provably removes that and nothing else; otherwise the bytes are
returned unchanged (and read as before, only slower). It needs:

- the part is UTF-8 (no other byte order mark, no other declared encoding), so the patterns
  below are the document's own characters;
- the root is ``<w:document ...>`` declaring ``w`` as WordprocessingML's namespace, so outside
  any element that declares ``w`` again every ``w:`` name below is that namespace's (inside one
  that binds it to another namespace, what is removed belongs to elements the reader does not
  know: it reads through those, and what is removed holds no text and is no first child, so
  nothing read changes; a scan for such a declaration would cost more than all the rest);
- no comment, CDATA section or DTD (nothing starts with ``<!``; Word writes none of them), so
  every ``<`` outside a processing instruction starts a tag: no text is mistaken for markup (in
  text, ``<`` is always written ``&lt;``).

Then two kinds of removal, each of which stops at an attribute value holding ``<`` or ``>``
or quoted otherwise (so that what is matched is markup as a parser reads it):

- at a run's start: empty ``w:proofErr``, ``w:bookmarkStart`` and ``w:bookmarkEnd`` elements
  right before it, the ``w:r`` start tag's attributes when every one is a ``w:rsid*`` with a hex
  value, and the ``w:rPr`` right after it when it has no attributes and only empty ``w:``
  children. The marks are the run's siblings, so they are inside a paragraph (or another
  inline container), where the reader skips them (before a stray run at block level, where
  each would end a merge of paragraphs, the run itself still ends it; and removing them never
  makes a cell's or a row's properties the first child, which the reader asks of them: the
  run takes their place);
- a ``w:p`` start tag's attributes when every one is a ``w:rsid*``, ``w14:paraId`` or
  ``w14:textId``.

A match holds no ``?>`` and no ``<?``, so it is wholly inside a processing instruction or
wholly outside; inside one it changes only text no reader reads, and it cannot end the
instruction early: each replacement starts with ``<w:`` and ends with ``>`` or a name, so it
never joins a ``?`` to a ``>``.

Only the reader of text may use such a tree: learning reads run formatting (bold labels), so
:func:`caseaudit_docx.oxml.package.read_package` makes it only when asked (``text_only``).
The safety of parsing does not change: the result is parsed by :func:`.parser.parse_part` like
any part, and a part with a DTD is refused as before (``<!`` turns this off). One difference is
allowed: damage confined to what is removed (a run's revision id written twice, an undeclared
prefix inside run formatting) no longer stops the reading, since nothing read depends on it.
"""

from __future__ import annotations

import re

from .ns import W

#: The XML declaration (optional, after an optional UTF-8 byte order mark) and the root's start
#: tag; group 1 is the declaration, group 2 the root's attributes.
_HEAD = re.compile(
    rb"(?:\xef\xbb\xbf)?(<\?xml\s[^<>]*?\?>)?\s*<w:document(\s[^<>]*)>"
)
_ENCODING = re.compile(rb"""\sencoding\s*=\s*["']([^"']*)["']""")
_UTF8 = frozenset({b"utf-8", b"utf8"})
_W_DECLARED = re.compile(rb"""\sxmlns:w\s*=\s*(["'])""" + re.escape(W.encode()) + rb"\1")
#: A run's start: the proofing marks and bookmarks right before it, its start tag holding
#: revision ids only (or none), and its formatting right after it when that holds only empty w:
#: elements. It starts with the literal "<w:" (which keeps the search fast) and ends with "r"
#: and the run's start tag, which is all that is kept. Possessive: each attribute ends at its
#: closing quote and each element at its first ">", so there is nothing to backtrack into.
_RUN_START = re.compile(
    rb"<w:(?:(?:proofErr|bookmarkStart|bookmarkEnd)\b[^<>]*/><w:)*+"
    rb'r(?: w:rsid[A-Za-z]*="[0-9A-Fa-f]*")*+>(?:<w:rPr>(?:<w:[^<>]*/>)*+</w:rPr>)?+')
#: A paragraph's start tag holding revision ids only; the name is kept, and the look-ahead
#: leaves a self-closing tag ("/>") alone.
_PARAGRAPH_IDS = re.compile(
    rb'<w:p(?: (?:w:rsid[A-Za-z]*|w14:paraId|w14:textId)="[0-9A-Fa-f]*")++(?=>)')


def without_unread_markup(data: bytes) -> bytes:
    """``data`` (a main document part) without what the module describes, or ``data``
    itself when the edit cannot be shown to remove only that."""
    head = _HEAD.match(data)
    if head is None:
        return data
    declaration, root = head.group(1), head.group(2)
    if declaration is not None:
        encoding = _ENCODING.search(declaration)
        if encoding is not None and encoding.group(1).lower() not in _UTF8:
            return data
    if _W_DECLARED.search(root) is None:
        return data
    # Byte searches, not one regular expression: they run at memory speed ("!" is rare).
    if b"!" in data and b"<!" in data:
        return data
    return _PARAGRAPH_IDS.sub(b"<w:p", _RUN_START.sub(b"<w:r>", data))

