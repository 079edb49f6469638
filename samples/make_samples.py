"""Make the fictional returned forms in samples/ from the form model.

Every person, case and team here is invented. Each sample shows something years of returned
forms really contain: clean copies, partial ones, deleted controls, tracked changes, odd ways of
writing scores, grades and dates, text typed beside controls, a copy saved by LibreOffice, date
pickers, "N/A" and ambiguous answers, an 11th action row, an edited layout and a corrected
revision. Each sample carries the record extraction must give, which the tests check.

Run from the repository root: ``python samples/make_samples.py`` (rewrites samples/forms/*.docx).
``--libreoffice`` saves sample 08 again: a real LibreOffice save of its filled copy (kept
otherwise, as it differs byte for byte each time). ``--realistic DIR --count N`` writes N
Word-realistic forms into DIR instead (:mod:`samples.realistic`, for the benchmarks).

samples/legacy/ holds one clean sample in other formats, for reading forms not saved as .docx:
a .docm (the same package declared macro-enabled), always rewritten, and a Word 97-2003 .doc
and an OpenDocument .odt converted by LibreOffice, written when ``soffice`` is installed and
they are missing, or always with ``--legacy``. LibreOffice's output depends on its version and
on the clock (the .odt's zip times), so those two are checked by reading them back, not by
comparing bytes; checked in, the tests need no LibreOffice to have them.
"""

from __future__ import annotations

import io
import subprocess
import sys
import tempfile
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # run as a script from anywhere
    sys.path.insert(0, str(ROOT))

from caseaudit_docx.model.description import bundled_form

FORM = bundled_form()
from lxml import etree

from caseaudit_docx.generate.template import build_template
from caseaudit_docx.legacy import command, soffice
from samples import wordfill

#: (what the auditor typed, the value extraction must give)
Answer = tuple[str, Any]


@dataclass(frozen=True)
class Sample:
    name: str
    answers: dict[str, Answer]
    tagged: bool = True
    modes: dict[str, str] = field(default_factory=dict)
    previous: dict[str, str] = field(default_factory=dict)
    edits: tuple = ()
    drop_placeholder_flags: bool = False
    core_modified: str = "2019-04-01T09:00:00Z"
    problems: frozenset[str] = frozenset()  # field ids that must carry a problem
    extras: tuple[str, ...] = ()  # texts that must be kept as extras
    libreoffice_saved: bool = False  # opened and saved by LibreOffice (when soffice exists)

    def expected_text(self, field_id: str) -> str | None:
        if field_id not in self.answers:
            return None
        typed = self.answers[field_id][0]
        if self.modes.get(field_id) == "date_picker":
            year, month, day = typed.split("-")
            return f"{day}/{month}/{year}"
        return typed.replace("\v", "\n").strip() or None

    def expected_value(self, field_id: str) -> Any:
        return self.answers[field_id][1] if field_id in self.answers else None

    def build(self) -> bytes:
        return wordfill.fill_form(
            build_template(tagged=self.tagged, plain=True),  # council copies: all plain text
            {fid: typed for fid, (typed, _) in self.answers.items()},
            modes=self.modes,
            previous=self.previous,
            drop_placeholder_flags=self.drop_placeholder_flags,
            core_modified=self.core_modified,
            edits=self.edits,
        )


def _header(case: str, child: str, auditor: str, start: Answer, **more: Answer) -> dict[str, Answer]:
    answers: dict[str, Answer] = {
        "case_number": (case, case),
        "child_name": (child, child),
        "practitioners": ("Sam Placeholder", "Sam Placeholder"),
        "team": ("Assessment Team 2", "Assessment Team 2"),
        "category": ("CP & LAC", ["CP", "LAC"]),
        "auditor": (auditor, auditor),
        "audit_start_date": start,
        "practitioner_meeting_date": ("14 March 2019", "2019-03-14"),
        "family_feedback_date": ("20.3.19", "2019-03-20"),
    }
    answers.update(more)
    return answers


_NOTES = [
    "Chronology is clear and up to date.",
    "Case summary updated after the last review;\vneeds the school's view.",
    "Some events listed are routine visits.",
    "Plan reviewed at core group\nActions agreed with mother.",
]


