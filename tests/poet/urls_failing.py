"""A URL that fails, to see the page people get on a server error."""

from django.urls import path


def fails(request):
    raise RuntimeError("something broke")


urlpatterns = [path("fails/", fails)]
