"""A signed-in person's saved interface language."""

from __future__ import annotations

from typing import Any

from poet.models import InterfaceLanguage


def saved_interface_language(person: Any) -> str | None:
    """The code the person chose with the header's switch, or None (never chose)."""
    if hasattr(person, "_poet_interface_language"):
        cached: str | None = person._poet_interface_language
        return cached
    code = InterfaceLanguage.objects.filter(person=person).values_list("code", flat=True).first()
    person._poet_interface_language = code
    return code
