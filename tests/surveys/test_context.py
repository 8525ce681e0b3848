"""Partnership context tools: named partner leads, their links, the three questionnaires and the
summaries (gaps, moves, quadrants)."""

import re

import pytest
from django.urls import reverse

from poet.models import AuditEvent, Organisation, Role, UserGroup
from surveys.models import (
    ContextRespondent,
    IntegrationAnswer,
    RelationshipPlacement,
    StrategicImportance,
)
from surveys.selectors import context as tools
from surveys.services import context as service
from tests.factories import WaveFactory, member

pytestmark = pytest.mark.django_db


@pytest.fixture
def wave():
    w = WaveFactory(partnership__slug="alpha", slug="baseline")
    for name in ("Council", "Hospital", "Charity"):
        Organisation.objects.create(partnership=w.partnership, name=name)
    for name in ("Older people", "Disabled children"):
        UserGroup.objects.create(partnership=w.partnership, name=name)
    return w


def org(wave, name):
    return Organisation.objects.get(partnership=wave.partnership, name=name)


def group(wave, name):
    return UserGroup.objects.get(partnership=wave.partnership, name=name)


def url(name, wave, **query):
    u = reverse(f"context:{name}", kwargs={"partnership": "alpha", "wave": wave.slug})
    return u + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def add_lead(wave, name="Ann Lead", organisation="Council"):
    return service.create_lead(wave, name=name, organisation=org(wave, organisation))


# The summaries


def test_integration_gap_per_user_group(wave):
    ann, _ = add_lead(wave)
    bob, _ = add_lead(wave, "Bob", "Hospital")
    older, children = group(wave, "Older people"), group(wave, "Disabled children")
    service.save_integration(ann, {older.pk: (1, 3), children.pk: (2, 2)})
    service.save_integration(bob, {older.pk: (2, 3), children.pk: None})
    rows = {r.user_group: r for r in tools.integration_summary(wave)}
    assert rows["Older people"].n == 2
    assert rows["Older people"].mean_now == 1.5
    assert rows["Older people"].mean_needed == 3
    assert rows["Older people"].gap == 1.5
    assert (rows["Older people"].more, rows["Older people"].same) == (2, 0)
    assert rows["Disabled children"].gap == 0
    assert (rows["Disabled children"].n, rows["Disabled children"].same) == (1, 1)


def test_relationship_moves_are_the_mean_placements(wave):
    ann, _ = add_lead(wave)
    bob, _ = add_lead(wave, "Bob", "Hospital")
    council, hospital = org(wave, "Council"), org(wave, "Hospital")
    pair = tuple(sorted([council.pk, hospital.pk]))
    service.save_relationships(ann, {pair: (1, 2, 4, 3)})
    service.save_relationships(bob, {pair: (2, 2, 4, 5)})
    [row] = tools.relationship_summary(wave)
    assert row.relationship == "Council and Hospital"
    assert (row.n, row.depth_now, row.breadth_now) == (2, 1.5, 2)
    assert (row.depth_needed, row.breadth_needed) == (4, 4)
    assert (row.depth_move, row.breadth_move) == (2.5, 2)
    service.save_relationships(bob, {pair: None})
    assert tools.relationship_summary(wave)[0].n == 1


def test_a_lead_places_only_relationships_of_their_own_organisation(wave):
    ann, _ = add_lead(wave)
    labels = [tools.pair_label(a, b) for a, b in tools.relationships_for(ann)]
    assert labels == ["Charity and Council", "Council and Hospital"]
    other = tuple(sorted([org(wave, "Hospital").pk, org(wave, "Charity").pk]))
    with pytest.raises(service.ContextError):
        service.save_relationships(ann, {other: (1, 1, 1, 1)})


@pytest.mark.parametrize(
    ("a", "b", "quadrant"),
    [(5, 4, "both"), (4, 3.9, "one"), (1, 5, "one"), (3, 3, "neither"), (3.5, 1, "neither")],
)
def test_quadrant_rules(a, b, quadrant):
    assert tools.quadrant(a, b) == quadrant


