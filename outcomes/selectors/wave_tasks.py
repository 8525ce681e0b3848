"""The follow-up's tasks on the wave page: choose the outcomes, plan and register, collect.

Registered with `poet.selectors.wave_tasks` in `OutcomesConfig.ready`; each status is read from
the schedule, its chosen outcomes, sessions, participants and their answers.
"""

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from outcomes.models import FollowUpSchedule, ParticipantResponse
from outcomes.selectors.schedule import schedule_of
from outcomes.selectors.staff_figures import staff_figures
from poet.models import Wave
from poet.permissions import Access, Right
from poet.selectors.wave_tasks import TaskAction, TaskStatus, WaveTask
from surveys.selectors.opening import is_closed
from surveys.selectors.response_rates import counted_staff_responses

NOT_STARTED, IN_PROGRESS = TaskStatus.NOT_STARTED, TaskStatus.IN_PROGRESS
COMPLETED, CANNOT_START = TaskStatus.COMPLETED, TaskStatus.CANNOT_START
Status = FollowUpSchedule.Status


def _url(wave: Wave, name: str) -> str:
    return reverse(
        f"outcomes:{name}", kwargs={"partnership": wave.partnership.slug, "wave": wave.slug}
    )


def follow_up_tasks(access: Access, wave: Wave) -> list[WaveTask]:
    """The three follow-up tasks, in the order they are done."""
    evaluator = access.can(Right.EVALUATE)
    schedule = schedule_of(wave)
    chosen = schedule.chosen_outcomes.count() if schedule else 0
    return [
        _choose(wave, evaluator, chosen),
        _plan(wave, evaluator, schedule, chosen),
        _collect(wave, evaluator, schedule),
    ]


def _choose(wave: Wave, evaluator: bool, chosen: int) -> WaveTask:
    title = _("Choose the follow-up outcomes")
    url = _url(wave, "shortlist") if evaluator else ""
    if chosen:
        return WaveTask(
            "follow-up-outcomes",
            title,
            COMPLETED,
            hint=ngettext("%(count)s outcome chosen.", "%(count)s outcomes chosen.", chosen)
            % {"count": chosen},
            url=url,
        )
    # Once staff figures are computed, or staff answers are in and no more are coming (closed,
    # or answers imported into a wave that was never opened).
    collecting = wave.status == Wave.Status.OPEN and not is_closed(wave)
    figures = staff_figures(wave) is not None
    if not figures and (collecting or not counted_staff_responses(wave).exists()):
        return WaveTask(
            "follow-up-outcomes",
            title,
            CANNOT_START,
            hint=_(
                "Once the staff survey has closed with answers: the shortlist comes from "
                "what staff said."
            ),
        )
    return WaveTask(
        "follow-up-outcomes",
        title,
        NOT_STARTED,
        hint=_(
            "From what staff said: the outcomes they rated most important, the ones they "
            "disagreed on, and the ones they proposed."
        ),
        url=url,
        next_step=_(
            "The staff survey's results are in. Next, choose the outcomes to ask service "
            "users and carers about."
        ),
        actions=(TaskAction(_("Outcome shortlist for the follow-up"), url),) if evaluator else (),
    )


def _plan(wave: Wave, evaluator: bool, schedule: FollowUpSchedule | None, chosen: int) -> WaveTask:
    """Sessions can be planned before the outcomes are chosen; the follow-up opens only after."""
    title = _("Plan sessions and register participants")
    url = _url(wave, "schedule")
    if schedule is None:
        return WaveTask(
            "follow-up-plan",
            title,
            NOT_STARTED,
            hint=_(
                "Choose how to ask (questionnaire, interviews, focus groups) and plan the "
                "sessions; the follow-up opens once its outcomes are chosen."
            ),
            url=url,
            next_step=_(
                "Plan the follow-up with service users and carers: how you will ask them, and when."
            ),
            actions=(
                TaskAction(
                    _("Create the follow-up schedule"), _url(wave, "create_schedule"), post=True
                ),
            )
            if evaluator
            else (),
        )
    sessions = schedule.sessions.count()
    participants = schedule.participants.count()
    registered = ngettext(
        "%(count)s participant registered.", "%(count)s participants registered.", participants
    ) % {"count": participants}
    if schedule.status == Status.CLOSED:
        return WaveTask("follow-up-plan", title, COMPLETED, hint=registered, url=url)
    if schedule.status == Status.OPEN:
        if participants:
            return WaveTask("follow-up-plan", title, COMPLETED, hint=registered, url=url)
        return WaveTask(
            "follow-up-plan",
            title,
            IN_PROGRESS,
            hint=_("The follow-up is open: register the people taking part."),
            url=url,
            next_step=_(
                "The follow-up is open. Next, register the service users and carers "
                "taking part, with their consent."
            ),
            actions=(
                TaskAction(_("Participants, consent and answers"), _url(wave, "participants")),
            )
            if evaluator
            else (),
        )
    can_open = bool(schedule.methods) and chosen > 0
    actions = []
    if evaluator:
        actions.append(TaskAction(_("See the follow-up schedule"), url, secondary=can_open))
        if can_open:
            actions.insert(0, TaskAction(_("Open the follow-up"), _url(wave, "open_schedule")))
    if chosen:
        hint = ngettext(
            "Being designed: %(count)s session planned.",
            "Being designed: %(count)s sessions planned.",
            sessions,
        )
    else:
        hint = ngettext(
            "Being designed: %(count)s session planned; it opens once its outcomes are chosen.",
            "Being designed: %(count)s sessions planned; it opens once its outcomes are chosen.",
            sessions,
        )
    return WaveTask(
        "follow-up-plan",
        title,
        IN_PROGRESS if sessions else NOT_STARTED,
        hint=hint % {"count": sessions},
        url=url,
        next_step=_(
            "Choose how you will ask people (the methods) and plan the sessions, then open "
            "the follow-up to register participants."
        ),
        actions=tuple(actions),
    )


def _collect(wave: Wave, evaluator: bool, schedule: FollowUpSchedule | None) -> WaveTask:
    title = _("Collect answers from service users and carers")
    if schedule is None or schedule.status == Status.DRAFT:
        return WaveTask(
            "follow-up-collect", title, CANNOT_START, hint=_("Once the follow-up is open.")
        )
    url = _url(wave, "participants") if evaluator else ""
    if schedule.status == Status.CLOSED:
        return WaveTask(
            "follow-up-collect",
            title,
            COMPLETED,
            hint=_("The follow-up is closed: no more answers are taken."),
            url=url,
        )
    answered = ParticipantResponse.objects.filter(
        participant__schedule=schedule, response__submitted_on__isnull=False
    ).exists()
    if not schedule.participants.exists():
        return WaveTask(
            "follow-up-collect",
            title,
            CANNOT_START,
            hint=_("Once participants are registered."),
        )
    actions = []
    if evaluator:
        actions.append(TaskAction(_("Participants, consent and answers"), url))
        if answered:
            actions.append(
                TaskAction(_("Close the follow-up"), _url(wave, "close_schedule"), warning=True)
            )
    return WaveTask(
        "follow-up-collect",
        title,
        IN_PROGRESS if answered else NOT_STARTED,
        hint=_("Answers are coming in: enter interviews, or let people answer by their own link.")
        if answered
        else _("Enter answers from interviews, or give people a link to answer by themselves."),
        url=url,
        next_step=_(
            "Enter the answers given in interviews and sessions, or give people a link to "
            "answer by themselves. When everyone has answered, close the follow-up: the "
            "comparison then runs by itself."
        ),
        actions=tuple(actions),
    )
