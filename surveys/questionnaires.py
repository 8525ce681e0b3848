"""Old address of `surveys.errors`, `surveys.services.opening`, `surveys.selectors.opening` and the
questionnaire versions (issue 14, the house): kept only so callers outside the app (outcomes,
reports and their tests) keep working until they import the new modules; delete it then. Nothing
lives here."""

from surveys.errors import SurveyError  # noqa: F401
from surveys.selectors.opening import *  # noqa: F403
from surveys.selectors.questionnaire_versions import *  # noqa: F403
from surveys.services.opening import *  # noqa: F403
from surveys.services.questionnaire_versions import *  # noqa: F403
