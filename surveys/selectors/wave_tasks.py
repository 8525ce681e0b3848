"""The staff survey's tasks on the wave page: design and open, invite, watch responses, close.

Registered with `poet.selectors.wave_tasks` in `SurveysConfig.ready`. Each status is read from
the data (the questionnaire, the staff list, the wave's status and dates).
"""

from django.urls import reverse
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

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
    title = _("Design and open the staff survey")
    if questionnaire is None:
        return WaveTask(
            "survey-design",
            title,
            NOT_STARTED,
            hint=_("Start from the template: every question can be changed before it opens.")
            if evaluator
            else _("The staff questionnaire has not been written yet."),
            url=_url(wave, "create") if evaluator else "",
            next_step=_(
                "Create the staff questionnaire from the template, then check it and "
                "open the staff survey."
            ),
            actions=(TaskAction(_("Create the staff questionnaire"), _url(wave, "create")),)
            if evaluator
            else (),
        )
    version = {"title": questionnaire.title, "version": questionnaire.version}
    if draft:
        return WaveTask(
            "survey-design",
            title,
            IN_PROGRESS,
            hint=_("%(title)s, version %(version)s, a draft: open the survey when it is ready.")
            % version,
            url=_url(wave, "design") if evaluator else "",
            next_step=_(
                "Check the questionnaire, preview it as staff will see it, then open the "
                "wave: from then on staff can answer."
            ),
            actions=(
                TaskAction(_("Open the wave"), _url(wave, "open")),
                TaskAction(_("Change the questionnaire"), _url(wave, "design"), secondary=True),
                TaskAction(
                    _("Preview as a respondent sees it"), _url(wave, "preview"), secondary=True
                ),
            )
            if evaluator
            else (),
        )
    unpublished = has_unpublished_changes(wave)
    if wave.status == Wave.Status.CLOSED:
        hint = (
            _("%(title)s, version %(version)s, closed (changes not yet published).")
            if unpublished
            else _("%(title)s, version %(version)s, closed.")
        )
    else:
        hint = (
            _("%(title)s, version %(version)s, open (changes not yet published).")
            if unpublished
            else _("%(title)s, version %(version)s, open.")
        )
    return WaveTask(
        "survey-design",
        title,
        COMPLETED,
        hint=hint % version,
        url=_url(wave, "design") if evaluator else "",
    )


def _invite(wave: Wave, evaluator: bool, draft: bool, closed: bool) -> WaveTask:
    title = _("Invite staff")
    summary = invitation_summary(wave)
    link = open_link_of(wave)
    started = summary["invited"] > 0 or link is not None
    url = _url(wave, "invitations") if evaluator else ""

    def go(label: str) -> tuple[TaskAction, ...]:
        return (TaskAction(label, url),) if evaluator else ()

    listed = {"count": summary["invited"]}
    by_email = _("%(count)s invited by e-mail") % {"count": summary["sent"]}
    if closed:
        invited = summary["sent"] or link is not None
        done = invited or counted_staff_responses(wave).exists()  # or answers were imported
        return WaveTask(
            "survey-invite",
            title,
            COMPLETED if done else NOT_STARTED,
            hint=(
                _("%(invited)s, and an open link.") % {"invited": by_email}
                if link is not None
                else f"{by_email}."
            )
            if invited
            else _("Answers were imported.")
            if done
            else _("No one was invited before the survey closed."),
            url=url,
        )
    if draft:
        return WaveTask(
            "survey-invite",
            title,
            IN_PROGRESS if started else NOT_STARTED,
            hint=ngettext(
                "%(count)s person on the staff list: the e-mails go out once the survey is open.",
                "%(count)s people on the staff list: the e-mails go out once the survey is open.",
                summary["invited"],
            )
            % listed
            if started
            else _(
                "Upload the staff list or make an open link: the e-mails go out once the "
                "survey is open."
            ),
            url=url,
            next_step=_(
                "Upload the staff list now: the invitations are sent once the wave is open."
            ),
            actions=go(_("Upload the staff list")),
        )
    # Open, and taking answers.
    if summary["unsent"]:
        return WaveTask(
            "survey-invite",
            title,
            IN_PROGRESS if summary["sent"] else NOT_STARTED,
            hint=_("%(unsent)s of %(total)s still to be sent.")
            % {"unsent": summary["unsent"], "total": summary["with_email"]},
            url=url,
            next_step=_(
                "The staff survey is open. Next, send the invitations: each person on "
                "the staff list gets their own link by e-mail."
            ),
            actions=go(_("Send the invitations")),
        )
    if started:
        hint = (
            by_email
            if summary["sent"]
            else ngettext("%(count)s person listed", "%(count)s people listed", summary["invited"])
            % listed
        )
        if link is None:
            hint = f"{hint}."
        elif link.active:
            hint = _("%(invited)s, and an open link.") % {"invited": hint}
        else:
            hint = _("%(invited)s, and an open link (turned off).") % {"invited": hint}
        return WaveTask("survey-invite", title, COMPLETED, hint=hint, url=url)
    return WaveTask(
        "survey-invite",
        title,
        NOT_STARTED,
        hint=_("No one is invited yet."),
        url=url,
        next_step=_(
            "The staff survey is open but no one is invited yet: upload the staff list "
            "or make an open link."
        ),
        actions=go(_("Add staff to invite")),
    )


