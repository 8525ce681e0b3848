"""The demo wave's follow-up with service users and carers: the outcomes chosen from what staff
said, three sessions, the participants (consented, pseudonymous) and their answers.

Every response of the follow-up belongs to one registered participant, entered in the session
they took part in; each session planned a few more people than came, as sessions do. Users and
carers see some outcomes differently from staff (they value being asked their story once more,
and find care plans less achieved), so the comparison has something to say.
"""

from __future__ import annotations

import datetime
import random
from collections.abc import Iterable

from django.utils import timezone

from outcomes.models import FollowUpSchedule, FollowUpSession, Participant
from outcomes.services.capture import enter_answers
from outcomes.services.participants import register_participant
from outcomes.services.schedule import (
    add_chosen_outcome,
    close_schedule,
    create_schedule,
    open_schedule,
    save_session,
    set_methods,
)
from outcomes.services.shortlist import collect_proposals
from poet.models import Audience, OutcomeStatement, Wave
from surveys.demo import STAFF_PROFILES, Profile, answers_for
from surveys.services.answering import sections_of

SEED = 2027
Method = FollowUpSchedule.Method

# How service users and carers answer, where they differ from staff.
USER_PROFILES: dict[str, Profile] = {
    **STAFF_PROFILES,
    "O-HOME": Profile(4.7, 2.9),
    "O-STORY": Profile(4.6, 2.3),
    "O-CARER": Profile(4.3, 2.6),
    "O-PLAN": Profile(3.3, 2.1),
    "O-CONTACT": Profile(4.6, 2.6),
}

USER_PROPOSALS = ["Someone to talk to when I feel lonely.", "Help to get to the shops."]

# The sessions: (method, mode, how many days ago, facilitator, service users
# and carers who took part, how many more were planned).
DEMO_SESSIONS = [
    (Method.INTERVIEW, FollowUpSession.Mode.IN_PERSON, 21, "Sam Patel", (6, 5), 1),
    (Method.FOCUS_GROUP, FollowUpSession.Mode.IN_PERSON, 14, "Jo Evans", (5, 4), 2),
    (Method.QUESTIONNAIRE, FollowUpSession.Mode.PAPER, 7, "Sam Patel", (4, 3), 2),
]
CHOSEN_AT_MOST = 6


def add_demo_follow_up(wave: Wave, chosen: Iterable[tuple[OutcomeStatement, str, str]]) -> int:
    """Run the demo wave's follow-up from design to close with the ``chosen`` outcomes
    (outcome, reason, why); returns how many participants answered. A wave that already has a
    follow-up is left as it is."""
    if FollowUpSchedule.objects.filter(wave=wave).exists():
        return 0
    schedule = create_schedule(wave)
    set_methods(schedule, [m for m, *_ in DEMO_SESSIONS])
    for outcome, reason, note in list(chosen)[:CHOSEN_AT_MOST]:
        add_chosen_outcome(schedule, outcome, reason=reason, note=note)
    today = timezone.localdate()
    sessions = []
    for method, mode, days, facilitator, (users, carers), more in DEMO_SESSIONS:
        sessions.append(
            save_session(
                schedule,
                {
                    "method": method,
                    "mode": mode,
                    "date": today - datetime.timedelta(days=days),
                    "facilitator": facilitator,
                    "accessibility_needs": "Large print and a hearing loop.",
                    "planned_service_users": users + more,
                    "planned_carers": carers + (1 if more > 1 else 0),
                },
            )
        )
    questionnaire = open_schedule(schedule)
    items = [item for section in sections_of(questionnaire) for item in section.items.all()]
    user_groups = list(wave.partnership.user_groups.order_by("name"))
    rng = random.Random(SEED)
    answered = 0
    for session, (*_, (users, carers), _more) in zip(sessions, DEMO_SESSIONS, strict=True):
        for audience, count in ((Audience.SERVICE_USER, users), (Audience.CARER, carers)):
            for n in range(count):
                participant = register_participant(
                    schedule,
                    audience=audience,
                    user_group=user_groups[n % len(user_groups)],
                    consent_given_on=session.date,
                    consent_method=Participant.ConsentMethod.WRITTEN,
                    session=session,  # who took part: the people behind the session's notes
                )
                proposal = USER_PROPOSALS[answered % 2] if answered % 7 == 3 else ""
                answers = answers_for(items, rng, USER_PROFILES, proposal=proposal)
                enter_answers(
                    participant,
                    questionnaire,
                    answers,
                    session=session,
                    easy_read=session.method != Method.QUESTIONNAIRE and n % 3 == 0,
                )
                answered += 1
    close_schedule(schedule)
    collect_proposals(wave)
    return answered


# --- what service users and carers said (issue 16) -------------------------------------------

