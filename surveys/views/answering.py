"""Pages for someone answering, under /s/ (no account): staff, and service users and carers
who came by their participant link (`/s/p/<token>/`), who also get an easy-read switch.

The token in a link is exchanged for a session at once and the browser is sent on to /s/, so it
does not linger in the address bar, history, logs or Referer headers. Every page here is sent
with `Cache-Control: no-store` and `Referrer-Policy: no-referrer`, except pages holding a form:
under no-referrer a browser posts with `Origin: null`, which CSRF protection rightly refuses, so
those get `same-origin` (no Referer ever leaves the site, and their addresses hold no token).
"""

from collections.abc import Callable
from functools import wraps

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from poet.models import Audience
from surveys.forms.answering import (
    ChooseGroupForm,
    SectionForm,
    display_answer,
    html_id,
    item_text,
    outcomes_by_code,
)
from surveys.languages import ENGLISH, known_code
from surveys.models import Draft, Questionnaire, Section
from surveys.rate_limits import TryLater, check_start, check_submit
from surveys.respondent_words import use_wave_words, word
from surveys.selectors.questionnaire_versions import live_questionnaire, questionnaire_of
from surveys.selectors.translations import in_language, page_words, respondent_languages
from surveys.services.answering import (
    ALREADY_SUBMITTED,
    NO_SURVEY,
    TEXT_LIMIT,
    NotReady,
    RespondentProblem,
    check_draft,
    draft_for_invitation_id,
    draft_for_link,
    draft_for_resume_token,
    first_unanswered_section,
    invitation_for_token,
    open_link_for_token,
    save_section,
    sections_of,
    set_easy_read,
    set_language,
    start_open_draft,
    submit,
)

SESSION = "poet_respond"
DONE = "poet_respond_done"
DONE_WITH = "poet_respond_done_with"  # [questionnaire id, easy read, language] of the last submit
WANTED = "poet_respond_language"  # a language asked for by ?lang=, until a page can apply it
ANSWERING_IN = "poet_respond_answering_in"  # the language of this session's last page


class Finished(Exception):
    """This browser has just submitted: show the thank-you page."""


def private(response: HttpResponse) -> HttpResponse:
    response.headers.setdefault("Referrer-Policy", "no-referrer")
    response["Cache-Control"] = "no-store"
    return response


def form_page(response: HttpResponse) -> HttpResponse:
    """A page that posts back to the site (see the module docstring)."""
    response["Referrer-Policy"] = "same-origin"
    return response


def problem_page(request: HttpRequest, problem: RespondentProblem) -> HttpResponse:
    context: dict[str, object] = {"title": problem.title, "message": problem.message}
    if isinstance(problem, TryLater):  # their answers are kept: say where to find them
        context |= {"back_url": problem.back_url, "resume_url": _resume_url(request)}
    response = render(request, "surveys/respond/problem.html", context, status=problem.status)
    if isinstance(problem, TryLater):
        response["Retry-After"] = str(problem.retry_after)
    return response


