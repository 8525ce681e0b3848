"""Issue 17, item 2: the pages' own words ("Start now", "Continue", the thank-you page) are
translated with the questionnaire for every language the interface's catalogue lacks (Welsh has
them from the catalogue), so a respondent reading Polish meets no English on the way."""

from html import unescape

import polib
import pytest
from django.urls import reverse
from django.utils import translation

from surveys.respondent_words import STANDARD, word
from surveys.selectors.translations import language_statuses, page_texts, wave_texts
from surveys.services.translations import export_po, import_po, set_languages
from tests.surveys.test_answering_support import SECTION_1, SECTION_2, SECTION_3, build_survey
from tests.surveys.test_translations import translated_file

pytestmark = pytest.mark.django_db


def polish(text: str) -> str:
    """A pseudo-language that keeps every blank: "ż" before each paragraph."""
    return "\n\n".join("ż " + p for p in text.split("\n\n"))


def test_a_language_without_a_catalogue_translates_the_page_words_too():
    invitation, _ = build_survey()
    wave = invitation.wave
    set_languages(wave, ["cy", "pl"])
    welsh, polish_status = language_statuses(wave)
    assert welsh.total == len(wave_texts(wave))  # Welsh page words come from the catalogue
    assert polish_status.total == len(wave_texts(wave)) + len(page_texts())
    missing = {t.key for t in polish_status.missing}
    assert {"page.start", "page.thanks_staff", "page.easy.continue"} <= missing
    exported = {e.msgctxt: e for e in polib.pofile(export_po(wave, "pl").decode())}
    assert exported["page.progress"].msgid == STANDARD["progress"]
    assert "Keep {count}, {number} as they are." in exported["page.progress"].comment
    welsh_file = polib.pofile(export_po(wave, "cy").decode())
    assert not any(entry.msgctxt.startswith("page.") for entry in welsh_file)


def test_a_respondent_reading_polish_meets_the_page_words_in_polish(client):
    invitation, token = build_survey()
    wave = invitation.wave
    set_languages(wave, ["pl"])
    result = import_po(wave, "pl", translated_file(wave, "pl", translate=polish))
    assert result.warnings == ()
    client.get(reverse("respond:start", kwargs={"token": token}) + "?lang=pl")
    start = unescape(client.get("/s/").content.decode())
    assert polish(STANDARD["start"]) in start
    assert polish(STANDARD["privacy"]) in start
    section = unescape(client.get("/s/section/1/").content.decode())
    assert polish("Section {number} of {count}").format(number=1, count=3) in section
    assert polish(STANDARD["save"]) in section
    for n, data in enumerate([SECTION_1, SECTION_2, SECTION_3], start=1):
        assert client.post(f"/s/section/{n}/", data).status_code == 302
    review = unescape(client.get("/s/review/").content.decode())
    assert polish(STANDARD["send"]) in review
    client.post("/s/review/")
    thanks = unescape(client.get("/s/thank-you/").content.decode())
    assert polish(STANDARD["thanks_staff"]) in thanks
    assert ">" + STANDARD["thanks_staff"] not in thanks
    # Nothing leaks to words drawn afterwards in English in the same thread.
    with translation.override("en-gb"):
        assert word("start") == "Start now"


def test_a_page_word_whose_blanks_were_mangled_warns_and_never_breaks_the_page(client):
    invitation, token = build_survey()
    wave = invitation.wave
    set_languages(wave, ["pl"])

    def careless(text: str) -> str:
        # Reverses every word: "{count}" becomes "}tnuoc{" and a stray brace appears.
        return " ".join(w[::-1] for w in text.split(" "))

    result = import_po(wave, "pl", translated_file(wave, "pl", translate=careless))
    assert any(w.startswith("page.progress: the blanks {count}, {number}") for w in result.warnings)
    client.get(reverse("respond:start", kwargs={"token": token}) + "?lang=pl")
    assert client.get("/s/").status_code == 200
    page = client.get("/s/section/1/")
    assert page.status_code == 200
    assert "}rebmun{" in unescape(page.content.decode())  # shown as written, not a crash


def test_the_wave_cannot_offer_polish_to_respondents_until_the_page_words_are_translated(client):
    invitation, token = build_survey()
    wave = invitation.wave
    set_languages(wave, ["pl"])
    content = polib.pofile(translated_file(wave, "pl", translate=polish).decode())
    for entry in content:
        if entry.msgctxt.startswith("page."):
            entry.msgstr = ""
    with pytest.raises(Exception, match=r"\(page\.start\): the translation is missing"):
        import_po(wave, "pl", str(content).encode())
    client.get(reverse("respond:start", kwargs={"token": token}))
    assert "Polski" not in client.get("/s/").content.decode()


def test_the_catalogue_words_follow_the_language_and_a_changed_catalogue(settings, tmp_path):
    """The page words are looked up once per language and process (issue 19: they were 40% of
    drawing a section), yet each language still gets its own, and a test or deployment that
    changes the catalogues' settings gets the new words."""
    from surveys.respondent_words import words

    with translation.override("cy"):
        welsh = words(False)
    with translation.override("en-gb"):
        english = words(False)
    assert english == dict(STANDARD)
    assert welsh != english and all(welsh.values())
    with translation.override("cy"):
        assert words(False) == welsh
        words(False)["start"] = "changed by a caller"
        assert words(False) == welsh  # each caller gets its own copy
    # An empty Welsh catalogue: the words fall back to English once the setting changes.
    empty = tmp_path / "cy" / "LC_MESSAGES"
    empty.mkdir(parents=True)
    settings.LOCALE_PATHS = [str(tmp_path)]
    with translation.override("cy"):
        fallen_back = words(False)
    assert fallen_back != welsh
