"""Reads of the follow-up questionnaire: the newest version, the one answered now, and whether it
still asks about exactly the chosen outcomes."""

from outcomes.models import FollowUpSchedule
from outcomes.selectors.schedule import chosen_statements
from poet.models import Wave
from surveys.models import Questionnaire
from surveys.selectors.design import chosen_outcomes as outcomes_asked
from surveys.selectors.questionnaire_versions import latest_questionnaire, live_questionnaire

FOLLOW_UP = Questionnaire.For.FOLLOW_UP


def latest_follow_up(wave: Wave) -> Questionnaire | None:
    """The newest version of the follow-up questionnaire, frozen or not."""
    return latest_questionnaire(wave, FOLLOW_UP)


def live_follow_up(wave: Wave) -> Questionnaire | None:
    """The questionnaire participants answer now: the newest frozen follow-up version."""
    return live_questionnaire(wave, FOLLOW_UP)


def is_up_to_date(schedule: FollowUpSchedule, questionnaire: Questionnaire | None = None) -> bool:
    """Whether the newest questionnaire asks about exactly the chosen outcomes, in order."""
    questionnaire = questionnaire or latest_follow_up(schedule.wave)
    if questionnaire is None:
        return False
    return [o.pk for o in outcomes_asked(questionnaire)] == [
        o.pk for o in chosen_statements(schedule)
    ]
