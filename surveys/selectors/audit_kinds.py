"""The staff survey's kinds of audit event, in words (registered in `SurveysConfig.ready`).

Labels are English marked for translation (gettext_noop): the audit log translates them as it
shows them. Details are put in words in the reader's language when shown."""

import datetime
from typing import Any

from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from poet.selectors.audit_log import AuditKind, changed, word


def _date(value: Any) -> str:
    return date_format(datetime.date.fromisoformat(value), "j F Y") if value else _("none")


SURVEY_KINDS: dict[str, AuditKind | str] = {
    "wave.opened": gettext_noop("Wave opened"),
    "wave.closed": gettext_noop("Wave closed"),
    "wave.languages_changed": AuditKind(
        gettext_noop("Languages changed"),
        lambda d: (
            _("Added: %(added)s; removed: %(removed)s")
            % {"added": word(d["added"]), "removed": word(d["removed"])}
        ),
    ),
    "translations.exported": AuditKind(
        gettext_noop("Texts downloaded for translation"),
        lambda d: _("Language: %(language)s") % {"language": d["language"]},
    ),
    "translations.imported": AuditKind(
        gettext_noop("Translations imported"),
        lambda d: _("Language: %(language)s; %(strings)s texts, %(changed)s changed") % d,
    ),
    "translations.saved": AuditKind(
        gettext_noop("Translations saved"),
        lambda d: _("Language: %(language)s; %(strings)s texts") % d,
    ),
    "wave.closing_date_set": AuditKind(
        gettext_noop("Closing date set"),
        lambda d: changed(_("Closing date"), _date(d["old"]), _date(d["new"])),
    ),
    "questionnaire.created": AuditKind(
        gettext_noop("Staff questionnaire created"),
        lambda d: _("Outcomes: %(outcomes)s") % {"outcomes": word(d["outcomes"])},
    ),
    "questionnaire.published": AuditKind(
        gettext_noop("Questionnaire changes published"), lambda d: _("Version %(version)s") % d
    ),
    "questionnaire.texts_changed": gettext_noop("Questionnaire wording changed"),
    "questionnaire.outcomes_changed": AuditKind(
        gettext_noop("Questionnaire outcomes changed"),
        lambda d: (
            _("Added: %(added)s; removed: %(removed)s")
            % {"added": word(d["added"]), "removed": word(d["removed"])}
        ),
    ),
    "questionnaire.section_added": AuditKind(
        gettext_noop("Section added"), lambda d: f"“{d['section']}”"
    ),
    "questionnaire.section_changed": AuditKind(
        gettext_noop("Section changed"), lambda d: f"“{d['section']}”"
    ),
    "questionnaire.section_removed": AuditKind(
        gettext_noop("Section removed"), lambda d: f"“{d['section']}”"
    ),
    "questionnaire.section_moved": AuditKind(
        gettext_noop("Section moved"), lambda d: f"“{d['section']}”"
    ),
    "questionnaire.item_added": AuditKind(
        gettext_noop("Question added"), lambda d: _("Question %(item)s") % d
    ),
    "questionnaire.item_changed": AuditKind(
        gettext_noop("Question changed"), lambda d: _("Question %(item)s") % d
    ),
    "questionnaire.item_removed": AuditKind(
        gettext_noop("Question removed"), lambda d: _("Question %(item)s") % d
    ),
    "questionnaire.item_moved": AuditKind(
        gettext_noop("Question moved"), lambda d: _("Question %(item)s") % d
    ),
    "invitations.added": AuditKind(
        gettext_noop("Staff added to the invitation list"), lambda d: _("%(count)s people") % d
    ),
    "invitations.send_started": gettext_noop("Invitations sent"),
    "invitations.remind_started": gettext_noop("Reminders sent"),
    "invitations.reminded": gettext_noop("Reminders sent"),
    "invitations.emails_purged": AuditKind(
        gettext_noop("E-mail addresses deleted"), lambda d: _("%(count)s addresses") % d
    ),
    "open_link.created": AuditKind(
        gettext_noop("Open link made"),
        lambda d: _("At most %(most)s responses") % {"most": word(d["max_responses"])},
    ),
    "open_link.replaced": AuditKind(
        gettext_noop("Open link replaced"),
        lambda d: _("At most %(most)s responses") % {"most": word(d["max_responses"])},
    ),
    "open_link.deactivated": gettext_noop("Open link turned off"),
    "open_link.limit_changed": AuditKind(
        gettext_noop("Open link limit changed"),
        lambda d: changed(_("Most responses"), d["old"], d["new"]),
    ),
    "open_link.confirmed": AuditKind(
        gettext_noop("Open-link responses confirmed"),
        lambda d: (
            _("%(count)s of %(cell)s; %(headcount)s")
            % {
                "count": d["count"],
                "cell": d["cell"],
                "headcount": changed(_("headcount"), d["headcount_old"], d["headcount_new"]),
            }
        ),
    ),
    "open_link.discarded": AuditKind(
        gettext_noop("Open-link responses discarded"), lambda d: _("%(count)s of %(cell)s") % d
    ),
    "headcounts.changed": gettext_noop("Staff headcounts changed"),
    "context.lead_added": gettext_noop("Partner lead added"),
    "context.link_renewed": gettext_noop("Partner lead's link renewed"),
    "context.answers_edited": AuditKind(
        gettext_noop("Partner lead's answers corrected"),
        lambda d: _("Tool: %(tool)s") % {"tool": word(d["tool"])},
    ),
}
