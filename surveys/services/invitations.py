"""Invitations of a wave's staff survey: the staff list, e-mails and reminders, the open link,
and purging e-mail addresses once the wave has closed.

Only token hashes are stored, so every e-mail (the invitation and each reminder) carries a fresh
token. Nothing here tells anyone who has finished: reminders pick the people who have not, and the
people sending them see no names or numbers of who did.
"""

import contextlib
import datetime
import logging
import smtplib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import cast
from urllib.parse import urlencode

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.core.mail.message import make_msgid
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.safestring import mark_safe
from django.utils.translation import get_language_info, gettext_lazy, gettext_noop
from django.utils.translation import gettext as _

from poet.models import AuditEvent, Job, Organisation, StaffGroup, Wave
from poet.services import create_job, enqueue, record_audit
from poet.signals import wave_personal_data_deleted
from surveys.errors import SurveyError
from surveys.languages import ENGLISH
from surveys.models import Invitation, InvitationToken, OpenLink, new_token
from surveys.selectors.opening import is_accepting_answers, is_closed
from surveys.selectors.questionnaire_versions import latest_questionnaire, live_questionnaire
from surveys.selectors.translations import (
    is_translated,
    offered_codes,
    questionnaire_texts,
    translations_of,
)
from surveys.services.staff_list import StaffListError, StaffMember

logger = logging.getLogger(__name__)

SEND_INVITATIONS = "surveys.send_invitations"
SEND_REMINDERS = "surveys.send_reminders"
# A reminder sent "now" by hand still never follows another e-mail within a day.
MANUAL_REMINDER_GAP = datetime.timedelta(days=1)
# English here (the JSON API says it as it is); pages say it through gettext.
CLOSED_TO_INVITATIONS = gettext_noop("This wave is closed: nobody more can be invited.")

Progress = Callable[..., None]


def _absolute(path: str) -> str:
    return getattr(settings, "SITE_URL", "http://127.0.0.1:8000").rstrip("/") + path


def invitation_link(token: str) -> str:
    """The personal link in an invitation or reminder e-mail (the `respond:start` page)."""
    return _absolute(f"/s/{token}/")


def open_link_url(token: str) -> str:
    """The link anyone on the staff may use (the `respond:open` page)."""
    return _absolute(f"/s/open/{token}/")


def reminder_interval() -> datetime.timedelta:
    return datetime.timedelta(days=getattr(settings, "SURVEY_REMINDER_INTERVAL_DAYS", 7))


def max_reminders() -> int:
    return getattr(settings, "SURVEY_MAX_REMINDERS", 2)


def reminder_hour() -> int:
    """The earliest hour of the day (local time) a reminder goes out: nobody is woken at 3 am."""
    return getattr(settings, "SURVEY_REMINDER_HOUR", 9)


def message_id() -> str:
    """A Message-ID in the site's own domain (the machine's name is "localhost" in a container,
    which spam filters hold against a message)."""
    return make_msgid(domain=getattr(settings, "SITE_DOMAIN", "") or "localhost")


# --- the staff list --------------------------------------------------------------------------


def check_can_invite(wave: Wave) -> None:
    """Nobody joins a wave that is closed, or open past its closing date (their link would not
    work: it closes overnight)."""
    if is_closed(wave):
        raise SurveyError(_(CLOSED_TO_INVITATIONS))


@transaction.atomic
def add_invitations(wave: Wave, members: Iterable[StaffMember], *, actor=None) -> int:
    """Store one invitation per member of staff; all of them or, on any clash, none."""
    check_can_invite(wave)
    invitations = [
        Invitation(
            wave=wave,
            email=m.email,
            organisation=m.organisation,
            staff_group=m.staff_group,
            language=m.language,
        )
        for m in members
    ]
    try:
        with transaction.atomic():
            Invitation.objects.bulk_create(invitations, batch_size=1000)
    except IntegrityError:  # someone uploaded the same people a moment ago
        raise StaffListError(
            [
                _(
                    "Some of these people were invited to this wave a moment ago: upload the "
                    "file again."
                )
            ]
        ) from None
    record_audit(
        "invitations.added",
        actor=actor,
        partnership=wave.partnership,
        target=str(wave),
        count=len(invitations),
    )
    return len(invitations)


