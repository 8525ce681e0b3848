"""Old address of `surveys.services.context` and `surveys.selectors.context` (issue 14, the house):
kept only so callers outside the app (outcomes, reports and their tests) keep working until they
import the new modules; delete it then. Nothing lives here."""

from surveys.selectors.context import *  # noqa: F403
from surveys.services.context import *  # noqa: F403
