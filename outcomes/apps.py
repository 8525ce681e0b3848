from django.apps import AppConfig
from django.utils.translation import gettext_lazy


class OutcomesConfig(AppConfig):
    name = "outcomes"
    verbose_name = "Follow-up with service users and carers"

    def ready(self) -> None:
        """Hook the follow-up into the survey engine, which knows nothing of it (DESIGN §7)."""
        from django.db.models.signals import post_delete

        from outcomes import receivers, tasks  # noqa: F401  (tasks registers the kinds of job)
        from outcomes.models import QualitativeSource
        from outcomes.services.participants import (
            check_follow_up_draft,
            draft_for_participant_token,
        )
        from poet.signals import next_wave_started, wave_personal_data_deleted
        from surveys.services.answering import register_draft_check, register_link_starter
        from surveys.signals import response_submitted

        response_submitted.connect(
            receivers.response_submitted, dispatch_uid="outcomes.participant_response"
        )
        next_wave_started.connect(
            receivers.next_wave_started, dispatch_uid="outcomes.copy_follow_up"
        )
        wave_personal_data_deleted.connect(
            receivers.wave_personal_data_deleted, dispatch_uid="outcomes.delete_original_files"
        )
        post_delete.connect(
            receivers.source_deleted,
            sender=QualitativeSource,
            dispatch_uid="outcomes.forget_original_file",
        )
        register_link_starter("participant", draft_for_participant_token)
        register_draft_check(check_follow_up_draft)
        from outcomes.selectors.audit_kinds import FOLLOW_UP_KINDS
        from outcomes.selectors.wave_tasks import follow_up_tasks
        from poet.selectors.audit_log import register_audit_kinds
        from poet.selectors.wave_tasks import register_wave_tasks

        register_audit_kinds(FOLLOW_UP_KINDS)
        register_wave_tasks(
            "outcomes",
            order=20,
            title=gettext_lazy("Follow-up with service users and carers"),
            provider=follow_up_tasks,
        )