def add_person(
    wave: Wave,
    *,
    email: str,
    organisation: Organisation,
    staff_group: StaffGroup,
    language: str = "",
    actor=None,
) -> Invitation:
    """Put one member of staff on the wave's staff list by hand (what one row of a staff list
    file says: their e-mail address, organisation, staff group and language, "" when not
    known)."""
    email = email.strip().lower()
    partnership_id = wave.partnership_id
    if (
        organisation.partnership_id != partnership_id
        or staff_group.partnership_id != partnership_id
    ):
        raise SurveyError(_("Choose an organisation and a staff group of this partnership."))
    if language and language not in dict(settings.RESPONDENT_LANGUAGES):
        raise SurveyError(_("Choose a language POET offers, or “Not known”."))
    already = _("%(email)s is already on this wave’s staff list.") % {"email": email}
    if Invitation.objects.filter(wave=wave, email=email).exists():
        raise SurveyError(already)
    try:
        add_invitations(
            wave, [StaffMember(0, email, organisation, staff_group, language)], actor=actor
        )
    except StaffListError:  # added by someone else a moment ago
        raise SurveyError(already) from None
    return Invitation.objects.get(wave=wave, email=email)


# --- e-mails ---------------------------------------------------------------------------------


class MailServerDown(SurveyError):
    """The mail server did not answer, or asked to be tried later: sending stopped. Everyone
    e-mailed before is recorded, so sending again never e-mails them twice."""


class MailServerRefused(SurveyError):
    """The mail server refused POET itself (its sign-in or its sender address): trying again
    will not help until whoever runs POET fixes its e-mail settings."""


def mail_retry_delays() -> list[float]:
    """Seconds to wait before each new try while the mail server is down (back-off)."""
    return [60.0 * m for m in getattr(settings, "EMAIL_RETRY_MINUTES", [1, 5, 15, 30, 60])]


def _duration(seconds: float) -> str:
    minutes = round(seconds / 60)
    hours, minutes = divmod(minutes, 60)
    parts = [f"{hours} hour{'s' if hours != 1 else ''}"] if hours else []
    if minutes or not parts:
        parts.append(f"{minutes} minute{'s' if minutes != 1 else ''}")
    return " ".join(parts)


def mail_server_waiting_text() -> str:
    """What the person waiting is told while sending waits for the mail server ({time}: HH:MM)."""
    return (
        "The mail server did not answer; POET will try again at {time}. Everyone already "
        "e-mailed is recorded and will not get a second e-mail."
    )


def mail_server_gave_up_text(what: str) -> str:
    """The last word when the mail server never came back (`what`: "the invitations")."""
    delays = mail_retry_delays()
    return (
        f"The mail server did not answer, so POET stopped trying after {len(delays) + 1} tries "
        f"over {_duration(sum(delays))}. Everyone e-mailed before it stopped is recorded and will "
        f"not get a second e-mail. Ask whoever runs POET to check the mail server, then send "
        f"{what} again."
    )


def _mail_trouble(error: OSError) -> SurveyError:
    """The plain words for a mail server's failure (SMTP errors are OSErrors too)."""
    if isinstance(error, smtplib.SMTPResponseException) and error.smtp_code >= 500:
        return MailServerRefused(
            _(
                "The mail server refused to send POET’s e-mails (it answered %(code)s). Ask "
                "whoever runs POET to check its e-mail settings, then try again."
            )
            % {"code": error.smtp_code}
        )
    return MailServerDown(_("The mail server did not answer."))


@dataclass
class Sending:
    """What one round of e-mails did: how many went, and the addresses the server refused."""

    sent: int = 0
    refused: list[str] = field(default_factory=list)


