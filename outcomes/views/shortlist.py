"""The outcome shortlist of a wave: /p/<partnership>/waves/<wave>/shortlist/...

Thin views over `outcomes.selectors.shortlist` (reads) and `outcomes.services.shortlist`
(changes); every page needs Right.EVALUATE. Like the other wave pages, every route takes only
the partnership and the wave: a proposal is addressed as ?proposal=<id>.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from outcomes.forms.shortlist import AdoptForm, MergeForm, RejectForm
from outcomes.models import ChosenOutcome, OutcomeProposal
from outcomes.selectors import shortlist as selectors
from outcomes.services import shortlist as services
from poet.analysis import hidden_text, rule_text
from poet.models import OutcomeStatement, Wave
from poet.permissions import Access, Right, wave_view
from poet.views.form_flow import done, run_form

NOTE_MAX = 2000


def _url(wave: Wave, name: str = "shortlist") -> str:
    return reverse(
        f"outcomes:{name}", kwargs={"partnership": wave.partnership.slug, "wave": wave.slug}
    )


def _context(access: Access, wave: Wave, **extra) -> dict:
    return {"access": access, "partnership": access.partnership, "wave": wave, **extra}


# --- the page ----------------------------------------------------------------------------------


def _candidates(
    data: selectors.Shortlist, wave: Wave, chosen: list[ChosenOutcome], posted=None
) -> list[dict]:
    """Outcomes that may still be chosen: the suggestions first (with why), then the rest."""
    taken = {r.outcome.pk for r in data.rows if r.chosen} | {c.outcome_id for c in chosen}
    by_outcome: dict[int, dict] = {}
    for s in data.suggestions:
        entry = by_outcome.setdefault(
            s.outcome.pk, {"outcome": s.outcome, "why": [], "suggested": s.reason}
        )
        entry["why"].append(s.why)
    for outcome in selectors.choosable(wave):
        by_outcome.setdefault(outcome.pk, {"outcome": outcome, "why": [], "suggested": ""})
    candidates = [c for pk, c in by_outcome.items() if pk not in taken]
    for c in candidates:
        pk = c["outcome"].pk
        if posted is not None:
            c["checked"] = str(pk) in posted.getlist("outcome")
            c["reason"] = posted.get(f"reason-{pk}", "")
            c["note"] = posted.get(f"note-{pk}", "")
        else:
            c["checked"], c["reason"], c["note"] = False, c["suggested"], ""
    return candidates


def _page(
    request: HttpRequest, access: Access, wave: Wave, *, posted=None, errors=None, status=200
) -> HttpResponse:
    data = selectors.shortlist(wave)
    chosen = selectors.chosen_for_follow_up(wave)
    candidates = _candidates(data, wave, chosen, posted)
    for c in candidates:
        c["error"] = (errors or {}).get(f"reason-{c['outcome'].pk}", "")
    context = _context(
        access,
        wave,
        data=data,
        k=data.k,
        candidates=candidates,
        chosen=chosen,
        frozen=selectors.frozen_follow_up(wave) is not None,
        reasons=ChosenOutcome.Reason.choices,
        proposals=selectors.proposals(wave),
        errors=errors or {},
        can_compute=wave.status != Wave.Status.OPEN,
        rule=rule_text(data.k),
        hidden_consensus=hidden_text("", data.k),
    )
    return render(request, "outcomes/shortlist/page.html", context, status=status)


@wave_view(Right.EVALUATE)
def shortlist(request: HttpRequest, access: Access, wave: Wave) -> HttpResponse:
    """Staff figures per outcome, the suggested shortlist, the choices and the proposals."""
    return _page(request, access, wave)


def _parse_choices(
    request: HttpRequest, wave: Wave
) -> tuple[list[tuple[OutcomeStatement, str, str]], dict[str, str]]:
    allowed = {o.pk: o for o in selectors.choosable(wave)}
    choices, errors = [], {}
    picked = request.POST.getlist("outcome")
    if not picked:
        errors["choose"] = _("Choose at least one outcome.")
    for value in picked:
        try:
            outcome = allowed[int(value)]
        except (KeyError, ValueError):
            errors["choose"] = _("Choose outcomes from the list.")
            continue
        reason = request.POST.get(f"reason-{outcome.pk}", "")
        note = request.POST.get(f"note-{outcome.pk}", "").strip()
        if reason not in ChosenOutcome.Reason.values:
            errors[f"reason-{outcome.pk}"] = _("Choose why %(code)s is in.") % {
                "code": outcome.code
            }
        elif len(note) > NOTE_MAX:
            errors[f"reason-{outcome.pk}"] = _(
                "Keep the note on %(code)s to 2,000 characters or fewer."
            ) % {"code": outcome.code}
        else:
            choices.append((outcome, reason, note))
    return choices, errors


@wave_view(Right.EVALUATE)
def choose(request: HttpRequest, access: Access, wave: Wave) -> HttpResponse:
    """Put the ticked outcomes on the follow-up shortlist, each with its reason and note."""
    if request.method != "POST":
        return redirect(_url(wave))
    choices, errors = _parse_choices(request, wave)
    if not errors:
        try:
            added = services.choose(wave, choices, actor=request.user)
        except services.ShortlistError as e:
            errors["choose"] = str(e)
        else:
            codes = ", ".join(c.outcome.code for c in added) or _("Nothing new")
            return done(
                request,
                _("Chosen for the follow-up: %(codes)s.") % {"codes": codes},
                _url(wave) + "#chosen",
            )
    return _page(request, access, wave, posted=request.POST, errors=errors)


def _int(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


@wave_view(Right.EVALUATE)
def unchoose(request: HttpRequest, access: Access, wave: Wave) -> HttpResponse:
    """Take an outcome off the shortlist (refused once the follow-up questionnaire is frozen)."""
    if request.method == "POST":
        outcome = selectors.library_outcome(wave, _int(request.POST.get("outcome")))
        if outcome is None:
            messages.error(request, _("That outcome is not on the shortlist."))
        else:
            try:
                services.unchoose(wave, outcome, actor=request.user)
            except services.ShortlistError as e:
                messages.error(request, str(e))
            else:
                messages.success(
                    request, _("%(code)s is taken off the shortlist.") % {"code": outcome.code}
                )
    return redirect(_url(wave) + "#chosen")


@wave_view(Right.EVALUATE)
def collect(request: HttpRequest, access: Access, wave: Wave) -> HttpResponse:
    """Turn the wave's free-text answers into proposals (each text once)."""
    if request.method == "POST":
        added = services.collect_proposals(wave, actor=request.user)
        if added:
            messages.success(
                request,
                ngettext("%(count)s new proposal added.", "%(count)s new proposals added.", added)
                % {"count": added},
            )
        else:
            messages.info(request, _("No new proposals: every free-text answer is already listed."))
    return redirect(_url(wave) + "#proposals")


