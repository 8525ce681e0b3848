"""The admin site behind the second factor.

Superusers can change everything, so `/admin/` asks for a code from an authenticator app on
every sign-in, as partnership pages do for people with one: staff without an app are sent to set
one up, those with one to enter a code, and come back to the admin afterwards. Until then the
admin answers as if they were not signed in to it (every admin view checks `has_permission`).
"""

from urllib.parse import urlencode

from django.contrib.admin import AdminSite
from django.contrib.admin.apps import AdminConfig
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme


class TwoFactorAdminSite(AdminSite):
    """Django's admin, open only to active staff whose sign-in was confirmed with a code."""

    def has_permission(self, request: HttpRequest) -> bool:
        from poet import two_factor  # models: not before the app registry is ready

        return super().has_permission(request) and two_factor.is_verified(request.user)

    def login(self, request: HttpRequest, extra_context=None) -> HttpResponse:
        from poet import two_factor

        user = request.user
        staff = user.is_active and user.is_staff
        if request.method == "GET" and staff and not two_factor.is_verified(user):
            step = "two_factor_verify" if two_factor.has_device(user) else "two_factor_setup"
            target = request.GET.get(REDIRECT_FIELD_NAME, "")
            if not url_has_allowed_host_and_scheme(
                target, {request.get_host()}, request.is_secure()
            ):
                target = reverse("admin:index", current_app=self.name)
            return HttpResponseRedirect(f"{reverse(step)}?{urlencode({'next': target})}")
        return super().login(request, extra_context)


class PoetAdminConfig(AdminConfig):
    """django.contrib.admin with this site as `admin.site` (in INSTALLED_APPS in its place)."""

    default_site = "poet.admin_site.TwoFactorAdminSite"
