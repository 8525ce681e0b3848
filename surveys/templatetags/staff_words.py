"""Words of the evaluators' survey pages in the reader's language (issue 17)."""

from collections.abc import Iterable
from typing import Any

from django import template
from django.utils.translation import get_language_info

register = template.Library()


@register.filter
def join_language_names(statuses: Iterable[Any]) -> str:
    """The languages of these translation statuses, named in the reader's language, as one
    list ("Welsh, Urdu")."""
    return ", ".join(
        str(get_language_info(status.language.code)["name_translated"]) for status in statuses
    )
