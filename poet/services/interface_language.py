"""Saving the interface language a signed-in person chose."""

from __future__ import annotations

from typing import Any

from poet.models import InterfaceLanguage


def save_interface_language(person: Any, code: str) -> None:
    """Keep the choice for every later sign-in, on any browser. Not audited: it changes nothing
    of a partnership's data, only the words the person reads."""
    InterfaceLanguage.objects.update_or_create(person=person, defaults={"code": code})
    person._poet_interface_language = code