def _responses(wave: Wave, evaluator: bool, draft: bool, closed: bool) -> WaveTask:
    title = _("Watch the responses")
    if draft:
        return WaveTask(
            "survey-responses", title, CANNOT_START, hint=_("Once the staff survey is open.")
        )
    url = _url(wave, "responses")
    if closed:
        return WaveTask(
            "survey-responses", title, COMPLETED, hint=_("The final response rates."), url=url
        )
    actions = [TaskAction(_("Responses received"), url)]
    if evaluator:
        actions.append(TaskAction(_("Close the wave"), _url(wave, "close"), warning=True))
    return WaveTask(
        "survey-responses",
        title,
        IN_PROGRESS,
        hint=_(
            "Live response rates while the survey is open; reminders go to those who have "
            "not answered."
        ),
        url=url,
        next_step=_(
            "Staff are answering. Watch the response rates, and close the wave when "
            "enough people have answered (it closes by itself after %(date)s)."
        )
        % {"date": date_format(wave.closes_on, "j F Y")}
        if wave.closes_on
        else _(
            "Staff are answering. Watch the response rates, and close the wave when "
            "enough people have answered."
        ),
        actions=tuple(actions),
    )


def _close(wave: Wave, evaluator: bool, draft: bool, closed: bool) -> WaveTask:
    title = _("Close the staff survey")
    if draft:
        return WaveTask(
            "survey-close",
            title,
            CANNOT_START,
            hint=_("Closes after %(date)s.") % {"date": date_format(wave.closes_on, "j F Y")}
            if wave.closes_on
            else _("Once the staff survey is open."),
        )
    if closed:
        return WaveTask(
            "survey-close",
            title,
            COMPLETED,
            hint=_("Closed: no more answers are taken."),
        )
    return WaveTask(
        "survey-close",
        title,
        NOT_STARTED,
        hint=_("Closes by itself after %(date)s.") % {"date": date_format(wave.closes_on, "j F Y")}
        if wave.closes_on
        else _("No closing date is set: close it when enough staff have answered."),
        url=_url(wave, "close") if evaluator else "",
        next_step=_("Close the wave when enough staff have answered."),
        actions=(TaskAction(_("Close the wave"), _url(wave, "close"), warning=True),)
        if evaluator
        else (),
    )


def survey_links(access: Access, wave: Wave) -> list[TaskAction]:
    """Other pages of the staff survey the wave page links to."""
    links = []
    if access.can(Right.EVALUATE):
        if latest_questionnaire(wave) is not None:
            links.append(TaskAction(_("Preview as a respondent sees it"), _url(wave, "preview")))
        if not is_closed(wave):
            links.append(TaskAction(_("Set the closing date"), _url(wave, "closing_date")))
        links.append(TaskAction(_("Staff headcounts"), _url(wave, "headcounts")))
        links.append(TaskAction(_("Languages and translations"), _url(wave, "languages")))
    return links
