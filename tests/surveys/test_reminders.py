"""Reminders go only to people who have not finished, at the set interval, up to the set number."""

import datetime
import time
import zoneinfo
from email import message_from_string
from pathlib import Path

import pytest
from django.core import mail
from django.utils import timezone
from django_celery_results.models import TaskResult

from poet.models import AuditEvent, Job, Role, Wave
from surveys.models import Invitation, InvitationToken, hash_token
from surveys.services.invitations import send_due_reminders as reminder_round
from surveys.tasks import send_due_reminders
from tests.factories import OrganisationFactory, StaffGroupFactory, WaveFactory, member

LINK_PREFIX = "http://127.0.0.1:8000/s/"


def days_ago(n: float) -> datetime.datetime:
    return timezone.now() - datetime.timedelta(days=n)


def people(wave):
    """Five invitees, each in a different position as to reminders."""
    organisation = OrganisationFactory(partnership=wave.partnership, name="Trust")
    group = StaffGroupFactory(partnership=wave.partnership, name="Nurse")

    def invitee(email, **fields):
        return Invitation.objects.create(
            wave=wave, organisation=organisation, staff_group=group, email=email, **fields
        )

    return {
        "due": invitee("due@example.org", last_sent_at=days_ago(8)),
        "finished": invitee(
            "finished@example.org", last_sent_at=days_ago(8), completed_on=datetime.date.today()
        ),
        "recent": invitee("recent@example.org", last_sent_at=days_ago(2)),
        "at_max": invitee("at-max@example.org", last_sent_at=days_ago(30), reminders_sent=2),
        "never_sent": invitee("never-sent@example.org"),
    }


@pytest.fixture
def reminder_settings(settings):
    settings.SURVEY_REMINDER_INTERVAL_DAYS = 7
    settings.SURVEY_MAX_REMINDERS = 2
    settings.SURVEY_REMINDER_HOUR = 0  # whenever the test runs (the hour has its own tests)
    settings.SITE_URL = "http://127.0.0.1:8000"


def open_wave(**fields):
    return WaveFactory(status=Wave.Status.OPEN, **fields)


@pytest.mark.django_db
def test_the_daily_round_reminds_only_those_due_who_have_not_finished(reminder_settings):
    wave = open_wave()
    who = people(wave)
    assert send_due_reminders.delay().get() == 1
    assert [m.to for m in mail.outbox] == [["due@example.org"]]
    message = mail.outbox[0]
    assert message.subject.startswith("Reminder: ")
    assert "This is a reminder" in message.body
    token = message.body.split(LINK_PREFIX)[1].split("/")[0]
    due = Invitation.objects.get(pk=who["due"].pk)
    assert due.reminders_sent == 1 and due.last_sent_at > days_ago(0.01)
    assert InvitationToken.objects.get(invitation=due).token_hash == hash_token(token)
    for name in ["finished", "recent", "at_max", "never_sent"]:
        invitation = Invitation.objects.get(pk=who[name].pk)
        assert invitation.last_sent_at == who[name].last_sent_at
        assert invitation.reminders_sent == who[name].reminders_sent
    assert AuditEvent.objects.filter(action="invitations.reminded").exists()

    # The next day's round sends nothing more: the interval starts again from the reminder.
    mail.outbox.clear()
    assert send_due_reminders() == 0
    assert mail.outbox == []


@pytest.mark.django_db
def test_reminders_stop_at_the_maximum(reminder_settings, settings):
    settings.SURVEY_REMINDER_INTERVAL_DAYS = 0
    wave = open_wave()
    who = people(wave)
    for _ in range(4):
        send_due_reminders()
    sent_to = [m.to[0] for m in mail.outbox]
    assert sent_to.count("due@example.org") == 2
    assert sent_to.count("recent@example.org") == 2
    assert "finished@example.org" not in sent_to and "at-max@example.org" not in sent_to
    assert "never-sent@example.org" not in sent_to
    assert Invitation.objects.get(pk=who["due"].pk).tokens.count() == 2


@pytest.mark.django_db
def test_no_reminders_for_a_closed_or_overdue_wave(reminder_settings):
    people(WaveFactory(status=Wave.Status.CLOSED))
    people(open_wave(closes_on=datetime.date.today() - datetime.timedelta(days=1)))
    people(WaveFactory(status=Wave.Status.DRAFT))
    assert send_due_reminders() == 0
    assert mail.outbox == []


