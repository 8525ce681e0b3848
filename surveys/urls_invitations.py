"""Invitations pages of the staff survey."""

from django.urls import path

from surveys.views import invitations

urlpatterns = [
    path("invitations/", invitations.invitations, name="invitations"),
    path("invitations/example.csv", invitations.example, name="invitations_example"),
    path("invitations/send/", invitations.send, name="invitations_send"),
    path("invitations/remind/", invitations.remind, name="invitations_remind"),
    path("invitations/open-link/", invitations.open_link, name="open_link"),
    path("invitations/open-link/off/", invitations.open_link_off, name="open_link_off"),
    path("invitations/open-link/limit/", invitations.open_link_limit, name="open_link_limit"),
    path("invitations/purge/", invitations.purge, name="invitations_purge"),
]
