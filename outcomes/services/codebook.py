"""The codebook of a wave's follow-up (issue 16, item 3): themes the evaluators code sources to.

Seeded with the chosen outcomes (each a theme, its statement as the description), then the
evaluators add their own themes and sub-themes (one level: a sub-theme has no sub-themes),
rename and describe them, merge two (the codings move to the kept theme) and mark a theme as a
new outcome proposed by users, which makes an outcome proposal of it for the shortlist. Every
change is audited, by the theme's number, never by passages of the sources.
"""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.db.models.functions import Lower
from django.utils.translation import gettext as _

from outcomes.models import Coding, FollowUpSchedule, OutcomeProposal, Theme
from poet.models import OutcomeStatement
from poet.selectors.outcome_statements import outcome_texts
from poet.services import record_audit

NAME_MAX_LENGTH = 200


class CodebookError(Exception):
    """A rule of the codebook was broken; the message is for the evaluator."""


def _audit(action: str, theme: Theme, actor, **detail) -> None:
    record_audit(
        action,
        actor=actor,
        partnership=theme.schedule.wave.partnership,
        target=f"theme {theme.pk}",
        wave=theme.schedule.wave.slug,
        **detail,
    )


def _clean_name(schedule: FollowUpSchedule, name: str, *, other_than: Theme | None = None) -> str:
    name = " ".join((name or "").split())
    if not name:
        raise CodebookError(_("Enter the theme's name."))
    if len(name) > NAME_MAX_LENGTH:
        raise CodebookError(
            _("The name must be at most %(count)s characters.") % {"count": NAME_MAX_LENGTH}
        )
    same = schedule.themes.annotate(lower=Lower("name")).filter(lower=name.lower())
    if other_than is not None:
        same = same.exclude(pk=other_than.pk)
    if same.exists():
        raise CodebookError(
            _("There is already a theme called '%(name)s': choose another name.") % {"name": name}
        )
    return name


def _check_parent(schedule: FollowUpSchedule, parent: Theme | None, theme: Theme | None) -> None:
    if parent is None:
        return
    if parent.schedule_id != schedule.pk:
        raise CodebookError(_("Choose one of this codebook's themes."))
    if parent.parent_id is not None:
        raise CodebookError(
            _("'%(name)s' is itself a sub-theme: choose a theme, not a sub-theme.")
            % {"name": parent.name}
        )
    if theme is not None:
        if parent.pk == theme.pk:
            raise CodebookError(_("A theme cannot be a sub-theme of itself."))
        if theme.children.exists():
            raise CodebookError(
                _(
                    "'%(name)s' has sub-themes of its own, so it cannot become a sub-theme: "
                    "move or merge its sub-themes first."
                )
                % {"name": theme.name}
            )


def seed_codebook(schedule: FollowUpSchedule, *, actor=None) -> int:
    """Make a theme of each chosen outcome not yet one (its code as the name, the statement in
    the partnership's wording as the description). Returns how many themes were added."""
    with transaction.atomic():
        FollowUpSchedule.objects.select_for_update().get(pk=schedule.pk)
        chosen = list(schedule.chosen_outcomes.select_related("outcome"))
        have = set(schedule.themes.exclude(outcome=None).values_list("outcome_id", flat=True))
        texts = outcome_texts(schedule.wave.partnership, [c.outcome.code for c in chosen])
        taken = {n.lower() for n in schedule.themes.values_list("name", flat=True)}
        added = []
        for c in chosen:
            if c.outcome_id in have:
                continue
            name = c.outcome.code
            if name.lower() in taken:  # the evaluators' own theme already has the code's name
                name = f"{name} (outcome)"
            theme = Theme.objects.create(
                schedule=schedule,
                name=name,
                description=texts.get(c.outcome.code, c.outcome.text),
                outcome=c.outcome,
                created_by=actor,
            )
            taken.add(name.lower())
            added.append(theme)
        record_audit(
            "codebook.seeded",
            actor=actor,
            partnership=schedule.wave.partnership,
            target=f"codebook of {schedule.wave.slug}",
            added=len(added),
        )
    return len(added)


