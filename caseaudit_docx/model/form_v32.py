"""The wording and layout of "Case audit template (3.2 adjusted Oct 2019)".

Transcribed from ``shared/seed/case_audit_template_v3.2.txt`` (the text exported from the
council's .docx), keeping its wording, spelling and spacing. The small constructors below only
spare us writing the same row shape 38 times; the result, :data:`FORM`, is plain data.
"""

from __future__ import annotations

from caseaudit_docx.model.form import Answer, Block, Form, Kind, Label, Paragraph, Row, Section, Table

#: The council name in the parents' introductory script is a docxtpl variable, so a council
#: other than Wokingham can set its own when generating forms.
COUNCIL_VARIABLE = "council_name"
DEFAULT_COUNCIL = "Wokingham"

SCALE_1_5 = ("1 No, not at all", "5 Yes, completely")
QUESTION_WIDTHS = (9.0, 5.0, 3.5)  # question / Auditor notes / Auditor's response, in cm
RESPONSE = "Auditor\u2019s response"


def _heading_row(key: str, title: tuple[str, ...], notes: str, response: tuple[str, ...]) -> Row:
    return Row(
        key=f"{key}.heading",
        cells=(
            Label(title, shaded=True, bold=True),
            Label((notes,), shaded=True, bold=True),
            Label(response, shaded=True, bold=True),
        ),
    )


def _question(
    key: str, wording: str, *, notes_control: bool = True, score_control: bool = True
) -> Row:
    """A question row: wording, "Auditor notes" (text) and "Auditor's response" (score)."""
    name = key.upper()
    return Row(
        key=key,
        label=wording,
        cells=(
            Label((wording,)),
            Answer(f"{key}.notes", Kind.TEXT, f"{name} notes", control=notes_control),
            Answer(f"{key}.score", Kind.SCORE, f"{name} score", control=score_control),
        ),
    )


def _sub_question(parent: str, letter: str, wording: str) -> Row:
    """The A/B/C sub-rows of Q5 and Q10: notes typed into a bare cell, score in a control."""
    return _question(f"{parent}{letter.lower()}", wording, notes_control=False)


def _grade_row(section: str, wording: str) -> Row:
    return Row(
        key=f"grade.{section}",
        label=wording,
        cells=(
            Label((wording,), shaded=True, bold=True),
            Answer(f"grade.{section}", Kind.GRADE, f"{section.title()} grade", span=2),
        ),
    )


def _question_section(
    key: str, title: tuple[str, ...], rows: tuple[Row, ...], grade_wording: str
) -> Table:
    return Table(
        section=key,
        widths_cm=QUESTION_WIDTHS,
        rows=(
            _heading_row(key, title, "Auditor notes", (RESPONSE, *SCALE_1_5)),
            *rows,
            _grade_row(key, grade_wording),
        ),
    )


def _labels_over_values(key: str, section: str, pairs: tuple[tuple[Label, Answer], ...],
                        widths: tuple[float, ...]) -> Table:
    """The header tables: a shaded row of labels above a row of answer cells."""
    return Table(
        section=section,
        widths_cm=widths,
        rows=(
            Row(key=f"{key}.labels", cells=tuple(label for label, _ in pairs)),
            Row(key=f"{key}.values", cells=tuple(answer for _, answer in pairs)),
        ),
    )


def _header_label(*lines: str) -> Label:
    return Label(lines, shaded=True, bold=True)


_GRADE_CHOICES = "(Inadequate, Requires Improvement, Good, Outstanding)"

HEADER_1 = _labels_over_values(
    "header1",
    "header",
    (
        (_header_label("Case Number"), Answer("case_number", Kind.TEXT, "Case Number")),
        (_header_label("Child Name"), Answer("child_name", Kind.TEXT, "Child Name")),
        (
            _header_label("Name of Practitioner(s)"),
            Answer("practitioners", Kind.TEXT, "Name of Practitioner(s)"),
        ),
        (_header_label("Team"), Answer("team", Kind.TEXT, "Team")),
        (
            _header_label("Category of Case", "(EH, CIN, CP & LAC)"),
            Answer("category", Kind.CATEGORY, "Category of Case"),
        ),
    ),
    (3.4, 3.4, 3.4, 3.4, 3.4),
)

