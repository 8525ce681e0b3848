"""The interface's language: the header's switch, and a signed-in person's saved choice."""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlencode

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import translation

from poet.selectors.interface_language import saved_interface_language


def interface_codes() -> list[str]:
    return [code for code, _ in settings.LANGUAGES]


class PersonLanguageMiddleware:
    """After sign-in, the language the person chose last (on any browser) wins over the cookie
    and the browser's Accept-Language that LocaleMiddleware read."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            code = saved_interface_language(user)
            if code in interface_codes() and code != translation.get_language():
                translation.activate(code)
                request.LANGUAGE_CODE = code
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", translation.get_language() or "")
        return response


# What the switch's link says to a screen reader, in the language it switches to (GOV.UK's
# language switch pattern: the visible name is the language's own name).
SWITCH_TO: dict[str, str] = {
    "en-gb": "Change the language to English",
    "cy": "Newid yr iaith i’r Gymraeg",
}


def language_switch(request: HttpRequest) -> dict[str, object]:
    """The header's switch: each interface language, the current one not a link."""
    current = translation.get_language()
    here = request.path  # not the query: nothing a link carries is echoed back into the page
    choices = []
    for code, name in settings.LANGUAGES:
        href = f"{reverse('choose_language', args=[code])}?{urlencode({'next': here})}"
        choices.append(
            {
                "code": code,
                "name": name,
                "current": code == current,
                "href": href,
                "hidden": SWITCH_TO.get(code, name),
            }
        )
    return {"interface_languages": choices}
