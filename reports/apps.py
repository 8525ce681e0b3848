from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = "Comparisons and reports"

    def ready(self) -> None:
        from outcomes.selectors.staff_figures import register_staff_figures
        from reports import receivers, tasks  # noqa: F401  (signal receivers; kinds of job)
        from reports.selectors.staff_figures import latest_staff_figures

        # The follow-up shortlist reads its staff figures from the latest comparison run.
        register_staff_figures(latest_staff_figures)
