"""Old address of `surveys.services.next_wave` (issue 14, the house): kept only so callers outside
the app (outcomes, reports and their tests) keep working until they import the new modules; delete
it then. Nothing lives here."""

from surveys.services.next_wave import copy_wave  # noqa: F401
