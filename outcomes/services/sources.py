"""Qualitative sources of the follow-up: notes and transcripts of sessions, de-identified.

The evaluator types, pastes or uploads (.txt, .docx or .odt, read by `source_files`) the text
of a session; it is masked before it is first saved (`poet.analysis.masking`: names of staff and
members, participant codes, e-mail addresses, phone numbers, postcodes) and only the masked text
is kept. Why never the original: an unmasked transcript at rest (in the database, its backups
and every copy of them) is the very thing de-identification exists to prevent, and nothing later
needs it: a word the rules missed is masked by hand on the masked text, and a word masked wrongly
is put right by adding the source again. For the same reason the words masked by hand are
applied, counted and forgotten, and an uploaded file is read and not stored (nor its name, which
often holds one) - unless the partnership chose to keep original files (its settings page):
then the file is kept under a random name, downloaded only by evaluators (audited), and deleted
with the wave's personal data (`delete_original_files`, on `wave_personal_data_deleted`) or
earlier by an evaluator.

A source can be coded or quoted only after an evaluator has reviewed its masking and confirmed
it (audited): `confirmed_text` is the one way its text leaves for coding, quoting or exporting.
"""

from __future__ import annotations

import uuid
from typing import IO

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from outcomes.models import FollowUpSchedule, FollowUpSession, QualitativeSource
from outcomes.selectors.sources import known_identifiers, uncollected_answers
from outcomes.services.realign import realign_codings
from outcomes.services.source_files import ReadFile
from poet.analysis.masking import KINDS, Masked, mask, mask_words
from poet.models import Partnership, Wave
from poet.services import record_audit

MAX_CHARACTERS = 1_000_000
AUDIENCE_VALUES = tuple(value for value, _ in QualitativeSource.SESSION_AUDIENCES)


class SourceError(Exception):
    """A rule about sources was broken; the message is for the evaluator."""


def _check(schedule: FollowUpSchedule, session: FollowUpSession | None, audience: str) -> None:
    if session is None or session.schedule_id != schedule.pk:
        raise SourceError(_("Choose one of this follow-up's sessions."))
    if audience not in AUDIENCE_VALUES:
        raise SourceError(_("Choose who took part: service users, carers, or both."))


def _counts(masked: Masked) -> dict[str, int]:
    return {kind: masked.counts.get(kind, 0) for kind in KINDS}


def add_source(
    schedule: FollowUpSchedule,
    *,
    session: FollowUpSession | None,
    audience: str,
    kind: str,
    text: str,
    original: ReadFile | None = None,
    actor=None,
) -> QualitativeSource:
    """Mask `text` and store it as a new, unconfirmed source of `session`; the original text
    is never saved, and the uploaded file it was read from (`original`) only when the
    partnership keeps original files."""
    _check(schedule, session, audience)
    if kind not in QualitativeSource.Kind.values:
        raise SourceError(_("Choose whether it is a transcript or notes."))
    if not text or not text.strip():
        raise SourceError(_("The source has no text: type or paste it, or upload a file."))
    if len(text) > MAX_CHARACTERS:
        raise SourceError(
            _("The text is too long (at most %(count)s characters).")
            % {"count": f"{MAX_CHARACTERS:,}"}
        )
    known = known_identifiers(schedule)
    masked = mask(text.strip(), names=known.names, codes=known.codes)
    saved = ""
    try:
        with transaction.atomic():
            keep = original is not None and _keeps_files(schedule)
            source = QualitativeSource.objects.create(
                schedule=schedule,
                session=session,
                kind=kind,
                audience=audience,
                text=masked.text,
                masked_counts=_counts(masked),
                added_by=actor,
            )
            if keep and original is not None:
                # A random name: the uploaded one often holds a participant's name.
                name = f"{uuid.uuid4().hex}{original.extension}"
                source.original_file.save(name, ContentFile(original.data), save=False)
                saved = source.original_file.name or ""
                source.save(update_fields=["original_file"])
            record_audit(
                "source.added",
                actor=actor,
                partnership=schedule.wave.partnership,
                target=f"source {source.pk}",
                wave=schedule.wave.slug,
                session=session.pk if session else None,
                masked=_counts(masked),
                original_kept=bool(saved),
            )
    except BaseException:
        if saved:
            default_storage.delete(saved)  # nothing was stored: neither is the file
        raise
    return source


