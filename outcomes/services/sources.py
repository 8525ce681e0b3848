"""Qualitative sources of the follow-up: notes and transcripts of sessions, de-identified.

The evaluator types, pastes or uploads (.txt) the text of a session; it is masked before it is
first saved (`poet.analysis.masking`: names of staff and members, participant codes, e-mail
addresses, phone numbers, postcodes) and only the masked text is kept. Why never the original:
an unmasked transcript at rest (in the database, its backups and every copy of them) is the
very thing de-identification exists to prevent, and nothing later needs it: a word the rules
missed is masked by hand on the masked text, and a word masked wrongly is put right by adding
the source again. For the same reason the words masked by hand are applied, counted and
forgotten, and an uploaded file is read and never stored (nor its name, which often holds one).

A source can be coded or quoted only after an evaluator has reviewed its masking and confirmed
it (audited): `confirmed_text` is the one way its text leaves for coding, quoting or exporting.
"""

from __future__ import annotations

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone

from outcomes.models import FollowUpSchedule, FollowUpSession, QualitativeSource
from outcomes.selectors.sources import known_identifiers, uncollected_answers
from outcomes.services.realign import realign_codings
from poet.analysis.masking import KINDS, Masked, mask, mask_words
from poet.services import record_audit

MAX_UPLOAD_BYTES = 2 * 1024 * 1024
MAX_CHARACTERS = 1_000_000
UPLOAD_TYPES = (".txt",)
AUDIENCE_VALUES = tuple(value for value, _ in QualitativeSource.SESSION_AUDIENCES)


class SourceError(Exception):
    """A rule about sources was broken; the message is for the evaluator."""


def text_of_upload(upload: UploadedFile) -> str:
    """The text of an uploaded plain-text file (UTF-8, or Windows' own encoding as a fallback).

    Read in memory and never saved: the file itself is not kept."""
    name = (upload.name or "").lower()
    if not name.endswith(UPLOAD_TYPES):
        raise SourceError(
            "The file must be a plain text file (.txt). Save a Word or OpenDocument file as "
            "plain text, or paste its text instead."
        )
    if upload.size is not None and upload.size > MAX_UPLOAD_BYTES:
        raise SourceError("The file must be smaller than 2 MB.")
    data = upload.read(MAX_UPLOAD_BYTES + 1)
    if len(data) > MAX_UPLOAD_BYTES:
        raise SourceError("The file must be smaller than 2 MB.")
    if b"\x00" in data:
        raise SourceError("The file is not plain text: save it as a .txt file and try again.")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("cp1252", errors="replace")
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _check(schedule: FollowUpSchedule, session: FollowUpSession | None, audience: str) -> None:
    if session is None or session.schedule_id != schedule.pk:
        raise SourceError("Choose one of this follow-up's sessions.")
    if audience not in AUDIENCE_VALUES:
        raise SourceError("Choose who took part: service users, carers, or both.")


def _counts(masked: Masked) -> dict[str, int]:
    return {kind: masked.counts.get(kind, 0) for kind in KINDS}


def add_source(
    schedule: FollowUpSchedule,
    *,
    session: FollowUpSession | None,
    audience: str,
    kind: str,
    text: str,
    actor=None,
) -> QualitativeSource:
    """Mask `text` and store it as a new, unconfirmed source of `session`; the original text
    is never saved."""
    _check(schedule, session, audience)
    if kind not in QualitativeSource.Kind.values:
        raise SourceError("Choose whether it is a transcript or notes.")
    if not text or not text.strip():
        raise SourceError("The source has no text: type or paste it, or upload a .txt file.")
    if len(text) > MAX_CHARACTERS:
        raise SourceError(f"The text is too long (at most {MAX_CHARACTERS:,} characters).")
    known = known_identifiers(schedule)
    masked = mask(text.strip(), names=known.names, codes=known.codes)
    with transaction.atomic():
        source = QualitativeSource.objects.create(
            schedule=schedule,
            session=session,
            kind=kind,
            audience=audience,
            text=masked.text,
            masked_counts=_counts(masked),
            added_by=actor,
        )
        record_audit(
            "source.added",
            actor=actor,
            partnership=schedule.wave.partnership,
            target=f"source {source.pk}",
            wave=schedule.wave.slug,
            session=session.pk if session else None,
            masked=_counts(masked),
        )
    return source


