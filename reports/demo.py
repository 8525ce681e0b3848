"""The whole demo: a partnership with one login per role and one complete wave, from the staff
survey through the follow-up to the comparison the reports are drawn from.

The follow-up's outcomes are the ones the shortlist suggests from the staff figures, as an
evaluator would choose them, so every page of the demo tells the same story.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model

from outcomes.demo import add_demo_follow_up, add_demo_qualitative
from outcomes.selectors.shortlist import shortlist
from poet.demo import Demo, create_demo_partnership
from reports.services.comparison import start_comparison
from surveys.demo import add_demo_languages, add_demo_staff_survey


def load_demo() -> Demo:
    """Create (or refresh) the demo; a wave already built is left as it is."""
    demo = create_demo_partnership()
    wave = demo.wave
    if add_demo_staff_survey(wave):
        # The staff figures the shortlist is chosen from, as the evaluator would compute them.
        start_comparison(wave, in_process=True)
        suggested = shortlist(wave).suggestions
        add_demo_follow_up(wave, [(s.outcome, s.reason, s.why) for s in suggested])
        start_comparison(wave, in_process=True)
    add_demo_languages(wave)  # English, Welsh and Urdu (issue 17)
    # What users and carers said, coded by the evaluator and the administrator (issue 16).
    coders = [demo.logins["Evaluator"], demo.logins["Partnership administrator"]]
    users = get_user_model().objects
    add_demo_qualitative(wave, [users.get(username=name) for name in coders])
    return demo