def _keeps_files(schedule: FollowUpSchedule) -> bool:
    """The partnership's setting as it is now (not as when the page was loaded)."""
    partnership = Partnership.objects.filter(pk=schedule.wave.partnership_id)
    return partnership.filter(keep_source_files=True).exists()


def _delete_files_after_commit(names: list[str]) -> None:
    """Delete stored files once the rows naming them are gone for good (not on a rollback)."""

    def delete() -> None:
        for name in names:
            default_storage.delete(name)

    if names:
        transaction.on_commit(delete)


def forget_original_file(source: QualitativeSource) -> None:
    """Delete the kept file of a source being deleted, once the deletion is committed."""
    if source.original_file:
        _delete_files_after_commit([source.original_file.name or ""])


def open_original(source: QualitativeSource, *, actor=None) -> tuple[IO[bytes], str]:
    """The kept original file of a source, for an evaluator to download, and the name to give
    it; each download is audited. Refused when no file is kept."""
    if not source.original_file:
        raise SourceError(
            _(
                "No original file is kept for this source: only its masked text. The partnership's "
                "settings say whether uploaded files are kept."
            )
        )
    try:
        handle = source.original_file.open("rb")
    except FileNotFoundError as e:
        raise SourceError(
            _("The original file is no longer there: only the masked text is.")
        ) from e
    record_audit(
        "source.original_downloaded",
        actor=actor,
        partnership=source.schedule.wave.partnership,
        target=f"source {source.pk}",
        wave=source.schedule.wave.slug,
    )
    extension = "." + (source.original_file.name or "").rsplit(".", 1)[-1]
    return handle, f"original-of-source-{source.pk}{extension}"


def delete_original(source: QualitativeSource, *, actor=None) -> None:
    """An evaluator deletes a source's kept original file now (its masked text stays)."""
    with transaction.atomic():
        locked = QualitativeSource.objects.select_for_update().get(pk=source.pk)
        if not locked.original_file:
            raise SourceError(_("No original file is kept for this source."))
        name = locked.original_file.name or ""
        locked.original_file = ""
        locked.save(update_fields=["original_file"])
        record_audit(
            "source.original_deleted",
            actor=actor,
            partnership=locked.schedule.wave.partnership,
            target=f"source {locked.pk}",
            wave=locked.schedule.wave.slug,
        )
        _delete_files_after_commit([name])
    source.original_file = locked.original_file


def delete_original_files(wave: Wave, *, actor=None) -> int:
    """Delete every kept original file of the wave's sources (the wave's retention: run when
    its personal data is deleted); their masked text stays. Returns how many were deleted."""
    with transaction.atomic():
        kept = (
            QualitativeSource.objects.select_for_update()
            .filter(schedule__wave=wave)
            .exclude(original_file="")
        )
        names = [name for name in kept.values_list("original_file", flat=True) if name]
        if not names:
            return 0
        kept.update(original_file="")
        record_audit(
            "source.originals_deleted",
            actor=actor,
            partnership=wave.partnership,
            target=f"follow-up of {wave.slug}",
            deleted=len(names),
        )
        _delete_files_after_commit(names)
    return len(names)


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
        raise SourceError(_("List at least one word or phrase to mask."))
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
            raise SourceError(_("The masking of this source is already confirmed."))
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
            _(
                "The masking of this source is not yet confirmed: review and confirm it before "
                "it is coded or quoted."
            )
        )
    return source.text
