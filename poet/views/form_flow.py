"""The shape most pages that change something share: a posted form, a service call, the service's
refusal shown on the form, and on success a message and a redirect. One helper, so each view says
only what is particular to it."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

T = TypeVar("T")


def run_form(
    request: HttpRequest,
    form: forms.BaseForm,
    action: Callable[[dict[str, Any]], T],
    *,
    refused: type[Exception] | tuple[type[Exception], ...],
    field: str | None = None,
) -> tuple[bool, T | None]:
    """On a POST with a valid ``form``, call ``action(form.cleaned_data)``.

    Returns ``(True, result)`` when it ran; ``(False, None)`` when nothing was posted, the form
    is invalid, or the service refused (one of ``refused``): its message is then added to the
    form, on ``field`` or as a form-wide error, so the page shows it in the error summary with
    everything the person typed kept.
    """
    if request.method != "POST" or not form.is_valid():
        return False, None
    try:
        return True, action(form.cleaned_data)
    except refused as error:
        form.add_error(field, str(error))
        return False, None


def done(request: HttpRequest, message: str, to: str) -> HttpResponse:
    """Say what happened and go on (post/redirect/get)."""
    messages.success(request, message)
    return redirect(to)