def collect_answer_sources(schedule: FollowUpSchedule, *, actor=None) -> int:
    """Make a masked, unconfirmed source of each free-text answer of the wave not yet one
    (staff with their organisation and staff group; users and carers with their session).
    Collecting again adds only new answers. Returns how many sources were added."""
    with transaction.atomic():
        FollowUpSchedule.objects.select_for_update().get(pk=schedule.pk)
        known = known_identifiers(schedule)
        added = 0
        for answer in uncollected_answers(schedule):
            response = answer.response
            masked = mask(answer.text.strip(), names=known.names, codes=known.codes)
            link = getattr(response, "participant", None)
            QualitativeSource.objects.create(
                schedule=schedule,
                answer=answer,
                session=link.session if link is not None else None,
                kind=QualitativeSource.Kind.ANSWER,
                audience=response.audience,
                organisation=response.organisation,
                staff_group=response.staff_group,
                text=masked.text,
                masked_counts=_counts(masked),
                added_by=actor,
            )
            added += 1
        record_audit(
            "source.answers_collected",
            actor=actor,
            partnership=schedule.wave.partnership,
            target=f"follow-up of {schedule.wave.slug}",
            added=added,
        )
    return added


def mask_further(source: QualitativeSource, words: list[str], *, actor=None) -> int:
    """Mask the words or phrases the evaluator lists (any letter case, whole words) in the
    source's masked text. Returns how many were masked; the words themselves are not kept."""
    wanted = [w.strip() for w in words if w.strip()]
    if not wanted:
        raise SourceError("List at least one word or phrase to mask.")
    with transaction.atomic():
        locked = QualitativeSource.objects.select_for_update().get(pk=source.pk)
        text, count = mask_words(locked.text, wanted)
        counts = _counts(Masked(locked.text, dict(locked.masked_counts)))
        counts["by_hand"] += count
        old_text, locked.text, locked.masked_counts = locked.text, text, counts
        locked.save(update_fields=["text", "masked_counts"])
        realign_codings(locked, old_text)  # codings follow their words
        record_audit(
            "source.masked_by_hand",
            actor=actor,
            partnership=locked.schedule.wave.partnership,
            target=f"source {locked.pk}",
            words=len(wanted),
            masked=count,
        )
    source.text, source.masked_counts = locked.text, locked.masked_counts
    return count


def confirm_masking(source: QualitativeSource, *, actor=None) -> None:
    """The evaluator has read the masked text and confirms nothing identifying is left."""
    with transaction.atomic():
        locked = QualitativeSource.objects.select_for_update().get(pk=source.pk)
        if locked.is_confirmed:
            raise SourceError("The masking of this source is already confirmed.")
        locked.masking = QualitativeSource.Masking.CONFIRMED
        locked.confirmed_by = actor
        locked.confirmed_at = timezone.now()
        locked.save(update_fields=["masking", "confirmed_by", "confirmed_at"])
        record_audit(
            "source.masking_confirmed",
            actor=actor,
            partnership=locked.schedule.wave.partnership,
            target=f"source {locked.pk}",
            masked=locked.masked_counts,
        )
    source.masking, source.confirmed_by, source.confirmed_at = (
        locked.masking,
        locked.confirmed_by,
        locked.confirmed_at,
    )


def confirmed_text(source: QualitativeSource) -> str:
    """The text of a source for coding, quoting or exporting: refused until an evaluator has
    confirmed its masking."""
    if not source.is_confirmed:
        raise SourceError(
            "The masking of this source is not yet confirmed: review and confirm it before "
            "it is coded or quoted."
        )
    return source.text
