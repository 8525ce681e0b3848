"""Partnership context tools from the source frameworks (Glasby & Dickinson 2009, seed 003).

Three short questionnaires for named partner leads, about *where we are now* and *what kind of
relationship we need*:

- levels of integration (Leutz): per user group, the level there is now and the level needed;
- depth and breadth of relationships (Peck, Glasby): each inter-agency relationship placed on a
  depth × breadth matrix as it is and as it should be for the outcomes wanted;
- strategic importance: how important the joint work is to each lead's own organisation, which
  puts every pair of organisations in a quadrant of the strategic importance grid.

Leads are not anonymous (they speak for their organisation), so nothing here is suppressed. Pure
summaries are computed here; charts and tables are laid out by `reports/content/context.py`.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from itertools import combinations
from statistics import mean

from django.db import transaction
from django.utils import timezone

from poet.models import Organisation, UserGroup, Wave
from poet.services import record_audit
from surveys.models import (
    ContextRespondent,
    IntegrationAnswer,
    IntegrationLevel,
    RelationshipPlacement,
    StrategicImportance,
    hash_token,
    new_token,
)

# One-line plain explanations, from Leutz as summarised in the source.
LEVEL_HINTS: dict[int, str] = {
    IntegrationLevel.LINKAGE: (
        "Separate organisations, systematically linked: everyone knows what services exist and "
        "how to reach them. Suits people with mild, moderate or new needs."
    ),
    IntegrationLevel.COORDINATION: (
        "Explicit structures to find points of tension, confusion and gaps between services, "
        "with policies and procedures to deal with them."
    ),
    IntegrationLevel.FULL: (
        "New services with a single approach and pooled funding. Suits people with complex or "
        "unpredictable needs."
    ),
}

# Depth: how closely two partners work together; breadth: how much of their work it covers.
DEPTH: dict[int, str] = {
    1: "Sharing information and knowing who to contact",
    2: "Consulting each other and co-ordinating some work",
    3: "Planning and commissioning together",
    4: "Joint management, joint teams or pooled budgets",
    5: "Fully merged: one organisation or structure",
}
BREADTH: dict[int, str] = {
    1: "One team or service",
    2: "A few services",
    3: "One whole service area or user group",
    4: "Several service areas or user groups",
    5: "The whole system: everything both do together",
}
IMPORTANCE: dict[int, str] = {
    1: "Not important to us",
    2: "Of minor importance",
    3: "Moderately important",
    4: "Important",
    5: "Central to what we are for",
}
HIGH_IMPORTANCE = 4  # ratings at or above this count as "important" in the grid

QUADRANTS = {
    "both": (
        "Important to both",
        "A partnership fits: both organisations will prioritise the joint work.",
    ),
    "one": (
        "Important to one only",
        "A contract may fit better than a partnership: only one side will prioritise it.",
    ),
    "neither": (
        "Important to neither",
        "Question the joint work: neither organisation is likely to prioritise it.",
    ),
}


class ContextError(Exception):
    """A context answer or lead that cannot be saved, with the reason in plain words."""


# Leads and their links


@transaction.atomic
def create_lead(
    wave: Wave, *, name: str, organisation: Organisation, actor=None
) -> tuple[ContextRespondent, str]:
    """A named partner lead with a fresh link token (returned once; only its hash is kept)."""
    if organisation.partnership_id != wave.partnership_id:
        raise ContextError("Choose an organisation of this partnership.")
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


def lead_for_token(wave: Wave, token: str) -> ContextRespondent | None:
    if not token:
        return None
    return ContextRespondent.objects.filter(wave=wave, token_hash=hash_token(token)).first()


# What each lead is asked about


def user_groups(wave: Wave) -> list[UserGroup]:
    return list(wave.partnership.user_groups.order_by("name"))


def relationships_for(lead: ContextRespondent) -> list[tuple[Organisation, Organisation]]:
    """The pairs of partner organisations that include the lead's own, lower pk first."""
    others = lead.wave.partnership.organisations.exclude(pk=lead.organisation_id).order_by("name")
    return [ordered_pair(lead.organisation, other) for other in others]


def ordered_pair(a: Organisation, b: Organisation) -> tuple[Organisation, Organisation]:
    return (a, b) if a.pk < b.pk else (b, a)


def pair_label(a: Organisation, b: Organisation) -> str:
    first, second = sorted([a.name, b.name])
    return f"{first} and {second}"


# Saving answers (by the lead or an evaluator on their behalf)


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
            raise ContextError("That user group is not one of this partnership's.")
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
            raise ContextError("That relationship does not include the lead's organisation.")
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


def service_area_of(lead: ContextRespondent) -> RelationshipPlacement | None:
    return lead.relationship_placements.filter(organisation_a__isnull=True).first()