# Each line is one paragraph (the unit of coding); after it, the themes each of the two coders
# gave it: an outcome's code stands for the theme seeded from that chosen outcome (left out when
# the demo did not choose it), any other name for one of the evaluators' own themes.
DEMO_TRANSCRIPTS = [
    (
        1,  # the focus group
        Audience.SERVICE_USER,
        "transcript",
        [
            ("Jo Evans: Thank you all for coming. What has changed for you this year?", (), ()),
            (
                "Margaret Hughes: I tell my story once now. The nurse and the social worker "
                "had the same notes when they came.",
                ("O-STORY",),
                ("O-STORY",),
            ),
            (
                "Derek Owen: Not for me. I still repeat everything, every visit, to someone new.",
                ("O-STORY",),
                ("O-STORY", "O-CONTACT"),
            ),
            (
                "Margaret Hughes: I know who to ring. It is written on the fridge, one number.",
                ("O-CONTACT",),
                ("O-CONTACT",),
            ),
            (
                "Derek Owen: My care plan? I have never seen it. Nobody asked what I wanted in it.",
                ("O-PLAN",),
                ("O-PLAN",),
            ),
            (
                "Ann Price: Since my husband died the days are long. Someone to talk to would "
                "matter more than anything on your list.",
                ("Loneliness",),
                ("Loneliness",),
            ),
            (
                "Derek Owen: The bus stopped running past the estate, so I miss the day centre. "
                "Ring me on 07700 900123 if you want to hear more.",
                ("Getting out and about",),
                ("Getting out and about", "Loneliness"),
            ),
            (
                "Margaret Hughes: I am still in my own home, and I want to stay here.",
                ("O-HOME",),
                ("O-HOME",),
            ),
        ],
    ),
    (
        0,  # an interview
        Audience.CARER,
        "notes",
        [
            (
                "Interview notes, Sam Patel. Carer of her mother, who lives with dementia.",
                (),
                (),
            ),
            (
                "She was asked what she needed as a carer for the first time this year and got "
                "a break each fortnight.",
                ("O-CARER",),
                ("O-CARER",),
            ),
            (
                "The care plan was changed without her: she found out from the agency. "
                "She e-mailed priya.shah@example.org twice and heard nothing.",
                ("O-PLAN",),
                ("O-PLAN", "O-CONTACT"),
            ),
            (
                "Her mother is still at home; without the break she would have had to give up.",
                ("O-HOME", "O-CARER"),
                ("O-HOME",),
            ),
            (
                "She feels alone with it in the evenings: the carers' group meets in the day.",
                ("Loneliness",),
                ("Loneliness",),
            ),
        ],
    ),
]
DEMO_SPEAKERS = ["Margaret Hughes", "Derek Owen", "Ann Price"]
DEMO_THEMES = {
    "Loneliness": (
        "I have someone to talk to and I do not feel alone.",
        True,  # proposed as a new outcome for the next wave
    ),
    "Getting out and about": ("Transport, the day centre, the shops.", False),
}


def add_demo_qualitative(wave: Wave, coders: list) -> int:
    """Add the demo's focus-group transcript and interview notes (masked and confirmed), a
    codebook seeded from the chosen outcomes with two themes of the evaluators' own (one proposed
    as a new outcome), and both coders' codings, each marked done so their agreement shows.
    Returns how many sources were added; a follow-up that already has sources is left as it is.
    """
    from outcomes.models import QualitativeSource
    from outcomes.services.codebook import add_theme, propose_as_outcome, seed_codebook
    from outcomes.services.coding import code_paragraphs, mark_done
    from outcomes.services.sources import add_source, confirm_masking, mask_further

    schedule = FollowUpSchedule.objects.filter(wave=wave).first()
    if schedule is None or QualitativeSource.objects.filter(schedule=schedule).exists():
        return 0
    evaluator = coders[0]
    seed_codebook(schedule, actor=evaluator)
    for name, (description, proposed) in DEMO_THEMES.items():
        theme = add_theme(schedule, name=name, description=description, actor=evaluator)
        if proposed:
            propose_as_outcome(theme, actor=evaluator)
    themes = {t.name: t.pk for t in schedule.themes.all()}
    by_method = {s.method: s for s in schedule.sessions.all()}
    added = 0
    for session_index, audience, kind, lines in DEMO_TRANSCRIPTS:
        source = add_source(
            schedule,
            session=by_method[DEMO_SESSIONS[session_index][0]],
            audience=audience,
            kind=kind,
            text="\n".join(line for line, *_ in lines),
            actor=evaluator,
        )
        # The register holds codes, not names: the evaluator masks the speakers' names by hand.
        mask_further(source, DEMO_SPEAKERS, actor=evaluator)
        confirm_masking(source, actor=evaluator)
        for n, coder in enumerate(coders[:2]):
            ticked = {
                i: {themes[name] for name in given[n] if name in themes}
                for i, (_line, *given) in enumerate(lines)
            }
            code_paragraphs(source, coder=coder, ticked=ticked)
            mark_done(source, coder=coder)
        added += 1
    _pick_demo_quotes(schedule, evaluator)
    return added


def _pick_demo_quotes(schedule: FollowUpSchedule, evaluator) -> int:
    """Pick one passage per chosen outcome as the joint display's quote, where the rules allow
    (a source of a group below k cannot be quoted: that outcome simply has no quote)."""
    from outcomes.models import Coding
    from outcomes.services.quotes import QuoteError, outcome_theme, pick_quote

    picked: set[int] = set()
    for coding in Coding.objects.filter(source__schedule=schedule, coder=evaluator).select_related(
        "theme__parent", "source"
    ):
        theme = outcome_theme(coding.theme)
        if theme is None or theme.pk in picked:
            continue
        try:
            pick_quote(coding, actor=evaluator)
        except QuoteError:
            continue
        picked.add(theme.pk)
    return len(picked)