def respondent_page(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """A page for someone answering: private headers, and a clear page instead of an error."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if request.GET.get("lang"):
            request.session[WANTED] = request.GET["lang"][:20]
        # A page in the respondent's language (`content`) switches the language it is drawn in
        # for this request only.
        with translation.override(translation.get_language()):
            try:
                response = view(request, *args, **kwargs)
            except Finished:
                response = redirect("respond:thanks")
            except RespondentProblem as problem:
                _in_their_language(request)
                response = problem_page(request, problem)
            if translation.get_language() != ENGLISH:
                response["Content-Language"] = translation.get_language()
        return private(response)

    return wrapper


def _in_their_language(request: HttpRequest) -> None:
    """A page that cannot show the survey (closed, link used up) is still in the language they
    asked for or were answering in; else the interface's (cookie, browser)."""
    code = known_code(request.session.get(WANTED)) or known_code(request.session.get(ANSWERING_IN))
    if code:
        translation.activate(code)


def _begin(request: HttpRequest, state: dict) -> HttpResponse:
    """A new session for this respondent (the key rotated), then on to the start page."""
    request.session.cycle_key()
    request.session.pop(DONE, None)
    request.session[SESSION] = state
    return redirect("respond:survey")


def current_draft(request: HttpRequest) -> Draft:
    """The draft of the person this session belongs to, or why there is none."""
    state = request.session.get(SESSION) or {}
    if "invitation" in state:
        return draft_for_invitation_id(state["invitation"])
    if "draft" in state:
        draft = (
            Draft.objects.filter(pk=state["draft"]).select_related("questionnaire__wave").first()
        )
        if draft is None:
            raise ALREADY_SUBMITTED
        check_draft(draft)
        return draft
    if request.session.get(DONE):
        raise Finished
    raise NO_SURVEY


def content(request: HttpRequest, draft: Draft) -> tuple[Questionnaire, list[Section], dict | None]:
    """The draft's questionnaire, sections and outcome statements (None: English, load them as
    usual) in the language they answer in, after applying a language asked for by ?lang= when
    this questionnaire offers it; the page is drawn in that language (`<html lang dir>`)."""
    sections = sections_of(draft.questionnaire)
    wanted = known_code(request.session.pop(WANTED, None))
    if wanted and wanted != draft.language:
        offered = {lang.code for lang in respondent_languages(draft.questionnaire, sections)}
        if wanted in offered:
            set_language(draft, wanted)
    translation.activate(draft.language)
    if request.session.get(ANSWERING_IN) != draft.language:  # no session write on every page
        request.session[ANSWERING_IN] = draft.language
    use_wave_words(draft.language, page_words(draft.questionnaire.wave_id, draft.language))
    return in_language(draft.questionnaire, sections, draft.language)


def easy_read_context(draft: Draft) -> dict:
    """The easy-read switch and the outcome pictures, offered to service users and carers (the
    staff flow is unchanged)."""
    if draft.audience == Audience.STAFF:
        return {"easy_read": False, "switch": False, "pictures": False}
    return {"easy_read": draft.easy_read, "switch": True, "pictures": True}


def _page(response: HttpResponse, draft: Draft) -> HttpResponse:
    """Pages showing the easy-read switch post back to the site."""
    return form_page(response) if draft.audience != Audience.STAFF else response


def _resume_url(request: HttpRequest) -> str | None:
    token = (request.session.get(SESSION) or {}).get("resume")
    if not token:
        return None
    return request.build_absolute_uri(reverse("respond:resume", kwargs={"token": token}))


EASY_READ = "Easy read:"


def paragraphs(text: str, easy_read: bool = False) -> list[str]:
    """Text as paragraphs (split at blank lines), so each gets the page's body style.

    A follow-up questionnaire's introduction and privacy notice carry their easy-read wording
    as paragraphs starting "Easy read:": a reader sees one wording, not both.
    """
    found = [p.strip() for p in (text or "").replace("\r\n", "\n").split("\n\n") if p.strip()]
    easy = [p.removeprefix(EASY_READ).strip() for p in found if p.startswith(EASY_READ)]
    standard = [p for p in found if not p.startswith(EASY_READ)]
    if easy_read and easy:
        return easy
    return standard or easy


def section_url(number: int) -> str:
    return reverse("respond:section", kwargs={"number": number})


@respondent_page
def start(request: HttpRequest, token: str) -> HttpResponse:
    """A personal invitation link: check it, remember the invitation, drop the token."""
    invitation = invitation_for_token(token)
    return _begin(request, {"invitation": invitation.pk})


@respondent_page
@require_http_methods(["GET", "POST"])
def open_link(request: HttpRequest, token: str) -> HttpResponse:
    """The open link: the respondent says where they work, then answers like anyone else."""
    link = open_link_for_token(token)
    form = ChooseGroupForm(link.wave.partnership, request.POST or None)
    if request.method == "POST" and form.is_valid():
        check_start(request, link.wave_id)
        draft, resume_token = start_open_draft(
            link, form.cleaned_data["organisation"], form.cleaned_data["staff_group"]
        )
        return _begin(request, {"draft": draft.pk, "resume": resume_token})
    return form_page(
        render(
            request,
            "surveys/respond/choose_group.html",
            {"form": form, "wave": link.wave, "questionnaire": live_questionnaire(link.wave)},
        )
    )


@respondent_page
def participant(request: HttpRequest, token: str) -> HttpResponse:
    """A service user's or carer's own link: exchanged for the session like staff links."""
    draft = draft_for_link("participant", token)
    return _begin(request, {"draft": draft.pk, "participant": True})


@respondent_page
@require_http_methods(["POST"])
def easy_read(request: HttpRequest) -> HttpResponse:
    """The easy-read switch: flip the wording and go back to the page it was pressed on."""
    draft = current_draft(request)
    set_easy_read(draft, request.POST.get("easy_read") == "1")
    target = request.POST.get("next", "")
    if not target.startswith("/s/") or "//" in target or "\\" in target:
        target = reverse("respond:survey")
    return redirect(target)


@respondent_page
def resume(request: HttpRequest, token: str) -> HttpResponse:
    """The "save and come back" link of someone who came by the open link."""
    draft = draft_for_resume_token(token)
    return _begin(request, {"draft": draft.pk, "resume": token})


@respondent_page
def survey(request: HttpRequest) -> HttpResponse:
    """The start page: purpose, privacy notice, and where to begin or carry on."""
    draft = current_draft(request)
    questionnaire, sections, _outcomes = content(request, draft)
    next_number = first_unanswered_section(draft, sections)
    continue_url = section_url(next_number) if next_number else reverse("respond:review")
    languages = respondent_languages(draft.questionnaire, sections_of(draft.questionnaire))
    return _page(
        render(
            request,
            "surveys/respond/start.html",
            {
                "questionnaire": questionnaire,
                "languages": languages if len(languages) > 1 else [],
                "current_language": draft.language,
                "introduction": paragraphs(questionnaire.introduction, draft.easy_read),
                "privacy_notice": paragraphs(questionnaire.privacy_notice, draft.easy_read),
                "section_count": len(sections),
                "returning": bool(draft.answers),
                "continue_url": continue_url if sections else None,
                "resume_url": _resume_url(request),
                "staff": draft.audience == Audience.STAFF,
            }
            | easy_read_context(draft),
        ),
        draft,
    )


@respondent_page
@require_http_methods(["GET", "POST"])
def section(request: HttpRequest, number: int) -> HttpResponse:
    """One section of questions; Continue checks and saves them, Back and Save keep what is
    valid so far."""
    draft = current_draft(request)
    questionnaire, sections, _outcomes = content(request, draft)
    if not 1 <= number <= len(sections):
        return redirect("respond:survey")
    current = sections[number - 1]
    back_to_review = request.GET.get("return") == "review"
    if request.method == "POST":
        form = SectionForm(current, request.POST, answers=draft.answers, easy_read=draft.easy_read)
        action = request.POST.get("action", "continue")
        if action in ("back", "save"):
            save_section(draft, form.valid_answer_values(), complete=False)
            if action == "save":
                return redirect("respond:saved")
            return redirect(section_url(number - 1) if number > 1 else reverse("respond:survey"))
        if form.is_valid():
            save_section(draft, form.answer_values(), complete=True)
            if back_to_review or number == len(sections):
                return redirect("respond:review")
            return redirect(section_url(number + 1))
    else:
        form = SectionForm(current, answers=draft.answers, easy_read=draft.easy_read)
    return form_page(
        render(
            request,
            "surveys/respond/section.html",
            section_context(form, number, len(sections), questionnaire)
            | {"action_url": request.get_full_path(), "can_save": True}
            | easy_read_context(draft),
        )
    )


def section_context(form: SectionForm, number: int, count: int, questionnaire) -> dict:
    """What the section page needs, shared with the evaluators' preview."""
    return {
        "form": form,
        "section": form.section,
        "introduction": paragraphs(form.section.introduction, form.easy_read),
        "blocks": form.blocks(),
        "errors": form.error_list() if form.is_bound else [],
        "number": number,
        "count": count,
        "questionnaire": questionnaire,
        "text_limit": TEXT_LIMIT,
    }


def review_rows(draft: Draft, sections: list, outcomes: dict | None = None) -> list[dict]:
    """Every answer in words; `outcomes` in the respondent's language (None: English)."""
    answers = draft.answers or {}
    if outcomes is None:
        outcomes = outcomes_by_code(draft.questionnaire_id) if draft.easy_read else None
    return [
        {
            "section": s,
            "number": number,
            "items": [
                {
                    "item": item,
                    "text": item_text(item, draft.easy_read),
                    "answer": display_answer(
                        item, answers.get(item.code), draft.easy_read, outcomes
                    ),
                    "change_url": f"{section_url(number)}?return=review#{html_id(item.code)}",
                }
                for item in s.items.all()
            ],
        }
        for number, s in enumerate(sections, start=1)
    ]


@respondent_page
@require_http_methods(["GET", "POST"])
def review(request: HttpRequest) -> HttpResponse:
    """Every answer with a way to change it, then submit."""
    try:
        draft = current_draft(request)
    except RespondentProblem as problem:
        if request.method == "POST" and problem is ALREADY_SUBMITTED:
            raise Finished from None  # a second click, the back button, a replayed request
        raise
    questionnaire, sections, outcomes = content(request, draft)
    wording = {item.code: item.text for s in sections for item in s.items.all()}
    errors = []
    if request.method == "POST":
        if draft.via_open_link:
            check_submit(request, draft.questionnaire.wave_id, reverse("respond:review"))
        try:
            submit(draft.pk)
        except NotReady as not_ready:
            errors = [
                (
                    f"{section_url(m.section_number)}?return=review#{html_id(m.item.code)}",
                    _("Answer “%(question)s” in section %(number)s")
                    % {
                        "question": wording.get(m.item.code, m.item.text),
                        "number": m.section_number,
                    },
                )
                for m in not_ready.missing
            ] or [(section_url(1), word("answer_one", draft.easy_read))]
        else:
            request.session.pop(SESSION, None)
            request.session[DONE] = draft.audience
            # The thank-you page keeps the wording and names who asked.
            request.session[DONE_WITH] = [draft.questionnaire_id, draft.easy_read, draft.language]
            return redirect("respond:thanks")
    return form_page(
        render(
            request,
            "surveys/respond/review.html",
            {
                "questionnaire": questionnaire,
                "rows": review_rows(draft, sections, outcomes),
                "errors": errors,
                "section_count": len(sections),
                "staff": draft.audience == Audience.STAFF,
            }
            | easy_read_context(draft),
        )
    )


@respondent_page
def saved(request: HttpRequest) -> HttpResponse:
    """After "Save and come back later": how to come back."""
    draft = current_draft(request)
    questionnaire, sections, _outcomes = content(request, draft)
    next_number = first_unanswered_section(draft, sections)
    return _page(
        render(
            request,
            "surveys/respond/saved.html",
            {
                "questionnaire": questionnaire,
                "resume_url": _resume_url(request),
                "continue_url": (
                    section_url(next_number) if next_number else reverse("respond:review")
                ),
                "staff": draft.audience == Audience.STAFF,
            }
            | easy_read_context(draft),
        ),
        draft,
    )


@respondent_page
def thanks(request: HttpRequest) -> HttpResponse:
    done = request.session.get(DONE)
    staff = done in (None, True, Audience.STAFF)
    done_with = list(request.session.get(DONE_WITH) or [None, False])
    questionnaire_id, easy = done_with[:2]
    code = known_code(done_with[2] if len(done_with) > 2 else None) or ENGLISH
    questionnaire = questionnaire_of(questionnaire_id)
    if questionnaire is not None and code != ENGLISH:
        translation.activate(code)
        use_wave_words(code, page_words(questionnaire.wave_id, code))
        questionnaire = in_language(questionnaire, sections_of(questionnaire), code)[0]
    context = {
        "staff": staff,
        "questionnaire": questionnaire,
        "easy_read": bool(easy) and not staff,
    }
    return render(request, "surveys/respond/thanks.html", context)
