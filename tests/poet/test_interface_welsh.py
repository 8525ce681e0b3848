"""Issue 17, item 1: the core and account pages in Welsh.

A person who chose Cymraeg (the header's switch sets the cookie; a signed-in person's choice is
saved and follows them) reads the sign-in page, their partnerships, a partnership, the glossary,
the API tokens page and the error pages in Welsh; without the choice everything stays English.
"""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.test import Client

from api.services.tokens import create_token
from poet.models import InterfaceLanguage, Role, Wave
from tests.factories import (
    OrganisationFactory,
    PartnershipFactory,
    UserFactory,
    WaveFactory,
    member,
)

pytestmark = pytest.mark.django_db


def in_welsh(client: Client) -> Client:
    client.cookies["django_language"] = "cy"
    return client


@pytest.fixture
def admin(client):
    partnership = PartnershipFactory(slug="alpha", name="Alpha", minimum_group_size=10)
    WaveFactory(partnership=partnership, name="Baseline 2026", status=Wave.Status.DRAFT)
    user = member(partnership, Role.ADMINISTRATOR, user__username="ada")
    client.force_login(user)
    client.user = user
    return client


def test_the_sign_in_page_in_welsh(client):
    page = in_welsh(client).get("/accounts/login/").content.decode()
    assert '<html lang="cy"' in page
    assert "<title>Mewngofnodi – POET</title>" in page
    assert "Enw defnyddiwr" in page and "Cyfrinair" in page
    assert "Wedi anghofio eich cyfrinair?" in page
    assert "Neidio i’r prif gynnwys" in page
    assert "Username" not in page and "Forgotten your password?" not in page


def test_a_wrong_password_is_explained_in_welsh(client):
    UserFactory(username="ada")
    page = (
        in_welsh(client)
        .post("/accounts/login/", {"username": "ada", "password": "wrong"})
        .content.decode()
    )
    assert "<title>Gwall: Mewngofnodi – POET</title>" in page
    assert "Mae problem wedi codi" in page
    assert "Rhowch enw defnyddiwr a chyfrinair cywir." in page


def test_the_sign_in_page_stays_english_without_the_choice(client):
    page = client.get("/accounts/login/").content.decode()
    assert '<html lang="en-GB"' in page
    assert "<title>Sign in – POET</title>" in page and "Username" in page
    assert "Mewngofnodi" not in page


def test_the_partnerships_home_in_welsh(admin):
    page = in_welsh(admin).get("/").content.decode()
    assert "<title>Eich partneriaethau – POET</title>" in page
    assert "Gweinyddwr y bartneriaeth" in page  # the role, a model choice
    assert "Allgofnodi" in page and "Dilysu dau gam" in page and "Tocynnau API" in page
    assert "Your role" not in page and "Sign out" not in page


def test_a_partnership_page_in_welsh(admin):
    page = in_welsh(admin).get("/p/alpha/").content.decode()
    assert "Cylchoedd" in page and "Creu cylch" in page
    assert "Drafft" in page  # the wave's status
    assert "Mae ffigurau am lai na <strong>10</strong> o bobl wedi’u cuddio" in page
    assert "Sefydliadau partner" in page and "Grwpiau bach" in page
    assert "Baseline 2026" in page  # people's data is never translated
    assert "Small groups" not in page and "Not set" not in page


def test_a_partnership_page_stays_english_without_the_choice(admin):
    page = admin.get("/p/alpha/").content.decode()
    assert "Figures about fewer than <strong>10</strong> people are hidden" in page
    assert "Draft" in page and "Cylchoedd" not in page


def test_messages_and_form_errors_in_welsh(admin):
    in_welsh(admin)
    page = admin.post(
        "/p/alpha/organisations/", {"name": "Cyngor Sir", "kind": "local_authority"}, follow=True
    ).content.decode()
    assert "Wedi ychwanegu Cyngor Sir." in page and "Awdurdod lleol" in page
    page = admin.post(
        "/p/alpha/organisations/", {"name": "cyngor sir", "kind": "nhs"}
    ).content.decode()
    assert "Mae “cyngor sir” ar y rhestr yn barod." in page
    assert "<title>Gwall:" in page


def test_the_audit_log_in_welsh(admin):
    in_welsh(admin).post(
        "/p/alpha/members/", {"email": "eve@example.org", "name": "Eve Evans", "role": "manager"}
    )
    page = admin.get("/p/alpha/audit/").content.decode()
    assert "Log archwilio" in page and "Aelod wedi’i ychwanegu" in page
    assert "Fel rheolwr" in page  # the details: the role in words, in Welsh
    assert re.search(r"Mae?\s*\d+ digwyddiad|\d+ digwyddiad\.", page)
    assert "Member added" not in page


