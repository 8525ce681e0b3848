"""The staff survey's kinds of audit event, in words (registered in `SurveysConfig.ready`)."""

import datetime
from typing import Any

from poet.selectors.audit_log import AuditKind, changed, word


def _date(value: Any) -> str:
    return f"{datetime.date.fromisoformat(value):%-d %B %Y}" if value else "none"


SURVEY_KINDS: dict[str, AuditKind | str] = {
    "wave.opened": "Wave opened",
    "wave.closed": "Wave closed",
    "wave.languages_changed": AuditKind(
        "Languages changed",
        lambda d: f"Added: {word(d['added'])}; removed: {word(d['removed'])}",
    ),
    "translations.exported": AuditKind(
        "Texts downloaded for translation", lambda d: f"Language: {d['language']}"
    ),
    "translations.imported": AuditKind(
        "Translations imported",
        lambda d: f"Language: {d['language']}; {d['strings']} texts, {d['changed']} changed",
    ),
    "translations.saved": AuditKind(
        "Translations saved", lambda d: f"Language: {d['language']}; {d['strings']} texts"
    ),
    "wave.closing_date_set": AuditKind(
        "Closing date set", lambda d: changed("Closing date", _date(d["old"]), _date(d["new"]))
    ),
    "questionnaire.created": AuditKind(
        "Staff questionnaire created", lambda d: f"Outcomes: {word(d['outcomes'])}"
    ),
    "questionnaire.published": AuditKind(
        "Questionnaire changes published", lambda d: f"Version {d['version']}"
    ),
    "questionnaire.texts_changed": "Questionnaire wording changed",
    "questionnaire.outcomes_changed": AuditKind(
        "Questionnaire outcomes changed",
        lambda d: f"Added: {word(d['added'])}; removed: {word(d['removed'])}",
    ),
    "questionnaire.section_added": AuditKind("Section added", lambda d: f"“{d['section']}”"),
    "questionnaire.section_changed": AuditKind("Section changed", lambda d: f"“{d['section']}”"),
    "questionnaire.section_removed": AuditKind("Section removed", lambda d: f"“{d['section']}”"),
    "questionnaire.section_moved": AuditKind("Section moved", lambda d: f"“{d['section']}”"),
    "questionnaire.item_added": AuditKind("Question added", lambda d: f"Question {d['item']}"),
    "questionnaire.item_changed": AuditKind("Question changed", lambda d: f"Question {d['item']}"),
    "questionnaire.item_removed": AuditKind("Question removed", lambda d: f"Question {d['item']}"),
    "questionnaire.item_moved": AuditKind("Question moved", lambda d: f"Question {d['item']}"),
    "invitations.added": AuditKind(
        "Staff added to the invitation list", lambda d: f"{d['count']} people"
    ),
    "invitations.send_started": "Invitations sent",
    "invitations.remind_started": "Reminders sent",
    "invitations.reminded": "Reminders sent",
    "invitations.emails_purged": AuditKind(
        "E-mail addresses deleted", lambda d: f"{d['count']} addresses"
    ),
    "open_link.created": AuditKind(
        "Open link made", lambda d: f"At most {word(d['max_responses'])} responses"
    ),
    "open_link.replaced": AuditKind(
        "Open link replaced", lambda d: f"At most {word(d['max_responses'])} responses"
    ),
    "open_link.deactivated": "Open link turned off",
    "open_link.limit_changed": AuditKind(
        "Open link limit changed", lambda d: changed("Most responses", d["old"], d["new"])
    ),
    "open_link.confirmed": AuditKind(
        "Open-link responses confirmed",
        lambda d: (
            f"{d['count']} of {d['cell']}; "
            + changed("headcount", d["headcount_old"], d["headcount_new"])
        ),
    ),
    "open_link.discarded": AuditKind(
        "Open-link responses discarded", lambda d: f"{d['count']} of {d['cell']}"
    ),
    "headcounts.changed": "Staff headcounts changed",
    "context.lead_added": "Partner lead added",
    "context.link_renewed": "Partner lead's link renewed",
    "context.answers_edited": AuditKind(
        "Partner lead's answers corrected", lambda d: f"Tool: {word(d['tool'])}"
    ),
}
