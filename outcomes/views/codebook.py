"""Codebook pages of a wave's follow-up (evaluators only, as the sources pages): the themes and
the sources to code, adding the chosen outcomes and the evaluators' own themes, a theme's page
(rename, describe, memo, sub-theme of), merging, and proposing a theme as a new outcome. Thin:
the rules are in `outcomes.services.codebook`, the reads in `outcomes.selectors.codebook`."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from outcomes.forms.codebook import MergeForm, ThemeForm
from outcomes.models import FollowUpSchedule, Theme
from outcomes.selectors import codebook as selectors
from outcomes.selectors.coding import coders_of, sources_to_code
from outcomes.selectors.joint import picked_quotes
from outcomes.selectors.schedule import schedule_of
from outcomes.services import codebook as service
from poet.models import Wave
from poet.permissions import Access, Right, wave_view
from poet.views.form_flow import done, run_form


def follow_up_of(wave: Wave) -> FollowUpSchedule:
    schedule = schedule_of(wave)
    if schedule is None:
        raise Http404("This wave has no follow-up yet.")
    return schedule


def page_url(wave: Wave, name: str, query: str = "") -> str:
    url = reverse(
        f"outcomes:{name}", kwargs={"partnership": wave.partnership.slug, "wave": wave.slug}
    )
    return f"{url}?{query}" if query else url


def picked(request: HttpRequest, key: str) -> int:
    """The id of `?key=` (or a posted `key`); 404 when it is missing or not a number."""
    try:
        return int(request.GET.get(key) or request.POST.get(key) or "")
    except ValueError as e:
        raise Http404(f"No such {key}.") from e


def page_context(access: Access, wave: Wave, schedule: FollowUpSchedule, **extra) -> dict:
    return {
        "access": access,
        "partnership": access.partnership,
        "wave": wave,
        "schedule": schedule,
        **extra,
    }


def _theme(request: HttpRequest, schedule: FollowUpSchedule) -> Theme:
    found = selectors.theme_of(schedule, picked(request, "theme"))
    if found is None:
        raise Http404("No such theme.")
    return found


@wave_view(Right.EVALUATE)
def codebook(request: HttpRequest, access: Access, wave: Wave) -> HttpResponse:
    """The wave's themes, with how many passages the viewer coded to each, and the sources that
    can be coded with the viewer's progress."""
    schedule = follow_up_of(wave)
    context = page_context(
        access,
        wave,
        schedule,
        themes=selectors.ordered_themes(schedule, coder=request.user),
        unseeded=selectors.unseeded_outcomes(schedule),
        chosen=schedule.chosen_outcomes.count(),
        to_code=sources_to_code(schedule, request.user),
        sources=schedule.sources.count(),
        coders=len(coders_of(schedule)),
    )
    return render(request, "outcomes/codebook/index.html", context)


@wave_view(Right.EVALUATE)
def seed_codebook(request: HttpRequest, access: Access, wave: Wave) -> HttpResponse:
    """Make themes of the chosen outcomes not yet themes (a POST from the codebook)."""
    schedule = follow_up_of(wave)
    back = page_url(wave, "codebook")
    if request.method != "POST":
        return redirect(back)
    added = service.seed_codebook(schedule, actor=request.user)
    if not added:
        messages.info(request, _("Every chosen outcome is already a theme."))
        return redirect(back)
    return done(
        request,
        ngettext(
            "%(count)s chosen outcome added as themes.",
            "%(count)s chosen outcomes added as themes.",
            added,
        )
        % {"count": added},
        back,
    )


@wave_view(Right.EVALUATE)
def add_theme(request: HttpRequest, access: Access, wave: Wave) -> HttpResponse:
    """Add an evaluator's own theme or sub-theme."""
    schedule = follow_up_of(wave)
    form = ThemeForm(request.POST or None, schedule=schedule)
    added, theme = run_form(
        request,
        form,
        lambda data: service.add_theme(
            schedule,
            name=data["name"],
            description=data["description"],
            parent=data["parent"],
            actor=request.user,
        ),
        refused=service.CodebookError,
        field="name",
    )
    if added and theme is not None:
        return done(
            request, _("Theme '%(name)s' added.") % {"name": theme.name}, page_url(wave, "codebook")
        )
    context = page_context(access, wave, schedule, form=form)
    return render(request, "outcomes/codebook/add.html", context)


