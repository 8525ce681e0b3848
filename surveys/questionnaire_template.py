"""What the ready staff questionnaire asks, and the questions both questionnaires share.

The staff template makes version 1 of a wave's staff questionnaire in one click
(`surveys.services.design.create_staff_questionnaire`).

Process sections ask how the partnership feels to work in (the eight process domains of DESIGN §3,
three or four agreement statements each, in plain words of our own). Outcome sections ask, for
each outcome statement the evaluator chose, the two matched measures of DESIGN §4 (importance and
achievement, coded `<OUTCOME_CODE>.importance` / `.achievement`), then "pick the three that
matter most" and "what else should this partnership achieve for people?".

Organisation and staff group are never asked: they come from the invitation.
"""

from collections.abc import Iterable
from typing import NamedTuple

from poet.models import OutcomeStatement
from surveys.errors import SurveyError
from surveys.models import Item, Questionnaire, Section


class ProcessDomain(NamedTuple):
    code: str  # e.g. D-PURPOSE, stored on each item as `domain`
    name: str
    items: list[tuple[str, str]]  # (item code, statement)


PROCESS_DOMAINS: list[ProcessDomain] = [
    ProcessDomain(
        "D-PURPOSE",
        "Shared purpose and outcomes",
        [
            ("P-PURPOSE-1", "I know what this partnership is trying to achieve for people."),
            ("P-PURPOSE-2", "Partner organisations want the same things for the people we serve."),
            (
                "P-PURPOSE-3",
                "Our aims are about people's lives, not just about how services are run.",
            ),
            ("P-PURPOSE-4", "My own work helps the partnership reach its aims."),
        ],
    ),
    ProcessDomain(
        "D-CULTURE",
        "Professional cultures and roles",
        [
            ("P-CULTURE-1", "I understand what colleagues from other professions do."),
            ("P-CULTURE-2", "Colleagues from other professions value what I bring."),
            ("P-CULTURE-3", "It is clear who does what when we work with the same person."),
            ("P-CULTURE-4", "Differences in how professions work are talked about openly."),
        ],
    ),
    ProcessDomain(
        "D-TRUST",
        "Trust and relationships",
        [
            ("P-TRUST-1", "I trust colleagues in the other partner organisations."),
            ("P-TRUST-2", "When something goes wrong, we sort it out together without blame."),
            ("P-TRUST-3", "Partner organisations keep the promises they make to each other."),
        ],
    ),
    ProcessDomain(
        "D-COMMS",
        "Communication and information sharing",
        [
            ("P-COMMS-1", "I can easily reach the right person in another partner organisation."),
            ("P-COMMS-2", "Information about the people we support is shared when it is needed."),
            ("P-COMMS-3", "Our computer systems let us work together rather than get in the way."),
            ("P-COMMS-4", "I hear about changes in the partnership in good time."),
        ],
    ),
    ProcessDomain(
        "D-LEAD",
        "Leadership, accountability and governance",
        [
            ("P-LEAD-1", "Leaders in every partner organisation are committed to the partnership."),
            ("P-LEAD-2", "It is clear who is responsible for decisions in the partnership."),
            ("P-LEAD-3", "Leaders listen to what front-line staff say about working together."),
        ],
    ),
    ProcessDomain(
        "D-RESOURCES",
        "Resources and funding",
        [
            ("P-RESOURCES-1", "The partnership has enough staff to do what it sets out to do."),
            ("P-RESOURCES-2", "Money is shared fairly between the partners."),
            ("P-RESOURCES-3", "Funding is secure enough for us to plan ahead."),
            ("P-RESOURCES-4", "I have the time to work with colleagues from other organisations."),
        ],
    ),
    ProcessDomain(
        "D-COMMUNITY",
        "Community and user involvement",
        [
            ("P-COMMUNITY-1", "People who use services help decide what the partnership does."),
            ("P-COMMUNITY-2", "Carers are listened to when plans are made."),
            ("P-COMMUNITY-3", "Local community groups are part of how we work."),
        ],
    ),
    ProcessDomain(
        "D-EVALUATION",
        "Knowing whether we are getting it right",
        [
            ("P-EVALUATION-1", "We check whether the partnership changes people's lives."),
            ("P-EVALUATION-2", "We ask people who use services how well we are doing."),
            ("P-EVALUATION-3", "We change how we work when we learn something is not working."),
        ],
    ),
]

# One page per pair of domains keeps each page of the survey short.
PROCESS_PAGES: list[tuple[str, list[str]]] = [
    ("Why we work together", ["D-PURPOSE", "D-CULTURE"]),
    ("Working with each other", ["D-TRUST", "D-COMMS"]),
    ("Leading and paying for the partnership", ["D-LEAD", "D-RESOURCES"]),
    ("Involving people and checking progress", ["D-COMMUNITY", "D-EVALUATION"]),
]

PROCESS_INTRODUCTION = (
    "How does the partnership feel to work in? For each statement, say how far you agree. "
    "If you cannot say, choose “Don’t know”."
)

