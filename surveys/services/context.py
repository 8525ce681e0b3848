"""Partnership context tools: adding partner leads, their links, and saving their answers (by
the lead, or an evaluator on their behalf). What the tools ask and their summaries:
`surveys.selectors.context`."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from poet.models import Organisation, Wave
from poet.services import record_audit
from surveys.models import (
    ContextRespondent,
    IntegrationAnswer,
    RelationshipPlacement,
    StrategicImportance,
    new_token,
)
from surveys.selectors.context import relationships_for, user_groups


class ContextError(Exception):
    """A context answer or lead that cannot be saved, with the reason in plain words."""


# Leads and their links


@transaction.atomic
def create_lead(
    wave: Wave, *, name: str, organisation: Organisation, actor=None
) -> tuple[ContextRespondent, str]:
    """A named partner lead with a fresh link token (returned once; only its hash is kept)."""
    if organisation.partnership_id != wave.partnership_id:
        raise ContextError(_("Choose an organisation of this partnership."))
    token, token_hash = new_token()
    lead = ContextRespondent.objects.create(
        wave=wave, name=name.strip(), organisation=organisation, token_hash=token_hash
    )
    record_audit("context.lead_added", actor=actor, partnership=wave.partnership, target=str(lead))
    return lead, token


def new_link(lead: ContextRespondent, *, actor=None) -> str:
    """A new link for a lead; the old one stops working."""
    token, token_hash = new_token()
    lead.token_hash = token_hash
    lead.save(update_fields=["token_hash"])
    record_audit(
        "context.link_renewed", actor=actor, partnership=lead.wave.partnership, target=str(lead)
    )
    return token


def _touched(lead: ContextRespondent, actor, tool: str) -> None:
    lead.updated_at = timezone.now()
    lead.save(update_fields=["updated_at"])
    if actor is not None:  # an evaluator editing for the lead; the lead's own saves are theirs
        record_audit(
            "context.answers_edited",
            actor=actor,
            partnership=lead.wave.partnership,
            target=str(lead),
            tool=tool,
        )


@transaction.atomic
def save_integration(
    lead: ContextRespondent, answers: dict[int, tuple[int, int] | None], *, actor=None
) -> None:
    """Per user group id: (now, needed), or None to clear it."""
    groups = {g.pk for g in user_groups(lead.wave)}
    for group_id, levels in answers.items():
        if group_id not in groups:
            raise ContextError(_("That user group is not one of this partnership's."))
        if levels is None:
            IntegrationAnswer.objects.filter(respondent=lead, user_group_id=group_id).delete()
            continue
        now, needed = levels
        IntegrationAnswer.objects.update_or_create(
            respondent=lead, user_group_id=group_id, defaults={"now": now, "needed": needed}
        )
    _touched(lead, actor, "integration")


@transaction.atomic
def save_relationships(
    lead: ContextRespondent,
    placements: dict[tuple[int, int], tuple[int, int, int, int] | None],
    *,
    actor=None,
) -> None:
    """Per (organisation_a id, organisation_b id): (depth now, breadth now, depth should be,
    breadth should be), or None when the lead does not place that relationship."""
    allowed = {(a.pk, b.pk) for a, b in relationships_for(lead)}
    for pair, values in placements.items():
        if pair not in allowed:
            raise ContextError(_("That relationship does not include the lead's organisation."))
        existing = RelationshipPlacement.objects.filter(
            respondent=lead, organisation_a_id=pair[0], organisation_b_id=pair[1]
        )
        if values is None:
            existing.delete()
            continue
        fields = dict(
            zip(("depth_now", "breadth_now", "depth_needed", "breadth_needed"), values, strict=True)
        )
        if not existing.update(**fields):
            RelationshipPlacement.objects.create(
                respondent=lead, organisation_a_id=pair[0], organisation_b_id=pair[1], **fields
            )
    _touched(lead, actor, "relationships")


@transaction.atomic
def save_service_area(
    lead: ContextRespondent,
    name: str,
    values: tuple[int, int, int, int] | None,
    *,
    actor=None,
) -> None:
    """The lead's one named service area on the matrix (replacing any earlier one), or none."""
    RelationshipPlacement.objects.filter(respondent=lead, organisation_a__isnull=True).delete()
    if values is not None and name.strip():
        fields = dict(
            zip(("depth_now", "breadth_now", "depth_needed", "breadth_needed"), values, strict=True)
        )
        RelationshipPlacement.objects.create(respondent=lead, service_area=name.strip(), **fields)
    _touched(lead, actor, "relationships")


@transaction.atomic
def save_importance(
    lead: ContextRespondent, importance: int, reason: str = "", *, actor=None
) -> None:
    StrategicImportance.objects.update_or_create(
        respondent=lead, defaults={"importance": importance, "reason": reason.strip()}
    )
    _touched(lead, actor, "importance")
