"""The follow-up's kinds of audit event, in words (registered in `OutcomesConfig.ready`)."""

from outcomes.models import FollowUpSchedule
from poet.selectors.audit_log import AuditKind, word


def _method(value: str) -> str:
    try:
        return FollowUpSchedule.Method(value).label.lower()
    except ValueError:
        return value


def _methods(d: dict) -> str:
    return "Methods: " + (", ".join(_method(m) for m in d["methods"]) or "none")


FOLLOW_UP_KINDS: dict[str, AuditKind | str] = {
    "follow_up.created": "Follow-up schedule created",
    "follow_up.methods_changed": AuditKind("Follow-up methods changed", _methods),
    "follow_up.outcome_chosen": AuditKind(
        "Outcome chosen for the follow-up", lambda d: f"{d['outcome']}"
    ),
    "follow_up.outcome_removed": AuditKind(
        "Outcome taken off the follow-up", lambda d: f"{d['outcome']}"
    ),
    "follow_up.session_added": AuditKind(
        "Session added", lambda d: _method(d["method"]).capitalize()
    ),
    "follow_up.session_changed": AuditKind(
        "Session changed", lambda d: _method(d["method"]).capitalize()
    ),
    "follow_up.session_removed": AuditKind(
        "Session removed", lambda d: _method(d["method"]).capitalize()
    ),
    "follow_up.questionnaire_created": AuditKind(
        "Follow-up questionnaire made",
        lambda d: f"Version {d['version']}, outcomes: {word(d['outcomes'])}",
    ),
    "follow_up.opened": "Follow-up opened",
    "follow_up.closed": "Follow-up closed",
    "participant.registered": AuditKind(
        "Participant registered",
        lambda d: "Consent recorded" if d["consent"] else "Consent not yet recorded",
    ),
    "participant.consent_recorded": "Participant's consent recorded",
    "participant.link_created": "Participant's link made",
    "participant.answers_entered": "Participant's answers entered",
    "participant.withdrawn": AuditKind(
        "Participant withdrawn",
        lambda d: f"{d['responses_deleted']} sets of answers deleted",
    ),
    "shortlist.proposals_collected": AuditKind(
        "Proposed outcomes collected", lambda d: f"{d['added']} new"
    ),
    "shortlist.proposal_adopted": AuditKind("Proposal adopted", lambda d: f"As {d['outcome']}"),
    "shortlist.proposal_merged": AuditKind("Proposal merged", lambda d: f"Into {d['outcome']}"),
    "shortlist.proposal_rejected": AuditKind("Proposal rejected", lambda d: ""),
    "guide.downloaded": AuditKind(
        "Interview or focus group guide downloaded", lambda d: f"{word(d['guide'])} guide"
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
        "Answers imported",
        lambda d: f"{d['responses']} responses from {d['rows']} rows",
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
