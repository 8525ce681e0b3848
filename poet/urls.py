from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from poet.views import audit, errors, glossary, health, language, setup
from poet.views import partnerships as views
from poet.views import two_factor as two_factor_views

urlpatterns = [
    # Answered first by poet.views.health.HealthProbeMiddleware; named here for reverse().
    path("livez", health.livez, name="livez"),
    path("readyz", health.readyz, name="readyz"),
    path("", views.home, name="home"),
    path("glossary/", glossary.glossary, name="glossary"),
    path("language/<str:language>/", language.choose_language, name="choose_language"),
    path("favicon.ico", errors.favicon, name="favicon"),
    path(
        "accounts/login/",
        auth_views.LoginView.as_view(template_name="registration/login.html"),
        name="login",
    ),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/two-factor/", two_factor_views.account, name="two_factor"),
    path("accounts/two-factor/set-up/", two_factor_views.setup, name="two_factor_setup"),
    path("accounts/two-factor/verify/", two_factor_views.verify, name="two_factor_verify"),
    path("admin/", admin.site.urls),
    path("", include("api.urls")),  # /api/v1/ and the API tokens page
    path("", include("surveys.urls")),  # /s/ (respondents), a wave's survey/ and context/
    path("accounts/", include("django.contrib.auth.urls")),
    path("partnerships/new/", setup.new_partnership, name="new_partnership"),
    path("p/<slug:partnership>/", views.partnership, name="partnership"),
    path(
        "p/<slug:partnership>/organisations/",
        setup.named_things,
        {"kind": "organisations"},
        name="organisations",
    ),
    path(
        "p/<slug:partnership>/staff-groups/",
        setup.named_things,
        {"kind": "staff_groups"},
        name="staff_groups",
    ),
    path(
        "p/<slug:partnership>/user-groups/",
        setup.named_things,
        {"kind": "user_groups"},
        name="user_groups",
    ),
    path("p/<slug:partnership>/members/", setup.members, name="members"),
    path("p/<slug:partnership>/waves/new/", setup.new_wave, name="new_wave"),
    path("p/<slug:partnership>/audit/", audit.audit_log, name="audit_log"),
    path("p/<slug:partnership>/audit/audit-log.csv", audit.audit_log_csv, name="audit_log_csv"),
    path("p/<slug:partnership>/settings/", views.partnership_settings, name="partnership_settings"),
    path(
        "p/<slug:partnership>/settings/thresholds/",
        views.partnership_thresholds,
        name="partnership_thresholds",
    ),
    path(
        "p/<slug:partnership>/settings/source-files/",
        views.partnership_source_files,
        name="partnership_source_files",
    ),
    path(
        "p/<slug:partnership>/settings/two-factor/",
        two_factor_views.partnership_requirement,
        name="partnership_two_factor",
    ),
    path("p/<slug:partnership>/jobs/<int:job_id>/", views.job, name="job"),
    path("p/<slug:partnership>/waves/<slug:wave>/", views.wave, name="wave"),
    path("p/<slug:partnership>/waves/<slug:wave>/", include("reports.urls")),
    path("p/<slug:partnership>/waves/<slug:wave>/", include("outcomes.urls")),
]
