"""Reading a wave's staff questionnaire as the design pages show it: its sections, questions
and chosen outcomes, found by the positions and codes that survive a new version."""

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from poet.models import OutcomeStatement, Partnership, Wave
from poet.selectors.outcome_statements import outcome_statements_for
from surveys.errors import SurveyError
from surveys.models import Item, Questionnaire, Section
from surveys.selectors.questionnaire_versions import latest_questionnaire


def available_outcomes(partnership: Partnership) -> QuerySet[OutcomeStatement]:
    """The statements an evaluator may choose from: the library, then the partnership's own."""
    return outcome_statements_for(partnership)


def chosen_outcomes(questionnaire: Questionnaire) -> list[OutcomeStatement]:
    """The outcomes asked about, in the order the questionnaire asks them."""
    seen: dict[int, OutcomeStatement] = {}
    items = (
        Item.objects.filter(section__questionnaire=questionnaire, outcome__isnull=False)
        .select_related("outcome")
        .order_by("section__order", "section_id", "order", "pk")
    )
    for item in items:
        outcome = item.outcome
        if outcome is not None:  # always: the query keeps only items with an outcome
            seen.setdefault(outcome.pk, outcome)
    return list(seen.values())


def sections_of(questionnaire: Questionnaire) -> list[Section]:
    return list(questionnaire.sections.order_by("order", "pk"))


def section_at(questionnaire: Questionnaire, position: int) -> Section:
    """A section by its position (1 for the first), which is the same in every version."""
    sections = sections_of(questionnaire)
    if not 1 <= position <= len(sections):
        raise SurveyError(_("That section is no longer in the questionnaire."))
    return sections[position - 1]


def item_codes(questionnaire: Questionnaire) -> list[str]:
    """Every question's code (a new question needs its own)."""
    return list(
        Item.objects.filter(section__questionnaire=questionnaire).values_list("code", flat=True)
    )


def item_with_code(questionnaire: Questionnaire, code: str) -> Item:
    item = Item.objects.filter(section__questionnaire=questionnaire, code=code).first()
    if item is None:
        raise SurveyError(
            _("There is no question with the code %(code)s in the questionnaire.") % {"code": code}
        )
    return item


def has_unpublished_changes(wave: Wave) -> bool:
    """The wave is open and its newest version is a draft respondents do not get yet."""
    latest = latest_questionnaire(wave)
    return wave.status == Wave.Status.OPEN and latest is not None and not latest.is_frozen