def test_the_glossary_in_welsh(client):
    page = in_welsh(client).get("/glossary/").content.decode()
    assert "<title>Geirfa – POET</title>" in page
    assert "Cymedr a chanolrif" in page
    assert "Y cymedr yw’r ateb cyfartalog ar y raddfa 1 i 5." in page
    assert "Maint lleiaf grŵp (k), ffigurau wedi’u cuddio" in page
    assert "Mean and median" not in page and "The mean is the average answer" not in page


def test_the_glossary_stays_english_without_the_choice(client):
    page = client.get("/glossary/").content.decode()
    assert "Mean and median" in page and "Cymedr a chanolrif" not in page


def test_the_api_tokens_page_in_welsh(client):
    user = UserFactory(username="ana")
    client.force_login(user)
    in_welsh(client)
    page = client.get("/accounts/api-tokens/").content.decode()
    assert "<title>Tocynnau API – POET</title>" in page
    assert "Nid oes gennych unrhyw docynnau API." in page
    assert 'value="Creu tocyn"' in page or ">Creu tocyn<" in page
    page = client.post("/accounts/api-tokens/", {"name": "R", "days": "90"}).content.decode()
    assert "Tocyn ‘R’ wedi’i greu" in page and "Gweithredol" in page
    assert "Copïwch ef nawr" in page
    page = client.post("/accounts/api-tokens/", {"name": "", "days": "999"}).content.decode()
    assert "Rhowch enw i’r tocyn" in page and "Mae tocyn yn para 366 diwrnod ar y mwyaf" in page


def test_the_json_api_keeps_its_english_words(client):
    wave = WaveFactory(status=Wave.Status.OPEN)
    user = member(wave.partnership, Role.MANAGER)
    raw = create_token(user, name="script")[1]
    in_welsh(client)
    headers = {"Authorization": f"Bearer {raw}"}
    body = client.get("/api/v1/partnerships/", headers=headers).json()
    assert body["items"][0]["role"] == "Manager"
    waves = client.get(
        f"/api/v1/partnerships/{wave.partnership.slug}/waves/", headers=headers
    ).json()
    assert waves["items"][0]["status_label"] == "Open"
    OrganisationFactory(partnership=wave.partnership, kind="local_authority")
    organisations = client.get(
        f"/api/v1/partnerships/{wave.partnership.slug}/organisations/", headers=headers
    ).json()
    assert organisations["items"][0]["kind_label"] == "Local authority"


def test_the_switch_sets_the_cookie_and_returns_to_the_page(client):
    response = client.get("/language/cy/?next=/glossary/")
    assert response.status_code == 302 and response["Location"] == "/glossary/"
    assert response.cookies["django_language"].value == "cy"
    page = client.get(response["Location"]).content.decode()
    assert "Cymedr a chanolrif" in page
    back = client.get("/language/en-gb/?next=/glossary/")
    assert back["Location"] == "/glossary/"
    assert "Mean and median" in client.get("/glossary/").content.decode()


def test_the_switch_offers_the_other_language_on_every_page(client):
    page = client.get("/glossary/").content.decode()
    assert 'href="/language/cy/?next=%2Fglossary%2F"' in page and ">Cymraeg<" in page
    page = in_welsh(client).get("/glossary/").content.decode()
    assert 'href="/language/en-gb/?next=%2Fglossary%2F"' in page and ">English<" in page


@pytest.mark.parametrize(
    "unsafe", ["https://evil.example/", "//evil.example/", "javascript:alert(1)", ""]
)
def test_an_unsafe_next_goes_home(client, unsafe):
    response = client.get("/language/cy/", {"next": unsafe})
    assert response.status_code == 302 and response["Location"] == "/"
    assert response.cookies["django_language"].value == "cy"


def test_a_signed_in_person_s_choice_follows_them_to_another_browser(admin):
    admin.get("/language/cy/?next=/")
    assert InterfaceLanguage.objects.get(person=admin.user).code == "cy"
    elsewhere = Client()  # another browser: no cookie, an English Accept-Language
    elsewhere.force_login(admin.user)
    page = elsewhere.get("/", HTTP_ACCEPT_LANGUAGE="en-GB").content.decode()
    assert "<title>Eich partneriaethau – POET</title>" in page
    admin.get("/language/en-gb/?next=/")
    page = elsewhere.get("/", HTTP_ACCEPT_LANGUAGE="en-GB").content.decode()
    assert "<title>Your partnerships – POET</title>" in page