def test_importance_grid_pairs_rated_organisations(wave):
    for name, organisation, rating in [
        ("Ann", "Council", 5),
        ("Bob", "Hospital", 4),
        ("Cat", "Hospital", 2),
        ("Dan", "Charity", 2),
    ]:
        service.save_importance(add_lead(wave, name, organisation)[0], rating)
    assert tools.organisation_importance(wave) == {"Charity": 2, "Council": 5, "Hospital": 3}
    grid = {r.relationship: r.quadrant for r in tools.importance_grid(wave)}
    assert grid == {
        "Charity and Council": "one",
        "Charity and Hospital": "neither",
        "Council and Hospital": "one",
    }


# Leads and links


def test_an_evaluator_adds_a_lead_and_sees_the_link_once(client, wave):
    client.force_login(member(wave.partnership, Role.EVALUATOR))
    page = client.post(
        url("leads", wave), {"name": "Ann Lead", "organisation": org(wave, "Council").pk}
    )
    assert page.status_code == 200
    html = page.content.decode()
    token = re.search(r"\?token=([\w-]+)", html).group(1)
    lead = ContextRespondent.objects.get()
    assert lead.name == "Ann Lead" and lead.token_hash != token
    assert tools.lead_for_token(wave, token) == lead
    assert token not in client.get(url("leads", wave)).content.decode()
    assert AuditEvent.objects.filter(action="context.lead_added").exists()


def test_adding_a_lead_without_name_shows_errors(client, wave):
    client.force_login(member(wave.partnership, Role.EVALUATOR))
    page = client.post(url("leads", wave), {"name": "", "organisation": ""})
    html = page.content.decode()
    assert "<title>Error: " in html
    assert "Enter the partner lead&#x27;s name." in html or "Enter the partner lead's name." in html
    assert "Choose the partner lead" in html
    assert not ContextRespondent.objects.exists()


def test_a_manager_cannot_add_leads_but_sees_results(client, wave):
    client.force_login(member(wave.partnership, Role.MANAGER))
    assert client.get(url("leads", wave)).status_code == 403
    assert client.get(url("results", wave)).status_code == 200


def test_a_lead_answers_all_three_tools_by_link(client, wave):
    lead, token = add_lead(wave)
    start = client.get(url("lead", wave, token=token))
    assert start.status_code == 302 and start["Location"] == url("lead", wave)
    home = client.get(url("lead", wave))
    assert "Ann Lead" in home.content.decode()
    older = group(wave, "Older people")
    response = client.post(
        url("lead_integration", wave), {f"now_{older.pk}": 1, f"needed_{older.pk}": 3}
    )
    assert response.status_code == 302
    council, hospital = org(wave, "Council"), org(wave, "Hospital")
    a, b = sorted([council.pk, hospital.pk])
    fields = {
        f"{n}_{a}_{b}": v
        for n, v in zip(
            ("depth_now", "breadth_now", "depth_needed", "breadth_needed"),
            (1, 2, 4, 3),
            strict=True,
        )
    }
    assert client.post(url("lead_relationships", wave), fields).status_code == 302
    assert client.post(url("lead_importance", wave), {"importance": 5}).status_code == 302
    assert IntegrationAnswer.objects.get(respondent=lead).needed == 3
    assert RelationshipPlacement.objects.get(respondent=lead).depth_needed == 4
    assert StrategicImportance.objects.get(respondent=lead).importance == 5
    assert tools.tools_done(lead) == {
        "integration": True,
        "relationships": True,
        "importance": True,
    }