def issue_token(invitation: Invitation) -> str:
    """A fresh personal token for one e-mail; only its hash is kept."""
    token, token_hash = new_token()
    InvitationToken.objects.create(invitation=invitation, token_hash=token_hash)
    return token


def closing_words(wave: Wave) -> str:
    """When the survey closes, in the one wording both parts of the e-mail use (the closing date
    itself still takes answers), in the language active now."""
    if wave.closes_on:
        day = date_format(wave.closes_on, "l j F Y")
        if translation.get_language() == WELSH:  # "Dydd Gwener" starts a sentence only
            day = day[:1].lower() + day[1:]
        return _("The survey closes at the end of %(day)s.") % {"day": day}
    return _(
        "Please answer in the next few weeks: the survey closes when the evaluation team has "
        "enough answers."
    )


# --- the e-mail's language -------------------------------------------------------------------

WELSH = "cy"
BOTH = "both"  # Welsh then English: for people whose language is not known, when Welsh is offered


@dataclass(frozen=True)
class Mailing:
    """What every e-mail of a wave's round needs to know about its languages (read once)."""

    offered: tuple[str, ...]  # the languages the wave offers besides English
    welsh_title: str  # the staff questionnaire's Welsh title, when its Welsh is complete


def mailing_of(wave: Wave) -> Mailing:
    offered = tuple(offered_codes(wave))
    welsh_title = ""
    questionnaire = live_questionnaire(wave) or latest_questionnaire(wave)
    if WELSH in offered and questionnaire is not None:
        translations = translations_of(wave.pk, WELSH)
        texts = questionnaire_texts(questionnaire)
        if texts and all(is_translated(t, translations) for t in texts):
            welsh_title = translations.get("staff.questionnaire.title", ("", ""))[1].strip()
    return Mailing(offered, welsh_title)


def email_languages(language: str, mailing: Mailing) -> list[tuple[str, str]]:
    """The parts of one person's e-mail, in order: (the language of its words, the language its
    link opens the survey in, "" for English).

    Welsh for Welsh speakers; Welsh then English for people whose language is not known when
    the wave offers Welsh; otherwise English, its link carrying any other language the person
    reads (the survey opens in it when the wave offers it; POET's own words exist in English and
    Welsh only)."""
    if language == WELSH:
        return [(WELSH, WELSH)]
    if not language and WELSH in mailing.offered:
        return [(WELSH, WELSH), (ENGLISH, "")]
    if language and language != ENGLISH:
        return [(ENGLISH, language)]
    return [(ENGLISH, "")]


def _with_language(link: str, code: str) -> str:
    return f"{link}?{urlencode({'lang': code})}" if code else link


def email_context(invitation: Invitation, link: str, *, reminder: bool = False) -> dict:
    """What the invitation e-mail's templates say, in the language active now (the wave's
    texts in Welsh are added by `_part`)."""
    wave = invitation.wave
    return {
        "partnership": wave.partnership,
        "wave": wave,
        "organisation": invitation.organisation,
        "link": link,
        "closing": closing_words(wave),
        "reminder": reminder,
    }


@dataclass
class Rendered:
    """One e-mail's words: its subject, plain text, and HTML (whole, and the body the preview
    page shows)."""

    subject: str
    text: str
    html: str
    body_html: str
    # The plain text by language, (lang attribute, text), joined by TEXT_SEPARATOR into `text`:
    # the preview page marks each part's language.
    text_parts: tuple[tuple[str, str], ...] = ()


TEXT_SEPARATOR = "\n\n" + "-" * 60 + "\n\n"  # between the parts, each stripped of its end
HTML_SEPARATOR = '\n<hr style="border: 0; border-top: 1px solid #b1b4b6; margin: 16px 0;">\n'


def _html_lang(code: str) -> str:
    return "en-GB" if code == ENGLISH else code


