"""Invitations pages of the staff survey."""

urlpatterns: list = []
