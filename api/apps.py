from django.apps import AppConfig


class ApiConfig(AppConfig):
    """The JSON API under /api/v1/: on top of every app, like their pages."""

    name = "api"
    verbose_name = "API"
    default_auto_field = "django.db.models.BigAutoField"
