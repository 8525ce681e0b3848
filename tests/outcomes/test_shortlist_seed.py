"""A staff wave with known answers for the outcome shortlist tests (a helper: no tests here)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from poet.models import Audience, Organisation, OutcomeStatement, StaffGroup, UserGroup, Wave
from surveys.models import Answer, Item, Questionnaire, Response, Section
from surveys.questionnaire_template import PROPOSED_OUTCOMES, TOP3
from tests.factories import WaveFactory

DAY = datetime.date(2026, 11, 2)
STAFF = 12

# Importance and achievement answers of the 12 staff (None: don't know).
ANSWERS = {
    # everyone agrees it matters: 100% positive, all within one point of the median
    "O-AGREE": ([5] * 6 + [4] * 6, [3] * 12),
    # half say 1, half say 5: contested
    "O-SPLIT": ([1] * 6 + [5] * 6, [2] * 12),
    # only three staff answered (the rest: don't know): below any k of 5 or more
    "O-FEW": ([4, 4, 4] + [None] * 9, [2, 2, 2] + [None] * 9),
}
PICKS = {"O-AGREE": 12, "O-SPLIT": 7, "O-FEW": 2}
STAFF_PROPOSALS = ["I can get to the shops", "  i can get to the SHOPS. ", "Fewer forms to fill in"]


@dataclass
class Seeded:
    wave: Wave
    outcomes: dict[str, OutcomeStatement] = field(default_factory=dict)
    staff_questionnaire: Questionnaire | None = None
    follow_up: Questionnaire | None = None


def seed_wave(*, k: int = 5, wave: Wave | None = None) -> Seeded:
    wave = wave or WaveFactory(name="Baseline 2026", slug="baseline")
    p = wave.partnership
    p.minimum_group_size = k
    p.save(update_fields=["minimum_group_size"])
    seeded = Seeded(wave=wave)
    organisations = [Organisation.objects.create(partnership=p, name=f"Org {c}") for c in "AB"]
    group = StaffGroup.objects.create(partnership=p, name="Nurse")
    questionnaire = Questionnaire.objects.create(wave=wave, title="Staff survey")
    seeded.staff_questionnaire = questionnaire
    section = Section.objects.create(questionnaire=questionnaire, title="Outcomes", order=0)
    items = {}
    for i, code in enumerate(ANSWERS):
        statement = OutcomeStatement.objects.create(
            partnership=p, code=code, text=f"I can do {code.lower()}"
        )
        seeded.outcomes[code] = statement
        for j, measure in enumerate(("importance", "achievement")):
            items[(code, measure)] = Item.objects.create(
                section=section,
                order=2 * i + j,
                code=f"{code}.{measure}",
                kind=Item.Kind.LIKERT,
                text="How?",
                outcome=statement,
                measure=measure,
            )
    top = Item.objects.create(
        section=section, order=10, code=TOP3, kind=Item.Kind.MULTIPLE, text="Top", max_choices=3
    )
    proposed = Item.objects.create(
        section=section, order=11, code=PROPOSED_OUTCOMES, kind=Item.Kind.TEXT, text="Else?"
    )
    answers = []
    for n in range(STAFF):
        response = Response.objects.create(
            wave=wave,
            questionnaire=questionnaire,
            audience=Audience.STAFF,
            organisation=organisations[n % 2],
            staff_group=group,
            submitted_on=DAY,
        )
        for code, (importance, achievement) in ANSWERS.items():
            for measure, values in (("importance", importance), ("achievement", achievement)):
                value = values[n]
                answers.append(
                    Answer(
                        response=response,
                        item=items[(code, measure)],
                        number=value,
                        dont_know=value is None,
                    )
                )
        picks = [code for code, count in PICKS.items() if n < count]
        answers.append(Answer(response=response, item=top, choices=picks))
        text = STAFF_PROPOSALS[n] if n < len(STAFF_PROPOSALS) else ""
        answers.append(Answer(response=response, item=proposed, text=text))
    # Someone still answering: their draft proposal is not collected.
    unfinished = Response.objects.create(
        wave=wave,
        questionnaire=questionnaire,
        audience=Audience.STAFF,
        organisation=organisations[0],
        staff_group=group,
        submitted_on=None,
    )
    answers.append(Answer(response=unfinished, item=proposed, text="Not yet submitted"))
    # The follow-up questionnaire, with one carer's proposal.
    follow_up = Questionnaire.objects.create(
        wave=wave, title="Follow-up", audience=Questionnaire.For.FOLLOW_UP
    )
    seeded.follow_up = follow_up
    fsection = Section.objects.create(questionnaire=follow_up, title="More", order=0)
    fproposed = Item.objects.create(
        section=fsection, code=PROPOSED_OUTCOMES, kind=Item.Kind.TEXT, text="What else?"
    )
    carer = Response.objects.create(
        wave=wave,
        questionnaire=follow_up,
        audience=Audience.CARER,
        user_group=UserGroup.objects.create(partnership=p, name="Older people"),
        submitted_on=DAY,
    )
    answers.append(Answer(response=carer, item=fproposed, text="I see the same nurse each time"))
    Answer.objects.bulk_create(answers)
    return seeded