def _complete(case: str, child: str, auditor: str, *, score: int = 4,
              grade: str = "Good") -> dict[str, Answer]:
    """A fully answered form: every question, grade, summary, parent and three actions."""
    answers = _header(case, child, auditor, ("12/03/2019", "2019-03-12"))
    for index, fld in enumerate(f for f in FORM.fields if f.id.startswith("q") and "." in f.id):
        qid, part = fld.id.split(".")
        if not qid[1:].rstrip("abc").isdigit() or int(qid[1:].rstrip("abc")) > 38:
            continue
        if part == "notes":
            note = _NOTES[index % len(_NOTES)]
            answers[fld.id] = (note, note)
        else:
            value = (score + index) % 5 + 1
            answers[fld.id] = (f"{value}", value)
    for section in FORM.sections:
        if section.grade_field:
            answers[section.grade_field] = (grade, grade)
    answers.update({
        "q39.notes": ("Thresholds applied at each step.", "Thresholds applied at each step."),
        "q39.answer": ("Yes", "Yes"),
        "q40.notes": ("Level matches the risk.", "Level matches the risk."),
        "q40.answer": ("2 Appropriate", "Appropriate"),
        "q41.practitioner": ("3", 3), "q41.auditor": ("4", 4),
        "q42.practitioner": ("4", 4), "q42.auditor": ("4", 4),
        "good_practice.notes": ("The safety plan is a model.", "The safety plan is a model."),
        "good_practice.answer": ("With some work", "With some work"),
        "commentary.practitioner": ("Glad of the chance to reflect.", "Glad of the chance to reflect."),
        "commentary.auditor": ("Strong relationship with the family.",
                               "Strong relationship with the family."),
        "q43.parent1": ("Mother", "Mother"),
        "q44.parent1": ("21/03/2019", "2019-03-21"),
        "q46.parent1": ("Yes, always", "Yes, always"),
        "q47.parent1": ("She listened and helped with housing.", "She listened and helped with housing."),
        "q48.parent1": ("8", 8),
        "q48_why.parent1": ("Could have visited more often.", "Could have visited more often."),
        "q45.parent2": ("Father did not answer three calls.", "Father did not answer three calls."),
        "action1.action": ("Update the chronology", "Update the chronology"),
        "action1.by_who": ("Sam Placeholder", "Sam Placeholder"),
        "action1.by_when": ("30/04/2019", "2019-04-30"),
        "action2.action": ("Child's version of the plan", "Child's version of the plan"),
        "action2.by_who": ("Team manager", "Team manager"),
        "action2.by_when": ("31 May 2019", "2019-05-31"),
        "general_themes": ("Chronologies lag behind visits.", "Chronologies lag behind visits."),
        "overall.practitioner": (grade, grade),
        "overall.auditor": (grade, grade),
        "moderation.date": ("02/05/2019", "2019-05-02"),
        "moderation.scaling": ("4", 4),
        "moderation.change_grade": ("No change", "No change"),
        "moderation.actions": ("None", "None"),
        "moderation.themes": ("Good use of the safety house.", "Good use of the safety house."),
    })
    return answers


def _with(base: dict[str, Answer], **changes: Answer) -> dict[str, Answer]:
    out = dict(base)
    for key, value in changes.items():
        out[key.replace("__", ".")] = value
    return out


_CLEAN = _complete("CA-10231", "Poppy Example", "Alex Fictional")
_ODD = _complete("CA-10240", "Ivy Sample", "Jordan Madeup")
_ODD.update({
    "q2.score": ("four", 4),
    "q3.score": ("4/5", 4),
    "q4.score": ("3 - partially", 3),
    "q6.score": ("5 Yes, completely", 5),
    "q7.score": ("Score: 2", 2),
    "grade.narrative": ("RI", "Requires Improvement"),
    "grade.assessment": ("Req. Improvement", "Requires Improvement"),
    "grade.plan": ("Requires improvement to be good", "Requires Improvement"),
    "grade.review": ("outstanding", "Outstanding"),
    "audit_start_date": ("12th Mar 2019", "2019-03-12"),
    "practitioner_meeting_date": ("2019-03-14", "2019-03-14"),
    "family_feedback_date": ("Tuesday 19th March 2019", "2019-03-19"),
    "category": ("CIN/CP", ["CIN", "CP"]),
    "q39.answer": ("y", "Yes"),
    "q40.answer": ("Too little", "Too Little"),
    "q48.parent1": ("7/10", 7),
})

