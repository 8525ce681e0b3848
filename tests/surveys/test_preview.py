"""Evaluators preview the staff survey exactly as staff see it; nothing is saved."""

import pytest
from django.urls import reverse

from poet.models import Role
from surveys.models import Draft, Response
from tests.factories import UserFactory, WaveFactory, member
from tests.surveys.test_answering_support import SECTION_1, build_questionnaire

pytestmark = pytest.mark.django_db


def preview_url(wave) -> str:
    return reverse(
        "surveys:preview", kwargs={"partnership": wave.partnership.slug, "wave": wave.slug}
    )


@pytest.fixture
def wave():
    wave = WaveFactory()
    build_questionnaire(wave, frozen=False)
    return wave


def test_the_evaluator_sees_the_start_page_and_each_section_with_a_banner(client, wave):
    client.force_login(member(wave.partnership, Role.EVALUATOR))
    html = client.get(preview_url(wave)).content.decode()
    assert "Preview: answers are not saved" in html
    assert "how the partnership feels to work in" in html
    assert f'href="{preview_url(wave)}?section=1"' in html
    html = client.get(preview_url(wave) + "?section=2").content.decode()
    assert "Section 2 of 3" in html
    assert "I can stay living in my own home" in html
    assert "Preview: answers are not saved" in html
    assert "Save and come back later" not in html


def test_continue_checks_answers_but_stores_nothing(client, wave):
    client.force_login(member(wave.partnership, Role.EVALUATOR))
    url = preview_url(wave) + "?section=1"
    response = client.post(url, {"action": "continue"})
    assert response.status_code == 200
    assert "<title>Error: " in response.content.decode()
    response = client.post(url, SECTION_1)
    assert response["Location"] == preview_url(wave) + "?section=2"
    assert not Draft.objects.exists() and not Response.objects.exists()
    end = client.get(preview_url(wave) + "?section=99").content.decode()
    assert "End of the questions" in end


def test_the_preview_shows_the_newest_version(client, wave):
    from surveys.services.questionnaire_versions import copy_questionnaire

    newer = copy_questionnaire(wave.questionnaires.get())
    newer.title = "The newer version"
    newer.save()
    client.force_login(member(wave.partnership, Role.MANAGER))
    assert "The newer version" in client.get(preview_url(wave)).content.decode()


def test_people_outside_the_partnership_get_404(client, wave):
    client.force_login(UserFactory())
    assert client.get(preview_url(wave)).status_code == 404
    client.logout()
    assert client.get(preview_url(wave)).status_code == 302


def test_a_wave_without_a_questionnaire_says_so(client):
    empty = WaveFactory()
    client.force_login(member(empty.partnership, Role.EVALUATOR))
    response = client.get(preview_url(empty) + "?section=x")
    assert response.status_code == 404
    assert "Nothing to preview yet" in response.content.decode()
