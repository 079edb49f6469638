"""Word-realistic returned forms, for the benchmarks and the extraction oracle tests.

The bundled samples show each thing a returned form can hold once; their document.xml is about
120 KB. What Word really saves is about three times that: every run carries its formatting and
the editing session that typed it (``w:rsidR``, ``w:rsidRPr``), typing is split into runs a few
words long, the spell checker brackets words with ``w:proofErr``, bookmarks (each with its own
id) land between runs, ``w:lastRenderedPageBreak`` marks where the last layout broke pages,
paragraphs carry ``w14:paraId``/``w14:textId``, and notes run to several paragraphs. This
module fills forms that way, so that speed is measured on what a reader really meets.

Each form is a :class:`samples.make_samples.Sample` (its answers and expected record are
known) filled by :mod:`samples.wordfill`, then rewritten run by run: the rewriting never
changes the text a reader sees, so every field's expected value is the sample's (the oracle
tests/test_realistic.py checks). The forms are made on demand (a few are cheap to build), not
checked in::

    python -m samples.make_samples --realistic DIR --count N
"""

from __future__ import annotations

import copy
import io
import random
import zipfile
from collections.abc import Iterator
from pathlib import Path

from lxml import etree

from samples import wordfill
from samples.make_samples import FORM, Answer, Sample, _complete, _with

W = wordfill.W
W14 = wordfill.W14
XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"

#: Sentences the notes are made of (fictional casework, no real person).
_SENTENCES = (
    "The chronology was updated after each home visit and records who was seen.",
    "Mother said the family support worker helped her to plan the school mornings.",
    "The child's wishes are written in their own words and were shared with the conference.",
    "Contacts with the health visitor are recorded, though two dates are missing.",
    "The plan names who does what by when, and the review checked each action.",
    "Supervision notes show the manager challenged the drift in the summer months.",
    "Father was invited to every meeting; his views are recorded when he attended.",
    "The assessment weighs the history of neglect against the recent progress.",
    "School attendance improved from sixty to ninety per cent over the term.",
    "The safety plan was written with the family and a copy left at the house.",
)


def _note(rng: random.Random) -> str:
    """A note of one to three paragraphs ("\\n": Enter), each of one or two sentences."""
    return "\n".join(" ".join(rng.sample(_SENTENCES, rng.randint(1, 2)))
                     for _ in range(rng.randint(1, 3)))


def _answers(index: int) -> dict[str, Answer]:
    """A complete form whose notes are long, several paragraphs each, different per index."""
    rng = random.Random(index)
    answers = _complete(f"CA-{20000 + index}", f"Robin{index} Fictional", "Alex Fictional",
                        score=index % 5)
    for fid in [fid for fid in answers if fid.endswith(".notes") or fid == "general_themes"]:
        note = _note(rng)
        answers[fid] = (note, note)
    return answers


#: Fields typed with track changes on, over an earlier value (a few, as in real revisions).
_TRACKED = {"q3.score": "2", "q5.notes": "An earlier note the auditor replaced.",
            "grade.plan": "Good", "child_name": "Robin Fictionl"}


def realistic_sample(index: int) -> Sample:
    """The ``index``-th realistic form: tagged or untagged in turn, a few tracked changes."""
    answers = _answers(index)
    tracked = {fid: previous for fid, previous in _TRACKED.items() if fid in answers}
    return Sample(f"realistic-{index:04d}", _with(answers), tagged=index % 2 == 0,
                  modes=dict.fromkeys(tracked, "tracked"), previous=tracked)


def q(tag: str) -> str:
    return wordfill.q(tag)


