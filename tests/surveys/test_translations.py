"""Questionnaire content in other languages: PO files out and in, whole or not at all; a wave
does not open with a language half translated; respondents choose their language and read the
questionnaire in it, their answers stored by item."""

from html import unescape

import polib
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from poet.models import AuditEvent, Wave
from surveys.errors import SurveyError
from surveys.models import Answer, Response, Translation
from surveys.selectors.translations import language_statuses, wave_texts
from surveys.services.opening import open_wave
from surveys.services.translations import (
    TranslationFileError,
    export_po,
    import_po,
    set_languages,
)
from tests.factories import WaveFactory, member
from tests.surveys.test_answering_support import (
    SECTION_1,
    SECTION_2,
    SECTION_3,
    build_questionnaire,
    build_survey,
)

pytestmark = pytest.mark.django_db


def pseudo(text: str) -> str:
    """A pseudo-language: every word reversed, each paragraph's "Easy read:" marker kept."""
    paragraphs = []
    for paragraph in text.split("\n\n"):
        marker = "Easy read:" if paragraph.startswith("Easy read:") else ""
        rest = paragraph.removeprefix(marker)
        paragraphs.append(marker + " ".join(word[::-1] for word in rest.split(" ")))
    return "\n\n".join(paragraphs)


def translated_file(wave: Wave, code: str, translate=pseudo) -> bytes:
    po = polib.pofile(export_po(wave, code).decode())
    for entry in po:
        entry.msgstr = translate(entry.msgid)
    return str(po).encode()


def test_a_po_file_round_trip_shows_on_the_respondent_pages(client):
    invitation, token = build_survey()
    wave = invitation.wave
    set_languages(wave, ["cy"])
    exported = polib.pofile(export_po(wave, "cy").decode())
    keys = {entry.msgctxt for entry in exported}
    assert "staff.questionnaire.title" in keys
    assert "staff.item.P-TRUST-1.text" in keys
    assert "staff.item.SETTING.option.home" in keys
    assert f"outcome.O-HOME-{wave.pk}.text" in keys
    assert all(entry.msgstr == "" for entry in exported)
    assert exported.metadata["Language"] == "cy"

    result = import_po(wave, "cy", translated_file(wave, "cy"))
    assert result.saved == len(wave_texts(wave))
    assert language_statuses(wave)[0].complete

    client.get(reverse("respond:start", kwargs={"token": token}) + "?lang=cy")
    start = client.get("/s/")
    html = unescape(start.content.decode())
    assert '<html lang="cy" dir="ltr"' in html
    assert pseudo("Working together in our partnership") in html
    assert pseudo("We want to know how the partnership feels to work in.") in html
    assert "Working together in our partnership" not in html
    page = unescape(client.get("/s/section/1/").content.decode())
    assert pseudo("I trust colleagues in other partners.") in page
    assert "I trust colleagues in other partners." not in page
    page = unescape(client.get("/s/section/2/").content.decode())
    assert pseudo("I can stay living in my own home") in page
    page = unescape(client.get("/s/section/3/").content.decode())
    assert pseudo("In people's homes") in page
    # The exported file now carries the translations.
    again = polib.pofile(export_po(wave, "cy").decode())
    assert all(entry.msgstr == pseudo(entry.msgid) for entry in again)


def test_answers_are_stored_by_item_and_the_response_keeps_its_language(client):
    invitation, token = build_survey()
    set_languages(invitation.wave, ["ur"])
    import_po(invitation.wave, "ur", translated_file(invitation.wave, "ur"))
    client.get(reverse("respond:start", kwargs={"token": token}) + "?lang=ur")
    start = client.get("/s/").content.decode()
    assert '<html lang="ur" dir="rtl"' in start
    assert "css/rtl.css" in start
    for n, data in enumerate([SECTION_1, SECTION_2, SECTION_3], start=1):
        assert client.post(f"/s/section/{n}/", data).status_code == 302
    assert client.post("/s/review/").status_code == 302
    thanks = client.get("/s/thank-you/").content.decode()
    assert '<html lang="ur" dir="rtl"' in thanks
    response = Response.objects.get()
    assert response.language == "ur"
    trust = Answer.objects.get(response=response, item__code="P-TRUST-1")
    assert trust.number == 4
    home = Answer.objects.get(response=response, item__code="TOP3")
    assert home.choices == ["O-HOME", "O-SAFE"]


