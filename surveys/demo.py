"""The demo wave's staff survey: a questionnaire from the template, a staff list, and answers.

Everyone in the demo who responded answered every question (with the odd "don't know"): a
response without answers is nobody (`surveys.selectors.respondents`) and the demo has none.
Everybody was invited by a personal link, so the demo has no open link and no open-link figures.
The answers are drawn from a fixed seed, so every run of the demo shows the same numbers: some
outcomes staff agree on, one they are split about, and partner organisations that see the
partnership a little differently.
"""

from __future__ import annotations

import json
import random
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from django.db import transaction
from django.utils import timezone

from poet.models import Audience, OutcomeStatement, Wave
from surveys.models import Invitation, Item, Questionnaire, Response
from surveys.questionnaire_template import PROPOSED_OUTCOMES
from surveys.selectors.translations import language_statuses, language_texts
from surveys.services.answering import DONT_KNOW, sections_of, store_response
from surveys.services.design import create_staff_questionnaire, update_texts
from surveys.services.invitations import add_invitations
from surveys.services.opening import close_wave, open_wave
from surveys.services.staff_list import StaffMember
from surveys.services.translations import save_translations, set_languages

SEED = 2026
DEMO_CONTACT = "Sam Patel, evaluation lead, evaluation@riverside.example"

# The outcomes staff are asked about, from the built-in library.
DEMO_OUTCOMES = [
    "O-HOME",
    "O-STORY",
    "O-CARER",
    "O-CONTROL",
    "O-SAFE",
    "O-WELL",
    "O-CONTACT",
    "O-PLAN",
]

# The staff list: (organisation, staff group, invited, responded). The voluntary organisation's
# few support workers are below the default k of 10, so the demo shows suppression at work.
DEMO_STAFF = [
    ("Riverside NHS Foundation Trust", "Nurse", 16, 12),
    ("Riverside NHS Foundation Trust", "Allied health professional", 8, 6),
    ("Riverside NHS Foundation Trust", "Manager", 5, 4),
    ("Riverside City Council Adult Social Care", "Social worker", 14, 11),
    ("Riverside City Council Adult Social Care", "Support worker", 9, 6),
    ("Age Concern Riverside", "Support worker", 7, 5),
]


@dataclass(frozen=True)
class Profile:
    """How one group tends to answer an outcome: mean importance and achievement (1 to 5);
    ``split`` makes importance divide people between 1–2 and 5 (a contested outcome)."""

    importance: float
    achievement: float
    split: bool = False


STAFF_PROFILES: dict[str, Profile] = {
    "O-HOME": Profile(4.6, 3.7),
    "O-STORY": Profile(3.3, 3.0),
    "O-CARER": Profile(3.5, 2.8, split=True),
    "O-CONTROL": Profile(4.3, 3.3),
    "O-SAFE": Profile(4.5, 3.8),
    "O-WELL": Profile(4.1, 3.3),
    "O-CONTACT": Profile(3.9, 3.2),
    "O-PLAN": Profile(4.4, 2.7),
}

# How each organisation's staff see working together, around an agreement of 3.6 of 5.
ORGANISATION_LEANING = {
    "Riverside NHS Foundation Trust": 0.2,
    "Riverside City Council Adult Social Care": -0.3,
    "Age Concern Riverside": 0.4,
}
DOMAIN_LEANING = {
    "D-PURPOSE": 0.4,
    "D-TRUST": 0.2,
    "D-COMMS": -0.5,
    "D-RESOURCES": -0.7,
    "D-COMMUNITY": 0.1,
    "D-EVALUATION": -0.3,
}

STAFF_PROPOSALS = [
    "People can get out and see friends, not only stay at home.",
    "Fewer forms for people to fill in.",
    "People get back home from hospital without waiting.",
]


def likert(
    rng: random.Random, mean: float, *, split: bool = False, dont_know: float = 0.04
) -> int | str:
    """One answer on the 1–5 scale around ``mean`` (or split between the ends), now and then
    "don't know"."""
    if rng.random() < dont_know:
        return DONT_KNOW
    if split:
        return rng.choice([1, 2, 2]) if rng.random() < 0.45 else 5
    return max(1, min(5, round(rng.gauss(mean, 0.8))))


