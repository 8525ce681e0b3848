"""Old address of `surveys.services.invitations` (issue 14, the house): kept only so callers outside
the app (outcomes, reports and their tests) keep working until they import the new modules; delete
it then. Nothing lives here."""

from surveys.services.invitations import *  # noqa: F403