HEADER_2 = _labels_over_values(
    "header2",
    "header",
    (
        (_header_label("Name of Auditor"), Answer("auditor", Kind.TEXT, "Name of Auditor")),
        (
            _header_label("Audit  start date"),
            Answer("audit_start_date", Kind.DATE, "Audit start date"),
        ),
        (
            _header_label("Date  of meeting practitioner"),
            Answer("practitioner_meeting_date", Kind.DATE, "Date of meeting practitioner"),
        ),
        (
            _header_label("Date family feedback obtained?"),
            Answer("family_feedback_date", Kind.DATE, "Date family feedback obtained?"),
        ),
    ),
    (4.25, 4.25, 4.25, 4.25),
)

INTRODUCTION = (
    Paragraph(
        "The case audit will be undertaken on the basis of discussion with practitioner and/or "
        "looking at the case file. For collaborative audits, start the hour with a verbal summary "
        "from the practitioner, then probe with the questions below. Look at the case record "
        "alongside the practitioner so that they can show you the relevant records."
    ),
    Paragraph(
        "Depending on the area of service being audited, some questions or sections may not be "
        "relevant and can be omitted.  Please state \u201cNot applicable\u201d if so."
    ),
)

NARRATIVE = _question_section(
    "narrative",
    ("Narrative / history",),
    (
        _question(
            "q1",
            "Q1. Does the case file tell the story of the case? Is the practitioner able to add "
            "to the story?",
            notes_control=False,
        ),
        _question("q2", "Q2. Is there evidence of an up to date and accurate case summary on record?"),
        _question("q3", "Q3. Is the chronology of significant events only?"),
        _question("q4", "Q4. Is the chronology up to date within the last 12 weeks"),
    ),
    f"Overall Narrative / History score {_GRADE_CHOICES}",
)

ASSESSMENT = _question_section(
    "assessment",
    ("Assessment and Analysis",),
    (
        _question(
            "q5",
            "Q5. Do the harm/danger statements (or equivalent) clearly identify",
            score_control=False,
        ),
        _sub_question("q5", "A", "A. Past harm?"),
        _sub_question("q5", "B", "B. Future danger?"),
        _sub_question("q5", "C", "C. The impact on the child?"),
        _question("q6", "Q6. Does the safety goal identify what we need to see to achieve the outcomes?"),
        _question("q7", "Q7. Have strengths and existing safety been clearly identified?"),
        _question("q8", "Q8. Is the assessment clear and analytical?"),
    ),
    f"Overall Assessment & Analysis Score {_GRADE_CHOICES}",
)

PLAN = _question_section(
    "plan",
    ("The Child\u2019s Plan", "This covers all safety planning, care planning etc."),
    (
        _question(
            "q9",
            "Q9. Is there a clear, realistic plan that provides a set of rules about what needs "
            "to happen if the danger is present?",
        ),
        _question("q10", "Q10. Where risk/harm has been identified:", score_control=False),
        _sub_question("q10", "A", "A. Does the plan clearly outline what the parents/family will do?"),
        _sub_question("q10", "B", "B. Does the plan clearly outline what the practitioner will do?"),
        _sub_question(
            "q10", "C", "C. Does the plan clearly outline what other professionals / agencies will do?"
        ),
        _question("q11", "Q11. Does the plan identify outcomes or objectives?"),
        _question("q12", "Q12. Does the plan have clear, realistic, timescales"),
        _question("q13", "Q13. Is there a child\u2019s version of the plan?"),
        _question(
            "q14",
            "Q14. Is there a shared explanation for the child, e.g. agreed narrative/words & "
            "pictures/life story?",
        ),
        _question(
            "q15",
            "Q15.  Is there a contingency in case the plan is not working",
            notes_control=False,
            score_control=False,
        ),
    ),
    f"Overall Child\u2019s Plan Score {_GRADE_CHOICES}",
)

REVIEW = _question_section(
    "review",
    ("Reviewing the Plan",),
    (
        _question(
            "q16",
            "Q16. Is there evidence of the plan and timeline being reviewed regularly and updated "
            "as required?",
        ),
        _question("q17", "Q17. Is there evidence of regular management oversight of the plan?"),
        _question(
            "q18",
            "Q18. If relevant, is there a demonstrable IRO/CP chair footprint and evidence that "
            "they are making a difference to outcomes?",
        ),
        _question("q19", "Q19. If relevant, is there evidence of planning for permanency at 2nd LAC review?"),
        _question(
            "q20",
            "Q20. If relevant is there evidence of transition/pathway planning from 15 years and "
            "9 months",
        ),
    ),
    f"Overall Reviewing the Plan Score {_GRADE_CHOICES}",
)

