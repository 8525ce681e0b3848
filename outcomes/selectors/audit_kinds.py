"""The follow-up's kinds of audit event, in words (registered in `OutcomesConfig.ready`).

The follow-up's labels are English marked for translation (gettext_noop): the audit log
translates them as it shows them. Their details are put in words in the reader's language."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from outcomes.models import FollowUpSchedule
from poet.selectors.audit_log import AuditKind, word


def _method(value: str) -> str:
    try:
        return str(FollowUpSchedule.Method(value).label).lower()
    except ValueError:
        return value


def _methods(d: dict) -> str:
    return _("Methods: %(methods)s") % {
        "methods": ", ".join(_method(m) for m in d["methods"]) or _("none")
    }


FOLLOW_UP_KINDS: dict[str, AuditKind | str] = {
    "follow_up.created": gettext_noop("Follow-up schedule created"),
    "follow_up.methods_changed": AuditKind(gettext_noop("Follow-up methods changed"), _methods),
    "follow_up.outcome_chosen": AuditKind(
        gettext_noop("Outcome chosen for the follow-up"), lambda d: f"{d['outcome']}"
    ),
    "follow_up.outcome_removed": AuditKind(
        gettext_noop("Outcome taken off the follow-up"), lambda d: f"{d['outcome']}"
    ),
    "follow_up.session_added": AuditKind(
        gettext_noop("Session added"), lambda d: _method(d["method"]).capitalize()
    ),
    "follow_up.session_changed": AuditKind(
        gettext_noop("Session changed"), lambda d: _method(d["method"]).capitalize()
    ),
    "follow_up.session_removed": AuditKind(
        gettext_noop("Session removed"), lambda d: _method(d["method"]).capitalize()
    ),
    "follow_up.questionnaire_created": AuditKind(
        gettext_noop("Follow-up questionnaire made"),
        lambda d: (
            _("Version %(version)s, outcomes: %(outcomes)s")
            % {"version": d["version"], "outcomes": word(d["outcomes"])}
        ),
    ),
    "follow_up.opened": gettext_noop("Follow-up opened"),
    "follow_up.closed": gettext_noop("Follow-up closed"),
    "participant.registered": AuditKind(
        gettext_noop("Participant registered"),
        lambda d: _("Consent recorded") if d["consent"] else _("Consent not yet recorded"),
    ),
    "participant.consent_recorded": gettext_noop("Participant's consent recorded"),
    "participant.link_created": gettext_noop("Participant's link made"),
    "participant.answers_entered": gettext_noop("Participant's answers entered"),
    "participant.withdrawn": AuditKind(
        gettext_noop("Participant withdrawn"),
        lambda d: _("%(count)s sets of answers deleted") % {"count": d["responses_deleted"]},
    ),
    "shortlist.proposals_collected": AuditKind(
        gettext_noop("Proposed outcomes collected"),
        lambda d: _("%(count)s new") % {"count": d["added"]},
    ),
    "shortlist.proposal_adopted": AuditKind(
        gettext_noop("Proposal adopted"), lambda d: _("As %(code)s") % {"code": d["outcome"]}
    ),
    "shortlist.proposal_merged": AuditKind(
        gettext_noop("Proposal merged"), lambda d: _("Into %(code)s") % {"code": d["outcome"]}
    ),
    "shortlist.proposal_rejected": AuditKind(gettext_noop("Proposal rejected"), lambda d: ""),
    "guide.downloaded": AuditKind(
        gettext_noop("Interview or focus group guide downloaded"),
        lambda d: _("%(kind)s guide") % {"kind": word(d["guide"])},
    ),
    "codebook.seeded": AuditKind(
        "Chosen outcomes added to the codebook", lambda d: f"{d['added']} themes added"
    ),
    "theme.created": "Theme added",
    "theme.changed": AuditKind("Theme changed", lambda d: word(d["changed"]).capitalize()),
    "theme.merged": AuditKind(
        "Themes merged", lambda d: f"{d['merged_name']} merged in, {d['codings']} codings moved"
    ),
    "theme.proposed": "Theme proposed as a new outcome",
    "theme.removed": AuditKind("Theme removed", lambda d: d["name"]),
    "theme.proposal_withdrawn": "Theme no longer proposed as a new outcome",
    "coding.added": "Passage coded",
    "coding.removed": "Coding removed",
    "coding.memo_written": "Memo on a coded passage written",
    "quote.picked": "Passage picked as a quote for the report",
    "quote.unpicked": "Quote taken out of the report",
    "coding.done": AuditKind("Coding of a source marked done", lambda d: f"{d['codings']} codings"),
    "themes.matrix_exported": AuditKind(
        "Framework matrix downloaded",
        lambda d: (
            f"{d['rows']} row{'' if d['rows'] == 1 else 's'}, "
            f"{d['themes']} theme{'' if d['themes'] == 1 else 's'}"
        ),
    ),
    "answers.imported": AuditKind(
        gettext_noop("Answers imported"),
        lambda d: (
            _("%(responses)s responses from %(rows)s rows")
            % {"responses": d["responses"], "rows": d["rows"]}
        ),
    ),
    "codebook.project_exported": AuditKind(
        "Project for qualitative software (.qdpx) downloaded",
        lambda d: (
            f"{d['sources']} sources, {d['themes']} themes, {d['codings']} codings, "
            f"{d['memos']} memos"
        ),
    ),
    "codebook.codebook_exported": AuditKind(
        "Codebook (.qdc) downloaded", lambda d: f"{d['themes']} themes"
    ),
    "codebook.imported": AuditKind(
        "Codebook (.qdc) imported",
        lambda d: f"{d['added']} themes added, {d['skipped']} not added",
    ),
    "source.original_downloaded": "Original file of notes or a transcript downloaded",
    "source.original_deleted": "Original file of notes or a transcript deleted",
    "source.originals_deleted": AuditKind(
        "Original files of notes and transcripts deleted with the wave's personal data",
        lambda d: f"{d['deleted']} file{'' if d['deleted'] == 1 else 's'}",
    ),
}
