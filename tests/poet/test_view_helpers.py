"""The two helpers every wave page uses: `wave_view` and `run_form`."""

import pytest
from django import forms
from django.http import Http404, HttpResponse
from django.test import RequestFactory

from poet.models import Role
from poet.permissions import Right, wave_view
from poet.views.form_flow import run_form
from tests.factories import WaveFactory, member

pytestmark = pytest.mark.django_db


@wave_view(Right.EVALUATE)
def page(request, access, wave, **kwargs):
    return HttpResponse(f"{access.partnership.slug}/{wave.slug}/{request.wave.pk == wave.pk}")


def test_wave_view_resolves_the_wave_inside_the_partnership_and_checks_the_right():
    wave, other = WaveFactory(), WaveFactory()
    factory = RequestFactory()
    request = factory.get("/")
    request.user = member(wave.partnership, Role.EVALUATOR)
    response = page(request, partnership=wave.partnership.slug, wave=wave.slug)
    assert response.content.decode() == f"{wave.partnership.slug}/{wave.slug}/True"
    with pytest.raises(Http404):  # another partnership's wave is not found here
        page(request, partnership=wave.partnership.slug, wave=other.slug)
    assert page.required_right == Right.EVALUATE


class NameForm(forms.Form):
    name = forms.CharField()


class Refused(Exception):
    pass


def test_run_form_calls_the_service_once_and_shows_its_refusal_on_the_form():
    factory = RequestFactory()
    calls = []

    def action(data):
        calls.append(data["name"])
        if data["name"] == "no":
            raise Refused("That name is taken.")
        return data["name"].upper()

    get = factory.get("/")
    assert run_form(get, NameForm(), action, refused=Refused) == (False, None)
    post = factory.post("/", {"name": "ok"})
    assert run_form(post, NameForm(post.POST), action, refused=Refused) == (True, "OK")
    refused = factory.post("/", {"name": "no"})
    form = NameForm(refused.POST)
    assert run_form(refused, form, action, refused=Refused, field="name") == (False, None)
    assert form.errors["name"] == ["That name is taken."]
    invalid = factory.post("/", {})
    assert run_form(invalid, NameForm(invalid.POST), action, refused=Refused) == (False, None)
    assert calls == ["ok", "no"]
