from django.apps import AppConfig
from django.utils.translation import gettext_lazy


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = "Comparisons and reports"

    def ready(self) -> None:
        from outcomes.selectors.staff_figures import register_staff_figures
        from reports import receivers, tasks  # noqa: F401  (signal receivers; kinds of job)
        from reports.selectors.staff_figures import latest_staff_figures

        # The follow-up shortlist reads its staff figures from the latest comparison run.
        register_staff_figures(latest_staff_figures)
        from poet.selectors.audit_log import register_audit_kinds
        from poet.selectors.wave_tasks import register_wave_tasks
        from reports.selectors.audit_kinds import RESULTS_KINDS
        from reports.selectors.wave_tasks import results_links, results_tasks

        register_audit_kinds(RESULTS_KINDS)
        register_wave_tasks(
            "reports",
            order=30,
            title=gettext_lazy("Results"),
            provider=results_tasks,
            links=results_links,
        )
