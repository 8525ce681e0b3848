"""Who sees what: per role, and nothing at all of another partnership."""

import re

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from outcomes.models import ChosenOutcome, FollowUpSchedule, FollowUpSession, Participant
from poet.models import Job, OutcomeStatement, Role, UserGroup
from tests.factories import PartnershipFactory, WaveFactory, member

pytestmark = pytest.mark.django_db


def partnership_url_patterns(resolver=None, prefix=""):
    """Every URL pattern (as route text) that takes a partnership, walked from the URLconf."""
    resolver = resolver or get_resolver()
    for p in resolver.url_patterns:
        route = prefix + str(p.pattern)
        if isinstance(p, URLResolver):
            namespace = f"{p.namespace}:" if p.namespace else ""
            for name, r in partnership_url_patterns(p, route):
                yield (namespace + name if name else None), r
        elif isinstance(p, URLPattern) and "<slug:partnership>" in route:
            yield p.name, route


@pytest.fixture
def two_partnerships():
    a = PartnershipFactory(name="Alpha", slug="alpha")
    b = PartnershipFactory(name="Beta", slug="beta")
    wave_a = WaveFactory(partnership=a, slug="baseline")
    job_a = Job.objects.create(partnership=a, wave=wave_a, kind="test")
    return a, b, wave_a, job_a


def url_arguments(partnership, wave, job) -> dict:
    """A real object of `partnership` for every URL argument, so 404s are not for missing rows."""
    schedule = FollowUpSchedule.objects.get_or_create(wave=wave)[0]
    outcome = OutcomeStatement.objects.create(partnership=partnership, code="O-A", text="A")
    user_group = UserGroup.objects.create(partnership=partnership, name="Older people")
    return {
        "partnership": partnership.slug,
        "wave": wave.slug,
        "job_id": job.pk,
        "chosen": ChosenOutcome.objects.create(
            schedule=schedule, outcome=outcome, reason="other"
        ).pk,
        "session": FollowUpSession.objects.create(schedule=schedule, method="interview").pk,
        "code": Participant.objects.create(
            schedule=schedule, code="P-001", audience="carer", user_group=user_group
        ).code,
        "kind": "interview",
        "language": "cy",
    }


def urls_of(partnership, wave, job):
    """Every partnership page, with each URL argument filled by a rule: a new argument fails."""
    values = url_arguments(partnership, wave, job)
    urls = []
    for name, route in partnership_url_patterns():
        assert name, f"URL {route} needs a name"
        arguments = re.findall(r"<(?:\w+:)?(\w+)>", route)
        missing = [a for a in arguments if a not in values]
        assert not missing, f"URL {name} takes {missing}: add a rule to url_arguments()"
        urls.append(reverse(name, kwargs={a: values[a] for a in arguments}))
    return urls


def test_url_walk_finds_every_partnership_page(two_partnerships):
    a, _, wave, job = two_partnerships
    urls = urls_of(a, wave, job)
    assert f"/p/{a.slug}/" in urls
    assert f"/p/{a.slug}/waves/{wave.slug}/survey/responses/" in urls
    assert len(urls) >= 5


@pytest.mark.parametrize("role", list(Role))
def test_member_of_another_partnership_gets_404_everywhere(client, two_partnerships, role):
    a, b, wave, job = two_partnerships
    client.force_login(member(b, role))
    for url in urls_of(a, wave, job):
        assert client.get(url).status_code == 404, url
        assert client.post(url, {"reason": "x", "minimum_group_size": 5}).status_code == 404, url
    assert not Job.objects.exclude(pk=job.pk).exists()


def test_anonymous_visitor_is_sent_to_sign_in(client, two_partnerships):
    a, _, wave, job = two_partnerships
    for url in urls_of(a, wave, job):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(reverse("login")), url


def test_home_lists_only_own_partnerships_with_role(client, two_partnerships):
    a, b, *_ = two_partnerships
    client.force_login(member(a, Role.MANAGER))
    page = client.get(reverse("home")).content.decode()
    assert "Alpha" in page and "Manager" in page
    assert "Beta" not in page


def test_superuser_sees_every_partnership(client, django_user_model, two_partnerships):
    root = django_user_model.objects.create_superuser("root", "root@example.org", "pw-123456789")
    client.force_login(root)
    page = client.get(reverse("home")).content.decode()
    assert "Alpha" in page and "Beta" in page
    assert client.get("/p/beta/").status_code == 200


@pytest.mark.parametrize(
    ("role", "settings_status", "sees_members"),
    [(Role.ADMINISTRATOR, 200, True), (Role.EVALUATOR, 403, False), (Role.MANAGER, 403, False)],
)
def test_each_role_has_its_rights(client, two_partnerships, role, settings_status, sees_members):
    a, _, wave, _ = two_partnerships
    client.force_login(member(a, role))
    page = client.get(f"/p/{a.slug}/")
    assert page.status_code == 200
    assert wave.name in page.content.decode()
    assert ("Members" in page.content.decode()) is sees_members
    assert client.get(f"/p/{a.slug}/settings/").status_code == settings_status
    assert client.get(f"/p/{a.slug}/waves/{wave.slug}/").status_code == 200