def _part(
    invitation: Invitation,
    link: str,
    code: str,
    *,
    reminder: bool,
    mailing: Mailing,
    tagged: bool,
) -> tuple[str, str, str, str]:
    """(subject, text, HTML body, title) of one language's part, drawn in that language; a
    `tagged` part's HTML says its language (a part of a bilingual e-mail, or one not in
    English)."""
    with translation.override(code):
        context = email_context(invitation, link, reminder=reminder)
        if code == WELSH and mailing.welsh_title:
            context["survey_title"] = mailing.welsh_title
        if tagged:
            context["lang"] = _html_lang(code)
        subject = " ".join(
            render_to_string("surveys/email/invitation_subject.txt", context).split()
        )
        name = invitation.wave.partnership.name
        title = (
            _("Reminder: %(name)s staff survey") if reminder else _("%(name)s staff survey")
        ) % {"name": name}
        return (
            subject,
            render_to_string("surveys/email/invitation.txt", context),
            render_to_string("surveys/email/_invitation_body.html", context),
            title,
        )


def render_email(
    invitation: Invitation,
    link: str,
    *,
    reminder: bool = False,
    mailing: Mailing | None = None,
) -> Rendered:
    """The e-mail's words in the person's language (`email_languages`): one part, or Welsh
    then English, in the subject ("Welsh / English"), the plain text and the HTML alike."""
    mailing = mailing or mailing_of(invitation.wave)
    languages = email_languages(invitation.language, mailing)
    parts = [
        _part(
            invitation,
            _with_language(link, lang),
            code,
            reminder=reminder,
            mailing=mailing,
            tagged=len(languages) > 1 or code != ENGLISH,
        )
        for code, lang in languages
    ]
    body = mark_safe(HTML_SEPARATOR.join(p[2] for p in parts))  # noqa: S308 (our templates)
    html = render_to_string(
        "surveys/email/invitation.html",
        {
            "html_lang": _html_lang(languages[0][0]),
            "title": " / ".join(p[3] for p in parts),
            "body": body,
        },
    )
    texts = [p[1].rstrip() for p in parts[:-1]] + [parts[-1][1]]
    return Rendered(
        subject=" / ".join(p[0] for p in parts),
        text=TEXT_SEPARATOR.join(texts),
        html=html,
        body_html=body,
        text_parts=tuple(
            (_html_lang(code), text) for (code, _lang), text in zip(languages, texts, strict=True)
        ),
    )


def invitation_email(
    invitation: Invitation,
    token: str,
    *,
    reminder: bool = False,
    connection=None,
    mailing: Mailing | None = None,
) -> EmailMultiAlternatives:
    """The invitation (or reminder) e-mail: who asks, why, that it is anonymous, the link, the
    closing date; plain text with an HTML alternative, in the person's language."""
    rendered = render_email(invitation, invitation_link(token), reminder=reminder, mailing=mailing)
    message = EmailMultiAlternatives(
        subject=rendered.subject,
        body=rendered.text,
        to=[invitation.email],
        connection=connection,
        headers={"Message-ID": message_id()},
    )
    message.attach_alternative(rendered.html, "text/html")
    return message


# --- the preview and a test to oneself ---------------------------------------------------------


PREVIEW_TOKEN = "example-link-not-a-real-one"  # leads to the page for a link that does not work


@dataclass(frozen=True)
class Variant:
    """One version of the e-mail a wave sends, and who gets it."""

    key: str  # BOTH, WELSH or ENGLISH
    name: str
    who: str

    @property
    def language(self) -> str:
        """An invitee's language that gets this version."""
        return "" if self.key == BOTH else self.key


def email_variants(wave: Wave, mailing: Mailing | None = None) -> list[Variant]:
    """Every version of the e-mail this wave sends: in Welsh and English, in Welsh, in English
    when it offers Welsh; in English, and in Welsh for Welsh speakers on its staff list, when
    it does not. The first is the one people whose language is not known get."""
    mailing = mailing or mailing_of(wave)
    if WELSH in mailing.offered:
        return [
            Variant(BOTH, _("In Welsh and English"), _("People whose language is not known")),
            Variant(WELSH, _("In Welsh"), _("People whose language is Welsh")),
            Variant(
                ENGLISH, _("In English"), _("People whose language is English or another language")
            ),
        ]
    if Invitation.objects.filter(wave=wave, language=WELSH).exists():
        return [
            Variant(ENGLISH, _("In English"), _("People whose language is not Welsh")),
            Variant(WELSH, _("In Welsh"), _("People whose language is Welsh")),
        ]
    return [Variant(ENGLISH, _("In English"), _("Everyone on the staff list"))]


