"""Design pages of the staff survey."""

urlpatterns: list = []