SAMPLES: tuple[Sample, ...] = (
    Sample("01-clean-tagged", _CLEAN),
    Sample("02-clean-untagged",
           _complete("CA-10232", "Noah Invented", "Alex Fictional", score=2, grade="Outstanding"),
           tagged=False),
    Sample("03-partial", _header("CA-10233", "Mia Imaginary", "Chris Notreal",
                                 ("05/04/2019", "2019-04-05"),
                                 **{"q1.notes": ("Story is patchy.", "Story is patchy."),
                                    "q1.score": ("2", 2), "grade.narrative": ("Inadequate", "Inadequate")}),
           tagged=False),
    Sample("04-deleted-controls",
           _complete("CA-10234", "Leo Fabricated", "Chris Notreal", score=3),
           tagged=False,
           modes={"case_number": "unwrapped", "q2.notes": "unwrapped", "q2.score": "unwrapped",
                  "grade.plan": "unwrapped", "overall.auditor": "unwrapped",
                  "action1.by_when": "unwrapped"}),
    Sample("05-tracked-changes",
           _complete("CA-10235", "Ava Pretend", "Alex Fictional", score=1, grade="Requires Improvement"),
           modes={"q3.score": "tracked", "q3.notes": "tracked", "grade.voice": "tracked",
                  "overall.auditor": "tracked", "child_name": "tracked"},
           previous={"q3.score": "2", "q3.notes": "Draft note removed.", "grade.voice": "Good",
                     "overall.auditor": "Good", "child_name": "Ava Pretnd"}),
    Sample("06-odd-spellings", _ODD, tagged=False),
    Sample("07-typed-beside",
           _complete("CA-10237", "Ella Notarealname", "Jordan Madeup", score=0),
           tagged=False,
           modes={"q8.notes": "beside", "q8.score": "beside", "grade.outcome": "beside",
                  "team": "beside", "moderation.themes": "beside"}),
    Sample("08-libreoffice-saved",
           _header("CA-10238", "Oscar Unreal", "Chris Notreal", ("01/05/2019", "2019-05-01"),
                   **{"q21.score": ("5", 5), "q21.notes": ("Seen alone every visit.",
                                                            "Seen alone every visit.")}),
           tagged=False, libreoffice_saved=True),
    Sample("09-date-pickers",
           _with(_complete("CA-10239", "Freya Sample", "Alex Fictional"),
                 audit_start_date=("2019-06-03", "2019-06-03"),
                 moderation__date=("2019-07-01", "2019-07-01"),
                 action1__by_when=("2019-08-30", "2019-08-30")),
           modes={"audit_start_date": "date_picker", "moderation.date": "date_picker",
                  "action1.by_when": "date_picker"}),
    Sample("10-odd-spellings-2", _ODD | {"case_number": ("CA-10241", "CA-10241")}, tagged=True),
    Sample("11-na-and-problems",
           _with(_complete("CA-10242", "Archie Fictitious", "Jordan Madeup"),
                 q18__score=("N/A", "n/a"), q19__score=("Not applicable", "n/a"),
                 grade__review=("Good/Outstanding", None), q20__score=("3-4", None),
                 q22__score=("2.5", None), moderation__date=("31/02/2019", None),
                 q41__auditor=("seven", None), category=("CP, LAC", ["CP", "LAC"])),
           problems=frozenset({"grade.review", "q20.score", "q22.score", "moderation.date",
                               "q41.auditor"})),
    Sample("12-eleven-actions",
           _with(_complete("CA-10243", "Isla Madeupname", "Alex Fictional"),
                 **{f"action{n}__action": (f"Action number {n}", f"Action number {n}")
                    for n in range(3, 11)}),
           tagged=False,
           edits=(wordfill.add_row_after("action10", ["11.", "An eleventh action", "Team manager",
                                                      "01/06/2019"]),),
           extras=("An eleventh action",)),
    Sample("13-edited-layout",
           _complete("CA-10244", "Theo Pretendname", "Chris Notreal", score=2),
           tagged=False,
           edits=(wordfill.relabel("q3", "Q3 Is the chronology of significant events only?"),
                  wordfill.insert_blank_row("q7"),
                  wordfill.split_table_before("q6"),
                  wordfill.relabel("grade.narrative", "Overall Narrative/History Score"),
                  wordfill.insert_blank_row("header1.labels"))),
    Sample("14-revision-of-01",
           _with(_CLEAN, overall__auditor=("Requires Improvement", "Requires Improvement"),
                 moderation__change_grade=("Grade lowered to RI by the panel",
                                           "Grade lowered to RI by the panel")),
           core_modified="2019-05-10T15:30:00Z"),
)