TITLE = "Working together for the people we serve"
INTRODUCTION = (
    "The organisations in this partnership want to know how working together feels to the "
    "people who do it, and what staff believe the partnership is there to achieve for the "
    "people who use its services. There are no right or wrong answers: we want your own view. "
    "The survey takes about 15 minutes.\n\n"
    "The results are shared with everyone in the partnership. They show where partners work well "
    "together and where things need to change, and they help us ask people who use services and "
    "their carers whether we are aiming at the right things."
)
PRIVACY_NOTICE = (
    "Your answers are anonymous. We already know which organisation you work for and your staff "
    "group from your invitation, so we do not ask again. When you submit, your answers are kept "
    "with your organisation and staff group only: they cannot be linked to your name, your "
    "e-mail address or your invitation, and we record the day you answered, not the time.\n\n"
    "Results are only ever shown for groups of people large enough that nobody can be picked "
    "out: smaller groups are hidden. Please do not write anything in the free-text boxes that "
    "would identify you or anyone else."
)

OUTCOMES_TITLE = "Outcomes for the people we serve"
OUTCOMES_INTRODUCTION = (
    "Each statement below is a change the partnership might aim for, in the words of the people "
    "who use services. For each one, say how important it is and how far the partnership has "
    "achieved it for the people it serves."
)
PRIORITIES_TITLE = "What matters most"
PRIORITIES_INTRODUCTION = "Think about all the outcomes on the previous page."

IMPORTANCE_TEXT = "How important is this?"
ACHIEVEMENT_TEXT = "How far has the partnership achieved this for the people it serves?"
TOP3 = "TOP3"
TOP3_TEXT = "Pick the three that matter most"
TOP3_HELP = "Choose up to three outcomes."
PROPOSED_OUTCOMES = "PROPOSED_OUTCOMES"
PROPOSED_TEXT = "What else should this partnership achieve for people?"
PROPOSED_HELP = (
    "Write it as a change in people's lives, for example “I can get out and about”. "
    "Do not include names or anything that identifies anyone."
)


def importance_code(outcome: OutcomeStatement) -> str:
    return f"{outcome.code}.importance"


def achievement_code(outcome: OutcomeStatement) -> str:
    return f"{outcome.code}.achievement"


def outcome_items(outcome: OutcomeStatement, section: Section, order: int) -> list[Item]:
    """The two matched measures of one outcome (unsaved), so staff and users can be compared."""
    common = {
        "section": section,
        "kind": Item.Kind.LIKERT,
        "outcome": outcome,
        "required": True,
        "allow_dont_know": True,
    }
    return [
        Item(
            **common,
            order=order,
            code=importance_code(outcome),
            text=IMPORTANCE_TEXT,
            scale=Item.Scale.IMPORTANCE,
            measure=Item.Measure.IMPORTANCE,
        ),
        Item(
            **common,
            order=order + 1,
            code=achievement_code(outcome),
            text=ACHIEVEMENT_TEXT,
            scale=Item.Scale.ACHIEVEMENT,
            measure=Item.Measure.ACHIEVEMENT,
        ),
    ]


def top3_choices(outcomes: Iterable[OutcomeStatement]) -> list[dict[str, str]]:
    return [{"value": o.code, "label": o.text} for o in outcomes]


def check_outcome_codes(outcomes: list[OutcomeStatement]) -> None:
    """Outcome codes become item codes, so two chosen outcomes may not share one."""
    codes = [o.code for o in outcomes]
    clashes = sorted({c for c in codes if codes.count(c) > 1})
    if clashes:
        raise SurveyError(
            "Two chosen outcomes share the code "
            + ", ".join(clashes)
            + ": choose only one of them."
        )


class PrioritiesWording(NamedTuple):
    """The words of the last page ("what matters most"), which differ between staff and users."""

    title: str
    introduction: str
    top3_text: str
    top3_help: str
    proposed_text: str
    proposed_help: str
    top3_easy: str = ""
    proposed_easy: str = ""


STAFF_PRIORITIES = PrioritiesWording(
    title=PRIORITIES_TITLE,
    introduction=PRIORITIES_INTRODUCTION,
    top3_text=TOP3_TEXT,
    top3_help=TOP3_HELP,
    proposed_text=PROPOSED_TEXT,
    proposed_help=PROPOSED_HELP,
)


def priorities_section(
    questionnaire: Questionnaire,
    *,
    order: int,
    outcomes: Iterable[OutcomeStatement],
    wording: PrioritiesWording,
) -> list[Item]:
    """The last page of the staff and the follow-up questionnaires: "pick the three that matter
    most" of the chosen outcomes and "what else?", coded alike so the two can be compared. The
    section is created; its two items are returned unsaved, to be stored with the others."""
    section = Section.objects.create(
        questionnaire=questionnaire,
        order=order,
        kind=Section.Kind.OUTCOMES,
        title=wording.title,
        introduction=wording.introduction,
    )
    return [
        Item(
            section=section,
            order=0,
            code=TOP3,
            kind=Item.Kind.MULTIPLE,
            text=wording.top3_text,
            easy_read_text=wording.top3_easy,
            help_text=wording.top3_help,
            required=False,
            allow_dont_know=False,
            choices=top3_choices(outcomes),
            max_choices=3,
        ),
        Item(
            section=section,
            order=1,
            code=PROPOSED_OUTCOMES,
            kind=Item.Kind.TEXT,
            text=wording.proposed_text,
            easy_read_text=wording.proposed_easy,
            help_text=wording.proposed_help,
            required=False,
            allow_dont_know=False,
        ),
    ]
