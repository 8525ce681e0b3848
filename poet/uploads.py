"""Request bodies larger than any upload the site takes are refused before they are read.

Forms check their own limits (a staff list up to 5 MB, an answers file up to 20 MB), but only once
Django has received the whole body and spooled it to disk; a body announcing more than the largest
of them is answered at once with 413 and a page saying so, unread.
"""

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

MAX_REQUEST_BYTES = 21 * 1024 * 1024  # the 20 MB answers file and the rest of its form


def max_request_bytes() -> int:
    return getattr(settings, "MAX_REQUEST_BYTES", MAX_REQUEST_BYTES)


class RequestSizeLimitMiddleware:
    """Answer 413 to a request whose Content-Length is over `MAX_REQUEST_BYTES`."""

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        limit = max_request_bytes()
        if length > limit:
            context = {"limit_mb": limit // (1024 * 1024)}
            return render(request, "poet/too_large.html", context, status=413)
        return self.get_response(request)
