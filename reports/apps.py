from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = "Comparisons and reports"

    def ready(self) -> None:
        # receivers connects the signal receivers; tasks registers the kinds of job.
        from reports import receivers, tasks  # noqa: F401