@wave_view(Right.EVALUATE)
def theme(request: HttpRequest, access: Access, wave: Wave) -> HttpResponse:
    """A theme's page: rename, describe, memo, sub-theme of; links to merge and propose."""
    schedule = follow_up_of(wave)
    found = _theme(request, schedule)
    initial = {
        "name": found.name,
        "description": found.description,
        "memo": found.memo,
        "parent": found.parent_id,
    }
    form = ThemeForm(request.POST or None, schedule=schedule, theme=found, initial=initial)
    saved, changed = run_form(
        request,
        form,
        lambda data: service.change_theme(
            found,
            name=data["name"],
            description=data["description"],
            memo=data["memo"],
            parent=data["parent"],
            actor=request.user,
        ),
        refused=service.CodebookError,
        field="name",
    )
    url = page_url(wave, "theme", f"theme={found.pk}")
    if saved:
        if not changed:
            messages.info(request, _("Nothing was changed."))
            return redirect(url)
        return done(request, _("Theme '%(name)s' saved.") % {"name": found.name}, url)
    context = page_context(
        access,
        wave,
        schedule,
        theme=found,
        form=form,
        children=list(found.children.all()),
        removable=selectors.is_removable(found),
        quotes=picked_quotes(found, access.partnership.minimum_group_size)
        if found.outcome_id
        else [],
    )
    return render(request, "outcomes/codebook/theme.html", context)


@wave_view(Right.EVALUATE)
def merge_theme(request: HttpRequest, access: Access, wave: Wave) -> HttpResponse:
    """Merge a theme into another: its codings move to the kept theme."""
    schedule = follow_up_of(wave)
    found = _theme(request, schedule)
    form = MergeForm(request.POST or None, theme=found)
    name = found.name
    merged, moved = run_form(
        request,
        form,
        lambda data: (data["into"], service.merge_themes(found, data["into"], actor=request.user)),
        refused=service.CodebookError,
        field="into",
    )
    if merged and moved is not None:
        into, count = moved
        return done(
            request,
            ngettext(
                "'%(name)s' is merged into '%(into)s': %(count)s coding moved.",
                "'%(name)s' is merged into '%(into)s': %(count)s codings moved.",
                count,
            )
            % {"name": name, "into": into.name, "count": count},
            page_url(wave, "theme", f"theme={into.pk}"),
        )
    context = page_context(access, wave, schedule, theme=found, form=form)
    return render(request, "outcomes/codebook/merge.html", context)


@wave_view(Right.EVALUATE)
def propose_theme(request: HttpRequest, access: Access, wave: Wave) -> HttpResponse:
    """Mark a theme "new outcome proposed by users", or unmark it (a POST from its page)."""
    schedule = follow_up_of(wave)
    found = _theme(request, schedule)
    back = page_url(wave, "theme", f"theme={found.pk}")
    if request.method != "POST":
        return redirect(back)
    try:
        if request.POST.get("withdraw"):
            service.withdraw_proposal(found, actor=request.user)
            return done(
                request,
                _("'%(name)s' is no longer proposed as a new outcome.") % {"name": found.name},
                back,
            )
        service.propose_as_outcome(found, actor=request.user)
    except service.CodebookError as error:
        messages.info(request, str(error))
        return redirect(back)
    return done(
        request,
        _(
            "'%(name)s' is proposed as a new outcome: decide it with the other proposals on the "
            "outcome shortlist."
        )
        % {"name": found.name},
        back,
    )


@wave_view(Right.EVALUATE)
def remove_theme(request: HttpRequest, access: Access, wave: Wave) -> HttpResponse:
    """Remove a theme nobody coded to (a POST from its page)."""
    schedule = follow_up_of(wave)
    found = _theme(request, schedule)
    back = page_url(wave, "theme", f"theme={found.pk}")
    if request.method != "POST":
        return redirect(back)
    try:
        service.remove_theme(found, actor=request.user)
    except service.CodebookError as error:
        messages.info(request, str(error))
        return redirect(back)
    return done(
        request, _("Theme '%(name)s' removed.") % {"name": found.name}, page_url(wave, "codebook")
    )