@pytest.mark.django_db
def test_send_reminders_now_skips_the_interval_but_not_finishers(
    client, reminder_settings, django_capture_on_commit_callbacks
):
    wave = open_wave()
    who = people(wave)
    who["yesterday"] = Invitation.objects.create(
        wave=wave,
        organisation=who["due"].organisation,
        staff_group=who["due"].staff_group,
        email="today@example.org",
        last_sent_at=days_ago(0.5),
    )
    client.force_login(member(wave.partnership, Role.EVALUATOR))
    base = f"/p/{wave.partnership.slug}/waves/{wave.slug}/survey/invitations/"
    assert "Send reminders now" in client.get(base).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(base + "remind/")
    job = Job.objects.get(kind="surveys.send_reminders")
    assert response["Location"].startswith(f"/p/{wave.partnership.slug}/jobs/{job.pk}/")
    assert job.status == Job.Status.SUCCEEDED
    assert sorted(m.to[0] for m in mail.outbox) == ["due@example.org", "recent@example.org"]
    # The person waiting is not told how many were reminded: that would count the finishers.
    page = client.get(f"/p/{wave.partnership.slug}/jobs/{job.pk}/").content.decode()
    assert "Reminders sent to everyone who has not finished." in page


@pytest.mark.django_db
def test_reminders_now_are_refused_while_the_wave_is_not_open(client, reminder_settings):
    wave = WaveFactory(status=Wave.Status.CLOSED)
    people(wave)
    client.force_login(member(wave.partnership, Role.EVALUATOR))
    base = f"/p/{wave.partnership.slug}/waves/{wave.slug}/survey/invitations/"
    response = client.post(base + "remind/", follow=True)
    assert "Reminders are sent only while the wave is open." in response.content.decode()
    assert mail.outbox == [] and not Job.objects.exists()


def test_the_beat_schedule_looks_for_due_reminders_often_and_closes_waves_daily(settings):
    schedules = {e["task"]: e["schedule"] for e in settings.CELERY_BEAT_SCHEDULE.values()}
    closing = schedules["surveys.tasks.close_overdue_waves"]
    assert closing.day_of_week == set(range(7))  # a crontab that runs every day
    assert len(closing.hour) == 1 and len(closing.minute) == 1
    # Reminders are due by elapsed time, so beat looks at least every quarter of an hour, all day.
    reminders = schedules["surveys.tasks.send_due_reminders"]
    assert reminders.day_of_week == set(range(7)) and reminders.hour == set(range(24))
    assert len(reminders.minute) >= 4


# --- when a reminder is due -------------------------------------------------------------------


LONDON = zoneinfo.ZoneInfo("Europe/London")


def at(day: int, hour: int, minute: int = 0) -> datetime.datetime:
    """A time in November 2026 (Greenwich time, as London's clock is then)."""
    return datetime.datetime(2026, 11, day, hour, minute, tzinfo=LONDON)


@pytest.fixture
def sent_at(reminder_settings, settings):
    """One open wave; `sent_at(t)` puts someone on it last e-mailed at t."""
    settings.SURVEY_REMINDER_HOUR = 9
    wave = open_wave()
    organisation = OrganisationFactory(partnership=wave.partnership)
    group = StaffGroupFactory(partnership=wave.partnership)

    def make(when: datetime.datetime) -> Invitation:
        return Invitation.objects.create(
            wave=wave,
            organisation=organisation,
            staff_group=group,
            email=f"{when:%d-%H%M}@example.org",
            last_sent_at=when,
        )

    return make


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("last_sent", "now", "reminded"),
    [
        # E-mailed at 10:00 on Monday: a reminder is due 7 days later, at 10:00 on day 7 ...
        (at(2, 10), at(9, 9, 59), False),
        (at(2, 10), at(9, 10, 0), True),
        (at(2, 10), at(9, 10, 15), True),
        # ... not at 9:00 on day 8 as when reminders went out only at the reminder hour.
        # E-mailed at 7:00: the 7 days are over at 7:00, but the reminder hour is the earliest.
        (at(2, 7), at(9, 8, 59), False),
        (at(2, 7), at(9, 9, 0), True),
        (at(2, 7), at(9, 7, 0), False),
        # Just short of 7 days, a minute before the hour or after: not yet.
        (at(2, 9, 30), at(9, 9, 29), False),
        (at(2, 9, 30), at(9, 9, 30), True),
    ],
)
def test_a_reminder_is_due_by_elapsed_time_from_the_reminder_hour(
    sent_at, last_sent, now, reminded
):
    person = sent_at(last_sent)
    assert reminder_round(now=now) == int(reminded)
    assert [m.to[0] for m in mail.outbox] == ([person.email] if reminded else [])