@transaction.atomic
def save_importance(
    lead: ContextRespondent, importance: int, reason: str = "", *, actor=None
) -> None:
    StrategicImportance.objects.update_or_create(
        respondent=lead, defaults={"importance": importance, "reason": reason.strip()}
    )
    _touched(lead, actor, "importance")


# Summaries for the results page and the reports


@dataclass(frozen=True)
class IntegrationRow:
    user_group: str
    n: int
    mean_now: float
    mean_needed: float
    more: int  # leads who think more integration is needed than there is now
    same: int
    less: int

    @property
    def gap(self) -> float:
        """Needed minus now, in levels (positive: more integration needed)."""
        return self.mean_needed - self.mean_now


def integration_summary(wave: Wave) -> list[IntegrationRow]:
    by_group: dict[str, list[IntegrationAnswer]] = defaultdict(list)
    answers = IntegrationAnswer.objects.filter(respondent__wave=wave).select_related("user_group")
    for answer in answers:
        by_group[answer.user_group.name].append(answer)
    rows = []
    for name in sorted(by_group):
        group = by_group[name]
        rows.append(
            IntegrationRow(
                user_group=name,
                n=len(group),
                mean_now=mean(a.now for a in group),
                mean_needed=mean(a.needed for a in group),
                more=sum(a.needed > a.now for a in group),
                same=sum(a.needed == a.now for a in group),
                less=sum(a.needed < a.now for a in group),
            )
        )
    return rows


@dataclass(frozen=True)
class RelationshipRow:
    relationship: str
    n: int
    depth_now: float
    breadth_now: float
    depth_needed: float
    breadth_needed: float

    @property
    def depth_move(self) -> float:
        return self.depth_needed - self.depth_now

    @property
    def breadth_move(self) -> float:
        return self.breadth_needed - self.breadth_now


def relationship_summary(wave: Wave) -> list[RelationshipRow]:
    """Each relationship with the mean of its leads' placements, as it is and as it should be."""
    by_relationship: dict[str, list[RelationshipPlacement]] = defaultdict(list)
    placements = RelationshipPlacement.objects.filter(respondent__wave=wave).select_related(
        "organisation_a", "organisation_b"
    )
    for p in placements:
        if p.organisation_a and p.organisation_b:
            label = pair_label(p.organisation_a, p.organisation_b)
        else:
            label = p.service_area
        by_relationship[label].append(p)
    return [
        RelationshipRow(
            relationship=label,
            n=len(group),
            depth_now=mean(p.depth_now for p in group),
            breadth_now=mean(p.breadth_now for p in group),
            depth_needed=mean(p.depth_needed for p in group),
            breadth_needed=mean(p.breadth_needed for p in group),
        )
        for label, group in sorted(by_relationship.items())
    ]


def quadrant(importance_a: float, importance_b: float) -> str:
    """ "both", "one" or "neither": the grid cell of a pair, high meaning at or above 4."""
    high = (importance_a >= HIGH_IMPORTANCE) + (importance_b >= HIGH_IMPORTANCE)
    return ("neither", "one", "both")[high]


@dataclass(frozen=True)
class GridRow:
    relationship: str
    organisation_a: str
    importance_a: float
    organisation_b: str
    importance_b: float

    @property
    def quadrant(self) -> str:
        return quadrant(self.importance_a, self.importance_b)


def organisation_importance(wave: Wave) -> dict[str, float]:
    """Each organisation's rating (the mean when several of its leads answered)."""
    ratings: dict[str, list[int]] = defaultdict(list)
    for rating in StrategicImportance.objects.filter(respondent__wave=wave).select_related(
        "respondent__organisation"
    ):
        ratings[rating.respondent.organisation.name].append(rating.importance)
    return {name: mean(values) for name, values in sorted(ratings.items())}


def importance_grid(wave: Wave) -> list[GridRow]:
    """Every pair of organisations that both have a rating, in the grid."""
    ratings = organisation_importance(wave)
    return [
        GridRow(
            relationship=f"{a} and {b}",
            organisation_a=a,
            importance_a=ratings[a],
            organisation_b=b,
            importance_b=ratings[b],
        )
        for a, b in combinations(sorted(ratings), 2)
    ]


def has_answers(wave: Wave) -> bool:
    leads = ContextRespondent.objects.filter(wave=wave)
    return (
        IntegrationAnswer.objects.filter(respondent__in=leads).exists()
        or RelationshipPlacement.objects.filter(respondent__in=leads).exists()
        or StrategicImportance.objects.filter(respondent__in=leads).exists()
    )


def tools_done(lead: ContextRespondent) -> dict[str, bool]:
    """Which of the three tools the lead has answered at all."""
    return {
        "integration": lead.integration_answers.exists(),
        "relationships": lead.relationship_placements.exists(),
        "importance": StrategicImportance.objects.filter(respondent=lead).exists(),
    }