VOICE = _question_section(
    "voice",
    ("The Voice of the Child",),
    (
        _question("q21", "Q21. Is the child visited regularly in accordance with the child\u2019s plan?"),
        _question("q22", "Q22. If the child is over 4, is the child seen and seen alone on each visit?"),
        _question("q23", "Q23. Do the visits/interventions show clear planning and purpose?"),
        _question(
            "q24",
            "Q24. Is there evidence of the work being completed with the child being shared with "
            "the child\u2019s parents?",
        ),
        _question(
            "q25",
            "Q25. Are the views, wishes and feelings of the child present and seen to have had an "
            "impact on the assessment and review documents? Does an understanding of the "
            "child\u2019s lived experience come across?",
        ),
        _question(
            "q26",
            "Q26. Is there evidence of direct work tools such as Three Houses Tool / Wizard and "
            "Fairy Tool / safety house to elicit the child\u2019s views in respect of mapping and "
            "safety planning?",
        ),
        _question(
            "q27",
            "Q27. Is there evidence of advocacy used where parents, carers, children or young "
            "people cannot represent their views themselves?",
        ),
        _question(
            "q28",
            "Q28. Have the child\u2019s needs been identified and supported in relation to "
            "religion, culture, race, language, disability and gender?",
        ),
    ),
    f"Overall Voice of the Child Score {_GRADE_CHOICES}",
)

FAMILY = _question_section(
    "family",
    ("Working with the Family and the Wider Network",),
    (
        _question(
            "q29",
            "Q29. Is there evidence of parent / carer involvement and input in the assessment, "
            "review and planning?",
        ),
        _question(
            "q30",
            "Q30. Is there evidence of extended family & network being involved in the "
            "assessment, review and planning?",
        ),
    ),
    f"Overall Family and Wider Network Score {_GRADE_CHOICES}",
)

AGENCIES = _question_section(
    "agencies",
    ("Working with Other Agencies",),
    (
        _question(
            "q31",
            "Q31. Is there evidence of multi-agency involvement in the assessment, review and "
            "planning?",
        ),
        _question("q32", "Q32. Is there evidence of regular update and contacts with key agencies?"),
    ),
    f"Overall Working with Other Agencies Score {_GRADE_CHOICES}",
)

OUTCOME = _question_section(
    "outcome",
    ("Outcome",),
    (
        _question(
            "q33",
            "Q33. Have there been improved outcomes for this child as a result of the "
            "intervention?",
        ),
        _question("q34", "Q34. Is the impact of the work evidenced on the case file?"),
    ),
    f"Overall Outcome Score {_GRADE_CHOICES}",
)

SUPERVISION = _question_section(
    "supervision",
    ("Supervision and Oversight",),
    (
        _question(
            "q35",
            "Q35. Does the practitioner feel they are getting good direction and a chance to "
            "reflect on how best to work with this family?  Reflective?",
        ),
        _question("q36", "Q36. Is supervision taking place at the required frequency?"),
        _question(
            "q37",
            "Q37. Is there evidence that supervision is recorded in a timely manner and the "
            "record provides a clear account of the discussion and actions agreed?",
        ),
        _question(
            "q38",
            "Q38. Is there evidence that supervision rigorously progresses the child\u2019s plan "
            "with actions from previous supervisions followed up",
        ),
    ),
    f"Overall Supervision and Oversight Score {_GRADE_CHOICES}",
)


def _summary(key: str, title: str, scale: tuple[str, ...], number: str, wording: str,
             kind: Kind) -> Table:
    return Table(
        section=key,
        widths_cm=QUESTION_WIDTHS,
        rows=(
            _heading_row(key, (title,), "Auditor notes", (RESPONSE, *scale)),
            Row(
                key=number,
                label=wording,
                cells=(
                    Label((wording,)),
                    Answer(f"{number}.notes", kind=Kind.TEXT, alias=f"{number.upper()} notes"),
                    Answer(f"{number}.answer", kind=kind, alias=f"{number.upper()} answer"),
                ),
            ),
        ),
    )


