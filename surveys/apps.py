from django.apps import AppConfig


class SurveysConfig(AppConfig):
    name = "surveys"
    verbose_name = "Staff surveys"

    def ready(self) -> None:
        from surveys import tasks  # noqa: F401  (registers the survey's kinds of job)
