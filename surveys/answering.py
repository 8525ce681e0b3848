"""Old address of `surveys.services.answering` (issue 14, the house): kept only so callers outside
the app (outcomes, reports and their tests) keep working until they import the new modules; delete
it then. Nothing lives here."""

from surveys.services.answering import *  # noqa: F403
from surveys.services.answering import _FROZEN_SECTIONS  # noqa: F401
