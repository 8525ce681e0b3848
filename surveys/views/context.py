"""Pages of the partnership context tools.

Evaluators add named partner leads (each gets a link, shown once), see the results and edit
answers on a lead's behalf. A lead opens their link without an account: the token is exchanged
for a session at once and the browser goes on to a clean URL, so the token does not linger in the
address bar, history or Referer. Without a lead session these pages behave like every other
partnership page (sign in; 404 outside one's partnerships). Thin: rules are in
`surveys.services.context`, reads in `surveys.selectors.context`.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.forms import Form
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from poet.models import Wave
from poet.permissions import Access, Right, partnership_access, wave_of, wave_view
from poet.selectors.waves import wave_by_slugs
from surveys.forms.context import (
    TOOL_FORMS,
    TOOL_TITLES,
    ImportanceForm,
    IntegrationForm,
    LeadForm,
    RelationshipsForm,
)
from surveys.models import ContextRespondent
from surveys.selectors import context as tools
from surveys.services import context as service

SESSION = "context_lead"


def _url(wave: Wave, name: str) -> str:
    return reverse(
        f"context:{name}", kwargs={"partnership": wave.partnership.slug, "wave": wave.slug}
    )


def _private(response: HttpResponse) -> HttpResponse:
    response["Referrer-Policy"] = "same-origin"
    response["Cache-Control"] = "no-store"
    return response


# Evaluator pages


@wave_view(Right.VIEW_REPORTS)
def results(request: HttpRequest, access: Access, wave: Wave) -> HttpResponse:
    context = {
        "access": access,
        "partnership": access.partnership,
        "wave": wave,
        "integration": tools.integration_summary(wave),
        "relationships": tools.relationship_summary(wave),
        "grid": tools.importance_grid(wave),
        "ratings": tools.organisation_importance(wave),
        "quadrants": {
            key: (_(label), _(suggestion)) for key, (label, suggestion) in tools.QUADRANTS.items()
        },
        "leads": tools.leads_of(wave),
    }
    return render(request, "surveys/context/results.html", context)


def _leads_page(request, access: Access, wave: Wave, form: LeadForm, link=None, status=200):
    leads = tools.leads_of(wave)
    context = {
        "access": access,
        "partnership": access.partnership,
        "wave": wave,
        "form": form,
        "leads": [(lead, tools.tools_done(lead)) for lead in leads],
        "link": link,
        "titles": TOOL_TITLES,
    }
    return _private(render(request, "surveys/context/leads.html", context, status=status))


def _link(request: HttpRequest, wave: Wave, lead: ContextRespondent, token: str) -> dict:
    return {
        "lead": lead,
        "url": request.build_absolute_uri(_url(wave, "lead") + f"?token={token}"),
    }


@wave_view(Right.EVALUATE)
def leads(request: HttpRequest, access: Access, wave: Wave) -> HttpResponse:
    """Partner leads of the wave; a POST adds one (or renews a link) and shows the link once."""
    if request.method != "POST":
        return _leads_page(request, access, wave, LeadForm(wave=wave))
    if "renew" in request.POST:
        lead = get_object_or_404(ContextRespondent, wave=wave, pk=_int(request.POST["renew"]))
        token = service.new_link(lead, actor=request.user)
        return _leads_page(
            request, access, wave, LeadForm(wave=wave), _link(request, wave, lead, token)
        )
    form = LeadForm(request.POST, wave=wave)
    if not form.is_valid():
        return _leads_page(request, access, wave, form)
    lead, token = service.create_lead(wave, actor=request.user, **form.cleaned_data)
    return _leads_page(
        request, access, wave, LeadForm(wave=wave), _link(request, wave, lead, token)
    )


def save(form: Form, tool: str, *, actor=None) -> None:
    """Store a valid form's answers through the service (the form is TOOL_FORMS[tool]'s)."""
    if tool == "integration" and isinstance(form, IntegrationForm):
        service.save_integration(form.lead, form.answers(), actor=actor)
    elif tool == "relationships" and isinstance(form, RelationshipsForm):
        service.save_relationships(form.lead, form.placements(), actor=actor)
        service.save_service_area(form.lead, *form.service_area(), actor=actor)
    elif tool == "importance" and isinstance(form, ImportanceForm):
        service.save_importance(
            form.lead, form.cleaned_data["importance"], form.cleaned_data["reason"], actor=actor
        )
    else:
        raise TypeError(f"{type(form).__name__} is not the form of the {tool!r} tool")


def _int(value: str) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        raise Http404 from None


def _tool_page(request, *, wave, lead, tool, form, done_url, evaluator, access=None):
    context = {
        "access": access,
        "partnership": wave.partnership,
        "wave": wave,
        "lead": lead,
        "form": form,
        "tool": tool,
        "title": TOOL_TITLES[tool],
        "evaluator": evaluator,
        "back_url": done_url,
        "level_hints": tools.LEVEL_HINTS,
        "depth": tools.DEPTH,
        "breadth": tools.BREADTH,
    }
    return _private(render(request, "surveys/context/tool.html", context))


@wave_view(Right.EVALUATE)
def edit(request: HttpRequest, access: Access, wave: Wave, tool: str) -> HttpResponse:
    """An evaluator edits one tool's answers for a lead (?lead=<id>)."""
    lead_id = request.GET.get("lead") or request.POST.get("lead")
    if lead_id is None:
        return redirect(_url(wave, "leads"))
    lead = get_object_or_404(ContextRespondent, wave=wave, pk=_int(lead_id))
    form = TOOL_FORMS[tool](request.POST or None, lead=lead)
    if request.method == "POST" and form.is_valid():
        save(form, tool, actor=request.user)
        messages.success(
            request,
            _("%(tool)s: answers for %(name)s saved.")
            % {"tool": TOOL_TITLES[tool], "name": lead.name},
        )
        return redirect(_url(wave, "leads"))
    return _tool_page(
        request,
        wave=wave,
        lead=lead,
        tool=tool,
        form=form,
        done_url=_url(wave, "leads"),
        evaluator=True,
        access=access,
    )


