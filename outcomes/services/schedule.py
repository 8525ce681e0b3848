"""The follow-up schedule of a wave: methods, chosen outcomes, sessions, opening and closing.

One schedule per wave. It is designed as a draft, opened (the users/carers questionnaire is then
generated from the chosen outcomes and frozen) and closed. Closing is the moment the staff/users
comparison should run, so it sends `outcomes.signals.follow_up_closed` once the change is
committed; the reports part listens.
"""

import logging

from django.db import transaction
from django.utils.translation import gettext as _

from outcomes.models import ChosenOutcome, FollowUpSchedule, FollowUpSession
from outcomes.selectors.schedule import chosen_outcomes
from outcomes.services.follow_up_questionnaire import current_questionnaire
from outcomes.signals import follow_up_closed
from poet.models import OutcomeStatement, Wave
from poet.services import record_audit
from surveys.errors import SurveyError
from surveys.models import Questionnaire
from surveys.services.translations import check_translations

logger = logging.getLogger(__name__)

Method = FollowUpSchedule.Method
Status = FollowUpSchedule.Status


class ScheduleError(Exception):
    """A rule of the follow-up was broken; the message is for the person who broke it."""


def _audit(action: str, schedule: FollowUpSchedule, actor=None, **detail) -> None:
    record_audit(
        action,
        actor=actor,
        partnership=schedule.wave.partnership,
        target=str(schedule),
        wave=schedule.wave.slug,
        **detail,
    )


def _locked(schedule: FollowUpSchedule) -> FollowUpSchedule:
    """The schedule re-read under a row lock, so two evaluators cannot race a status change."""
    return (
        FollowUpSchedule.objects.select_for_update()
        .select_related("wave__partnership")
        .get(pk=schedule.pk)
    )


def _check_not_closed(schedule: FollowUpSchedule) -> None:
    if schedule.status == Status.CLOSED:
        raise ScheduleError(_("The follow-up is closed: it can no longer change."))


# --- the schedule ------------------------------------------------------------------------------


@transaction.atomic
def create_schedule(wave: Wave, *, actor=None) -> FollowUpSchedule:
    """The wave's schedule, created once; a second call returns the existing one."""
    Wave.objects.select_for_update().get(pk=wave.pk)
    schedule, created = FollowUpSchedule.objects.get_or_create(
        wave=wave, defaults={"methods": [Method.QUESTIONNAIRE]}
    )
    if created:
        _audit("follow_up.created", schedule, actor)
    return schedule


@transaction.atomic
def set_methods(schedule: FollowUpSchedule, methods: list[str], *, actor=None) -> None:
    """Which methods are in use; a method that still has sessions cannot be dropped."""
    locked = _locked(schedule)
    _check_not_closed(locked)
    unknown = [m for m in methods if m not in Method.values]
    if unknown:
        raise ScheduleError(_("Choose methods from the list."))
    if not methods:
        raise ScheduleError(_("Choose at least one method."))
    in_use = [m for m in Method.values if m in methods]  # keep the list's own order
    dropped = set(locked.methods) - set(in_use)
    still_planned = sorted(
        set(locked.sessions.filter(method__in=dropped).values_list("method", flat=True))
    )
    if still_planned:
        names = ", ".join(Method(m).label.lower() for m in still_planned)
        raise ScheduleError(
            _("Sessions are planned for %(names)s: remove those sessions before you stop using it.")
            % {"names": names}
        )
    locked.methods = in_use
    locked.save(update_fields=["methods"])
    schedule.methods = in_use
    _audit("follow_up.methods_changed", locked, actor, methods=in_use)


# --- chosen outcomes ---------------------------------------------------------------------------


@transaction.atomic
def add_chosen_outcome(
    schedule: FollowUpSchedule,
    outcome: OutcomeStatement,
    *,
    reason: str,
    note: str = "",
    actor=None,
) -> ChosenOutcome:
    """Put an outcome on the follow-up shortlist, saying why it is in."""
    locked = _locked(schedule)
    _check_not_closed(locked)
    if outcome.partnership_id not in (None, locked.wave.partnership_id):
        raise ScheduleError(_("Choose an outcome from this partnership's library."))
    if reason not in ChosenOutcome.Reason.values:
        raise ScheduleError(_("Choose why this outcome is in."))
    chosen = list(chosen_outcomes(locked))
    if any(c.outcome_id == outcome.pk for c in chosen):
        raise ScheduleError(_("%(code)s is already chosen.") % {"code": outcome.code})
    if any(c.outcome.code == outcome.code for c in chosen):
        raise ScheduleError(
            _("Another chosen outcome already has the code %(code)s: choose only one.")
            % {"code": outcome.code}
        )
    added = ChosenOutcome.objects.create(
        schedule=locked,
        outcome=outcome,
        reason=reason,
        note=note.strip(),
        order=max((c.order for c in chosen), default=-1) + 1,
    )
    _audit("follow_up.outcome_chosen", locked, actor, outcome=outcome.code, reason=reason)
    return added


