from django.apps import AppConfig
from django.utils.translation import gettext_lazy


class SurveysConfig(AppConfig):
    name = "surveys"
    verbose_name = "Staff surveys"

    def ready(self) -> None:
        """Register the survey's kinds of job; answer the core's signals (a next wave copies
        the questionnaires)."""
        from poet.signals import next_wave_started
        from surveys import receivers, tasks  # noqa: F401  (tasks registers the kinds of job)

        next_wave_started.connect(
            receivers.next_wave_started, dispatch_uid="surveys.copy_questionnaires"
        )
        from poet.selectors.audit_log import register_audit_kinds
        from poet.selectors.wave_tasks import register_wave_tasks
        from surveys.selectors.audit_kinds import SURVEY_KINDS
        from surveys.selectors.wave_tasks import survey_links, survey_tasks

        register_audit_kinds(SURVEY_KINDS)
        register_wave_tasks(
            "surveys",
            order=10,
            title=gettext_lazy("Staff survey"),
            provider=survey_tasks,
            links=survey_links,
        )