def test_the_start_page_offers_the_wave_languages_in_their_own_words(client):
    invitation, token = build_survey()
    set_languages(invitation.wave, ["cy", "ur", "pl"])
    import_po(invitation.wave, "cy", translated_file(invitation.wave, "cy"))
    import_po(invitation.wave, "ur", translated_file(invitation.wave, "ur"))
    client.get(reverse("respond:start", kwargs={"token": token}))
    html = client.get("/s/").content.decode()
    assert 'href="?lang=cy" hreflang="cy" lang="cy"' in html
    assert "Cymraeg" in html and "اردو" in html
    assert "Polski" not in html  # offered, but not translated yet
    assert 'lang="en-gb" dir="ltr" aria-current="true">English' in html
    client.get("/s/?lang=cy")
    html = client.get("/s/").content.decode()
    assert 'lang="cy" dir="ltr" aria-current="true">Cymraeg' in html
    assert '<html lang="cy"' in html
    # A language the questionnaire does not offer is ignored.
    client.get("/s/?lang=pl")
    assert '<html lang="cy"' in client.get("/s/").content.decode()


def test_an_english_text_changed_after_translation_counts_as_missing():
    invitation, _ = build_survey()
    wave = invitation.wave
    set_languages(wave, ["cy"])
    import_po(wave, "cy", translated_file(wave, "cy"))
    questionnaire = wave.questionnaires.get()
    questionnaire.title = "A new title"
    questionnaire.save()
    status = language_statuses(wave)[0]
    assert [t.key for t in status.missing] == ["staff.questionnaire.title"]


# Broken files are refused whole


def _broken(wave: Wave, change) -> bytes:
    po = polib.pofile(translated_file(wave, "cy").decode())
    change(po)
    return str(po).encode()


def _missing_msgstr(po):
    po.find("I trust colleagues in other partners.", by="msgid").msgstr = ""


def _unknown_key(po):
    po.append(polib.POEntry(msgctxt="staff.item.NOPE.text", msgid="Nope", msgstr="Na"))


def _removed_string(po):
    po.remove(po.find("Rank these outcomes", by="msgid"))


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (_missing_msgstr, "(staff.item.P-TRUST-1.text): the translation is missing"),
        (_unknown_key, "(staff.item.NOPE.text): the wave has no such text"),
        (_removed_string, "staff.item.RANK.text: not in the file"),
    ],
)
def test_a_file_with_a_broken_or_missing_string_is_refused_whole(change, message):
    invitation, _ = build_survey()
    wave = invitation.wave
    set_languages(wave, ["cy"])
    with pytest.raises(TranslationFileError) as refused:
        import_po(wave, "cy", _broken(wave, change))
    assert message in str(refused.value)
    assert "nothing was saved" in str(refused.value)
    assert not Translation.objects.exists()


def test_a_file_that_is_not_a_po_file_is_refused_with_its_line():
    invitation, _ = build_survey()
    set_languages(invitation.wave, ["cy"])
    good = translated_file(invitation.wave, "cy").decode()
    broken = good.replace('msgstr "', 'msgstr oops "', 1)
    with pytest.raises(TranslationFileError) as refused:
        import_po(invitation.wave, "cy", broken.encode())
    assert "not a readable PO file" in str(refused.value)
    assert "line" in str(refused.value)
    assert not Translation.objects.exists()


def test_a_file_for_another_language_is_refused():
    invitation, _ = build_survey()
    set_languages(invitation.wave, ["cy", "ur"])
    with pytest.raises(TranslationFileError, match="for the language “ur”"):
        import_po(invitation.wave, "cy", translated_file(invitation.wave, "ur"))


# Opening


def test_a_wave_does_not_open_while_an_offered_language_lacks_texts():
    wave = WaveFactory()
    build_questionnaire(wave, frozen=False)
    set_languages(wave, ["cy"])
    with pytest.raises(SurveyError, match="Welsh lacks"):
        open_wave(wave)
    wave.refresh_from_db()
    assert wave.status == Wave.Status.DRAFT
    import_po(wave, "cy", translated_file(wave, "cy"))
    open_wave(wave)
    wave.refresh_from_db()
    assert wave.status == Wave.Status.OPEN


# The Languages page


def _page(wave, name="languages", **kwargs):
    return reverse(
        f"surveys:{name}",
        kwargs={"partnership": wave.partnership.slug, "wave": wave.slug, **kwargs},
    )


