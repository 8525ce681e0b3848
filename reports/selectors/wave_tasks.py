"""The results' tasks on the wave page: compare, then read and download the reports.

Registered with `poet.selectors.wave_tasks` in `ReportsConfig.ready`; each status is read from
the follow-up's status, the comparison jobs and runs, and the report files made.
"""

from urllib.parse import urlencode

from django.urls import reverse
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from outcomes.models import FollowUpSchedule
from outcomes.selectors.responses import counted_responses
from outcomes.selectors.schedule import schedule_of
from poet.models import Audience, Job, Wave
from poet.permissions import Access, Right
from poet.selectors.wave_tasks import TaskAction, TaskStatus, WaveTask
from reports.selectors.downloads import REPORT_JOB
from reports.selectors.runs import latest_job, latest_run
from surveys.selectors.opening import is_accepting_answers

NOT_STARTED, IN_PROGRESS = TaskStatus.NOT_STARTED, TaskStatus.IN_PROGRESS
COMPLETED, CANNOT_START = TaskStatus.COMPLETED, TaskStatus.CANNOT_START
ACTIVE = (Job.Status.QUEUED, Job.Status.RUNNING)


def _url(wave: Wave, name: str) -> str:
    return reverse(
        f"reports:{name}", kwargs={"partnership": wave.partnership.slug, "wave": wave.slug}
    )


def _job_url(job: Job, back: str) -> str:
    url = reverse("job", kwargs={"partnership": job.partnership.slug, "job_id": job.pk})
    return f"{url}?{urlencode({'next': back})}"


def results_tasks(access: Access, wave: Wave) -> list[WaveTask]:
    """Compare, then the reports."""
    run = latest_run(wave)
    return [_compare(access, wave, run), _reports(access, wave, run)]


def _compare(access: Access, wave: Wave, run) -> WaveTask:
    title = _("Compare staff with service users and carers")
    reader = access.can(Right.VIEW_REPORTS)
    results = _url(wave, "comparison")
    job = latest_job(wave)
    if job is not None and job.status in ACTIVE:
        return WaveTask(
            "compare",
            title,
            IN_PROGRESS,
            hint=_("The comparison is %(status)s (%(progress)s%%).")
            % {"status": job.get_status_display().lower(), "progress": job.progress},
            url=results if reader and run else "",
            next_step=_("The comparison is running: its results will be ready in a few minutes."),
            actions=(TaskAction(_("Follow its progress"), _job_url(job, results)),),
        )
    failed = job is not None and job.status == Job.Status.FAILED
    if run is not None and run.n_users and not run.users_left_out:
        return WaveTask(
            "compare",
            title,
            COMPLETED,
            hint=_(
                "Latest results: %(finished)s, %(staff)s staff and %(users)s service users and "
                "carers."
            )
            % {
                # as before: the stored (UTC) time, the month named in the page's language
                "finished": date_format(run.finished_at, "j F Y, H:i"),
                "staff": run.n_staff,
                "users": run.n_users,
            }
            + (" " + _("The last try to run it again did not work.") if failed else ""),
            url=results if reader else "",
        )
    # Something to compare, and nothing still collecting: users' answers are in (by the
    # follow-up, or imported) and neither the staff survey nor the follow-up takes more.
    schedule = schedule_of(wave)
    collecting = is_accepting_answers(wave) or (
        schedule is not None and schedule.status != FollowUpSchedule.Status.CLOSED
    )
    users = counted_responses(wave).exclude(audience=Audience.STAFF).exists()
    if not failed and (collecting or not users):
        return WaveTask(
            "compare",
            title,
            CANNOT_START,
            hint=_("Once the follow-up is closed: the comparison then runs by itself."),
        )
    evaluator = access.can(Right.EVALUATE)
    return WaveTask(
        "compare",
        title,
        NOT_STARTED,
        hint=_("The last comparison did not work: %(error)s") % {"error": job.error}
        if failed and job is not None
        else _("The follow-up is closed: the staff and their answers can be compared."),
        url=results if reader else "",  # the results page runs it too
        next_step=_("The last comparison did not work: see why, and try again.")
        if failed
        else _(
            "The answers are in. Run the comparison of staff with service users and "
            "carers: the reports are made from it."
        ),
        actions=(
            TaskAction(
                _("Try the comparison again") if failed else _("Run comparison"),
                _url(wave, "comparison_run"),
                post=True,
            ),
        )
        if evaluator
        else (),
    )


def _reports(access: Access, wave: Wave, run) -> WaveTask:
    title = _("Read and download the reports")
    if run is None:
        return WaveTask("reports", title, CANNOT_START, hint=_("Once the comparison has results."))
    reader = access.can(Right.VIEW_REPORTS)
    downloads = _url(wave, "downloads")
    files = Job.objects.filter(wave=wave, kind=REPORT_JOB)
    if files.filter(status__in=ACTIVE).exists():
        return WaveTask(
            "reports",
            title,
            IN_PROGRESS,
            hint=_("A report file is being made."),
            url=downloads if reader else "",
            next_step=_("A report file is being made: it will be on the downloads page."),
            actions=(TaskAction(_("Download reports and data"), downloads),) if reader else (),
        )
    made = files.filter(status=Job.Status.SUCCEEDED).count()
    if made:
        return WaveTask(
            "reports",
            title,
            COMPLETED,
            hint=ngettext("%(count)s report file made.", "%(count)s report files made.", made)
            % {"count": made},
            url=downloads if reader else "",
        )
    return WaveTask(
        "reports",
        title,
        NOT_STARTED,
        hint=_(
            "The formative report (working together) and the summative report (outcomes), as "
            "pages, PDF, spreadsheet, CSV or web page."
        ),
        url=downloads if reader else "",
        next_step=_(
            "The comparison is done. Read the reports, and download them to share: PDF, "
            "spreadsheet, CSV or a web page."
        ),
        actions=(
            TaskAction(_("Read the summative report"), _url(wave, "summative")),
            TaskAction(_("Read the formative report"), _url(wave, "formative"), secondary=True),
            TaskAction(_("Download reports and data"), downloads, secondary=True),
        )
        if reader
        else (),
    )


def results_links(access: Access, wave: Wave) -> list[TaskAction]:
    """The results' pages, once there are results; starting the next wave for administrators."""
    links = []
    if access.can(Right.VIEW_REPORTS) and latest_run(wave) is not None:
        links += [
            TaskAction(_("See the comparison"), _url(wave, "comparison")),
            TaskAction(_("Formative report"), _url(wave, "formative")),
            TaskAction(_("Summative report"), _url(wave, "summative")),
            TaskAction(_("Download reports and data"), _url(wave, "downloads")),
        ]
    return links
