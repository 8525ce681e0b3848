"""Pages for the member of staff answering (no account), under /s/."""

urlpatterns: list = []