def answers_for(
    items: Iterable[Item],
    rng: random.Random,
    profiles: Mapping[str, Profile],
    *,
    leaning: float = 0.0,
    proposal: str = "",
) -> dict:
    """A full set of raw answers (item code → value, as a respondent's draft holds them) to
    every item: outcome measures from ``profiles``, working-together statements around 3.6
    plus ``leaning``, the three outcomes that matter most (weighted by importance), and the
    free-text proposal when given."""
    answers: dict = {}
    importance: dict[str, int] = {}
    for item in items:
        outcome = item.outcome
        if outcome is not None and item.measure:
            profile = profiles[outcome.code]
            if item.measure == Item.Measure.IMPORTANCE:
                answers[item.code] = likert(rng, profile.importance, split=profile.split)
                if isinstance(answers[item.code], int):
                    importance[outcome.code] = answers[item.code]
            else:
                answers[item.code] = likert(rng, profile.achievement)
        elif item.kind == Item.Kind.LIKERT:
            answers[item.code] = likert(
                rng, 3.6 + leaning + DOMAIN_LEANING.get(item.domain, 0.0), dont_know=0.02
            )
        elif item.kind == Item.Kind.MULTIPLE and item.max_choices:
            pool = [str(c["value"]) for c in item.choices]
            picked: list[str] = []
            while pool and len(picked) < item.max_choices:
                weights = [importance.get(o, 3) ** 3 for o in pool]
                picked.append(rng.choices(pool, weights=weights)[0])
                pool.remove(picked[-1])
            answers[item.code] = picked
        elif item.code == PROPOSED_OUTCOMES and proposal:
            answers[item.code] = proposal
    return answers


def _members(wave: Wave) -> list[tuple[StaffMember, int]]:
    """The staff list, and how many of each cell responded."""
    organisations = {o.name: o for o in wave.partnership.organisations.all()}
    groups = {g.name: g for g in wave.partnership.staff_groups.all()}
    members = []
    row = 0
    for organisation, group, invited, responded in DEMO_STAFF:
        for n in range(invited):
            row += 1
            member = StaffMember(
                row=row,
                email=f"staff{row:03d}@riverside.example",
                organisation=organisations[organisation],
                staff_group=groups[group],
            )
            members.append((member, int(n < responded)))
    return members


@transaction.atomic
def add_demo_staff_survey(wave: Wave) -> int:
    """Run the demo wave's staff survey from start to close; returns how many staff responded.

    Safe to run again: a wave that already has a staff questionnaire is left as it is.
    """
    if wave.questionnaires.filter(audience=Questionnaire.For.STAFF).exists():
        return 0
    # Earlier versions of the demo made responses without answers: they are nobody.
    Response.objects.filter(wave=wave, questionnaire__isnull=True, answers__isnull=True).delete()
    outcomes = {o.code: o for o in OutcomeStatement.objects.filter(partnership=None)}
    questionnaire = create_staff_questionnaire(wave, [outcomes[c] for c in DEMO_OUTCOMES])
    update_texts(
        wave,
        title=questionnaire.title,
        introduction=questionnaire.introduction,
        privacy_notice=questionnaire.privacy_notice,
        contact=DEMO_CONTACT,
    )
    open_wave(wave)
    questionnaire.refresh_from_db()
    members = _members(wave)
    add_invitations(wave, [m for m, _ in members])
    items = [item for section in sections_of(questionnaire) for item in section.items.all()]
    rng = random.Random(SEED)
    invitations = list(Invitation.objects.filter(wave=wave).order_by("pk"))
    today = timezone.localdate()
    responded = 0
    for invitation, (member, answered) in zip(invitations, members, strict=True):
        if not answered:
            continue
        turn, rest = divmod(responded, 9)  # now and then someone proposes an outcome
        proposal = STAFF_PROPOSALS[turn] if rest == 4 and turn < len(STAFF_PROPOSALS) else ""
        answers = answers_for(
            items,
            rng,
            STAFF_PROFILES,
            leaning=ORGANISATION_LEANING.get(member.organisation.name, 0.0),
            proposal=proposal,
        )
        store_response(
            questionnaire,
            answers,
            audience=Audience.STAFF,
            organisation_id=member.organisation.pk,
            staff_group_id=member.staff_group.pk,
        )
        invitation.completed_on = today
        invitation.last_sent_at = timezone.now()
        responded += 1
    Invitation.objects.bulk_update(invitations, ["completed_on", "last_sent_at"])
    close_wave(wave)
    return responded


# The demo's texts in Welsh and Urdu, by their English, written by hand in plain words.
DEMO_TRANSLATIONS = Path(__file__).with_name("demo_translations.json")
DEMO_LANGUAGES = ("cy", "ur")


@transaction.atomic
def add_demo_languages(wave: Wave) -> int:
    """The demo wave offers English, Welsh and Urdu, every text translated; returns how many
    translations were saved. Safe to run again (the translations are saved afresh)."""
    by_english = {row["en"]: row for row in json.loads(DEMO_TRANSLATIONS.read_text("utf-8"))}
    set_languages(wave, list(DEMO_LANGUAGES))
    saved = 0
    for code in DEMO_LANGUAGES:
        texts = {
            t.key: by_english[t.source][code]
            for t in language_texts(wave, code)
            if code in by_english.get(t.source, {})
        }
        saved += save_translations(wave, code, texts)
    missing = [s for s in language_statuses(wave) if not s.complete]
    if missing:  # the demo's English changed without its translations
        raise ValueError(f"Demo translations missing: {[t.key for t in missing[0].missing]}")
    return saved
