"""Headcount pages of the staff survey: recorded headcounts and open-link responses awaiting
confirmation."""

from django.urls import path

from surveys.views import headcounts

urlpatterns = [
    path("headcounts/", headcounts.headcounts, name="headcounts"),
    path("headcounts/awaiting/", headcounts.awaiting, name="awaiting"),
]
