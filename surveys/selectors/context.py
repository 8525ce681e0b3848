"""Partnership context tools from the source frameworks (Glasby & Dickinson 2009, seed 003).

Three short questionnaires for named partner leads, about *where we are now* and *what kind of
relationship we need*:

- levels of integration (Leutz): per user group, the level there is now and the level needed;
- depth and breadth of relationships (Peck, Glasby): each inter-agency relationship placed on a
  depth × breadth matrix as it is and as it should be for the outcomes wanted;
- strategic importance: how important the joint work is to each lead's own organisation, which
  puts every pair of organisations in a quadrant of the strategic importance grid.

Leads are not anonymous (they speak for their organisation), so nothing here is suppressed. The
summaries are computed here; charts and tables are laid out by `reports/content/context.py`;
answers are saved by `surveys.services.context`.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from itertools import combinations
from statistics import mean

from django.db.models import QuerySet
from django.utils.translation import gettext, gettext_noop

from poet.models import Organisation, UserGroup, Wave
from surveys.models import (
    ContextRespondent,
    IntegrationAnswer,
    IntegrationLevel,
    RelationshipPlacement,
    StrategicImportance,
    hash_token,
)

# One-line plain explanations, from Leutz as summarised in the source. The words of this
# module are English data, marked for translation (gettext_noop): pages and files translate them
# as they show them, with gettext.
LEVEL_HINTS: dict[int, str] = {
    IntegrationLevel.LINKAGE: gettext_noop(
        "Separate organisations, systematically linked: everyone knows what services exist and "
        "how to reach them. Suits people with mild, moderate or new needs."
    ),
    IntegrationLevel.COORDINATION: gettext_noop(
        "Explicit structures to find points of tension, confusion and gaps between services, "
        "with policies and procedures to deal with them."
    ),
    IntegrationLevel.FULL: gettext_noop(
        "New services with a single approach and pooled funding. Suits people with complex or "
        "unpredictable needs."
    ),
}

# Depth: how closely two partners work together; breadth: how much of their work it covers.
DEPTH: dict[int, str] = {
    1: gettext_noop("Sharing information and knowing who to contact"),
    2: gettext_noop("Consulting each other and co-ordinating some work"),
    3: gettext_noop("Planning and commissioning together"),
    4: gettext_noop("Joint management, joint teams or pooled budgets"),
    5: gettext_noop("Fully merged: one organisation or structure"),
}
BREADTH: dict[int, str] = {
    1: gettext_noop("One team or service"),
    2: gettext_noop("A few services"),
    3: gettext_noop("One whole service area or user group"),
    4: gettext_noop("Several service areas or user groups"),
    5: gettext_noop("The whole system: everything both do together"),
}
IMPORTANCE: dict[int, str] = {
    1: gettext_noop("Not important to us"),
    2: gettext_noop("Of minor importance"),
    3: gettext_noop("Moderately important"),
    4: gettext_noop("Important"),
    5: gettext_noop("Central to what we are for"),
}
HIGH_IMPORTANCE = 4  # ratings at or above this count as "important" in the grid

QUADRANTS = {
    "both": (
        gettext_noop("Important to both"),
        gettext_noop("A partnership fits: both organisations will prioritise the joint work."),
    ),
    "one": (
        gettext_noop("Important to one only"),
        gettext_noop(
            "A contract may fit better than a partnership: only one side will prioritise it."
        ),
    ),
    "neither": (
        gettext_noop("Important to neither"),
        gettext_noop("Question the joint work: neither organisation is likely to prioritise it."),
    ),
}


def leads_of(wave: Wave) -> QuerySet[ContextRespondent]:
    """The wave's partner leads, with their organisations."""
    return ContextRespondent.objects.filter(wave=wave).select_related("organisation")


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
    return gettext("%(first)s and %(second)s") % {"first": first, "second": second}


def service_area_of(lead: ContextRespondent) -> RelationshipPlacement | None:
    return lead.relationship_placements.filter(organisation_a__isnull=True).first()


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
            relationship=gettext("%(first)s and %(second)s") % {"first": a, "second": b},
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