def test_an_evaluator_chooses_languages_downloads_and_imports_on_the_languages_page(client):
    wave = WaveFactory()
    build_questionnaire(wave, frozen=False)
    client.force_login(member(wave.partnership))
    page = client.get(_page(wave))
    assert page.status_code == 200
    assert "The wave offers English only" in page.content.decode()
    response = client.post(_page(wave), {"languages": ["cy", "ur"]})
    assert response.status_code == 302
    html = client.get(_page(wave)).content.decode()
    assert 'Welsh (<span lang="cy" dir="ltr">Cymraeg</span>)' in html
    assert 'Urdu (<span lang="ur" dir="rtl">اردو</span>)' in html
    total = len(wave_texts(wave))
    assert f"0 of {total}" in html
    assert "What is missing in Welsh" in html
    download = client.get(_page(wave, "languages_download", language="cy"))
    assert download.status_code == 200
    assert download["Content-Disposition"].endswith('-cy.po"')
    po = polib.pofile(download.content.decode())
    for entry in po:
        entry.msgstr = pseudo(entry.msgid)
    upload = SimpleUploadedFile("cy.po", str(po).encode(), "text/x-gettext-translation")
    response = client.post(_page(wave, "languages_import"), {"language": "cy", "file": upload})
    assert response.status_code == 302
    html = client.get(_page(wave)).content.decode()
    assert f"{total} of {total}" in html
    assert f"{total} translated texts imported for Welsh" in html
    assert AuditEvent.objects.filter(action="translations.imported").exists()
    assert AuditEvent.objects.filter(action="wave.languages_changed").exists()


def test_a_broken_upload_names_each_problem_and_saves_nothing(client):
    wave = WaveFactory()
    build_questionnaire(wave, frozen=False)
    set_languages(wave, ["cy"])
    client.force_login(member(wave.partnership))

    def change(po):
        _missing_msgstr(po)
        _unknown_key(po)

    upload = SimpleUploadedFile("cy.po", _broken(wave, change))
    response = client.post(_page(wave, "languages_import"), {"language": "cy", "file": upload})
    assert response.status_code == 200
    html = unescape(response.content.decode())
    assert "There is a problem" in html
    assert "The file was not imported and nothing was saved: fix 2 problems" in html
    assert "(staff.item.P-TRUST-1.text): the translation is missing" in html
    assert "(staff.item.NOPE.text): the wave has no such text" in html
    assert not Translation.objects.exists()


def test_a_language_not_offered_has_no_file(client):
    wave = WaveFactory()
    build_questionnaire(wave, frozen=False)
    client.force_login(member(wave.partnership))
    assert client.get(_page(wave, "languages_download", language="cy")).status_code == 404


def test_the_open_page_lists_what_is_missing(client):
    wave = WaveFactory()
    build_questionnaire(wave, frozen=False)
    set_languages(wave, ["cy"])
    client.force_login(member(wave.partnership))
    html = unescape(client.get(_page(wave, "open")).content.decode())
    assert "The wave cannot open yet" in html
    assert "Welsh:" in html and "missing" in html
    assert "Staff questionnaire, question P-TRUST-1: question: “I trust colleagues" in html
    refused = client.post(_page(wave, "open"), follow=True)
    assert "The wave could not open" in refused.content.decode()
    wave.refresh_from_db()
    assert wave.status == Wave.Status.DRAFT
    import_po(wave, "cy", translated_file(wave, "cy"))
    assert "Open the wave?" in client.get(_page(wave, "open")).content.decode()


def test_an_evaluator_previews_the_questionnaire_in_a_language(client):
    wave = WaveFactory()
    build_questionnaire(wave, frozen=False)
    set_languages(wave, ["ur"])
    import_po(wave, "ur", translated_file(wave, "ur"))
    client.force_login(member(wave.partnership))
    preview = reverse(
        "surveys:preview", kwargs={"partnership": wave.partnership.slug, "wave": wave.slug}
    )
    html = unescape(client.get(f"{preview}?lang=ur").content.decode())
    assert '<html lang="ur" dir="rtl"' in html
    assert pseudo("Working together in our partnership") in html
    assert f"{preview}?section=1&lang=ur" in html
    section = unescape(client.get(f"{preview}?section=1&lang=ur").content.decode())
    assert pseudo("I trust colleagues in other partners.") in section
    # A language the wave does not offer shows English.
    assert '<html lang="en-GB"' in client.get(f"{preview}?lang=pl").content.decode()
