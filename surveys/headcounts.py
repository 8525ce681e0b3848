"""Old address of `surveys.services.headcounts` and `surveys.selectors.headcounts` (issue 14, the
house): kept only so callers outside the app (outcomes, reports and their tests) keep working until
they import the new modules; delete it then. Nothing lives here."""

from surveys.selectors.headcounts import *  # noqa: F403
from surveys.services.headcounts import *  # noqa: F403
