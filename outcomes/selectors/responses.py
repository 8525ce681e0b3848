"""Which survey responses an analysis may count: outcomes knows who withdrew."""

import json
from dataclasses import dataclass

from django.db.models import Exists, OuterRef, QuerySet

from outcomes.models import ParticipantResponse
from poet.models import Wave
from surveys.forms.answering import display_answer, item_text
from surveys.models import Answer, Item, Response
from surveys.selectors.respondents import respondents
from surveys.services.answering import DONT_KNOW, sections_of


def counted_responses(wave: Wave) -> QuerySet[Response]:
    """The responses an analysis may use: the respondents (`surveys.selectors.respondents`:
    submitted, not awaiting confirmation, with an answer), but no withdrawn participant's."""
    withdrawn = ParticipantResponse.objects.filter(
        response=OuterRef("pk"), participant__withdrawn_on__isnull=False
    )
    return respondents(wave).filter(~Exists(withdrawn))


def raw_answers(response: Response) -> dict:
    """A stored response as the raw values a form is filled with (item code → raw answer), the
    way the respondent flow keeps them in a draft: so a correction starts from what was entered."""
    raw: dict = {}
    for answer in Answer.objects.filter(response=response).select_related("item"):
        item = answer.item
        value: object = None
        if answer.dont_know:
            value = DONT_KNOW
        elif item.kind == Item.Kind.LIKERT and answer.number is not None:
            value = int(answer.number)
        elif item.kind == Item.Kind.NUMBER and answer.number is not None:
            value = int(answer.number) if answer.number.is_integer() else answer.number
        elif item.kind in (Item.Kind.MULTIPLE, Item.Kind.RANKING):
            value = list(answer.choices or [])
        else:
            value = answer.text
        raw[item.code] = value
    return raw


def answer_fingerprints(response: Response) -> dict[str, tuple]:
    """What each answer of a response is, by item code, to tell which answers a correction
    changed (compared by code, so across questionnaire versions too)."""
    return {
        code: (number, text, json.dumps(choices), dont_know)
        for code, number, text, choices, dont_know in Answer.objects.filter(
            response=response
        ).values_list("item__code", "number", "text", "choices", "dont_know")
    }


@dataclass(frozen=True)
class ShownAnswer:
    question: str
    outcome: str
    answer: str


def shown_answers(response: Response, *, easy_read: bool = False) -> list[ShownAnswer]:
    """Every question of the response's questionnaire with what was entered, in words."""
    raw = raw_answers(response)
    if response.questionnaire is None:
        return []
    return [
        ShownAnswer(
            question=item_text(item, easy_read),
            outcome=item.outcome.text if item.outcome else "",
            answer=display_answer(item, raw.get(item.code), easy_read),
        )
        for section in sections_of(response.questionnaire)
        for item in section.items.all()
    ]