def test_the_403_page_in_welsh(client):
    partnership = PartnershipFactory(slug="beta")
    client.force_login(member(partnership, Role.MANAGER))
    response = in_welsh(client).get("/p/beta/members/")
    page = response.content.decode()
    assert response.status_code == 403
    assert "Ni allwch weld y dudalen hon" in page and "Mynd i’ch partneriaethau" in page
    assert "You cannot see this page" not in page


def test_the_404_page_in_welsh(client):
    client.force_login(UserFactory())
    response = in_welsh(client).get("/p/nowhere/")
    page = response.content.decode()
    assert response.status_code == 404
    assert "<title>Heb ddod o hyd i’r dudalen – POET</title>" in page
    assert "Os gwnaethoch deipio’r cyfeiriad gwe, gwiriwch ei fod yn gywir." in page
    assert "Page not found" not in page


def test_the_set_password_e_mail_is_in_both_languages_the_sender_s_first(admin):
    in_welsh(admin).post(
        "/p/alpha/members/", {"email": "eve@example.org", "name": "Eve Evans", "role": "manager"}
    )
    (message,) = mail.outbox
    welsh = message.body.index("Helo Eve Evans,")
    english = message.body.index("Hello Eve Evans,")
    assert welsh < english
    assert "Eich enw defnyddiwr yw eve." in message.body
    assert "Your username is eve." in message.body
    links = re.findall(r"http://testserver/accounts/reset/\S+", message.body)
    assert len(links) == 2 and links[0] == links[1]
    assert message.subject == (
        "Rydych wedi cael eich ychwanegu at POET: gosodwch eich cyfrinair"
        " / You have been added to POET: set your password"
    )


def test_an_english_sender_s_set_password_e_mail_puts_english_first(admin):
    admin.post(
        "/p/alpha/members/", {"email": "eve@example.org", "name": "Eve Evans", "role": "manager"}
    )
    (message,) = mail.outbox
    assert message.body.startswith("Hello Eve Evans,")
    assert "Helo Eve Evans," in message.body
    assert message.subject.startswith("You have been added to POET: set your password / ")


def test_a_date_input_and_its_errors_in_welsh(admin):
    in_welsh(admin)
    page = admin.get("/p/alpha/waves/new/").content.decode()
    assert "Creu cylch" in page and "Dyddiad agor (dewisol)" in page
    assert "Diwrnod" in page and "Mis" in page and "Blwyddyn" in page
    page = admin.post(
        "/p/alpha/waves/new/",
        {"name": "Cylch 2", "opens_on_0": "3", "opens_on_1": "", "opens_on_2": "x"},
    ).content.decode()
    assert "Rhowch flwyddyn ddilys" in page
    assert '<span class="govuk-visually-hidden">Gwall:</span>' in page
    assert "Enter a valid year" not in page


def test_a_date_input_s_errors_stay_english_without_the_choice(admin):
    page = admin.post(
        "/p/alpha/waves/new/",
        {"name": "Wave 2", "opens_on_0": "3", "opens_on_1": "", "opens_on_2": "x"},
    ).content.decode()
    assert "Enter a valid year" in page and "Day" in page and "Blwyddyn" not in page


def test_the_500_page_in_welsh(db, settings):
    settings.DEBUG = False
    settings.ROOT_URLCONF = "tests.poet.urls_failing"
    client = in_welsh(Client(raise_request_exception=False))
    response = client.get("/fails/")
    page = response.content.decode()
    assert response.status_code == 500
    assert '<html lang="cy"' in page
    assert "Mae’n ddrwg gennym, mae problem gyda’r gwasanaeth" in page
    assert "Sorry, there is a problem with the service" not in page


def test_the_wave_page_s_statuses_and_count_in_welsh(client):
    wave = WaveFactory(name="Cylch 1", slug="cylch-1")
    client.force_login(member(wave.partnership, Role.EVALUATOR))
    page = in_welsh(client).get(wave.get_absolute_url()).content.decode()
    assert re.search(r'id="task-survey-design-status">\s*<strong[^>]*>Heb ddechrau</strong>', page)
    assert re.search(r'id="task-compare-status">Methu dechrau eto</div>', page)
    assert "govuk-task-list__status--cannot-start-yet" in page  # the style follows the status
    assert "0 o 9 tasg wedi’u cwblhau." in page
    assert "Beth i’w wneud nesaf" in page and "Not started" not in page
