"""The JSON API under /api/v1/: personal tokens, the pages' permission rules, the same hidden
figures as the pages, problem details for errors, and its OpenAPI 3 document."""

from __future__ import annotations

import datetime
import logging

import pytest
from django.urls import reverse
from django.utils import timezone
from openapi_spec_validator import validate

from api.models import ApiToken
from api.services.tokens import create_token, revoke_token
from poet.models import Role, Wave
from surveys.selectors.response_rates import response_rates
from tests.factories import (
    OrganisationFactory,
    StaffGroupFactory,
    UserFactory,
    WaveFactory,
    member,
)
from tests.surveys.test_response_rates import invite

pytestmark = pytest.mark.django_db

ROLES = [Role.MANAGER, Role.EVALUATOR, Role.ADMINISTRATOR]


@pytest.fixture
def wave():
    """Partnership A's wave with responses: Charity's 4 are below k=10, so Council's are hidden."""
    w = WaveFactory(partnership__minimum_group_size=10, status=Wave.Status.CLOSED)
    p = w.partnership
    nurse = StaffGroupFactory(partnership=p, name="Nurse")
    social = StaffGroupFactory(partnership=p, name="Social worker")
    invite(w, OrganisationFactory(partnership=p, name="Trust"), nurse, 30, 14)
    invite(w, OrganisationFactory(partnership=p, name="Council"), social, 20, 12)
    invite(w, OrganisationFactory(partnership=p, name="Charity"), social, 10, 4)
    return w


def bearer(raw: str) -> dict:
    return {"headers": {"Authorization": f"Bearer {raw}"}}


def token_for(user, **kwargs) -> str:
    return create_token(user, name="script", **kwargs)[1]


def urls(wave) -> list[str]:
    p, w = wave.partnership.slug, wave.slug
    base = "/api/v1/partnerships"
    return [
        f"{base}/{p}/",
        f"{base}/{p}/waves/",
        f"{base}/{p}/waves/{w}/",
        f"{base}/{p}/waves/{w}/response-counts/",
    ]


def assert_problem(response, status: int) -> dict:
    assert response.status_code == status
    assert response["Content-Type"] == "application/problem+json"
    body = response.json()
    assert body["status"] == status
    assert body["type"] and body["title"] and body["detail"]
    return body


# --- who gets in ----------------------------------------------------------------------------


def test_without_a_token_every_endpoint_answers_401(client, wave):
    for url in ["/api/v1/partnerships/", *urls(wave)]:
        response = client.get(url)
        assert_problem(response, 401)
        assert response["WWW-Authenticate"].startswith("Bearer")


def test_a_signed_in_session_is_not_a_token(client, wave):
    client.force_login(member(wave.partnership, Role.ADMINISTRATOR))
    assert_problem(client.get("/api/v1/partnerships/"), 401)


@pytest.mark.parametrize(
    "spoil",
    [
        pytest.param(lambda raw, token: (raw + "x", token), id="wrong"),
        pytest.param(lambda raw, token: ("not-a-poet-token", token), id="garbage"),
        pytest.param(lambda raw, token: (raw, revoke_token(token, actor=None)), id="revoked"),
        pytest.param(
            lambda raw, token: (
                raw,
                ApiToken.objects.filter(pk=token.pk).update(
                    expires_on=timezone.now() - datetime.timedelta(seconds=1)
                ),
            ),
            id="expired",
        ),
    ],
)
def test_a_bad_revoked_or_expired_token_answers_401(client, wave, spoil):
    token, raw = create_token(member(wave.partnership, Role.ADMINISTRATOR), name="script")
    raw, _ = spoil(raw, token)
    for url in urls(wave):
        assert_problem(client.get(url, **bearer(raw)), 401)


def test_a_deactivated_persons_token_stops_working(client, wave):
    user = member(wave.partnership, Role.ADMINISTRATOR)
    raw = token_for(user)
    user.is_active = False
    user.save()
    assert_problem(client.get(urls(wave)[0], **bearer(raw)), 401)


@pytest.mark.parametrize("role", ROLES)
def test_every_role_reads_its_own_partnership(client, wave, role):
    raw = token_for(member(wave.partnership, role))
    for url in urls(wave):
        assert client.get(url, **bearer(raw)).status_code == 200, url
    one = client.get(urls(wave)[0], **bearer(raw)).json()
    assert one["role"] == Role(role).label


def test_another_partnerships_member_gets_404_as_on_the_pages(client, wave):
    other = WaveFactory()
    raw = token_for(member(other.partnership, Role.ADMINISTRATOR))
    for url in urls(wave):
        body = assert_problem(client.get(url, **bearer(raw)), 404)
        assert wave.partnership.name not in str(body)
    page = reverse("partnership", args=[wave.partnership.slug])
    client.force_login(member(other.partnership, Role.ADMINISTRATOR))
    assert client.get(page).status_code == 404  # the same answer as the pages


def test_an_unknown_wave_is_404(client, wave):
    raw = token_for(member(wave.partnership, Role.MANAGER))
    url = f"/api/v1/partnerships/{wave.partnership.slug}/waves/no-such-wave/response-counts/"
    assert_problem(client.get(url, **bearer(raw)), 404)