# --- proposal decisions ------------------------------------------------------------------------


def _pending_or_redirect(request: HttpRequest, wave: Wave) -> OutcomeProposal | HttpResponse:
    proposal = selectors.proposal_of(
        wave, request.GET.get("proposal") or request.POST.get("proposal")
    )
    if proposal is None:
        raise Http404("No such proposal.")
    if proposal.status != OutcomeProposal.Status.PENDING:
        messages.info(
            request,
            _("This proposal has already been decided (%(decision)s).")
            % {"decision": proposal.get_status_display().lower()},
        )
        return redirect(_url(wave) + "#proposals")
    return proposal


def _decision_page(request, access, wave, proposal, form, heading, lead) -> HttpResponse:
    context = _context(access, wave, proposal=proposal, form=form, heading=heading, lead=lead)
    return render(request, "outcomes/shortlist/decision.html", context)


def _data(request: HttpRequest):
    return request.POST if request.method == "POST" else None


@wave_view(Right.EVALUATE)
def adopt(request: HttpRequest, access: Access, wave: Wave) -> HttpResponse:
    proposal = _pending_or_redirect(request, wave)
    if isinstance(proposal, HttpResponse):
        return proposal
    form = AdoptForm(_data(request), initial={"text": proposal.text[:300], "code": "O-"})
    if request.method == "POST" and form.is_valid():
        try:
            statement = services.adopt(proposal, **form.cleaned_data, actor=request.user)
        except services.ShortlistError as e:
            # The refusal goes on the field it is about: the code, or the outcome's wording.
            field = e.field or "text"
            form.add_error(field, str(e))
        else:
            return done(
                request,
                _(
                    "%(code)s is adopted into the partnership's outcome library. You can now "
                    "choose it for the follow-up and for the next staff questionnaire."
                )
                % {"code": statement.code},
                _url(wave) + "#proposals",
            )
    return _decision_page(
        request,
        access,
        wave,
        proposal,
        form,
        _("Adopt as a new outcome"),
        _("The outcome joins this partnership's library with the code you give it."),
    )


@wave_view(Right.EVALUATE)
def merge(request: HttpRequest, access: Access, wave: Wave) -> HttpResponse:
    proposal = _pending_or_redirect(request, wave)
    if isinstance(proposal, HttpResponse):
        return proposal
    form = MergeForm(_data(request), wave=wave)
    merged, _merged = run_form(
        request,
        form,
        lambda data: services.merge(proposal, data["outcome"], actor=request.user),
        refused=services.ShortlistError,
        field="outcome",
    )
    if merged:
        code = form.cleaned_data["outcome"].code
        return done(
            request,
            _("The proposal is merged into %(code)s.") % {"code": code},
            _url(wave) + "#proposals",
        )
    return _decision_page(
        request,
        access,
        wave,
        proposal,
        form,
        _("Merge into an existing outcome"),
        _("Choose this when the proposal says the same as an outcome the library already has."),
    )


@wave_view(Right.EVALUATE)
def reject(request: HttpRequest, access: Access, wave: Wave) -> HttpResponse:
    proposal = _pending_or_redirect(request, wave)
    if isinstance(proposal, HttpResponse):
        return proposal
    form = RejectForm(_data(request))
    rejected, _rejected = run_form(
        request,
        form,
        lambda data: services.reject(proposal, reason=data["reason"], actor=request.user),
        refused=services.ShortlistError,
        field="reason",
    )
    if rejected:
        return done(request, _("The proposal is not taken forward."), _url(wave) + "#proposals")
    return _decision_page(
        request,
        access,
        wave,
        proposal,
        form,
        _("Do not take this proposal forward"),
        _("The reason is kept in the audit log."),
    )