def link_only_languages(wave: Wave, mailing: Mailing | None = None) -> list[str]:
    """The names (in the page's language) of the languages the wave offers whose speakers get
    the English e-mail with a link that opens the survey in their language (POET's own words
    are in English and Welsh only)."""
    mailing = mailing or mailing_of(wave)
    return [
        str(get_language_info(code)["name_translated"]) for code in mailing.offered if code != WELSH
    ]


def _sample_invitation(wave: Wave, email: str = "", language: str = "") -> Invitation:
    """An invitation to show the e-mail with (never saved): the first organisation's name."""
    organisation = wave.partnership.organisations.order_by("name").first()
    return Invitation(
        wave=wave,
        # Lazy: each language part of the e-mail says it in its own language.
        organisation=organisation
        or Organisation(name=cast(str, gettext_lazy("your organisation"))),
        email=email,
        language=language,
    )


def preview_email(
    wave: Wave, *, reminder: bool = False, language: str = ""
) -> EmailMultiAlternatives:
    """The invitation (or reminder) e-mail as its recipients get it, with an example link."""
    return invitation_email(
        _sample_invitation(wave, language=language), PREVIEW_TOKEN, reminder=reminder
    )


def preview_context(wave: Wave, *, reminder: bool = False) -> dict:
    """What the preview page shows the e-mail's HTML part with (the same template's content)."""
    return email_context(
        _sample_invitation(wave), invitation_link(PREVIEW_TOKEN), reminder=reminder
    )


def preview_body(wave: Wave, *, reminder: bool = False, language: str = "") -> str:
    """The e-mail's HTML content as the preview page shows it (every part, each in its own
    language, whatever language the page is in)."""
    invitation = _sample_invitation(wave, language=language)
    return render_email(invitation, invitation_link(PREVIEW_TOKEN), reminder=reminder).body_html


def preview_text_parts(
    wave: Wave, *, reminder: bool = False, language: str = ""
) -> tuple[tuple[str, str], ...]:
    """The e-mail's plain text as the preview page shows it: (lang, text) of each language's
    part, to be joined by TEXT_SEPARATOR."""
    invitation = _sample_invitation(wave, language=language)
    return render_email(invitation, invitation_link(PREVIEW_TOKEN), reminder=reminder).text_parts


def send_test_email(wave: Wave, user, *, reminder: bool = False, language: str = "") -> str:
    """Send the invitation (or reminder) e-mail, with its example link, to the signed-in person's
    own address only, marked as a test; return the address. Audited. `language`: the e-mail an
    invitee of that language gets ("": the one for people whose language is not known)."""
    address = (getattr(user, "email", "") or "").strip()
    if not address:
        raise SurveyError(
            _(
                "Your account has no e-mail address, so the test cannot be sent: ask a "
                "partnership administrator to add one."
            )
        )
    message = invitation_email(
        _sample_invitation(wave, address, language), PREVIEW_TOKEN, reminder=reminder
    )
    message.subject = _("[Test] %(subject)s") % {"subject": message.subject}
    try:
        message.send()
    except OSError as error:
        logger.warning("Test e-mail not sent: %r", error)
        trouble = _mail_trouble(error)
        if isinstance(trouble, MailServerDown):
            raise MailServerDown(
                _(
                    "The mail server did not answer, so the test e-mail was not sent. Try again "
                    "in a few minutes; if it still fails, ask whoever runs POET to check the mail "
                    "server."
                )
            ) from error
        raise trouble from error
    record_audit(
        "invitations.test_sent",
        actor=user,
        partnership=wave.partnership,
        target=str(wave),
        to=address,
        reminder=reminder,
        language=language,
    )
    return address