SUMMARY_1 = _summary(
    "summary1", "Summary (1)", ("yes/no",), "q39",
    "Q39. Have thresholds been applied appropriately?", Kind.YES_NO,
)
SUMMARY_2 = _summary(
    "summary2", "Summary (2)", ("1 Too High", "2 Appropriate", "3 Too Little"), "q40",
    "Q40. Is the level of intervention/service appropriate to manage risk and meet need?",
    Kind.LEVEL,
)


def _two_column_answers(key: str, wording: str, first: Answer, second: Answer) -> Row:
    return Row(key=key, label=wording, cells=(Label((wording,)), first, second))


def _explanation(key: str, low: str, high: str) -> Row:
    """The printed "1 means … / 5 means …" row under a scaling question."""
    return Row(key=key, cells=(Label((low,)), Label(("",)), Label((high,))))


SCALING = Table(
    section="scaling",
    widths_cm=QUESTION_WIDTHS,
    rows=(
        Row(
            key="scaling.heading",
            cells=(
                Label(("Scaling questions",), shaded=True, bold=True),
                Label(("Responses", "1-5"), shaded=True, bold=True, span=2),
            ),
        ),
        Row(
            key="scaling.columns",
            cells=(
                Label(("",), shaded=True),
                Label(("Practitioner\u2019s Score",), shaded=True, bold=True),
                Label(("Auditor\u2019s Score",), shaded=True, bold=True),
            ),
        ),
        _two_column_answers(
            "q41", "Q41. Score Signs of Safety where:",
            Answer("q41.practitioner", Kind.SCORE, "Q41 practitioner's score"),
            Answer("q41.auditor", Kind.SCORE, "Q41 auditor's score"),
        ),
        _explanation(
            "q41.scale",
            "1 means there is no evidence of Signs of Safety and the Practice Framework being used",
            "5 means that Signs of Safety is embedded and evidenced in the practice on this case",
        ),
        _two_column_answers(
            "q42", "Q42. Score recording where:",
            Answer("q42.practitioner", Kind.SCORE, "Q42 practitioner's score"),
            Answer("q42.auditor", Kind.SCORE, "Q42 auditor's score"),
        ),
        _explanation(
            "q42.scale",
            "1 means that there are significant gaps in the case recording and it is difficult to "
            "determine from the record what decisions have been made and actions taken",
            "5 means that the case record is comprehensive and provides a clear picture where the "
            "case is at and what needs to be done next",
        ),
    ),
)

_GOOD_PRACTICE_WORDING = (
    "Could any of the documents from this case be used as good practice example?"
)
GOOD_PRACTICE = Table(
    section="good_practice",
    widths_cm=QUESTION_WIDTHS,
    rows=(
        _heading_row(
            "good_practice",
            ("Good Practice",),
            "Auditor notes including key positive messages and examples of good practice",
            (RESPONSE, "Please respond \u201cYes\u201d, \u201cWith some work\u201d, \u201cNo\u201d"),
        ),
        _two_column_answers(
            "good_practice", _GOOD_PRACTICE_WORDING,
            Answer("good_practice.notes", Kind.TEXT, "Good practice notes"),
            Answer("good_practice.answer", Kind.GOOD_PRACTICE, "Good practice answer"),
        ),
    ),
)

COMMENTARY = _labels_over_values(
    "commentary",
    "commentary",
    (
        (
            _header_label("Practitioner\u2019s Commentary"),
            Answer("commentary.practitioner", Kind.TEXT, "Practitioner's commentary"),
        ),
        (
            _header_label("Additional Auditor Commentary"),
            Answer("commentary.auditor", Kind.TEXT, "Additional auditor commentary"),
        ),
    ),
    (8.75, 8.75),
)

#: The parents' introductory script; ``{council}`` is the council's name.
SCRIPT = (
    "{council} Children\u2019s Services department is routinely reviewing the quality of our "
    "service and we would appreciate feedback on your experience.   I am employed by {council} "
    "children\u2019s services but I am not directly involved with your child\u2019s case. We hope "
    "that your feedback today will help us to continue to improve our practice. This will take "
    "approximately 5 minutes of your time. Is this ok? You can say No if you wish."
)

