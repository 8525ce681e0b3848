"""Reads of the follow-up schedule: the schedule of a wave, its outcomes, and its progress."""

from collections.abc import Mapping
from dataclasses import dataclass, field

from django.db.models import Count, QuerySet, Sum

from outcomes.models import ChosenOutcome, FollowUpSchedule, FollowUpSession, ParticipantResponse
from poet.models import Audience, OutcomeStatement, Wave
from poet.selectors.outcome_statements import outcome_statements_for
from surveys.models import Item, Questionnaire
from surveys.selectors.respondents import respondents

Method = FollowUpSchedule.Method


def schedule_of(wave: Wave) -> FollowUpSchedule | None:
    return FollowUpSchedule.objects.filter(wave=wave).select_related("wave__partnership").first()


def method_labels(schedule: FollowUpSchedule) -> list[str]:
    return [str(Method(m).label) for m in Method.values if m in schedule.methods]


def staff_outcomes(wave: Wave) -> list[OutcomeStatement]:
    """The outcomes the wave's staff were asked about (any version), in the order asked."""
    seen: dict[int, OutcomeStatement] = {}
    items = (
        Item.objects.filter(
            section__questionnaire__wave=wave,
            section__questionnaire__audience=Questionnaire.For.STAFF,
            outcome__isnull=False,
        )
        .select_related("outcome")
        .order_by("-section__questionnaire__version", "section__order", "order", "pk")
    )
    for item in items:
        outcome = item.outcome
        if outcome is not None:  # always: the query keeps only items with an outcome
            seen.setdefault(outcome.pk, outcome)
    return list(seen.values())


def choosable_outcomes(schedule: FollowUpSchedule) -> list[OutcomeStatement]:
    """What may be added: the wave's staff outcomes first, then the partnership's library."""
    wave = schedule.wave
    chosen = set(schedule.chosen_outcomes.values_list("outcome_id", flat=True))
    staff = [o for o in staff_outcomes(wave) if o.pk not in chosen]
    staff_ids = {o.pk for o in staff}
    library = outcome_statements_for(wave.partnership).exclude(pk__in=chosen | staff_ids)
    return staff + list(library)


def chosen_outcomes(schedule: FollowUpSchedule) -> QuerySet[ChosenOutcome]:
    return schedule.chosen_outcomes.select_related("outcome").order_by("order", "pk")


def chosen_statements(schedule: FollowUpSchedule) -> list[OutcomeStatement]:
    """The chosen outcome statements, in the order users and carers are asked about them."""
    return [c.outcome for c in chosen_outcomes(schedule)]


def chosen_outcome_of(schedule: FollowUpSchedule, pk: int) -> ChosenOutcome | None:
    return chosen_outcomes(schedule).filter(pk=pk).first()


def sessions_of(schedule: FollowUpSchedule) -> QuerySet[FollowUpSession]:
    return schedule.sessions.all()


def session_of(schedule: FollowUpSchedule, pk: int) -> FollowUpSession | None:
    return FollowUpSession.objects.filter(schedule=schedule, pk=pk).first()


# --- progress ----------------------------------------------------------------------------------

AUDIENCES = [Audience.SERVICE_USER, Audience.CARER]


@dataclass
class Row:
    label: str
    planned: Mapping[str, int | None] = field(default_factory=dict)  # audience → planned
    completed: dict[str, int] = field(default_factory=dict)  # audience → completed

    @property
    def planned_total(self) -> int | None:
        values = [self.planned.get(a) for a in AUDIENCES]
        return None if all(v is None for v in values) else sum(v or 0 for v in values)

    @property
    def completed_total(self) -> int:
        return sum(self.completed.get(a, 0) for a in AUDIENCES)

    def cells(self) -> list[tuple[int | None, int]]:
        """(planned, completed) for service users, carers, then everyone."""
        return [(self.planned.get(a), self.completed.get(a, 0)) for a in AUDIENCES] + [
            (self.planned_total, self.completed_total)
        ]


@dataclass
class Progress:
    by_method: list[Row]
    by_user_group: list[Row]
    total: Row


def progress(schedule: FollowUpSchedule) -> Progress:
    """Completed against planned, by method, user group and audience.

    Planned comes from the sessions (which plan by method and audience, not user group);
    completed counts the responses (with answers: respondents) of participants who have not
    withdrawn. Self-completed responses without a session count as the self-completion
    questionnaire. Two queries.
    """
    planned_rows = (
        schedule.sessions.values("method")
        .annotate(users=Sum("planned_service_users"), carers=Sum("planned_carers"))
        .order_by()
    )
    planned: dict[str, dict[str, int]] = {
        r["method"]: {Audience.SERVICE_USER: r["users"] or 0, Audience.CARER: r["carers"] or 0}
        for r in planned_rows
    }
    done_rows = (
        ParticipantResponse.objects.filter(
            participant__schedule=schedule,
            participant__withdrawn_on__isnull=True,
            response__in=respondents(schedule.wave_id),  # the one rule of who responded
        )
        .values(
            "session__method",
            "capture",
            "participant__audience",
            "participant__user_group_id",
            "participant__user_group__name",
        )
        .annotate(n=Count("pk"))
        .order_by()
    )
    not_recorded = "not_recorded"
    by_method: dict[str, dict[str, int]] = {}
    by_group: dict[int, tuple[str, dict[str, int]]] = {}
    for r in done_rows:
        self_completed = r["capture"] == ParticipantResponse.Capture.SELF
        method = r["session__method"] or (Method.QUESTIONNAIRE if self_completed else not_recorded)
        audience = r["participant__audience"]
        counts = by_method.setdefault(method, {})
        counts[audience] = counts.get(audience, 0) + r["n"]
        name, group_counts = by_group.setdefault(
            r["participant__user_group_id"], (r["participant__user_group__name"], {})
        )
        group_counts[audience] = group_counts.get(audience, 0) + r["n"]

    method_rows = []
    for method in Method.values:
        if method in schedule.methods or method in planned or method in by_method:
            method_rows.append(
                Row(
                    str(Method(method).label),
                    planned.get(method, {a: 0 for a in AUDIENCES}),
                    by_method.get(method, {}),
                )
            )
    if not_recorded in by_method:
        method_rows.append(
            Row("Method not recorded", {a: None for a in AUDIENCES}, by_method[not_recorded])
        )
    group_rows = [
        Row(name, {a: None for a in AUDIENCES}, counts)
        for name, counts in sorted(by_group.values(), key=lambda nc: nc[0].lower())
    ]
    total = Row(
        "All methods",
        {a: sum(p.get(a, 0) for p in planned.values()) for a in AUDIENCES},
        {a: sum(c.get(a, 0) for c in by_method.values()) for a in AUDIENCES},
    )
    return Progress(by_method=method_rows, by_user_group=group_rows, total=total)
