"""Partnership context tools of a wave (namespace "context")."""

from django.urls import path

from surveys.views import context as views

app_name = "context"

TOOLS = ("integration", "relationships", "importance")

urlpatterns = [
    path("", views.results, name="results"),
    path("leads/", views.leads, name="leads"),
    path("lead/", views.lead_start, name="lead"),
    *[path(f"lead/{t}/", views.lead_tool, {"tool": t}, name=f"lead_{t}") for t in TOOLS],
    *[path(f"edit/{t}/", views.edit, {"tool": t}, name=f"edit_{t}") for t in TOOLS],
]