def add_theme(
    schedule: FollowUpSchedule,
    *,
    name: str,
    description: str = "",
    parent: Theme | None = None,
    actor=None,
) -> Theme:
    """An evaluator's own theme, or a sub-theme of a theme."""
    _check_parent(schedule, parent, None)
    with transaction.atomic():
        name = _clean_name(schedule, name)
        try:
            with transaction.atomic():
                theme = Theme.objects.create(
                    schedule=schedule,
                    name=name,
                    description=description.strip(),
                    parent=parent,
                    created_by=actor,
                )
        except IntegrityError as e:  # the same name added at the same moment
            raise CodebookError(
                _("There is already a theme called '%(name)s'.") % {"name": name}
            ) from e
        _audit("theme.created", theme, actor, sub_theme_of=parent.pk if parent else None)
    return theme


def change_theme(
    theme: Theme,
    *,
    name: str,
    description: str,
    memo: str,
    parent: Theme | None,
    actor=None,
) -> list[str]:
    """Rename, describe, write the memo of, or move a theme; returns what changed, in words."""
    schedule = theme.schedule
    _check_parent(schedule, parent, theme)
    with transaction.atomic():
        locked = Theme.objects.select_for_update().get(pk=theme.pk)
        name = _clean_name(schedule, name, other_than=locked)
        changed = []
        if name != locked.name:
            changed.append("renamed")
        if description.strip() != locked.description:
            changed.append("description")
        if memo.strip() != locked.memo:
            changed.append("memo")
        if (parent.pk if parent else None) != locked.parent_id:
            changed.append("moved")
        if not changed:
            return []
        locked.name, locked.description, locked.memo = name, description.strip(), memo.strip()
        locked.parent = parent
        locked.save(update_fields=["name", "description", "memo", "parent"])
        _audit("theme.changed", locked, actor, changed=changed)
    theme.name, theme.description, theme.memo, theme.parent = (
        locked.name,
        locked.description,
        locked.memo,
        locked.parent,
    )
    return changed


def merge_themes(theme: Theme, into: Theme, *, actor=None) -> int:
    """Merge `theme` into `into`: its codings (but a coder's same passage coded to both, kept
    once), its sub-themes, its memo and, when `into` has none, its outcome and its proposal move
    to `into`; `theme` is removed. Returns how many codings moved."""
    if into.schedule_id != theme.schedule_id:
        raise CodebookError(_("Choose one of this codebook's themes."))
    if into.pk == theme.pk:
        raise CodebookError(_("Choose another theme to merge it into."))
    if into.parent_id == theme.pk:
        raise CodebookError(
            _(
                "'%(sub_theme)s' is a sub-theme of '%(theme)s': merge the sub-theme into its "
                "theme instead."
            )
            % {"sub_theme": into.name, "theme": theme.name}
        )
    with transaction.atomic():
        locked = Theme.objects.select_for_update().get(pk=theme.pk)
        kept = Theme.objects.select_for_update().get(pk=into.pk)
        if locked.children.exists() and kept.parent_id is not None:
            raise CodebookError(
                _(
                    "'%(name)s' has sub-themes and '%(kept)s' is a sub-theme: a sub-theme "
                    "cannot have sub-themes. Merge it into a theme, or move its sub-themes first."
                )
                % {"name": locked.name, "kept": kept.name}
            )
        moved = 0
        for coding in Coding.objects.select_for_update().filter(theme=locked):
            twin = Coding.objects.filter(
                theme=kept,
                source_id=coding.source_id,
                coder_id=coding.coder_id,
                start=coding.start,
                end=coding.end,
            ).first()
            if twin is None:
                coding.theme = kept
                coding.save(update_fields=["theme"])
                moved += 1
            else:
                if coding.memo and coding.memo not in twin.memo:
                    twin.memo = "\n\n".join(m for m in (twin.memo, coding.memo) if m)
                    twin.save(update_fields=["memo"])
                coding.delete()
        locked.children.update(parent=kept)
        if locked.memo:
            kept.memo = "\n\n".join(
                m for m in (kept.memo, f"From {locked.name}: {locked.memo}") if m
            )
        if kept.description == "" and locked.description:
            kept.description = locked.description
        fields = ["memo", "description"]
        outcome, proposal = locked.outcome, locked.proposal
        if kept.outcome_id is None and outcome is not None:
            locked.outcome = None
            kept.outcome, fields = outcome, [*fields, "outcome"]
        if kept.proposal_id is None and proposal is not None:
            locked.proposal = None
            kept.proposal, fields = proposal, [*fields, "proposal"]
        locked.save(update_fields=["outcome", "proposal"])
        kept.save(update_fields=fields)
        _audit(
            "theme.merged", kept, actor, merged=locked.pk, merged_name=locked.name, codings=moved
        )
        locked.delete()
    return moved


