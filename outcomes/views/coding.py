"""Coding pages of a wave's follow-up (evaluators only): a source's text by paragraph with the
themes of each (a plain form, so it works without JavaScript), the selection of a passage by
keyboard or mouse where JavaScript runs (static/js/coding.js posts its offsets), a coding's memo,
marking one's coding of a source done, and the agreement between two coders. Thin: the rules are
in `outcomes.services.coding`, the reads in `outcomes.selectors.coding`."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from outcomes.forms.coding import MemoForm, ParagraphsForm, SelectionForm
from outcomes.models import Coding, FollowUpSchedule, QualitativeSource, Quote
from outcomes.selectors import coding as selectors
from outcomes.selectors.codebook import ordered_themes, themes_of
from outcomes.selectors.sources import source_of
from outcomes.services import coding as service
from outcomes.services import quotes as quote_service
from outcomes.views.codebook import follow_up_of, page_context, page_url, picked
from poet.models import Wave
from poet.permissions import Access, Right, wave_view
from poet.views.form_flow import done, run_form

EXCERPT = 160


def excerpt(text: str) -> str:
    return text if len(text) <= EXCERPT else text[: EXCERPT - 1].rstrip() + "…"


def _source(request: HttpRequest, schedule: FollowUpSchedule) -> QualitativeSource:
    found = source_of(schedule, picked(request, "source"))
    if found is None:
        raise Http404("No such source.")
    return found


def _coding(request: HttpRequest, schedule: FollowUpSchedule) -> Coding:
    """A coding the viewer may see: their own, or any of a source they marked done."""
    found = selectors.coding_of(schedule, picked(request, "coding"))
    if found is None or not (
        found.coder_id == request.user.pk or selectors.is_done(found.source, request.user)
    ):
        raise Http404("No such coding.")
    return found


def _code_url(wave: Wave, source: QualitativeSource) -> str:
    return page_url(wave, "code_source", f"source={source.pk}")


@wave_view(Right.EVALUATE)
def code_source(request: HttpRequest, access: Access, wave: Wave) -> HttpResponse:
    """Code a source: its paragraphs each with the codebook's themes to tick, and (with
    JavaScript) a passage selected in the text coded to the themes chosen."""
    schedule = follow_up_of(wave)
    found = _source(request, schedule)
    if not found.is_confirmed:
        messages.info(request, _("Review and confirm the masking of this source before coding it."))
        return redirect(page_url(wave, "source", f"source={found.pk}"))
    themes = ordered_themes(schedule)
    paragraphs = selectors.paragraphs_of(found, request.user)
    initial = {f"p{p.index}": [str(pk) for pk in p.ticked] for p in paragraphs}
    form = ParagraphsForm(
        request.POST or None, paragraphs=len(paragraphs), themes=themes, initial=initial
    )
    saved, counts = run_form(
        request,
        form,
        lambda _data: service.code_paragraphs(found, coder=request.user, ticked=form.ticked()),
        refused=service.CodingError,
    )
    if saved and counts is not None:
        added, removed = counts
        if not added and not removed:
            messages.info(request, _("Nothing was changed."))
            return redirect(_code_url(wave, found))
        return done(
            request,
            ngettext(
                "%(added)s coding added, %(removed)s removed.",
                "%(added)s codings added, %(removed)s removed.",
                added,
            )
            % {"added": added, "removed": removed},
            _code_url(wave, found),
        )
    is_done = selectors.is_done(found, request.user)
    codings = [
        {"coding": c, "passage": excerpt(found.text[c.start : c.end])}
        for c in selectors.visible_codings(found, request.user)
    ]
    rows = [{"paragraph": p, "field": form[f"p{p.index}"]} for p in paragraphs]
    context = page_context(
        access,
        wave,
        schedule,
        source=found,
        number=selectors.source_numbers(schedule).get(found.pk),
        themes=themes,
        rows=rows,
        form=form,
        codings=codings,
        is_done=is_done,
        length=len(found.text),
    )
    return render(request, "outcomes/codebook/code.html", context)


@wave_view(Right.EVALUATE)
def code_selection(request: HttpRequest, access: Access, wave: Wave) -> HttpResponse:
    """Code the selected passage (its offsets posted by the page's script) to the themes ticked."""
    schedule = follow_up_of(wave)
    found = _source(request, schedule)
    back = _code_url(wave, found)
    if request.method != "POST":
        return redirect(back)
    form = SelectionForm(request.POST, themes=themes_of(schedule))
    if not form.is_valid():
        first = next(iter(form.errors.values()))[0]
        messages.error(request, str(first))
        return redirect(back)
    data = form.cleaned_data
    try:
        added = service.code_passage(
            found,
            coder=request.user,
            themes=data["themes"],
            start=data["start"],
            end=data["end"],
            memo=data["memo"],
        )
    except service.CodingError as error:
        messages.error(request, str(error))
        return redirect(back)
    if not added:
        messages.info(request, _("You had already coded that passage to those themes."))
        return redirect(back)
    names = ", ".join(c.theme.label for c in added)
    return done(request, _("Passage coded to %(themes)s.") % {"themes": names}, back)


@wave_view(Right.EVALUATE)
def coding(request: HttpRequest, access: Access, wave: Wave) -> HttpResponse:
    """One coded passage: its theme and memo; its coder writes the memo or removes it."""
    schedule = follow_up_of(wave)
    found = _coding(request, schedule)
    mine = found.coder_id == request.user.pk
    form = MemoForm(request.POST or None, initial={"memo": found.memo})
    if not mine and request.method == "POST":
        raise Http404("No such coding.")
    saved, _memo = run_form(
        request,
        form,
        lambda data: service.write_memo(found, data["memo"], actor=request.user),
        refused=service.CodingError,
        field="memo",
    )
    if saved:
        return done(request, _("The memo is saved."), _code_url(wave, found.source))
    quote_theme = quote_service.outcome_theme(found.theme)
    context = page_context(
        access,
        wave,
        schedule,
        coding=found,
        quote_theme=quote_theme,
        quote=Quote.objects.filter(
            theme=quote_theme, source=found.source, start=found.start, end=found.end
        ).first()
        if quote_theme is not None
        else None,
        quotes=list(Quote.objects.filter(theme=quote_theme)) if quote_theme is not None else [],
        source=found.source,
        number=selectors.source_numbers(schedule).get(found.source_id),
        passage=found.source.text[found.start : found.end],
        mine=mine,
        is_done=selectors.is_done(found.source, request.user),
        form=form,
    )
    return render(request, "outcomes/codebook/coding.html", context)


@wave_view(Right.EVALUATE)
def remove_coding(request: HttpRequest, access: Access, wave: Wave) -> HttpResponse:
    """Remove one of one's own codings (a POST from its page; the service refuses another's)."""
    schedule = follow_up_of(wave)
    found = selectors.coding_of(schedule, picked(request, "coding"))
    if found is None:
        raise Http404("No such coding.")
    back = _code_url(wave, found.source)
    if request.method != "POST":
        return redirect(back)
    try:
        service.remove_coding(found, actor=request.user)
    except service.CodingError as error:
        messages.error(request, str(error))
        return redirect(back)
    return done(
        request, _("The coding to %(theme)s is removed.") % {"theme": found.theme.label}, back
    )


@wave_view(Right.EVALUATE)
def coding_done(request: HttpRequest, access: Access, wave: Wave) -> HttpResponse:
    """Mark one's coding of a source done (a POST from its coding page)."""
    schedule = follow_up_of(wave)
    found = _source(request, schedule)
    back = _code_url(wave, found)
    if request.method != "POST":
        return redirect(back)
    try:
        service.mark_done(found, coder=request.user)
    except service.CodingError as error:
        messages.error(request, str(error))
        return redirect(back)
    return done(
        request,
        _("Your coding of this source is done: the other coders' codings are now shown."),
        back,
    )


def _pick_coder(request: HttpRequest, key: str, coders: list, default):
    try:
        pk = int(request.GET.get(key) or "")
    except ValueError:
        return default
    return next((c for c in coders if c.pk == pk), default)


@wave_view(Right.EVALUATE)
def agreement(request: HttpRequest, access: Access, wave: Wave) -> HttpResponse:
    """Agreement per theme between two coders over the paragraphs of the sources both marked done,
    with the paragraphs they disagree on, for discussion."""
    schedule = follow_up_of(wave)
    coders = selectors.coders_of(schedule)
    first = _pick_coder(request, "first", coders, coders[0] if coders else None)
    others = [c for c in coders if c != first]
    second = _pick_coder(request, "second", others, others[0] if others else None)
    report = None
    blind: set[int] = set()
    if first is not None and second is not None and first != second:
        report = selectors.agreement_between(schedule, first, second)
        # A viewer still coding a source blind does not read the others' codings of it here.
        blind = selectors.coding_blind(request.user, [s for _, s in report.sources])
    context = page_context(
        access,
        wave,
        schedule,
        coders=coders,
        first=first,
        second=second,
        report=report,
        blind=blind,
    )
    return render(request, "outcomes/codebook/agreement.html", context)


def _coding_url(wave: Wave, coding: Coding) -> str:
    return page_url(wave, "coding", f"coding={coding.pk}")


@wave_view(Right.EVALUATE)
def pick_quote(request: HttpRequest, access: Access, wave: Wave) -> HttpResponse:
    """Pick a coded passage as a quote for its chosen outcome (a POST from its page)."""
    schedule = follow_up_of(wave)
    found = _coding(request, schedule)
    back = _coding_url(wave, found)
    if request.method != "POST":
        return redirect(back)
    try:
        quote = quote_service.pick_quote(found, actor=request.user)
    except quote_service.QuoteError as error:
        messages.error(request, str(error))
        return redirect(back)
    return done(
        request,
        _("The passage is picked as a quote for %(theme)s.") % {"theme": quote.theme.name},
        back,
    )


@wave_view(Right.EVALUATE)
def unpick_quote(request: HttpRequest, access: Access, wave: Wave) -> HttpResponse:
    """Take a picked quote out of the report (a POST from a coding's page)."""
    schedule = follow_up_of(wave)
    found = (
        Quote.objects.filter(theme__schedule=schedule, pk=picked(request, "quote"))
        .select_related("theme", "source", "source__schedule__wave__partnership")
        .first()
    )
    if found is None:
        raise Http404("No such quote.")
    back = page_url(wave, "theme", f"theme={found.theme_id}")
    coding = (
        _coding(request, schedule)
        if request.POST.get("coding") or request.GET.get("coding")
        else None
    )
    if coding is not None:
        back = _coding_url(wave, coding)
    if request.method != "POST":
        return redirect(back)
    quote_service.unpick_quote(found, actor=request.user)
    return done(
        request,
        _("The quote is taken out of the report for %(theme)s.") % {"theme": found.theme.name},
        back,
    )