@transaction.atomic
def remove_chosen_outcome(chosen: ChosenOutcome, *, actor=None) -> None:
    locked = _locked(chosen.schedule)
    _check_not_closed(locked)
    code = chosen.outcome.code
    chosen.delete()
    _audit("follow_up.outcome_removed", locked, actor, outcome=code)


# --- sessions ----------------------------------------------------------------------------------

SESSION_FIELDS = (
    "method",
    "date",
    "mode",
    "facilitator",
    "accessibility_needs",
    "planned_service_users",
    "planned_carers",
)


def check_session(schedule: FollowUpSchedule, values: dict) -> None:
    """The rules a session must keep, whoever saves it (form, admin, import)."""
    if values.get("method") not in schedule.methods:
        label = dict(Method.choices).get(values.get("method", ""), _("That method"))
        raise ScheduleError(
            _(
                "%(method)s is not one of the methods in use: add it to the methods first, "
                "or choose another method."
            )
            % {"method": label}
        )
    negative = {
        "planned_service_users": _("The number of service users planned must be 0 or more."),
        "planned_carers": _("The number of carers planned must be 0 or more."),
    }
    for name, message in negative.items():
        number = values.get(name) or 0
        if not isinstance(number, int) or number < 0:
            raise ScheduleError(message)


@transaction.atomic
def save_session(
    schedule: FollowUpSchedule,
    values: dict,
    *,
    session: FollowUpSession | None = None,
    actor=None,
) -> FollowUpSession:
    """Add a session, or change one of this schedule's sessions."""
    locked = _locked(schedule)
    _check_not_closed(locked)
    check_session(locked, values)
    if session is None:
        session = FollowUpSession(schedule=locked)
    elif session.schedule_id != locked.pk:
        raise ScheduleError(_("That session belongs to another follow-up."))
    for name in SESSION_FIELDS:
        if name in values:
            value = values[name]
            setattr(session, name, value if value is not None or name == "date" else "")
    session.facilitator = (session.facilitator or "").strip()
    session.accessibility_needs = (session.accessibility_needs or "").strip()
    created = session.pk is None
    session.save()
    _audit(
        "follow_up.session_added" if created else "follow_up.session_changed",
        locked,
        actor,
        session=session.pk,
        method=session.method,
    )
    return session


@transaction.atomic
def remove_session(session: FollowUpSession, *, actor=None) -> None:
    """Remove a session; answers collected in it stay, no longer tied to a session."""
    locked = _locked(session.schedule)
    _check_not_closed(locked)
    pk, method = session.pk, session.method
    session.delete()
    _audit("follow_up.session_removed", locked, actor, session=pk, method=method)


# --- opening and closing -----------------------------------------------------------------------


def check_can_open(schedule: FollowUpSchedule) -> None:
    if not schedule.methods:
        raise ScheduleError(_("Choose at least one method before opening the follow-up."))
    if not schedule.chosen_outcomes.exists():
        raise ScheduleError(_("Choose at least one outcome before opening the follow-up."))


def open_schedule(schedule: FollowUpSchedule, *, actor=None) -> Questionnaire:
    """Open the follow-up: the users/carers questionnaire is brought up to date and frozen."""
    with transaction.atomic():
        locked = _locked(schedule)
        if locked.status == Status.CLOSED:
            raise ScheduleError(_("The follow-up is closed: it cannot be opened again."))
        check_can_open(locked)
        locked.status = Status.OPEN
        locked.save(update_fields=["status"])
        questionnaire = current_questionnaire(locked, actor=actor)
        try:  # as a staff survey: not open while a language the wave offers lacks its texts
            check_translations(questionnaire)
        except SurveyError as missing:
            raise ScheduleError(str(missing)) from None
        _audit("follow_up.opened", locked, actor, version=questionnaire.version)
    schedule.status = locked.status
    return questionnaire


def close_schedule(schedule: FollowUpSchedule, *, actor=None) -> bool:
    """Close the follow-up; once committed, `follow_up_closed` asks for the comparison.

    Returns False when it was already closed (nothing is sent twice).
    """
    with transaction.atomic():
        locked = _locked(schedule)
        if locked.status == Status.CLOSED:
            return False
        if locked.status != Status.OPEN:
            raise ScheduleError(_("Only an open follow-up can be closed."))
        locked.status = Status.CLOSED
        locked.save(update_fields=["status"])
        _audit("follow_up.closed", locked, actor)
        transaction.on_commit(lambda: _announce_closed(locked))
    schedule.status = locked.status
    return True


def _announce_closed(schedule: FollowUpSchedule) -> None:
    """A receiver that fails must not undo the closing: log it; the comparison can be rerun."""
    results = follow_up_closed.send_robust(sender=FollowUpSchedule, schedule=schedule)
    for receiver, result in results:
        if isinstance(result, Exception):
            logger.error(
                "follow_up_closed receiver %r failed for schedule %s: %s",
                receiver,
                schedule.pk,
                result,
                exc_info=result,
            )
