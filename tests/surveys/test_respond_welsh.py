"""Issue 17, item 1: a respondent who answers in Welsh reads the product's own words in Welsh
(buttons, headings, progress, scales, errors, the review and thank-you pages), from the Welsh
catalogue; one who answers in a language the catalogue lacks (Urdu) reads them from the wave's
own translations, never mixed with the few words Django itself knows; English is unchanged."""

from datetime import date
from html import unescape

import pytest
from django.urls import reverse
from django.utils import translation

from poet.models import Wave
from surveys.forms.answering import Entry
from surveys.models import Answer, Item, Response
from surveys.services.translations import import_po, set_languages
from tests.surveys.easy_read_support import open_follow_up
from tests.surveys.test_answering_support import SECTION_1, SECTION_2, SECTION_3, build_survey
from tests.surveys.test_translations import pseudo, translated_file

pytestmark = pytest.mark.django_db


def survey_in(client, code: str):
    """A staff survey whose wave offers `code`, fully translated; the respondent chose it."""
    invitation, token = build_survey()
    set_languages(invitation.wave, [code])
    import_po(invitation.wave, code, translated_file(invitation.wave, code))
    client.get(reverse("respond:start", kwargs={"token": token}) + f"?lang={code}")
    return invitation


def page(client, path: str, data: dict | None = None) -> str:
    response = client.post(path, data) if data is not None else client.get(path)
    return unescape(response.content.decode())


def assert_welsh(html: str, welsh: list[str], english: list[str]) -> None:
    assert '<html lang="cy" dir="ltr"' in html
    for words in welsh:
        assert words in html, words
    for words in english:
        assert words not in html, words


def test_a_welsh_respondent_reads_every_page_in_welsh(client):
    survey_in(client, "cy")
    assert_welsh(
        page(client, "/s/"),
        ["Dechrau nawr", "Eich preifatrwydd", "Mae gan yr arolwg 3 adran", "gyda’r un ddolen"],
        ["Start now", "Your privacy", "The survey has", "with the same link", "Why we are"],
    )
    assert_welsh(
        page(client, "/s/section/1/"),
        ["Adran 1 o 3", "Cytuno’n gryf", "Ddim yn gwybod", "(dewisol)", "Parhau", "Yn ôl"],
        ["Section 1 of 3", "Strongly agree", "Don't know", "(optional)", ">Continue", ">Back"],
    )
    # Nothing answered: the errors are Welsh too, in the summary and by the question.
    errors = page(client, "/s/section/1/", {"action": "continue"})
    assert_welsh(
        errors,
        ["<title>Gwall:", "Dewiswch ateb i “", "Gwall:</span>"],
        ["<title>Error:", "Select an answer", ">Error:</span>"],
    )
    assert client.post("/s/section/1/", SECTION_1).status_code == 302
    assert client.post("/s/section/2/", SECTION_2).status_code == 302
    third = page(client, "/s/section/3/")
    assert_welsh(
        third,
        ["Rhowch 1 i’r un sydd bwysicaf", "Dim rhif", "Rhowch rif o 0 i 60.", "Gallwch roi hyd at"],
        ["Give 1 to the one", "Not ranked", "Enter a number from", "You can enter up to"],
    )
    assert 'data-i18n.characters-under-limit.other="Mae gennych %{count} nod ar ôl"' in third
    assert client.post("/s/section/3/", SECTION_3).status_code == 302
    assert_welsh(
        page(client, "/s/review/"),
        ["Gwiriwch eich atebion cyn eu hanfon", "Newid", " eich ateb i: ", "Anfon eich atebion"],
        ["Check your answers", ">Change<", "your answer to:", "Send your answers", "Not answered"],
    )
    assert client.post("/s/review/").status_code == 302
    assert_welsh(
        page(client, "/s/thank-you/"),
        ["<title>Diolch", "Mae eich atebion wedi’u hanfon", "Gallwch gau’r dudalen hon."],
        ["Thank you", "Your answers have been sent", "You can close this page"],
    )
    response = Response.objects.get()
    assert response.language == "cy"
    assert Answer.objects.get(response=response, item__code="P-TRUST-1").number == 4


