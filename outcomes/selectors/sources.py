"""Reads of a follow-up's qualitative sources, and the identifiers their masking looks for."""

from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db.models import Q, QuerySet

from outcomes.models import FollowUpSchedule, QualitativeSource
from outcomes.selectors.responses import counted_responses
from poet.analysis.masking import names_from_email
from poet.models import Audience
from surveys.models import Answer, Invitation, Item, Questionnaire


def sources_of(schedule: FollowUpSchedule) -> QuerySet[QualitativeSource]:
    return schedule.sources.select_related("session", "organisation", "staff_group").order_by("pk")


def source_of(schedule: FollowUpSchedule, pk: int) -> QualitativeSource | None:
    return sources_of(schedule).filter(pk=pk).first()


def confirmed_sources(schedule: FollowUpSchedule) -> QuerySet[QualitativeSource]:
    """The sources that may be coded or quoted: those whose masking an evaluator confirmed."""
    return sources_of(schedule).filter(masking=QualitativeSource.Masking.CONFIRMED)


@dataclass(frozen=True)
class KnownIdentifiers:
    """What the masking of a partnership's text looks for, besides patterns: names and codes."""

    names: tuple[str, ...]
    codes: tuple[str, ...]


def known_identifiers(schedule: FollowUpSchedule) -> KnownIdentifiers:
    """The names and codes a source of `schedule` may mention.

    The staff list holds e-mail addresses only (no names), so the names of staff are the name
    words of their addresses (jane.smith@… → Jane, Smith), from every wave of the partnership
    whose addresses are not yet purged; also the names of the partnership's members (evaluators
    often facilitate) and the facilitators of the sessions. The participant register holds
    codes (P-017), masked too: a code in a quote ties the words to that person's answers.
    """
    partnership = schedule.wave.partnership
    names: list[str] = []
    emails = (
        Invitation.objects.filter(wave__partnership=partnership)
        .exclude(email="")
        .values_list("email", flat=True)
    )
    for email in emails:
        names.extend(names_from_email(email))
    users = get_user_model().objects.filter(memberships__partnership=partnership)
    for first, last in users.values_list("first_name", "last_name"):
        names.extend([first, last])
    names.extend(schedule.sessions.exclude(facilitator="").values_list("facilitator", flat=True))
    codes = schedule.participants.values_list("code", flat=True)
    return KnownIdentifiers(
        names=tuple(sorted({n for n in names if n})), codes=tuple(sorted(codes))
    )


def uncollected_answers(schedule: FollowUpSchedule) -> list[Answer]:
    """Free-text answers of the wave not yet made sources: staff answers to the staff survey and
    users' and carers' to the follow-up, of counted responses only (submitted, confirmed, not
    withdrawn). Alphabetical, never in the order people answered, so a source's number cannot
    be matched to when someone answered."""
    staff = Q(
        response__audience=Audience.STAFF,
        item__section__questionnaire__audience=Questionnaire.For.STAFF,
    )
    users = Q(
        response__audience__in=[Audience.SERVICE_USER, Audience.CARER],
        item__section__questionnaire__audience=Questionnaire.For.FOLLOW_UP,
    )
    answers = (
        Answer.objects.filter(
            response__in=counted_responses(schedule.wave),
            item__kind=Item.Kind.TEXT,
            qualitative_source__isnull=True,
        )
        .filter(staff | users)
        .exclude(text="")
    )
    found = answers.select_related("response__participant", "item")
    return sorted(
        (a for a in found if a.text.strip()),
        key=lambda a: (a.item.code, a.text.casefold(), a.pk),
    )