PARENTS_INTRODUCTION = (
    Paragraph("Contacting the Parents", style="heading"),
    Paragraph(
        "You may wish to contact one or both parents, together or separately depending on "
        "circumstances.  The form below allows for two parents separately but can be used for "
        "one parent only or for combined comments."
    ),
)

PARENTS_SCRIPT_HEADING = (
    "Introductory script \u2013 this is for guidance only, feel free to adapt to your own voice."
)


def _parent_row(number: str, wording: str, kind: Kind, short: str) -> Row:
    return _two_column_answers(
        number, wording,
        Answer(f"{number}.parent1", kind, f"{short} (parent 1)"),
        Answer(f"{number}.parent2", kind, f"{short} (parent 2)"),
    )


PARENTS = Table(
    section="parents",
    widths_cm=QUESTION_WIDTHS,
    rows=(
        Row(
            key="parents.heading",
            cells=(
                Label(("Questions to parents",), shaded=True, bold=True),
                Label(("Parent 1 response",), shaded=True, bold=True),
                Label(("Parent 2 response",), shaded=True, bold=True),
            ),
        ),
        _parent_row("q43", "Q43. Who answered these questions?  Mother / Father / Step-parent etc",
                    Kind.TEXT, "Q43 who answered"),
        _parent_row("q44", "Q44. Date of contact with parent(s)", Kind.DATE, "Q44 date of contact"),
        _parent_row("q45", "Q45. I was unable to contact the parent(s) because", Kind.TEXT,
                    "Q45 unable to contact"),
        _parent_row("q46", "Q46. Were you treated respectfully?", Kind.TEXT, "Q46 respect"),
        _parent_row(
            "q47",
            "Q47. Did the social worker/practitioner help you?  What sort of impact did they have "
            "/ what difference did they make?",
            Kind.TEXT, "Q47 help",
        ),
        _parent_row(
            "q48", "Q48. Overall, how would you rate your experience from 0 (bad) to 10 (good)",
            Kind.RATING, "Q48 rating",
        ),
        _parent_row(
            "q48_why", "Why have you scored this?  What could we have done differently?",
            Kind.TEXT, "Q48 why",
        ),
    ),
)

ACTION_ROWS = 10
ACTIONS = Table(
    section="actions",
    widths_cm=(1.2, 8.3, 4.0, 4.0),
    rows=(
        Row(
            key="actions.heading",
            cells=(
                Label(("What are the recommended actions from this case audit?",),
                      shaded=True, bold=True, span=4),
            ),
        ),
        Row(
            key="actions.columns",
            cells=(
                Label(("",), shaded=True),
                Label(("Action",), shaded=True, bold=True),
                Label(("By who",), shaded=True, bold=True),
                Label(("By when",), shaded=True, bold=True),
            ),
        ),
        *(
            Row(
                key=f"action{n}",
                label=f"{n}.",
                cells=(
                    Label((f"{n}. ",)),
                    Answer(f"action{n}.action", Kind.TEXT, f"Action {n}",
                           question=f"Recommended action {n}: Action"),
                    Answer(f"action{n}.by_who", Kind.TEXT, f"Action {n} by who",
                           question=f"Recommended action {n}: By who"),
                    Answer(f"action{n}.by_when", Kind.DATE, f"Action {n} by when",
                           question=f"Recommended action {n}: By when"),
                ),
            )
            for n in range(1, ACTION_ROWS + 1)
        ),
    ),
)

THEMES = _labels_over_values(
    "themes",
    "themes",
    ((_header_label("General themes arising from the audit"),
      Answer("general_themes", Kind.TEXT, "General themes")),),
    (17.5,),
)

