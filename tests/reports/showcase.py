"""A wave that looks like a real one, for chart, PDF and screenshot checks: the library's long
outcome statements (ten of them), the eight process domains with their real names, three
organisations with long names (one below k, so its figures are hidden), staff groups, service
users and carers, and a finished comparison run.

Also runs outside pytest (a throwaway SQLite database), for measurements:
`python manage.py shell -c "from tests.reports.showcase import build_showcase; build_showcase()"`.
"""

from __future__ import annotations

import random

from poet.library import OUTCOME_LIBRARY
from poet.models import Audience, Organisation, OutcomeStatement, StaffGroup, UserGroup, Wave
from surveys.models import Answer, Item, Questionnaire, Response, Section
from surveys.questionnaire_template import PROCESS_DOMAINS
from tests.reports.builders import DAY

ORGANISATIONS = [
    ("Riverside University Hospitals NHS Foundation Trust", 18),
    ("Riverside County Council Adult Social Care", 16),
    ("Riverside Carers Centre", 3),  # below k: hidden everywhere
]
STAFF_GROUPS = ["Nurses and allied health professionals", "Social workers", "Managers"]


def build_showcase(wave: Wave | None = None, *, outcomes: int = 10, seed: int = 7) -> Wave:
    """The wave, its answers and a comparison run (k = 5)."""
    from poet.services import create_job
    from poet.tasks import run_job
    from reports.services.comparison import JOB_KIND, comparison_parameters
    from tests.factories import WaveFactory

    rng = random.Random(seed)
    wave = wave or WaveFactory(name="Baseline 2026")
    p = wave.partnership
    p.minimum_group_size = 5
    p.save(update_fields=["minimum_group_size"])
    organisations = [
        (Organisation.objects.create(partnership=p, name=name), n) for name, n in ORGANISATIONS
    ]
    groups = [StaffGroup.objects.create(partnership=p, name=name) for name in STAFF_GROUPS]
    user_group = UserGroup.objects.create(partnership=p, name="Older people living at home")
    staff_q = Questionnaire.objects.create(wave=wave, title="Staff")
    users_q = Questionnaire.objects.create(
        wave=wave, title="Follow-up", audience=Questionnaire.For.FOLLOW_UP
    )
    items: dict[str, list[Item]] = {"staff": [], "users": []}
    codes = []
    for n, entry in enumerate(OUTCOME_LIBRARY[:outcomes]):
        statement, _ = OutcomeStatement.objects.get_or_create(
            partnership=p, code=entry.code, defaults={"text": entry.text}
        )
        codes.append(entry.code)
        for audience, questionnaire in (("staff", staff_q), ("users", users_q)):
            section = Section.objects.create(
                questionnaire=questionnaire, title=f"Outcome {n + 1}", order=n
            )
            for measure in ("importance", "achievement"):
                items[audience].append(
                    Item.objects.create(
                        section=section,
                        code=f"{entry.code}.{measure}",
                        kind=Item.Kind.LIKERT,
                        text="How?",
                        outcome=statement,
                        measure=measure,
                    )
                )
    process = Section.objects.create(questionnaire=staff_q, title="Working together", order=99)
    for domain in PROCESS_DOMAINS:
        for code, text in domain.items[:2]:
            items["staff"].append(
                Item.objects.create(
                    section=process, code=code, kind=Item.Kind.LIKERT, text=text, domain=domain.code
                )
            )
    top = Item.objects.create(
        section=process, code="TOP3", kind=Item.Kind.MULTIPLE, text="Pick three", max_choices=3
    )
    answers = []

    def answer(response: Response, item: Item, lean: float) -> Answer:
        if rng.random() < 0.08:
            return Answer(response=response, item=item, dont_know=True)
        value = min(5, max(1, round(rng.gauss(3 + lean, 1))))
        return Answer(response=response, item=item, number=float(value))

    for o, (organisation, count) in enumerate(organisations):
        for n in range(count):
            response = Response.objects.create(
                wave=wave,
                questionnaire=staff_q,
                audience=Audience.STAFF,
                organisation=organisation,
                staff_group=groups[n % len(groups)],
                submitted_on=DAY,
            )
            answers += [answer(response, item, 0.5 - 0.4 * o) for item in items["staff"]]
            answers.append(Answer(response=response, item=top, choices=rng.sample(codes, 3)))
    for n in range(26):
        response = Response.objects.create(
            wave=wave,
            questionnaire=users_q,
            audience=Audience.SERVICE_USER if n < 18 else Audience.CARER,
            user_group=user_group,
            submitted_on=DAY,
        )
        answers += [answer(response, item, -0.3) for item in items["users"]]
    Answer.objects.bulk_create(answers)
    job = create_job(
        JOB_KIND, partnership=p, wave=wave, **comparison_parameters(wave, resamples=200)
    )
    run_job(job.pk)
    return wave
