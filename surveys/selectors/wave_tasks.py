"""The staff survey's tasks on the wave page: design and open, invite, watch responses, close.

Registered with `poet.selectors.wave_tasks` in `SurveysConfig.ready`. Each status is read from
the data (the questionnaire, the staff list, the wave's status and dates).
"""

from django.urls import reverse

from poet.models import Wave
from poet.permissions import Access, Right
from poet.selectors.wave_tasks import TaskAction, TaskStatus, WaveTask
from surveys.selectors.design import has_unpublished_changes
from surveys.selectors.invitations import invitation_summary, open_link_of
from surveys.selectors.opening import is_closed
from surveys.selectors.questionnaire_versions import latest_questionnaire
from surveys.selectors.response_rates import counted_staff_responses

NOT_STARTED, IN_PROGRESS = TaskStatus.NOT_STARTED, TaskStatus.IN_PROGRESS
COMPLETED, CANNOT_START = TaskStatus.COMPLETED, TaskStatus.CANNOT_START


def _url(wave: Wave, name: str) -> str:
    return reverse(
        f"surveys:{name}", kwargs={"partnership": wave.partnership.slug, "wave": wave.slug}
    )


def survey_tasks(access: Access, wave: Wave) -> list[WaveTask]:
    """The four staff survey tasks, in the order they are done."""
    evaluator = access.can(Right.EVALUATE)
    questionnaire = latest_questionnaire(wave)
    closed = is_closed(wave)
    draft = wave.status == Wave.Status.DRAFT
    return [
        _design(wave, evaluator, questionnaire, draft),
        _invite(wave, evaluator, draft, closed),
        _responses(wave, evaluator, draft, closed),
        _close(wave, evaluator, draft, closed),
    ]


def _design(wave: Wave, evaluator: bool, questionnaire, draft: bool) -> WaveTask:
    title = "Design and open the staff survey"
    if questionnaire is None:
        return WaveTask(
            "survey-design",
            title,
            NOT_STARTED,
            hint="Start from the template: every question can be changed before it opens."
            if evaluator
            else "The staff questionnaire has not been written yet.",
            url=_url(wave, "create") if evaluator else "",
            next_step="Create the staff questionnaire from the template, then check it and "
            "open the staff survey.",
            actions=(TaskAction("Create the staff questionnaire", _url(wave, "create")),)
            if evaluator
            else (),
        )
    version = f"{questionnaire.title}, version {questionnaire.version}"
    if draft:
        return WaveTask(
            "survey-design",
            title,
            IN_PROGRESS,
            hint=f"{version}, a draft: open the survey when it is ready.",
            url=_url(wave, "design") if evaluator else "",
            next_step="Check the questionnaire, preview it as staff will see it, then open the "
            "wave: from then on staff can answer.",
            actions=(
                TaskAction("Open the wave", _url(wave, "open")),
                TaskAction("Change the questionnaire", _url(wave, "design"), secondary=True),
                TaskAction(
                    "Preview as a respondent sees it", _url(wave, "preview"), secondary=True
                ),
            )
            if evaluator
            else (),
        )
    unpublished = " (changes not yet published)" if has_unpublished_changes(wave) else ""
    state = "closed" if wave.status == Wave.Status.CLOSED else "open"
    return WaveTask(
        "survey-design",
        title,
        COMPLETED,
        hint=f"{version}, {state}{unpublished}.",
        url=_url(wave, "design") if evaluator else "",
    )