def _send(
    wave: Wave,
    invitations: QuerySet[Invitation],
    *,
    reminder: bool,
    progress: Progress | None = None,
) -> Sending:
    """E-mail each invitation a fresh link, one at a time, so a failure part-way loses nothing:
    those already e-mailed are recorded and a retry carries on with the rest.

    Each one is checked again under a row lock just before its e-mail, so two runs at once (a
    double click) never e-mail anyone twice, and someone who finished meanwhile is skipped.
    An address the mail server refuses is skipped (and listed); a server that does not answer
    stops the round with MailServerDown, one that refuses POET itself with MailServerRefused.
    """
    ids = list(invitations.values_list("pk", flat=True))
    outcome = Sending()
    mailing = mailing_of(wave)  # the wave's languages, read once for the round
    connection = get_connection()
    try:
        connection.open()
        for done, pk in enumerate(ids):
            try:
                with transaction.atomic():  # the e-mail and its record, or neither
                    invitation = (
                        invitations.select_for_update(of=("self",))
                        .select_related("organisation")
                        .filter(pk=pk)
                        .first()
                    )
                    if invitation is not None:
                        _send_one(
                            invitation,
                            wave,
                            reminder=reminder,
                            connection=connection,
                            mailing=mailing,
                        )
                        outcome.sent += 1
            except smtplib.SMTPRecipientsRefused as refused:  # this address only: carry on
                outcome.refused.extend(refused.recipients)
            if progress and (done % 20 == 0 or done == len(ids) - 1):
                progress((done + 1) / len(ids), "Sending e-mails")
    except OSError as error:  # refused, reset, timed out, disconnected, "try later"
        logger.warning("Mail server trouble after %s e-mails: %r", outcome.sent, error)
        raise _mail_trouble(error) from error
    finally:
        with contextlib.suppress(OSError):  # a connection already broken
            connection.close()
    return outcome


def _send_one(
    invitation: Invitation,
    wave: Wave,
    *,
    reminder: bool,
    connection,
    mailing: Mailing | None = None,
) -> None:
    """E-mail one person a fresh link, in their language, and record it (in the caller's
    transaction)."""
    invitation.wave = wave
    token = issue_token(invitation)
    invitation_email(
        invitation, token, reminder=reminder, connection=connection, mailing=mailing
    ).send()
    invitation.last_sent_at = timezone.now()
    fields = ["last_sent_at"]
    if reminder:
        invitation.reminders_sent += 1
        fields.append("reminders_sent")
    invitation.save(update_fields=fields)


def unsent_invitations(wave: Wave) -> QuerySet[Invitation]:
    return Invitation.objects.filter(
        wave=wave, last_sent_at__isnull=True, completed_on__isnull=True
    ).exclude(email="")


def send_invitations(wave: Wave, *, progress: Progress | None = None) -> Sending:
    """E-mail everyone on the list who has not been e-mailed yet, while the wave is open."""
    if not is_accepting_answers(wave):
        raise SurveyError(_("The wave is not open: invitations are sent while it is open."))
    return _send(wave, unsent_invitations(wave), reminder=False, progress=progress)


def due_reminders(
    wave: Wave, *, gap: datetime.timedelta | None = None, now: datetime.datetime | None = None
) -> QuerySet[Invitation]:
    """Who gets a reminder: e-mailed before, not finished, last e-mailed at least `gap` ago
    (the reminder interval by default), with reminders to spare."""
    now = now or timezone.now()
    gap = reminder_interval() if gap is None else gap
    return Invitation.objects.filter(
        wave=wave,
        completed_on__isnull=True,
        last_sent_at__isnull=False,
        last_sent_at__lte=now - gap,
        reminders_sent__lt=max_reminders(),
    ).exclude(email="")


