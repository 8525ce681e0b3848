"""Old address of `surveys.services.design` and `surveys.selectors.design` (issue 14, the house):
kept only so callers outside the app (outcomes, reports and their tests) keep working until they
import the new modules; delete it then. Nothing lives here."""

from surveys.selectors.design import *  # noqa: F403
from surveys.services.design import *  # noqa: F403
