"""Qualitative sources pages of a wave's follow-up (evaluators only): the list of sources, adding
a session's notes or transcript (masked before it is saved), reviewing the masking (counts of
each kind, words masked by hand) and confirming it. Thin: the rules are in
`outcomes.services.sources`, the reads in `outcomes.selectors.sources`."""

import re

from django.contrib import messages
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from outcomes.forms.sources import MaskWordsForm, SourceForm
from outcomes.models import FollowUpSchedule, QualitativeSource
from outcomes.selectors import sources as selectors
from outcomes.selectors.schedule import schedule_of
from outcomes.services import sources as service
from poet.analysis.masking import KINDS, PLACEHOLDERS
from poet.models import Wave
from poet.permissions import Access, Right, wave_view
from poet.views.form_flow import done, run_form

KIND_LABELS = {
    "name": gettext_lazy("Names and participant codes"),
    "email": gettext_lazy("E-mail addresses"),
    "phone": gettext_lazy("Phone numbers"),
    "postcode": gettext_lazy("Postcodes"),
    "by_hand": gettext_lazy("Words masked by hand"),
}


def _schedule(wave: Wave) -> FollowUpSchedule:
    schedule = schedule_of(wave)
    if schedule is None:
        raise Http404("This wave has no follow-up yet.")
    return schedule


def _url(wave: Wave, name: str, source: QualitativeSource | None = None) -> str:
    url = reverse(
        f"outcomes:{name}", kwargs={"partnership": wave.partnership.slug, "wave": wave.slug}
    )
    return f"{url}?source={source.pk}" if source is not None else url


def _source(request: HttpRequest, schedule: FollowUpSchedule) -> QualitativeSource:
    try:
        pk = int(request.GET.get("source") or request.POST.get("source") or "")
    except ValueError as e:
        raise Http404("No such source.") from e
    found = selectors.source_of(schedule, pk)
    if found is None:
        raise Http404("No such source.")
    return found


def _context(access: Access, wave: Wave, schedule: FollowUpSchedule, **extra) -> dict:
    return {
        "access": access,
        "partnership": access.partnership,
        "wave": wave,
        "schedule": schedule,
        **extra,
    }


def masked_counts(source: QualitativeSource) -> list[dict]:
    """Each kind of identifier with how many were masked and the placeholder that shows it."""
    return [
        {
            "label": KIND_LABELS[kind],
            "placeholder": PLACEHOLDERS[kind],
            "count": int(source.masked_counts.get(kind, 0)),
        }
        for kind in KINDS
    ]


_PLACEHOLDER = re.compile("(" + "|".join(re.escape(p) for p in PLACEHOLDERS.values()) + ")")


def text_parts(text: str) -> list[dict]:
    """The masked text in runs, each placeholder apart so the page can mark it for the eye."""
    return [
        {"text": part, "masked": part in PLACEHOLDERS.values()}
        for part in _PLACEHOLDER.split(text)
        if part
    ]


@wave_view(Right.EVALUATE)
def sources(request: HttpRequest, access: Access, wave: Wave) -> HttpResponse:
    """The notes and transcripts of the wave's sessions, with the state of their masking."""
    schedule = _schedule(wave)
    found = list(selectors.sources_of(schedule))
    # Numbered in the order added: a source is never named after anyone.
    rows = [{"source": s, "number": n} for n, s in enumerate(found, start=1)]
    context = _context(
        access,
        wave,
        schedule,
        rows=rows,
        has_sessions=schedule.sessions.exists(),
        unconfirmed=sum(1 for s in found if not s.is_confirmed),
    )
    return render(request, "outcomes/sources/index.html", context)


@wave_view(Right.EVALUATE)
def add_source(request: HttpRequest, access: Access, wave: Wave) -> HttpResponse:
    """Add a session's notes or transcript: typed, pasted or a .txt, .docx or .odt file, masked
    on saving."""
    schedule = _schedule(wave)
    form = SourceForm(request.POST or None, request.FILES or None, schedule=schedule)

    def add(data: dict) -> QualitativeSource:
        upload = data.get("upload")
        return service.add_source(
            schedule,
            session=data["session"],
            audience=data["audience"],
            kind=data["kind"],
            text=upload.text if upload else data["text"],
            original=upload,
            actor=request.user,
        )

    added, source = run_form(request, form, add, refused=service.SourceError, field="text")
    if added and source is not None:
        return done(
            request,
            _(
                "The source is added and masked. Read the masked text, mask anything left, then "
                "confirm the masking."
            ),
            _url(wave, "source", source),
        )
    context = _context(
        access,
        wave,
        schedule,
        form=form,
        has_sessions=schedule.sessions.exists(),
        keeps_files=access.partnership.keep_source_files,
    )
    return render(request, "outcomes/sources/add.html", context)