def send_reminders(
    wave: Wave,
    *,
    gap: datetime.timedelta | None = None,
    progress: Progress | None = None,
    now: datetime.datetime | None = None,
) -> int:
    """Remind those who have not finished; never anyone who has."""
    if not is_accepting_answers(wave):
        return 0
    reminders = due_reminders(wave, gap=gap, now=now)
    outcome = _send(wave, reminders, reminder=True, progress=progress)
    if outcome.refused:  # no address named anywhere: it would say who has not finished
        logger.warning("The mail server refused %s reminder(s)", len(outcome.refused))
    return outcome.sent


def send_due_reminders(now: datetime.datetime | None = None) -> int:
    """Remind, over every open wave, those whose last e-mail was the reminder interval ago or
    more (run by celery beat every quarter of an hour).

    Due by elapsed time: "every 7 days" is 7 days after the last e-mail, on day 7, but never
    before the reminder hour of the day, so someone e-mailed at 7:00 is reminded at 9:00 on day
    7, and someone e-mailed at 10:00 on day 7 at 10:00 — not at 9:00 on day 8.
    """
    now = now or timezone.now()
    if timezone.localtime(now).hour < reminder_hour():
        return 0
    sent = 0
    for wave in Wave.objects.filter(status=Wave.Status.OPEN).select_related("partnership"):
        if not is_accepting_answers(wave):
            continue
        try:
            n = send_reminders(wave, now=now)
        except MailServerDown:  # the next round, a quarter of an hour on, tries again
            logger.warning("The mail server did not answer: reminders wait for the next round")
            break
        except Exception:  # one wave's trouble must not stop the others' reminders
            logger.exception("Reminders for wave %s failed", wave.pk)
            continue
        _record_reminder_day(wave, timezone.localdate(now))
        sent += n
    return sent


def _record_reminder_day(wave: Wave, day: datetime.date) -> None:
    """One audit entry per wave and day of reminders, whether anyone was due or not, and no
    count: an entry only when someone was reminded, or at the time they were, would say when
    someone had not answered (a person added alone is reminded alone, a week later)."""
    recorded = AuditEvent.objects.filter(
        action="invitations.reminded",
        partnership=wave.partnership,
        target=str(wave),
        detail__day=day.isoformat(),
    )
    if not recorded.exists():
        record_audit(
            "invitations.reminded",
            partnership=wave.partnership,
            target=str(wave),
            day=day.isoformat(),
        )


# --- sending in the background (the kinds of job are registered by surveys.tasks) ----------


def sending_now(wave: Wave, kind: str | None = None) -> Job | None:
    """The unfinished job sending this wave's invitations or reminders (of `kind`), if any:
    waiting for the mail server, or under way."""
    jobs = Job.objects.filter(
        wave=wave,
        kind__in=[kind] if kind else [SEND_INVITATIONS, SEND_REMINDERS],
        status__in=[Job.Status.QUEUED, Job.Status.RUNNING],
    )
    return jobs.order_by("-created_at", "-pk").first()


def start_sending_invitations(wave: Wave, *, user=None) -> Job:
    """Queue the invitation e-mails as a background job the evaluator can watch."""
    if not is_accepting_answers(wave):
        raise SurveyError(_("Open the wave before sending invitations."))
    if sending_now(wave, SEND_INVITATIONS):
        raise SurveyError(_("The invitations are being sent already: see their progress below."))
    if not Invitation.objects.filter(wave=wave).exists():
        raise SurveyError(
            _("Nobody is on the staff list yet: add people before sending invitations.")
        )
    if not unsent_invitations(wave).exists():
        raise SurveyError(_("Everyone on the staff list has already been sent an invitation."))
    job = create_job(SEND_INVITATIONS, partnership=wave.partnership, wave=wave, created_by=user)
    record_audit(
        "invitations.send_started", actor=user, partnership=wave.partnership, target=str(wave)
    )
    enqueue(job)
    return job