OVERALL = Table(
    section="overall",
    widths_cm=QUESTION_WIDTHS,
    rows=(
        Row(
            key="overall.heading",
            cells=(
                Label(("Overall scaling",), shaded=True, bold=True),
                Label(("Responses", "Inadequate, Requires Improvement, Good, Outstanding"),
                      shaded=True, bold=True, span=2),
            ),
        ),
        Row(
            key="overall.columns",
            cells=(
                Label(("",), shaded=True),
                Label(("Practitioner\u2019s Grading",), shaded=True, bold=True),
                Label(("Auditor\u2019s Grading",), shaded=True, bold=True),
            ),
        ),
        _two_column_answers(
            "overall", "Score the quality of practice where:",
            Answer("overall.practitioner", Kind.GRADE, "Practitioner's grading"),
            Answer("overall.auditor", Kind.GRADE, "Auditor's grading"),
        ),
        Row(
            key="overall.scale",
            cells=(
                Label(("Inadequate means that the practice is below standard and may cause risk "
                       "of harm to the child",)),
                Label(("Outstanding means that the highest quality of practice can be seen "
                       "delivering measurably improved outcomes for the child and their progress "
                       "exceeds expectations.",), span=2),
            ),
        ),
    ),
)


def _moderation_row(key: str, wording: str, kind: Kind, alias: str) -> Row:
    return Row(
        key=f"moderation.{key}",
        label=wording,
        cells=(Label((wording,)), Answer(f"moderation.{key}", kind, alias)),
    )


MODERATION = Table(
    section="moderation",
    widths_cm=(11.0, 6.5),
    rows=(
        Row(
            key="moderation.heading",
            cells=(Label(("Moderation Panel",), shaded=True, bold=True, span=2),),
        ),
        _moderation_row("date", "Date audit went to Moderation Panel", Kind.DATE,
                        "Moderation panel date"),
        _moderation_row(
            "scaling",
            "A: Scaling of audit (1 means that the audit is incomplete and lacks evidence and 5 "
            "means it is evidence based, consistent throughout, has particular reference to "
            "safeguarding issues and covers all the key audit components)",
            Kind.SCORE, "Moderation scaling",
        ),
        _moderation_row("change_grade", "B: Need to change auditor grade", Kind.TEXT,
                        "Moderation: change auditor grade"),
        _moderation_row("actions", "C: Any additional  actions", Kind.TEXT,
                        "Moderation: additional actions"),
        _moderation_row("themes", "D: Any themes or learning from audit", Kind.TEXT,
                        "Moderation: themes or learning"),
    ),
)

SECTIONS = (
    Section("header", "Case details"),
    Section("narrative", "Narrative / History", "grade.narrative"),
    Section("assessment", "Assessment and Analysis", "grade.assessment"),
    Section("plan", "The Child\u2019s Plan", "grade.plan"),
    Section("review", "Reviewing the Plan", "grade.review"),
    Section("voice", "The Voice of the Child", "grade.voice"),
    Section("family", "Working with the Family and the Wider Network", "grade.family"),
    Section("agencies", "Working with Other Agencies", "grade.agencies"),
    Section("outcome", "Outcome", "grade.outcome"),
    Section("supervision", "Supervision and Oversight", "grade.supervision"),
    Section("summary1", "Summary (1)"),
    Section("summary2", "Summary (2)"),
    Section("scaling", "Scaling questions"),
    Section("good_practice", "Good Practice"),
    Section("commentary", "Commentary"),
    Section("parents", "Contacting the Parents"),
    Section("actions", "Recommended actions"),
    Section("themes", "General themes"),
    Section("overall", "Overall scaling"),
    Section("moderation", "Moderation Panel"),
)

BLOCKS: tuple[Block, ...] = (
    Paragraph("Case audit template (3.2 adjusted Oct 2019)", style="title"),
    HEADER_1,
    HEADER_2,
    *INTRODUCTION,
    NARRATIVE,
    ASSESSMENT,
    PLAN,
    REVIEW,
    VOICE,
    FAMILY,
    AGENCIES,
    OUTCOME,
    SUPERVISION,
    SUMMARY_1,
    SUMMARY_2,
    SCALING,
    GOOD_PRACTICE,
    COMMENTARY,
    *PARENTS_INTRODUCTION,
    Table(
        section="parents",
        widths_cm=(17.5,),
        rows=(
            Row(key="parents.script_heading",
                cells=(Label((PARENTS_SCRIPT_HEADING,), shaded=True, bold=True),)),
            Row(key="parents.script", cells=(Label((SCRIPT,)),)),
        ),
    ),
    PARENTS,
    ACTIONS,
    THEMES,
    OVERALL,
    MODERATION,
)

FORM = Form(
    name="case-audit",
    version="3.2",
    title="Case audit template (3.2 adjusted Oct 2019)",
    sections=SECTIONS,
    blocks=BLOCKS,
)