def test_a_partnership_requiring_two_factor_wants_a_token_made_with_it(client, wave):
    wave.partnership.require_two_factor = True
    wave.partnership.save()
    evaluator = member(wave.partnership, Role.EVALUATOR)
    body = assert_problem(client.get(urls(wave)[0], **bearer(token_for(evaluator))), 403)
    assert "two-factor" in body["detail"]
    with_code = token_for(evaluator, second_factor=True)
    assert client.get(urls(wave)[0], **bearer(with_code)).status_code == 200


def test_use_is_noted_on_the_token(client, wave):
    token, raw = create_token(member(wave.partnership, Role.MANAGER), name="script")
    client.get(urls(wave)[0], **bearer(raw))
    token.refresh_from_db()
    assert token.last_used_on is not None


# --- what it answers -----------------------------------------------------------------------


def test_partnerships_lists_only_ones_own_with_the_role_and_pages(client, wave):
    user = member(wave.partnership, Role.MANAGER)
    second = WaveFactory().partnership
    member(second, Role.EVALUATOR, user=user)
    WaveFactory()  # a partnership the person does not belong to
    raw = token_for(user)
    body = client.get("/api/v1/partnerships/", **bearer(raw)).json()
    assert body["count"] == 2
    assert {(p["slug"], p["role"]) for p in body["items"]} == {
        (wave.partnership.slug, "Manager"),
        (second.slug, "Evaluator"),
    }
    page = client.get("/api/v1/partnerships/?limit=1&offset=1", **bearer(raw)).json()
    assert page["count"] == 2 and len(page["items"]) == 1


def test_waves_with_their_status(client, wave):
    WaveFactory(partnership=wave.partnership, name="Follow-up", slug="follow-up")
    raw = token_for(member(wave.partnership, Role.MANAGER))
    body = client.get(urls(wave)[1], **bearer(raw)).json()
    assert body["count"] == 2
    first = body["items"][0]
    assert first["slug"] == wave.slug
    assert (first["status"], first["status_label"]) == ("closed", "Closed")


def test_response_counts_are_the_pages_hidden_figures(client, wave):
    raw = token_for(member(wave.partnership, Role.MANAGER))
    body = client.get(urls(wave)[3], **bearer(raw)).json()
    rates = response_rates(wave)
    assert body["overall"]["completed"] == rates["overall"]["completed"] == 30
    by_org = {row["name"]: row for row in body["by_organisation"]}
    assert by_org["Trust"]["completed"] == 14
    assert by_org["Charity"]["completed"] is None
    assert by_org["Charity"]["completed_hidden"] == "hidden: fewer than 10 people"
    assert by_org["Council"]["completed"] is None  # or 30 - 14 - 12 gives Charity away
    assert body["minimum_group_size"] == 10


def test_an_invalid_parameter_is_a_422_problem(client, wave):
    raw = token_for(member(wave.partnership, Role.MANAGER))
    body = assert_problem(client.get("/api/v1/partnerships/?limit=abc", **bearer(raw)), 422)
    assert "limit" in body["detail"]


def test_the_token_never_reaches_the_logs(client, wave, caplog):
    raw = token_for(member(wave.partnership, Role.MANAGER))
    with caplog.at_level(logging.DEBUG):
        client.get(urls(wave)[0], **bearer(raw))
        client.get(urls(wave)[0], **bearer(raw + "x"))  # a refused one too
    assert caplog.records, "the request log wrote nothing"
    assert all(raw not in record.getMessage() for record in caplog.records)
    assert all(raw not in str(record.__dict__) for record in caplog.records)


# --- its description ---------------------------------------------------------------------------


def test_the_openapi_document_is_served_and_valid(client):
    response = client.get("/api/v1/schema/")
    assert response.status_code == 200
    schema = response.json()
    assert schema["openapi"].startswith("3.")
    validate(schema)
    paths = schema["paths"]
    assert "/api/v1/partnerships/{partnership}/waves/{wave}/response-counts/" in paths
    assert schema["components"]["securitySchemes"]


def test_the_documentation_page_lists_every_endpoint(client):
    response = client.get(reverse("api_docs"))
    page = response.content.decode()
    assert response.status_code == 200
    assert "GET /api/v1/partnerships/{partnership}/waves/" in page
    assert "Staff survey response counts of a wave" in page
    assert 'href="/api/v1/schema/"' in page


def test_a_person_without_partnerships_gets_an_empty_list(client):
    raw = token_for(UserFactory())
    assert client.get("/api/v1/partnerships/", **bearer(raw)).json() == {"items": [], "count": 0}


def test_a_token_written_anywhere_in_a_log_line_is_redacted():
    from poet.redaction import redact

    raw = "poet_" + "Ab3-_x" * 8
    assert raw not in redact(f"GET /api/v1/partnerships/ Authorization: Bearer {raw}")
    assert redact("poet_settings and poet_app") == "poet_settings and poet_app"


def test_a_wave_nobody_was_invited_to_has_empty_counts(client):
    empty = WaveFactory()
    raw = token_for(member(empty.partnership, Role.MANAGER))
    body = client.get(urls(empty)[3], **bearer(raw)).json()
    assert body["by_organisation"] == [] and body["by_staff_group"] == []
    assert body["overall"]["invited"] == 0
