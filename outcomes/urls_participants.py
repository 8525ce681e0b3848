"""Participant pages of the follow-up (included by outcomes.urls, namespace "outcomes")."""

from django.urls import path

from outcomes.views import capture, participants

urlpatterns = [
    path("participants/", participants.participants, name="participants"),
    path("participants/<str:code>/", participants.participant, name="participant"),
    path("participants/<str:code>/link/", participants.link, name="participant_link"),
    path("participants/<str:code>/withdraw/", participants.withdraw, name="participant_withdraw"),
    path("participants/<str:code>/answers/", capture.assisted_entry, name="assisted_entry"),
    path("import/", capture.import_page, name="import_answers"),
]
