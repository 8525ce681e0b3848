from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from poet import views

urlpatterns = [
    path("", views.home, name="home"),
    path(
        "accounts/login/",
        auth_views.LoginView.as_view(template_name="registration/login.html"),
        name="login",
    ),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("admin/", admin.site.urls),
    path("s/", include(("surveys.urls_respond", "respond"))),
    path("p/<slug:partnership>/", views.partnership, name="partnership"),
    path("p/<slug:partnership>/settings/", views.partnership_settings, name="partnership_settings"),
    path("p/<slug:partnership>/jobs/<int:job_id>/", views.job, name="job"),
    path("p/<slug:partnership>/waves/<slug:wave>/", views.wave, name="wave"),
    path("p/<slug:partnership>/waves/<slug:wave>/survey/", include("surveys.urls")),
]