@pytest.mark.django_db
def test_the_audit_log_says_a_day_had_reminders_never_when_someone_was_reminded(sent_at):
    """One entry per wave and day from the reminder hour, whether anyone was due or not: an
    entry at the time someone added alone is reminded would say they have not answered."""
    sent_at(at(2, 10, 7))
    rounds = [at(9, 8, 45), at(9, 9, 0), at(9, 9, 15), at(9, 10, 15), at(9, 10, 30)]
    reminded = [reminder_round(now=now) for now in rounds]
    assert reminded == [0, 0, 0, 1, 0]
    entries = AuditEvent.objects.filter(action="invitations.reminded")
    assert list(entries.values_list("detail", flat=True)) == [{"day": "2026-11-09"}]
    # A day on which nobody is due has its entry too.
    assert reminder_round(now=at(10, 9, 0)) == 0
    assert entries.count() == 2


@pytest.mark.django_db
def test_every_7_days_means_day_7_for_each_reminder(sent_at):
    """A week of beat runs every quarter of an hour: each reminder goes out on day 7 after the
    e-mail before it, at the first run from the same time of day (not before the hour)."""
    person = sent_at(at(2, 10, 7))
    days = []
    now = at(2, 10, 15)
    while now < at(30, 0):
        if reminder_round(now=now):
            days.append(now)
            # The run records the real time it sent; put the clock of the test in its place.
            Invitation.objects.filter(pk=person.pk).update(last_sent_at=now)
        now += datetime.timedelta(minutes=15)
    assert days == [at(9, 10, 15), at(16, 10, 15)]


@pytest.mark.django_db
def test_the_closing_task_closes_overdue_waves():
    from surveys.tasks import close_overdue_waves

    overdue = open_wave(closes_on=datetime.date.today() - datetime.timedelta(days=1))
    today = open_wave(closes_on=datetime.date.today())
    assert close_overdue_waves.delay().get() == 1
    overdue.refresh_from_db()
    today.refresh_from_db()
    assert (overdue.status, today.status) == (Wave.Status.CLOSED, Wave.Status.OPEN)


# --- a real worker ---------------------------------------------------------------------------


@pytest.fixture
def mail_dir(tmp_path, monkeypatch):
    """E-mails of the worker process go to files here (its own settings, read from the
    environment: the test settings would keep them in the worker's memory)."""
    directory = tmp_path / "mail"
    directory.mkdir()
    monkeypatch.setenv("DJANGO_SETTINGS_MODULE", "poet.settings")
    # filemail:// takes the path after one more slash: four in all for an absolute path.
    monkeypatch.setenv("EMAIL_URL", f"filemail:///{directory.resolve()}")
    monkeypatch.setenv("SECURE_SSL_REDIRECT", "false")
    monkeypatch.setenv("SURVEY_REMINDER_HOUR", "0")
    return directory


@pytest.fixture
def celery_worker(mail_dir, celery_worker):
    """The shared real worker, started after `mail_dir` has set its environment."""
    return celery_worker


def recipients(directory: Path) -> list[str]:
    found = []
    for path in directory.iterdir():
        for chunk in path.read_text().split("-" * 79):
            if chunk.strip():
                found.append(message_from_string(chunk.strip())["To"])
    return found


@pytest.mark.celery_worker
def test_a_real_worker_reminds_only_non_finishers(celery_worker, mail_dir):
    wave = open_wave()
    who = people(wave)
    result = send_due_reminders.delay()
    for _ in range(300):
        stored = TaskResult.objects.filter(task_id=result.id).first()
        if stored and stored.status in {"SUCCESS", "FAILURE"}:
            break
        time.sleep(0.2)
    assert stored is not None and stored.status == "SUCCESS", stored and stored.traceback
    assert stored.worker.startswith("test-worker-")
    assert recipients(mail_dir) == ["due@example.org"]
    due = Invitation.objects.get(pk=who["due"].pk)
    assert due.reminders_sent == 1
    assert Invitation.objects.get(pk=who["finished"].pk).reminders_sent == 0