def _invite(wave: Wave, evaluator: bool, draft: bool, closed: bool) -> WaveTask:
    title = "Invite staff"
    summary = invitation_summary(wave)
    link = open_link_of(wave)
    started = summary["invited"] > 0 or link is not None
    url = _url(wave, "invitations") if evaluator else ""

    def go(label: str) -> tuple[TaskAction, ...]:
        return (TaskAction(label, url),) if evaluator else ()

    listed = f"{summary['invited']} {'person' if summary['invited'] == 1 else 'people'}"
    if closed:
        invited = summary["sent"] or link is not None
        done = invited or counted_staff_responses(wave).exists()  # or answers were imported
        return WaveTask(
            "survey-invite",
            title,
            COMPLETED if done else NOT_STARTED,
            hint=(
                f"{summary['sent']} invited by e-mail"
                + (", and an open link" if link is not None else "")
                + "."
            )
            if invited
            else "Answers were imported."
            if done
            else "No one was invited before the survey closed.",
            url=url,
        )
    if draft:
        return WaveTask(
            "survey-invite",
            title,
            IN_PROGRESS if started else NOT_STARTED,
            hint=f"{listed} on the staff list: the e-mails go out once the survey is open."
            if started
            else "Upload the staff list or make an open link: the e-mails go out once the "
            "survey is open.",
            url=url,
            next_step="Upload the staff list now: the invitations are sent once the wave is open.",
            actions=go("Upload the staff list"),
        )
    # Open, and taking answers.
    if summary["unsent"]:
        return WaveTask(
            "survey-invite",
            title,
            IN_PROGRESS if summary["sent"] else NOT_STARTED,
            hint=f"{summary['unsent']} of {summary['with_email']} still to be sent.",
            url=url,
            next_step="The staff survey is open. Next, send the invitations: each person on "
            "the staff list gets their own link by e-mail.",
            actions=go("Send the invitations"),
        )
    if started:
        hint = f"{summary['sent']} invited by e-mail" if summary["sent"] else f"{listed} listed"
        if link is not None:
            hint += ", and an open link" + ("" if link.active else " (turned off)")
        return WaveTask("survey-invite", title, COMPLETED, hint=hint + ".", url=url)
    return WaveTask(
        "survey-invite",
        title,
        NOT_STARTED,
        hint="No one is invited yet.",
        url=url,
        next_step="The staff survey is open but no one is invited yet: upload the staff list "
        "or make an open link.",
        actions=go("Add staff to invite"),
    )


def _responses(wave: Wave, evaluator: bool, draft: bool, closed: bool) -> WaveTask:
    title = "Watch the responses"
    if draft:
        return WaveTask(
            "survey-responses", title, CANNOT_START, hint="Once the staff survey is open."
        )
    url = _url(wave, "responses")
    if closed:
        return WaveTask(
            "survey-responses", title, COMPLETED, hint="The final response rates.", url=url
        )
    actions = [TaskAction("Responses received", url)]
    if evaluator:
        actions.append(TaskAction("Close the wave", _url(wave, "close"), warning=True))
    return WaveTask(
        "survey-responses",
        title,
        IN_PROGRESS,
        hint="Live response rates while the survey is open; reminders go to those who have "
        "not answered.",
        url=url,
        next_step="Staff are answering. Watch the response rates, and close the wave when "
        "enough people have answered"
        + (f" (it closes by itself after {wave.closes_on:%-d %B %Y})." if wave.closes_on else "."),
        actions=tuple(actions),
    )


def _close(wave: Wave, evaluator: bool, draft: bool, closed: bool) -> WaveTask:
    title = "Close the staff survey"
    if draft:
        return WaveTask(
            "survey-close",
            title,
            CANNOT_START,
            hint=f"Closes after {wave.closes_on:%-d %B %Y}."
            if wave.closes_on
            else "Once the staff survey is open.",
        )
    if closed:
        return WaveTask(
            "survey-close",
            title,
            COMPLETED,
            hint="Closed: no more answers are taken.",
        )
    return WaveTask(
        "survey-close",
        title,
        NOT_STARTED,
        hint=f"Closes by itself after {wave.closes_on:%-d %B %Y}."
        if wave.closes_on
        else "No closing date is set: close it when enough staff have answered.",
        url=_url(wave, "close") if evaluator else "",
        next_step="Close the wave when enough staff have answered.",
        actions=(TaskAction("Close the wave", _url(wave, "close"), warning=True),)
        if evaluator
        else (),
    )


def survey_links(access: Access, wave: Wave) -> list[TaskAction]:
    """Other pages of the staff survey the wave page links to."""
    links = []
    if access.can(Right.EVALUATE):
        if latest_questionnaire(wave) is not None:
            links.append(TaskAction("Preview as a respondent sees it", _url(wave, "preview")))
        if not is_closed(wave):
            links.append(TaskAction("Set the closing date", _url(wave, "closing_date")))
        links.append(TaskAction("Staff headcounts", _url(wave, "headcounts")))
        links.append(TaskAction("Languages and translations", _url(wave, "languages")))
    return links
