"""The site's favicon at the address browsers ask for by themselves."""

from django.http import HttpRequest, HttpResponse, HttpResponsePermanentRedirect
from django.templatetags.static import static


def favicon(request: HttpRequest) -> HttpResponse:
    """/favicon.ico: the static icon (looked up when asked, so the hashed name is used)."""
    return HttpResponsePermanentRedirect(static("favicon.ico"))
