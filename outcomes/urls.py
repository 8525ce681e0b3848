"""Follow-up pages of one wave, under /p/<partnership>/waves/<wave>/follow-up/.

Like the survey pages, every route takes only the partnership and the wave: a session or a chosen
outcome is addressed as ?session=<id> or ?chosen=<id>.
"""

from django.urls import include, path

from outcomes.views import schedule

app_name = "outcomes"

urlpatterns = [
    path("", schedule.schedule, name="schedule"),
    path("create/", schedule.create, name="create_schedule"),
    path("methods/", schedule.methods, name="methods"),
    path("outcomes/add/", schedule.add_outcome, name="add_outcome"),
    path("outcomes/remove/", schedule.remove_outcome, name="remove_outcome"),
    path("sessions/add/", schedule.add_session, name="add_session"),
    path("sessions/change/", schedule.edit_session, name="edit_session"),
    path("sessions/remove/", schedule.remove_session, name="remove_session"),
    path("questionnaire/", schedule.generate_questionnaire, name="generate_questionnaire"),
    path("open/", schedule.open_schedule, name="open_schedule"),
    path("close/", schedule.close_schedule, name="close_schedule"),
    path("guides/interview.pdf", schedule.guide, {"kind": "interview"}, name="interview_guide"),
    path(
        "guides/focus-group.pdf",
        schedule.guide,
        {"kind": "focus-group"},
        name="focus_group_guide",
    ),
    path("", include("outcomes.urls_participants")),
]