@wave_view(Right.EVALUATE)
def source(request: HttpRequest, access: Access, wave: Wave) -> HttpResponse:
    """Review a source's masking: the masked text, how many of each kind were masked, a form to
    mask more words by hand, and the button to confirm."""
    schedule = _schedule(wave)
    found = _source(request, schedule)
    form = MaskWordsForm(request.POST or None)
    masked, count = run_form(
        request,
        form,
        lambda data: service.mask_further(found, data["words"], actor=request.user),
        refused=service.SourceError,
        field="words",
    )
    if masked:
        count = count or 0
        masked_words = ngettext(
            "%(count)s more place masked.", "%(count)s more places masked.", count
        ) % {"count": count}
        if not count:
            masked_words = _("None of those words are in the text: nothing more was masked.")
        return done(request, masked_words, _url(wave, "source", found))
    context = _context(
        access,
        wave,
        schedule,
        source=found,
        form=form,
        counts=masked_counts(found),
        parts=text_parts(found.text),
    )
    return render(request, "outcomes/sources/source.html", context)


@wave_view(Right.EVALUATE)
def confirm_source(request: HttpRequest, access: Access, wave: Wave) -> HttpResponse:
    """Confirm a source's masking (a POST from its review page): it may then be coded."""
    schedule = _schedule(wave)
    found = _source(request, schedule)
    back = _url(wave, "source", found)
    if request.method != "POST":
        return redirect(back)
    try:
        service.confirm_masking(found, actor=request.user)
    except service.SourceError as error:
        messages.info(request, str(error))
        return redirect(back)
    return done(request, _("The masking is confirmed: the source can now be coded."), back)


@wave_view(Right.EVALUATE)
def collect_answers(request: HttpRequest, access: Access, wave: Wave) -> HttpResponse:
    """Make sources of the wave's free-text answers not yet collected (a POST from the list)."""
    schedule = _schedule(wave)
    back = _url(wave, "sources")
    if request.method != "POST":
        return redirect(back)
    added = service.collect_answer_sources(schedule, actor=request.user)
    if not added:
        messages.info(request, _("There are no new free-text answers to add."))
        return redirect(back)
    return done(
        request,
        ngettext(
            "%(count)s free-text answer added and masked: review and confirm each before it is "
            "coded.",
            "%(count)s free-text answers added and masked: review and confirm each before it is "
            "coded.",
            added,
        )
        % {"count": added},
        back,
    )


CONTENT_TYPES = {
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".odt": "application/vnd.oasis.opendocument.text",
    ".txt": "text/plain",
}


@wave_view(Right.EVALUATE)
def original_file(request: HttpRequest, access: Access, wave: Wave) -> HttpResponse | FileResponse:
    """Download a source's kept original file (unmasked): evaluators only, each download
    audited; never a public URL."""
    schedule = _schedule(wave)
    found = _source(request, schedule)
    try:
        handle, name = service.open_original(found, actor=request.user)
    except service.SourceError as error:
        messages.info(request, str(error))
        return redirect(_url(wave, "source", found))
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=name,
        content_type=CONTENT_TYPES.get(name[name.rfind(".") :], "application/octet-stream"),
    )
    response["Cache-Control"] = "private, no-store"
    return response


@wave_view(Right.EVALUATE)
def delete_original_file(request: HttpRequest, access: Access, wave: Wave) -> HttpResponse:
    """Delete a source's kept original file now (a POST from its review page)."""
    schedule = _schedule(wave)
    found = _source(request, schedule)
    back = _url(wave, "source", found)
    if request.method != "POST":
        return redirect(back)
    try:
        service.delete_original(found, actor=request.user)
    except service.SourceError as error:
        messages.info(request, str(error))
        return redirect(back)
    return done(request, _("The original file is deleted: only the masked text is kept."), back)
