"""Request bodies larger than any upload the site takes are refused before they are read.

Forms check their own limits (a staff list up to 5 MB, an answers file up to 20 MB), but only once
Django has received the whole body and spooled it to disk; a body announcing more than the largest
of them is answered at once with 413 and a page saying so, unread.
"""

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
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
            if request.path.startswith("/api/"):  # the API answers problem details (RFC 9457)
                return _problem(context["limit_mb"])
            return render(request, "poet/too_large.html", context, status=413)
        return self.get_response(request)


def _problem(limit_mb: int) -> HttpResponse:
    detail = (
        f"The file is too large: files sent to POET can be up to {limit_mb} MB (a staff list up "
        "to 5 MB, an answers file up to 20 MB). Nothing was stored."
    )
    body = {"type": "about:blank", "title": "Content Too Large", "status": 413, "detail": detail}
    return JsonResponse(body, status=413, content_type="application/problem+json")
