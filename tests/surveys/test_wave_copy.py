"""Waves over time: the next wave is a copy of the last (questionnaires, outcomes, follow-up
shortlist), never of invitations, e-mails or answers; its change against the last is the
difference of the stored means."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from outcomes.models import ChosenOutcome, FollowUpSchedule
from poet.models import AuditEvent, OutcomeStatement, Role, Wave
from reports.content.context import change_section, trend_section
from reports.models import ComparisonRow, ComparisonRun
from reports.services.next_wave import start_next_wave
from surveys.models import ContextRespondent, Invitation, Item, OpenLink, Questionnaire, Response
from surveys.selectors.questionnaire_versions import latest_questionnaire
from surveys.services import context as tools
from surveys.services.next_wave import copy_wave
from surveys.services.questionnaire_versions import freeze
from tests.factories import WaveFactory, member
from tests.reports.builders import build_wave

pytestmark = pytest.mark.django_db


@pytest.fixture
def built():
    b = build_wave(outcomes=2, staff=6, users=5, wave=WaveFactory(name="Baseline", slug="baseline"))
    freeze(latest_questionnaire(b.wave))
    Invitation.objects.create(
        wave=b.wave,
        organisation=b.organisations[0],
        staff_group=b.staff_groups[0],
        email="nurse@example.org",
    )
    OpenLink.objects.create(wave=b.wave, token_hash="x" * 64)
    schedule = FollowUpSchedule.objects.create(wave=b.wave, methods=["questionnaire", "interview"])
    for order, code in enumerate(["O-1", "O-0"]):
        ChosenOutcome.objects.create(
            schedule=schedule,
            outcome=OutcomeStatement.objects.get(partnership=b.wave.partnership, code=code),
            reason=ChosenOutcome.Reason.CONTESTED,
            note=f"why {code}",
            order=order,
        )
    tools.create_lead(b.wave, name="Ann", organisation=b.organisations[0])
    return b


def item_content(questionnaire: Questionnaire) -> list[tuple]:
    return list(
        Item.objects.filter(section__questionnaire=questionnaire)
        .order_by("section__order", "section__pk", "order", "pk")
        .values_list("section__title", "code", "kind", "text", "outcome__code", "measure", "domain")
    )


def test_copy_has_the_same_questionnaires_as_drafts_and_nothing_personal(built):
    old = built.wave
    new = start_next_wave(old, "Follow-up 2027")
    assert new.partnership == old.partnership and new.status == Wave.Status.DRAFT
    assert new.slug == "follow-up-2027"
    for audience in Questionnaire.For.values:
        before, after = latest_questionnaire(old, audience), latest_questionnaire(new, audience)
        assert after.version == 1 and not after.is_frozen
        assert after.title == before.title
        assert item_content(after) == item_content(before)
    assert not Invitation.objects.filter(wave=new).exists()
    assert not OpenLink.objects.filter(wave=new).exists()
    assert not Response.objects.filter(wave=new).exists()
    assert not ContextRespondent.objects.filter(wave=new).exists()
    schedule = FollowUpSchedule.objects.get(wave=new)
    assert schedule.status == FollowUpSchedule.Status.DRAFT
    assert schedule.methods == ["questionnaire", "interview"]
    assert [(c.outcome.code, c.reason, c.note) for c in schedule.chosen_outcomes.all()] == [
        ("O-1", "contested", "why O-1"),
        ("O-0", "contested", "why O-0"),
    ]
    assert latest_questionnaire(old).is_frozen  # the old wave is untouched
    event = AuditEvent.objects.get(action="wave.copied")
    assert event.detail == {"copied_from": "Baseline", "chosen_outcomes": 2}


def test_a_wave_without_follow_up_or_questionnaire_copies_what_there_is():
    old = WaveFactory()
    new = copy_wave(old, "  Second  ")
    assert new.name == "Second" and not new.questionnaires.exists()
    start_next_wave(old, "Third")
    assert not FollowUpSchedule.objects.filter(wave__name="Third").exists()


def store_run(wave, means):
    run = ComparisonRun.objects.create(
        wave=wave, k=5, fingerprint=f"f{wave.pk}", used_at=timezone.now()
    )
    ComparisonRow.objects.bulk_create(
        ComparisonRow(
            run=run,
            position=i,
            outcome=outcome,
            measure=measure,
            breakdown="all",
            group="all",
            n_staff=12,
            mean_staff=staff,
            sd_staff=0.8,
            n_users=10,
            mean_users=users,
            sd_users=1.1,
        )
        for i, ((outcome, measure), (staff, users)) in enumerate(means.items())
    )
    return run


def test_a_copied_wave_shows_the_change_and_then_a_trend(built):
    old = built.wave
    new = start_next_wave(old, "Second")
    before = {("O-0", "importance"): (4.1, 3.2), ("O-0", "achievement"): (2.9, 2.4)}
    after = {("O-0", "importance"): (4.3, 3.9), ("O-0", "achievement"): (3.4, 2.0)}
    store_run(old, before)
    store_run(new, after)
    [table] = change_section(new, old).blocks
    got = {(r[0], r[1], r[2]): r[5] for r in table.rows}
    for (outcome, measure), (staff, users) in after.items():
        label = measure.capitalize()
        assert got[(outcome, label, "Staff")] == round(staff - before[(outcome, measure)][0], 2)
        assert got[(outcome, label, "Service users and carers")] == round(
            users - before[(outcome, measure)][1], 2
        )
    assert trend_section(new) is None  # two waves: no trend yet
    third = start_next_wave(new, "Third")
    Wave.objects.filter(pk=third.pk).update(created_at=new.created_at + datetime.timedelta(1))
    store_run(third, {("O-0", "importance"): (4.5, 4.0), ("O-0", "achievement"): (3.5, 2.5)})
    section = trend_section(Wave.objects.get(pk=third.pk))
    importance = section.blocks[0]
    assert importance.table.columns[2:] == ["Baseline", "Second", "Third"]
    assert importance.table.rows[0] == ["O-0", "Staff", 4.1, 4.3, 4.5]


def test_the_next_wave_page(client, built):
    url = reverse(
        "reports:next_wave", kwargs={"partnership": built.wave.partnership.slug, "wave": "baseline"}
    )
    client.force_login(member(built.wave.partnership, Role.EVALUATOR))
    assert client.get(url).status_code == 403
    client.force_login(member(built.wave.partnership, Role.ADMINISTRATOR))
    page = client.get(url).content.decode()
    assert "2 chosen outcomes" in page and "Invitations and e-mail addresses" in page
    error = client.post(url, {"name": ""})
    assert "<title>Error: " in error.content.decode()
    assert "Enter a name for the new wave." in error.content.decode()
    response = client.post(url, {"name": "Second wave"})
    new = Wave.objects.get(name="Second wave")
    assert response.status_code == 302 and response["Location"] == new.get_absolute_url()
    wave_page = client.get(new.get_absolute_url()).content.decode()
    assert "Start the next wave" in wave_page and "Partner leads" in wave_page