class _Word:
    """Rewrites a filled document.xml the way Word's editing sessions leave it."""

    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        self.rsids = [f"00{self.rng.getrandbits(24):06X}" for _ in range(12)]
        self.bookmark = 0
        self.para = 0

    def rsid(self) -> str:
        return self.rng.choice(self.rsids)

    def paragraph(self, p: etree._Element) -> None:
        p.set(f"{{{W14}}}paraId", f"{self.rng.getrandbits(31):08X}")
        p.set(f"{{{W14}}}textId", f"{self.rng.getrandbits(31):08X}")
        p.set(q("w:rsidR"), p.get(q("w:rsidR")) or self.rsid())
        p.set(q("w:rsidRDefault"), self.rsid())
        p.set(q("w:rsidP"), self.rsid())

    def run_properties(self, run: etree._Element) -> None:
        """Word writes each run's formatting in full; a run without any gets the form's."""
        if run.find(q("w:rPr")) is not None:
            return
        pr = etree.Element(q("w:rPr"))
        fonts = etree.SubElement(pr, q("w:rFonts"))
        for side in ("ascii", "hAnsi", "cs"):
            fonts.set(q(f"w:{side}"), "Arial")
        etree.SubElement(pr, q("w:sz")).set(q("w:val"), "20")
        etree.SubElement(pr, q("w:szCs")).set(q("w:val"), "20")
        etree.SubElement(pr, q("w:lang")).set(q("w:val"), "en-GB")
        run.insert(0, pr)

    def split(self, run: etree._Element) -> list[etree._Element]:
        """A run of one ``w:t`` as Word leaves it: pieces of two to five words, each its own
        run with its own rsid, with spelling marks, a bookmark and a page-break mark between."""
        t = run.find(q("w:t"))
        words = (t.text or "").split(" ")
        pieces: list[str] = []
        while words:
            take = self.rng.randint(2, 5)
            pieces.append(" ".join(words[:take]) + (" " if len(words) > take else ""))
            words = words[take:]
        out: list[etree._Element] = []
        for number, piece in enumerate(pieces):
            new = copy.deepcopy(run)
            new.set(q("w:rsidR"), self.rsid())
            new.set(q("w:rsidRPr"), self.rsid())
            text = new.find(q("w:t"))
            text.text = piece
            if piece != piece.strip():
                text.set(XML_SPACE, "preserve")
            roll = self.rng.random()
            if number and roll < 0.04:
                text.addprevious(etree.Element(q("w:lastRenderedPageBreak")))
            if roll > 0.85:
                start = etree.Element(q("w:proofErr"))
                start.set(q("w:type"), "spellStart")
                end = etree.Element(q("w:proofErr"))
                end.set(q("w:type"), "spellEnd")
                out += [start, new, end]
            elif roll > 0.8:
                self.bookmark += 1
                mark = etree.Element(q("w:bookmarkStart"))
                mark.set(q("w:id"), str(self.bookmark))
                mark.set(q("w:name"), f"_Hlk{self.rng.getrandbits(27)}")
                end = etree.Element(q("w:bookmarkEnd"))
                end.set(q("w:id"), str(self.bookmark))
                out += [mark, new, end]
            else:
                out.append(new)
        return out

    def bookmarks(self, root: etree._Element) -> None:
        """Each bookmark an id of its own, unique among the document's ids (revisions have
        them too), and one "_GoBack" (Word marks only the last edit with it; the others
        become the "_Hlk" bookmarks Word makes for links). The bookmarks split runs add take
        the ids after these."""
        ids = [int(value) for value in (e.get(q("w:id")) for e in root.iter())
               if value is not None and value.isdigit()]
        self.bookmark = max(ids, default=0)
        starts = list(root.iter(q("w:bookmarkStart")))
        go_backs = [mark for mark in starts if mark.get(q("w:name")) == "_GoBack"]
        for mark in go_backs[:-1]:
            mark.set(q("w:name"), f"_Hlk{self.rng.getrandbits(27)}")
        for start in starts:
            end = start.getnext()
            self.bookmark += 1
            start.set(q("w:id"), str(self.bookmark))
            if end is not None and end.tag == q("w:bookmarkEnd"):
                end.set(q("w:id"), str(self.bookmark))

    def rewrite(self, root: etree._Element) -> None:
        self.bookmarks(root)
        for p in root.iter(q("w:p")):
            self.paragraph(p)
        for run in list(root.iter(q("w:r"))):
            self.run_properties(run)
            kids = [child.tag for child in run if child.tag != q("w:rPr")]
            if kids != [q("w:t")] or len((run.findtext(q("w:t")) or "").split(" ")) < 2:
                run.set(q("w:rsidRPr"), self.rsid())
                continue
            pieces = self.split(run)
            parent = run.getparent()
            at = parent.index(run)
            parent.remove(run)
            for offset, piece in enumerate(pieces):
                parent.insert(at + offset, piece)


def wordify(docx: bytes, seed: int) -> bytes:
    """``docx`` with its document.xml rewritten as Word writes it; the text read is the same."""
    with zipfile.ZipFile(io.BytesIO(docx)) as package:
        members = [(info, package.read(info)) for info in package.infolist()]
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as package:
        for info, data in members:
            if info.filename == "word/document.xml":
                root = etree.fromstring(data)
                _Word(seed).rewrite(root)
                data = etree.tostring(root, xml_declaration=True, encoding="UTF-8",
                                      standalone=True)
            package.writestr(info, data)
    return out.getvalue()


def realistic_form(index: int) -> tuple[Sample, bytes]:
    """The ``index``-th realistic form and the sample that says what it must read to."""
    sample = realistic_sample(index)
    return sample, wordify(sample.build(), seed=index)


def realistic_forms(count: int) -> Iterator[tuple[Sample, bytes]]:
    """``count`` different realistic forms (the same ones every run)."""
    for index in range(count):
        yield realistic_form(index)


def write_realistic(folder: Path, count: int) -> list[Path]:
    """Write ``count`` realistic forms into ``folder`` (created if missing)."""
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for sample, data in realistic_forms(count):
        path = folder / f"{sample.name}.docx"
        path.write_bytes(data)
        written.append(path)
    return written


__all__ = ["FORM", "realistic_form", "realistic_forms", "realistic_sample", "wordify",
           "write_realistic"]