def start_sending_reminders(wave: Wave, *, user=None) -> Job:
    """Queue reminders now, to everyone who has not finished and was not e-mailed today."""
    if not is_accepting_answers(wave):
        raise SurveyError(_("Reminders are sent only while the wave is open."))
    if sending_now(wave, SEND_REMINDERS):
        raise SurveyError(_("Reminders are being sent already: see their progress below."))
    job = create_job(SEND_REMINDERS, partnership=wave.partnership, wave=wave, created_by=user)
    record_audit(
        "invitations.remind_started", actor=user, partnership=wave.partnership, target=str(wave)
    )
    enqueue(job)
    return job


# --- the open link ---------------------------------------------------------------------------


MAX_OPEN_LINK_RESPONSES = 100_000


def _check_max_responses(max_responses: int) -> None:
    if not 1 <= max_responses <= MAX_OPEN_LINK_RESPONSES:
        raise SurveyError(
            _("The most responses through the link is a whole number from 1 to %(most)s.")
            % {"most": f"{MAX_OPEN_LINK_RESPONSES:,}"}
        )


@transaction.atomic
def create_open_link(
    wave: Wave, *, max_responses: int = OpenLink.DEFAULT_MAX_RESPONSES, actor=None
) -> str:
    """Make (or remake) the wave's open link, taking at most `max_responses` responses, and
    return its token, the only time it is seen; a remade link replaces the old one, which stops
    working (responses already given through either count towards the limit)."""
    check_can_invite(wave)
    _check_max_responses(max_responses)
    token, token_hash = new_token()
    link, created = OpenLink.objects.select_for_update().get_or_create(
        wave=wave, defaults={"token_hash": token_hash, "max_responses": max_responses}
    )
    if not created:
        link.token_hash = token_hash
        link.active = True
        link.max_responses = max_responses
        link.save(update_fields=["token_hash", "active", "max_responses"])
    record_audit(
        "open_link.created" if created else "open_link.replaced",
        actor=actor,
        partnership=wave.partnership,
        target=str(wave),
        max_responses=max_responses,
    )
    return token


@transaction.atomic
def set_open_link_limit(wave: Wave, max_responses: int, *, actor=None) -> None:
    """Change how many responses the wave's open link takes at most (the link stays the same).
    Lowering it below the responses already taken makes the link full; nothing is deleted."""
    _check_max_responses(max_responses)
    link = OpenLink.objects.select_for_update().filter(wave=wave).first()
    if link is None:
        raise SurveyError(_("This wave has no open link yet."))
    if link.max_responses == max_responses:
        return
    old, link.max_responses = link.max_responses, max_responses
    link.save(update_fields=["max_responses"])
    record_audit(
        "open_link.limit_changed",
        actor=actor,
        partnership=wave.partnership,
        target=str(wave),
        old=old,
        new=max_responses,
    )


@transaction.atomic
def deactivate_open_link(wave: Wave, *, actor=None) -> None:
    """Stop the open link working (answers already given are kept)."""
    updated = OpenLink.objects.filter(wave=wave, active=True).update(active=False)
    if updated:
        record_audit(
            "open_link.deactivated", actor=actor, partnership=wave.partnership, target=str(wave)
        )


# --- purging e-mail addresses ----------------------------------------------------------------


@transaction.atomic
def purge_emails(wave: Wave, *, actor=None) -> int:
    """Blank every e-mail address of a closed wave, and the language of each person's e-mails:
    they were kept only to send links."""
    wave = Wave.objects.select_for_update().get(pk=wave.pk)
    if wave.status != Wave.Status.CLOSED:
        raise SurveyError(
            _(
                "Close the wave before deleting e-mail addresses: they are needed for reminders "
                "while it is open."
            )
        )
    count = (
        Invitation.objects.filter(wave=wave)
        .exclude(email="")
        .update(email="", language="", email_purged_at=timezone.now())
    )
    record_audit(
        "invitations.emails_purged",
        actor=actor,
        partnership=wave.partnership,
        target=str(wave),
        count=count,
    )
    wave_personal_data_deleted.send(sender=Wave, wave=wave, actor=actor)
    return count
