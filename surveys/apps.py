from django.apps import AppConfig


class SurveysConfig(AppConfig):
    name = "surveys"
    verbose_name = "Staff surveys"

    def ready(self) -> None:
        """Answer the core's signals: a next wave copies the questionnaires."""
        from poet.signals import next_wave_started
        from surveys import receivers

        next_wave_started.connect(
            receivers.next_wave_started, dispatch_uid="surveys.copy_questionnaires"
        )
