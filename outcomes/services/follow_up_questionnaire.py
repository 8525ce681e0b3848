"""The follow-up questionnaire of service users and carers, generated from the chosen outcomes.

It asks, for each chosen outcome, the same two measures as the staff survey, with the SAME item
codes (`<OUTCOME_CODE>.importance` / `.achievement`) and scales, so staff and users can be
compared item by item. Every question has a standard and an easy-read wording. Pages stay short:
a few outcomes per section.

Versions follow the survey engine: a frozen version is never changed; regenerating it makes the
next version and answers keep pointing at the version they were given against. The questionnaire
is frozen when the follow-up opens.
"""

from django.db import transaction
from django.utils.translation import gettext as _

from outcomes.models import FollowUpSchedule
from outcomes.selectors.follow_up_questionnaire import FOLLOW_UP, is_up_to_date, latest_follow_up
from outcomes.selectors.schedule import chosen_statements
from poet.models import OutcomeStatement
from poet.services import record_audit
from surveys.errors import SurveyError
from surveys.models import Item, Questionnaire, Section
from surveys.questionnaire_template import (
    PrioritiesWording,
    achievement_code,
    check_outcome_codes,
    importance_code,
    priorities_section,
)
from surveys.services.questionnaire_versions import freeze

OUTCOMES_PER_PAGE = 2

TITLE = "What matters to you"
INTRODUCTION = (
    "We want to know what matters to you about the care and support you get, and how far the "
    "services have made a difference. There are no right or wrong answers. It takes about 10 "
    "minutes. You can stop at any time, and you do not have to answer every question.\n\n"
    "If you are a carer, answer for yourself and the person you care for.\n\n"
    "Easy read: We want to know what is important to you. We want to know if the service "
    "helps you. There are no right or wrong answers. You can stop at any time."
)
PRIVACY_NOTICE = (
    "We do not ask for your name. Your answers are kept with a code, not your name, and are "
    "only shown together with other people's answers, in groups big enough that nobody can be "
    "picked out. You can change your mind and take part no more: tell the person who asked you, "
    "and your answers will be taken out.\n\n"
    "Easy read: We do not ask your name. Nobody will know which answers are yours. You can stop "
    "taking part at any time."
)

SECTION_TITLE = "What matters to you"
SECTION_INTRODUCTION = (
    "Each statement is something the services may help with. Say how important it is to you, "
    "and how far the service has achieved it for you. If you cannot say, choose “Don’t know”."
    "\n\nEasy read: Is this important to you? Has the service helped you with it? If you do not "
    "know, choose “I don’t know”."
)
LAST_TITLE = "What matters most"
LAST_INTRODUCTION = (
    "Think about everything we have asked about.\n\n"
    "Easy read: Think about all the things we asked you about."
)

IMPORTANCE_TEXT = "How important is this to you?"
IMPORTANCE_EASY = "Is this important to you?"
ACHIEVEMENT_TEXT = "How far has the service achieved this for you?"
ACHIEVEMENT_EASY = "Has the service helped you with this?"
TOP3_TEXT = "Which of these matter most to you?"
TOP3_EASY = "Which 3 things are most important to you?"
TOP3_HELP = "Choose up to three."
PROPOSED_TEXT = "What matters to you that we have not asked about?"
PROPOSED_EASY = "Is there something else that is important to you? Tell us here."
PROPOSED_HELP = "Please do not write names or anything that would identify you or anyone else."
LAST_PAGE = PrioritiesWording(
    title=LAST_TITLE,
    introduction=LAST_INTRODUCTION,
    top3_text=TOP3_TEXT,
    top3_help=TOP3_HELP,
    proposed_text=PROPOSED_TEXT,
    proposed_help=PROPOSED_HELP,
    top3_easy=TOP3_EASY,
    proposed_easy=PROPOSED_EASY,
)


def _pages(outcomes: list[OutcomeStatement]) -> list[list[OutcomeStatement]]:
    return [outcomes[i : i + OUTCOMES_PER_PAGE] for i in range(0, len(outcomes), OUTCOMES_PER_PAGE)]


