"""Which of several forms a returned document is: one read of the document, each form tried.

A council revises its form (v3.2, then 3.3), and the returns of a year arrive mixed in one
folder. Every form given is tried on the same reading of the document, and each gets a cheap
score from the document itself:

- layout: the share of the form's answer rows the locator finds (a form must reach the
  locator's own :data:`~caseaudit_docx.extract.locate.MIN_ROWS_FOUND` to be a candidate);
- tags: the share of the document's control tags that are the form's field ids (our tagged
  templates say which form they are by their tags);
- title: how near the document's title (its first paragraphs before any table, else its
  ``docProps`` title, which copies often keep from the form they were made from) is to the
  form's title, word for word;
- version: whether the form's version is written in those titles.

Revisions of one form share most rows, so layout alone rarely decides between them: the title
and version do. The best score wins; a tie goes to the form given first. A document that fits
none of the forms is refused with one line naming the closest and its share.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from caseaudit_docx.errors import NotAFormError
from caseaudit_docx.extract.extract import record_of
from caseaudit_docx.extract.locate import MIN_ROWS_FOUND, Located, locate, share_found
from caseaudit_docx.model.form import Form
from caseaudit_docx.model.matching import label_key
from caseaudit_docx.model.record import Record
from caseaudit_docx.oxml.package import DocxPackage, read_package
from caseaudit_docx.oxml.text import read_document
from caseaudit_docx.oxml.view import DocumentView, ParagraphView, TableView

#: How many non-empty paragraphs before the first table may hold the form's title.
TITLE_PARAGRAPHS = 3
#: Weights of the parts of a score (layout and tags count in full).
TITLE_WEIGHT, PROPERTY_TITLE_WEIGHT, VERSION_WEIGHT = 1.0, 0.5, 0.25


@dataclass(frozen=True)
class Fit:
    """How well one form fits a document: each part of the score, and the score."""

    form: Form
    layout: float  # share of the form's answer rows found
    tags: float  # share of the document's control tags that are the form's field ids
    title: float  # 0..1, how near the document's title is to the form's
    version: bool  # the form's version is written in the document's title

    @property
    def fits(self) -> bool:
        return self.layout >= MIN_ROWS_FOUND

    @property
    def score(self) -> float:
        return (self.layout + self.tags + self.title
                + (VERSION_WEIGHT if self.version else 0.0))

    def describe(self) -> str:
        """"case-audit 3.2 (23% of its questions found)"."""
        return f"{self.form.name} {self.form.version} ({self.layout:.0%} of its questions found)"


@dataclass(frozen=True)
class _Titles:
    """What the document says it is: its opening paragraphs and its ``docProps`` title."""

    paragraphs: tuple[str, ...]
    prop: str | None

    @classmethod
    def of(cls, view: DocumentView) -> _Titles:
        found: list[str] = []
        for block in view.blocks:
            if isinstance(block, TableView) or len(found) == TITLE_PARAGRAPHS:
                break
            if isinstance(block, ParagraphView) and block.text.strip():
                found.append(block.text)
        return cls(tuple(found), view.title)


def _words_alike(a: str, b: str) -> float:
    """1 for the same wording; else the share of words in common (Jaccard)."""
    first, second = label_key(a), label_key(b)
    if not first or not second:
        return 0.0
    if first == second:
        return 1.0
    words_a, words_b = set(first.split()), set(second.split())
    return len(words_a & words_b) / len(words_a | words_b)


def _version_in(version: str, texts: Sequence[str]) -> bool:
    pattern = re.compile(r"(?<![\w.])" + re.escape(version) + r"(?![\w]|\.\d)", re.I)
    return bool(version) and any(pattern.search(text) for text in texts)


def _layout(view: DocumentView, form: Form) -> float:
    """The share of the form's answer rows the locator's walk recognises in ``view``."""
    return share_found(view, form)


def _tags(view: DocumentView) -> frozenset[str]:
    return frozenset(tag for table in view.tables for row in table.rows for cell in row.cells
                     for tag in cell.tags)


def _fit(view: DocumentView, form: Form, titles: _Titles, tags: frozenset[str]) -> Fit:
    title = max((_words_alike(text, form.title) for text in titles.paragraphs), default=0.0)
    if titles.prop:
        title = max(title, PROPERTY_TITLE_WEIGHT * _words_alike(titles.prop, form.title))
    texts = [*titles.paragraphs, *([titles.prop] if titles.prop else [])]
    return Fit(
        form=form,
        layout=_layout(view, form),
        tags=len(tags & set(form.field_ids)) / len(tags) if tags else 0.0,
        title=TITLE_WEIGHT * title,
        version=_version_in(form.version, texts),
    )


def fits(view: DocumentView, forms: Sequence[Form]) -> list[Fit]:
    """Every form's :class:`Fit` on one reading of a document, in the order given."""
    titles, tags = _Titles.of(view), _tags(view)
    return [_fit(view, form, titles, tags) for form in forms]


def choose(view: DocumentView, forms: Sequence[Form], *, path: str | Path | None = None
           ) -> tuple[Form, Located]:
    """The form that fits ``view`` best, with what it located; a :class:`NotAFormError`
    naming the closest candidate when none fits."""
    if not forms:
        raise ValueError("choose() needs at least one form")
    scored = fits(view, forms)
    candidates = [f for f in scored if f.fits]
    if not candidates:
        closest = max(scored, key=lambda f: f.layout)  # max keeps the first of equals
        raise NotAFormError(f"fits none of the forms given; closest: {closest.describe()}",
                            path=path)
    best = max(candidates, key=lambda f: f.score)
    return best.form, locate(view, best.form, path=None if path is None else str(path))


def extract_best(package: DocxPackage, forms: Sequence[Form]) -> Record:
    """The record of ``package`` read by the form of ``forms`` it fits best (one form: that
    form, and its own error when the document is not one)."""
    view = read_document(package)
    if len(forms) == 1:
        form = forms[0]
        return record_of(package, form, locate(view, form, path=str(package.path)))
    form, located = choose(view, forms, path=package.path)
    return record_of(package, form, located)


def extract_best_file(path: str | Path, forms: Sequence[Form]) -> Record:
    """:func:`extract_best` of the file at ``path`` (never written to)."""
    return extract_best(read_package(path, text_only=True), forms)