# Partner lead pages (by link)


def lead_page(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Serve the lead whose session this is; otherwise act as a partnership page for members."""

    @wraps(view)
    def wrapper(request: HttpRequest, partnership: str, wave: str, **kwargs) -> HttpResponse:
        w = wave_by_slugs(partnership, wave)
        state: dict[str, Any] = request.session.get(SESSION) or {}
        lead_id = state.get("lead")
        lead = None
        if w is not None and state.get("wave") == w.pk and lead_id is not None:
            lead = (
                ContextRespondent.objects.filter(pk=lead_id, wave=w)
                .select_related("organisation", "wave__partnership")
                .first()
            )
            if lead is not None and lead.token_hash != state.get("token_hash"):
                lead = None  # the link was renewed: the old one no longer works
        if lead is None:
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            access = partnership_access(request.user, partnership, Right.EVALUATE)
            return redirect(_url(wave_of(access, wave), "leads"))
        return _private(view(request, lead, **kwargs))

    return wrapper


def lead_start(request: HttpRequest, partnership: str, wave: str) -> HttpResponse:
    """A lead's link: the token becomes a session and the browser moves to the clean URL."""
    token = request.GET.get("token")
    if token is None:
        return lead_home(request, partnership=partnership, wave=wave)
    w = wave_by_slugs(partnership, wave)
    lead = tools.lead_for_token(w, token) if w else None
    if w is None or lead is None:
        return _private(render(request, "surveys/context/link_problem.html", status=404))
    request.session.cycle_key()
    request.session[SESSION] = {"wave": w.pk, "lead": lead.pk, "token_hash": lead.token_hash}
    return _private(redirect(_url(w, "lead")))


@lead_page
def lead_home(request: HttpRequest, lead: ContextRespondent) -> HttpResponse:
    context = {
        "lead": lead,
        "wave": lead.wave,
        "done": tools.tools_done(lead),
        "titles": TOOL_TITLES,
    }
    return render(request, "surveys/context/lead_home.html", context)


@lead_page
def lead_tool(request: HttpRequest, lead: ContextRespondent, tool: str) -> HttpResponse:
    form = TOOL_FORMS[tool](request.POST or None, lead=lead)
    if request.method == "POST" and form.is_valid():
        save(form, tool)
        messages.success(
            request, _("%(tool)s: your answers are saved.") % {"tool": TOOL_TITLES[tool]}
        )
        return redirect(_url(lead.wave, "lead"))
    return _tool_page(
        request,
        wave=lead.wave,
        lead=lead,
        tool=tool,
        form=form,
        done_url=_url(lead.wave, "lead"),
        evaluator=False,
    )