def outcome_items(outcome: OutcomeStatement, section: Section, order: int) -> list[Item]:
    """The two matched measures of one outcome (unsaved), coded and scaled as for staff."""
    common = {
        "section": section,
        "kind": Item.Kind.LIKERT,
        "outcome": outcome,
        "required": False,
        "allow_dont_know": True,
    }
    return [
        Item(
            **common,
            order=order,
            code=importance_code(outcome),
            text=IMPORTANCE_TEXT,
            easy_read_text=IMPORTANCE_EASY,
            scale=Item.Scale.IMPORTANCE,
            measure=Item.Measure.IMPORTANCE,
        ),
        Item(
            **common,
            order=order + 1,
            code=achievement_code(outcome),
            text=ACHIEVEMENT_TEXT,
            easy_read_text=ACHIEVEMENT_EASY,
            scale=Item.Scale.ACHIEVEMENT,
            measure=Item.Measure.ACHIEVEMENT,
        ),
    ]


def _build(questionnaire: Questionnaire, outcomes: list[OutcomeStatement]) -> None:
    items: list[Item] = []
    pages = _pages(outcomes)
    for number, page in enumerate(pages):
        part = f" (part {number + 1} of {len(pages)})" if len(pages) > 1 else ""
        section = Section.objects.create(
            questionnaire=questionnaire,
            order=number,
            kind=Section.Kind.OUTCOMES,
            title=SECTION_TITLE + part,
            introduction=SECTION_INTRODUCTION,
        )
        for i, outcome in enumerate(page):
            items.extend(outcome_items(outcome, section, 2 * i))
    items.extend(
        priorities_section(questionnaire, order=len(pages), outcomes=outcomes, wording=LAST_PAGE)
    )
    Item.objects.bulk_create(items)


def _contact_of(wave) -> str:
    """Who to contact, as the wave's staff questionnaire names them (the same evaluators)."""
    staff = wave.questionnaires.filter(audience=Questionnaire.For.STAFF).order_by("-version")
    return staff.values_list("contact", flat=True).first() or ""


@transaction.atomic
def create_follow_up_questionnaire(schedule: FollowUpSchedule, *, actor=None) -> Questionnaire:
    """A questionnaire for the chosen outcomes: the draft is rebuilt, a frozen one gets a new
    version. Frozen at once while the follow-up is open, so new respondents get it."""
    wave = schedule.wave
    if schedule.status == FollowUpSchedule.Status.CLOSED:
        raise SurveyError(_("The follow-up is closed: its questionnaire can no longer change."))
    outcomes = chosen_statements(schedule)
    if not outcomes:
        raise SurveyError(_("Choose at least one outcome first."))
    check_outcome_codes(outcomes)
    latest = (
        Questionnaire.objects.select_for_update()
        .filter(wave=wave, audience=FOLLOW_UP)
        .order_by("-version")
        .first()
    )
    if latest is not None and not latest.is_frozen and not latest.responses.exists():
        version = latest.version
        latest.delete()  # an unfrozen draft nobody answered: rebuild it in place
    else:
        version = (latest.version + 1) if latest else 1
    questionnaire = Questionnaire.objects.create(
        wave=wave,
        audience=FOLLOW_UP,
        version=version,
        title=TITLE,
        introduction=INTRODUCTION,
        privacy_notice=PRIVACY_NOTICE,
        contact=_contact_of(wave),
    )
    _build(questionnaire, outcomes)
    if schedule.status == FollowUpSchedule.Status.OPEN:
        freeze(questionnaire)
    record_audit(
        "follow_up.questionnaire_created",
        actor=actor,
        partnership=wave.partnership,
        target=str(questionnaire),
        wave=wave.slug,
        version=questionnaire.version,
        outcomes=[o.code for o in outcomes],
    )
    return questionnaire


@transaction.atomic
def current_questionnaire(schedule: FollowUpSchedule, *, actor=None) -> Questionnaire:
    """The questionnaire for the shortlist as it is now, generated when needed, frozen when the
    follow-up is open (used when it opens)."""
    latest = latest_follow_up(schedule.wave)
    if latest is None or not is_up_to_date(schedule, latest):
        return create_follow_up_questionnaire(schedule, actor=actor)
    if schedule.status == FollowUpSchedule.Status.OPEN:
        freeze(latest)
    return latest
