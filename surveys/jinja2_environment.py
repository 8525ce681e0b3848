"""The Jinja2 environment of the respondent pages' questions (surveys/jinja2/): Django's
translations installed, so `{{ _("Error:") }}` there is in the page's language like the
Django templates around it (makemessages extracts the same `_("…")` from the .html files)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext, ngettext
from jinja2 import Environment


def environment(**options: Any) -> Environment:
    extensions = [*options.pop("extensions", []), "jinja2.ext.i18n"]
    env = Environment(extensions=extensions, **options)
    # Added by the i18n extension, so unknown to the type stubs.
    env.install_gettext_callables(gettext, ngettext, newstyle=True)  # type: ignore[attr-defined]
    return env
