"""The real URLconf plus a hello-world view, the floor the load benchmark compares against.

Selected only by the benchmark's gunicorn (`ROOT_URLCONF=benchmarks.floor_urls`), never in
production.
"""

from django.http import HttpRequest, HttpResponse
from django.urls import path

from poet.urls import urlpatterns as real_patterns


def hello(request: HttpRequest) -> HttpResponse:
    return HttpResponse("Hello, world")


urlpatterns = [path("__floor__/", hello), *real_patterns]