def test_half_answered_questions_keep_the_other_answers_and_name_the_problem(client, wave):
    lead, token = add_lead(wave)
    client.get(url("lead", wave, token=token))
    older, children = group(wave, "Older people"), group(wave, "Disabled children")
    page = client.post(
        url("lead_integration", wave),
        {f"now_{older.pk}": 1, f"now_{children.pk}": 2, f"needed_{children.pk}": 3},
    )
    html = page.content.decode()
    assert page.status_code == 200 and "<title>Error: " in html
    assert "Choose the level needed for Older people, or leave both empty." in html
    assert f'href="#id_needed_{older.pk}' in html
    assert re.search(r'value="3"[^>]*checked|checked[^>]*value="3"', html)
    assert not IntegrationAnswer.objects.exists()
    bad = client.post(url("lead_importance", wave), {"importance": "9"})
    assert bad.status_code == 200 and "Error: " in bad.content.decode()


def test_a_wrong_or_renewed_link_does_not_work(client, wave):
    lead, token = add_lead(wave)
    assert client.get(url("lead", wave, token="nope")).status_code == 404
    client.get(url("lead", wave, token=token))
    assert client.get(url("lead_importance", wave)).status_code == 200
    service.new_link(lead)
    response = client.get(url("lead_importance", wave))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_a_lead_of_one_wave_cannot_reach_another_wave(client, wave):
    other = WaveFactory(partnership=wave.partnership, slug="second")
    _, token = add_lead(wave)
    client.get(url("lead", wave, token=token))
    response = client.get(url("lead", other))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_an_evaluator_edits_answers_for_a_lead_and_it_is_audited(client, wave):
    lead, _ = add_lead(wave)
    service.save_importance(lead, 2)
    client.force_login(member(wave.partnership, Role.EVALUATOR))
    page = client.get(url("edit_importance", wave, lead=lead.pk))
    assert page.status_code == 200 and "on behalf of Ann Lead" in page.content.decode()
    response = client.post(url("edit_importance", wave), {"lead": lead.pk, "importance": 4})
    assert response.status_code == 302
    assert StrategicImportance.objects.get(respondent=lead).importance == 4
    assert AuditEvent.objects.filter(action="context.answers_edited").exists()
    other = WaveFactory(partnership__slug="beta")
    assert client.get(url("edit_importance", wave, lead="x")).status_code == 404
    other_lead, _ = service.create_lead(
        other,
        name="Zed",
        organisation=Organisation.objects.create(partnership=other.partnership, name="Z"),
    )
    assert client.get(url("edit_importance", wave, lead=other_lead.pk)).status_code == 404


def test_results_page_escapes_names(client, wave):
    Organisation.objects.filter(name="Charity").update(name="<b>Bold</b> charity")
    service.save_importance(add_lead(wave, "<script>x</script>", "Council")[0], 5)
    service.save_importance(add_lead(wave, "Bea", "<b>Bold</b> charity")[0], 4)
    client.force_login(member(wave.partnership, Role.EVALUATOR))
    html = client.get(url("results", wave)).content.decode()
    assert "<b>Bold</b>" not in html and "&lt;b&gt;Bold&lt;/b&gt; charity" in html
    assert "Important to both" in html
    assert "<script>x" not in client.get(url("leads", wave)).content.decode()


def test_a_lead_places_a_named_service_area_too(client, wave):
    lead, token = add_lead(wave)
    client.get(url("lead", wave, token=token))
    area = {"area": "Hospital discharge"}
    half = client.post(url("lead_relationships", wave), {**area, "depth_now_area": 2})
    assert "The service area: choose how broad the relationship is now." in half.content.decode()
    nameless = client.post(url("lead_relationships", wave), {"depth_now_area": 2})
    assert "Enter the name of the service area" in nameless.content.decode()
    values = {"depth_now_area": 2, "breadth_now_area": 1, "depth_needed_area": 3}
    done = client.post(
        url("lead_relationships", wave), {**area, **values, "breadth_needed_area": 5}
    )
    assert done.status_code == 302
    [row] = tools.relationship_summary(wave)
    assert (row.relationship, row.depth_move, row.breadth_move) == ("Hospital discharge", 1, 4)
    page = client.get(url("lead_relationships", wave)).content.decode()
    assert 'value="Hospital discharge"' in page
    client.post(url("lead_relationships", wave), {"area": ""})
    assert tools.relationship_summary(wave) == []