def propose_as_outcome(theme: Theme, *, actor=None) -> OutcomeProposal:
    """Mark a theme "new outcome proposed by users": an outcome proposal of the wave is made of
    it (its description, or its name), for the evaluators to adopt, merge or reject on the
    shortlist, so it can become a statement in the next wave."""
    with transaction.atomic():
        locked = Theme.objects.select_for_update().get(pk=theme.pk)
        if locked.proposal_id is not None:
            raise CodebookError(
                _("'%(name)s' is already proposed as a new outcome.") % {"name": locked.name}
            )
        if locked.outcome is not None:
            raise CodebookError(
                _(
                    "'%(name)s' stands for the outcome %(code)s: only a theme no outcome covers "
                    "can be proposed as a new one."
                )
                % {"name": locked.name, "code": locked.outcome.code}
            )
        text = " ".join((locked.description or locked.name).split())
        proposal = OutcomeProposal.objects.create(
            wave=locked.schedule.wave, source=OutcomeStatement.Source.USERS, text=text
        )
        locked.proposal = proposal
        locked.save(update_fields=["proposal"])
        _audit("theme.proposed", locked, actor, proposal=proposal.pk)
    theme.proposal = proposal
    return proposal


def withdraw_proposal(theme: Theme, *, actor=None) -> None:
    """Unmark a theme as a new outcome: its proposal goes too, while nobody has decided it."""
    with transaction.atomic():
        locked = Theme.objects.select_for_update().get(pk=theme.pk)
        proposal = locked.proposal
        if proposal is None:
            raise CodebookError(
                _("'%(name)s' is not proposed as a new outcome.") % {"name": locked.name}
            )
        if proposal.status != OutcomeProposal.Status.PENDING:
            raise CodebookError(
                _("The proposal made of '%(name)s' is already decided (%(status)s): it stays.")
                % {"name": locked.name, "status": proposal.get_status_display().lower()}
            )
        locked.proposal = None
        locked.save(update_fields=["proposal"])
        proposal.delete()
        _audit("theme.proposal_withdrawn", locked, actor, proposal=proposal.pk)
    theme.proposal = None


def remove_theme(theme: Theme, *, actor=None) -> None:
    """Remove a theme nobody has coded to, with no sub-themes and not proposed as an outcome
    (a theme with codings is merged into another instead, so no coding is lost)."""
    with transaction.atomic():
        locked = Theme.objects.select_for_update().get(pk=theme.pk)
        if locked.codings.exists():
            raise CodebookError(
                _(
                    "Passages are coded to '%(name)s': merge it into another theme instead, so "
                    "the codings are kept."
                )
                % {"name": locked.name}
            )
        if locked.children.exists():
            raise CodebookError(
                _("'%(name)s' has sub-themes: remove or move them first.") % {"name": locked.name}
            )
        if locked.proposal_id is not None:
            raise CodebookError(
                _("'%(name)s' is proposed as a new outcome: stop proposing it first.")
                % {"name": locked.name}
            )
        _audit("theme.removed", locked, actor, name=locked.name)
        locked.delete()