def test_a_welsh_respondent_whose_survey_closes_is_told_so_in_welsh(client):
    invitation = survey_in(client, "cy")
    page(client, "/s/")
    Wave.objects.filter(pk=invitation.wave_id).update(status=Wave.Status.CLOSED)
    html = page(client, "/s/section/1/")
    assert_welsh(
        html,
        ["Mae’r arolwg hwn wedi cau", "Dydy’r arolwg ddim yn derbyn atebion bellach."],
        ["This survey is closed", "no longer taking answers"],
    )


def test_a_used_link_is_explained_in_welsh_to_a_browser_in_welsh(client):
    invitation, token = build_survey()
    invitation.completed_on = date.today()
    invitation.save()
    client.cookies["django_language"] = "cy"
    client.get(reverse("respond:start", kwargs={"token": token}))
    html = page(client, reverse("respond:start", kwargs={"token": token}))
    assert_welsh(
        html,
        ["Rydych chi eisoes wedi ateb yr arolwg hwn", "Gallwch gau’r dudalen hon."],
        ["You have already answered", "You can close this page"],
    )


def test_an_urdu_respondent_reads_the_product_words_the_wave_translates(client):
    survey_in(client, "ur")  # every text translated, the pages' own words too (pseudo)
    start = page(client, "/s/")
    assert '<html lang="ur" dir="rtl"' in start
    assert pseudo("Start now") in start and "Start now" not in start
    for n, data in enumerate([SECTION_1, SECTION_2, SECTION_3], start=1):
        client.post(f"/s/section/{n}/", data)
    review = page(client, "/s/review/")
    # The wave's words, never a word Django happens to know in Urdu ("Change") instead.
    assert f">{pseudo('Change')}<" in review and pseudo("Send your answers") in review
    assert ">Change<" not in review


def test_english_is_unchanged_even_with_a_welsh_interface_cookie(client):
    invitation, token = build_survey()
    set_languages(invitation.wave, ["cy"])
    import_po(invitation.wave, "cy", translated_file(invitation.wave, "cy"))
    client.cookies["django_language"] = "cy"
    client.get(reverse("respond:start", kwargs={"token": token}))
    start = page(client, "/s/")
    assert '<html lang="en-GB"' in start
    assert "Start now" in start and "The survey has 3 sections." in start
    assert "Dechrau nawr" not in start
    section = page(client, "/s/section/1/")
    assert "1 – Strongly disagree" in section and "Section 1 of 3" in section


def test_a_carer_reads_the_easy_read_wording_in_welsh(client):
    follow_up = open_follow_up()
    set_languages(follow_up.wave, ["cy"])
    import_po(follow_up.wave, "cy", translated_file(follow_up.wave, "cy"))
    client.get(f"/s/p/{follow_up.token}/?lang=cy")
    assert client.post("/s/easy-read/", {"easy_read": "1", "next": "/s/"}).status_code == 302
    assert_welsh(
        page(client, "/s/"),
        ["Pam rydym yn gofyn i chi", "Mae eich atebion yn breifat", "Geiriad safonol"],
        ["Why we are asking", "Your answers are private", "Start", "Standard wording"],
    )
    section = page(client, "/s/section/1/")
    assert_welsh(
        section,
        ["Tudalen 1 o", "Nesaf", "Mynd yn ôl", "Cadw a stopio am nawr", "Ddim yn bwysig"],
        ["Page 1 of", ">Next", "Go back", "Save and stop for now", "Not important"],
    )
    assert "Ychydig bach yn bwysig" in section  # easy read's own scale, in Welsh


def test_a_welsh_help_text_that_gives_the_limit_is_not_followed_by_it_again():
    item = Item(kind=Item.Kind.MULTIPLE, max_choices=3, help_text="Dewiswch hyd at dri.")
    entry = Entry(item=item, name="TOP3", id="q-TOP3")
    with translation.override("cy"):
        assert entry.limit_hint == ""
        item.help_text = "Meddyliwch am y bobl a wasanaethwch."
        assert entry.limit_hint == "Dewiswch hyd at 3."
