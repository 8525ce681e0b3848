"""Old address of `surveys.questionnaire_template` (issue 14, the house): kept only so callers
outside the app (outcomes, reports and their tests) keep working until they import the new modules;
delete it then. Nothing lives here."""

from surveys.questionnaire_template import *  # noqa: F403
from surveys.services.design import create_staff_questionnaire  # noqa: F401