#: The sample samples/legacy/ holds in other formats, and the formats LibreOffice makes of it.
LEGACY_SAMPLE = "02-clean-untagged"
LEGACY_FORMATS = ("doc", "odt")
_DOCM_MAIN = "application/vnd.ms-word.document.macroEnabled.main+xml"
_CT = "{http://schemas.openxmlformats.org/package/2006/content-types}"


def legacy_sample() -> Sample:
    return next(s for s in SAMPLES if s.name == LEGACY_SAMPLE)


def as_docm(docx: bytes) -> bytes:
    """The same package declared macro-enabled (.docm): only the main part's content type in
    ``[Content_Types].xml`` differs (no vbaProject part is needed to be a .docm)."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(docx)) as source, \
            zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as package:
        for info in source.infolist():
            data = source.read(info)
            if info.filename == "[Content_Types].xml":
                root = etree.fromstring(data)
                main = root.find(f"{_CT}Override[@PartName='/word/document.xml']")
                assert main is not None, "the sample has no main part override"
                main.set("ContentType", _DOCM_MAIN)
                data = etree.tostring(root, xml_declaration=True, encoding="UTF-8",
                                      standalone=True)
            package.writestr(info, data)
    return out.getvalue()


def convert_with_libreoffice(program: str, docx: bytes, to: str) -> bytes:
    """What LibreOffice headless saves of ``docx`` as ``to`` ("doc", "odt"), converted in a
    private temporary folder with its own LibreOffice profile."""
    with tempfile.TemporaryDirectory(prefix="caseaudit-samples-") as name:
        folder = Path(name)
        source = folder / f"{LEGACY_SAMPLE}.docx"
        source.write_bytes(docx)
        (folder / "out").mkdir()  # apart from the source, which a .docx save would replace
        subprocess.run(command(program, folder / "profile", folder / "out", source, to=to),
                       check=True, capture_output=True, timeout=300)
        return (folder / "out" / f"{LEGACY_SAMPLE}.{to}").read_bytes()


def write_legacy(folder: Path, *, reconvert: bool = False) -> None:
    """samples/legacy/: the .docm always; the .doc and .odt when LibreOffice is installed and
    they are missing (or ``reconvert``)."""
    legacy = folder / "legacy"
    legacy.mkdir(exist_ok=True)
    docx = legacy_sample().build()
    (legacy / f"{LEGACY_SAMPLE}.docm").write_bytes(as_docm(docx))
    print(f"wrote samples/legacy/{LEGACY_SAMPLE}.docm")
    program = soffice()
    for to in LEGACY_FORMATS:
        target = legacy / f"{LEGACY_SAMPLE}.{to}"
        if target.exists() and not reconvert:
            continue
        if program is None:
            print(f"LibreOffice (soffice) not found: samples/legacy/{target.name} not written")
            continue
        target.write_bytes(convert_with_libreoffice(program, docx, to))
        print(f"wrote samples/legacy/{target.name} (by LibreOffice)")


def main(argv: list[str] | None = None) -> None:
    args = sys.argv[1:] if argv is None else argv
    folder = Path(__file__).resolve().parent
    if "--realistic" in args:  # --realistic DIR [--count N]: Word-realistic forms, not samples
        from samples.realistic import write_realistic

        where = Path(args[args.index("--realistic") + 1])
        count = int(args[args.index("--count") + 1]) if "--count" in args else 20
        print(f"wrote {len(write_realistic(where, count))} realistic forms to {where}")
        return
    (folder / "forms").mkdir(exist_ok=True)
    program = soffice()
    for sample in SAMPLES:
        target = folder / "forms" / f"{sample.name}.docx"
        if sample.libreoffice_saved:  # not reproducible: saved again only when asked
            if target.exists() and "--libreoffice" not in args:
                print(f"kept samples/forms/{target.name} (--libreoffice saves it again)")
                continue
            if program is None:
                print(f"LibreOffice (soffice) not found: samples/forms/{target.name} not written")
                continue
            target.write_bytes(convert_with_libreoffice(program, sample.build(), "docx"))
            print(f"wrote samples/forms/{target.name} (saved by LibreOffice)")
            continue
        target.write_bytes(sample.build())
        print(f"wrote samples/forms/{target.name}")
    write_legacy(folder, reconvert="--legacy" in args)


if __name__ == "__main__":
    main()
