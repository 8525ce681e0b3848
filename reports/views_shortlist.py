"""The outcome shortlist of a wave: /p/<partnership>/waves/<wave>/shortlist/...

Thin views over `reports.shortlist`; every page needs Right.EVALUATE. Like the other wave pages,
every route takes only the partnership and the wave: a proposal is addressed as ?proposal=<id>.
"""

from __future__ import annotations

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Button, Field, Layout
from django import forms
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from outcomes.models import ChosenOutcome, OutcomeProposal
from poet.analysis import hidden_text, rule_text
from poet.models import OutcomeStatement, Wave
from poet.permissions import Access, Right, partnership_view, wave_of
from reports import shortlist as services

NOTE_MAX = 2000


def _url(wave: Wave, name: str = "shortlist") -> str:
    return reverse(
        f"shortlist:{name}", kwargs={"partnership": wave.partnership.slug, "wave": wave.slug}
    )


def _context(access: Access, wave: Wave, **extra) -> dict:
    return {"access": access, "partnership": access.partnership, "wave": wave, **extra}


# --- the page ----------------------------------------------------------------------------------


def _candidates(data: services.Shortlist, wave: Wave, posted=None) -> list[dict]:
    """Outcomes that may still be chosen: the suggestions first (with why), then the rest."""
    chosen = {r.outcome.pk for r in data.rows if r.chosen}
    schedule = services.schedule_of(wave)
    if schedule is not None:
        chosen |= set(schedule.chosen_outcomes.values_list("outcome_id", flat=True))
    by_outcome: dict[int, dict] = {}
    for s in data.suggestions:
        entry = by_outcome.setdefault(
            s.outcome.pk, {"outcome": s.outcome, "why": [], "suggested": s.reason}
        )
        entry["why"].append(s.why)
    for outcome in services.choosable(wave):
        by_outcome.setdefault(outcome.pk, {"outcome": outcome, "why": [], "suggested": ""})
    candidates = [c for pk, c in by_outcome.items() if pk not in chosen]
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
    data = services.shortlist(wave)
    candidates = _candidates(data, wave, posted)
    for c in candidates:
        c["error"] = (errors or {}).get(f"reason-{c['outcome'].pk}", "")
    schedule = services.schedule_of(wave)
    chosen = list(services.follow_up_reads.chosen_outcomes(schedule)) if schedule else []
    context = _context(
        access,
        wave,
        data=data,
        k=data.k,
        candidates=candidates,
        chosen=chosen,
        frozen=services.frozen_follow_up(wave) is not None,
        reasons=ChosenOutcome.Reason.choices,
        proposals=services.proposals(wave),
        errors=errors or {},
        can_compute=wave.status != Wave.Status.OPEN,
        rule=rule_text(data.k),
        hidden_consensus=hidden_text("", data.k),
    )
    return render(request, "reports/shortlist/page.html", context, status=status)


@partnership_view(Right.EVALUATE)
def shortlist(request: HttpRequest, access: Access, wave: str) -> HttpResponse:
    """Staff figures per outcome, the suggested shortlist, the choices and the proposals."""
    return _page(request, access, wave_of(access, wave))


def _parse_choices(
    request: HttpRequest, wave: Wave
) -> tuple[list[tuple[OutcomeStatement, str, str]], dict[str, str]]:
    allowed = {o.pk: o for o in services.choosable(wave)}
    choices, errors = [], {}
    picked = request.POST.getlist("outcome")
    if not picked:
        errors["choose"] = "Choose at least one outcome."
    for value in picked:
        try:
            outcome = allowed[int(value)]
        except (KeyError, ValueError):
            errors["choose"] = "Choose outcomes from the list."
            continue
        reason = request.POST.get(f"reason-{outcome.pk}", "")
        note = request.POST.get(f"note-{outcome.pk}", "").strip()
        if reason not in ChosenOutcome.Reason.values:
            errors[f"reason-{outcome.pk}"] = f"Choose why {outcome.code} is in."
        elif len(note) > NOTE_MAX:
            errors[f"reason-{outcome.pk}"] = (
                f"Keep the note on {outcome.code} to 2,000 characters or fewer."
            )
        else:
            choices.append((outcome, reason, note))
    return choices, errors


@partnership_view(Right.EVALUATE)
def choose(request: HttpRequest, access: Access, wave: str) -> HttpResponse:
    """Put the ticked outcomes on the follow-up shortlist, each with its reason and note."""
    w = wave_of(access, wave)
    if request.method != "POST":
        return redirect(_url(w))
    choices, errors = _parse_choices(request, w)
    if not errors:
        try:
            added = services.choose(w, choices, actor=request.user)
        except services.ShortlistError as e:
            errors["choose"] = str(e)
        else:
            codes = ", ".join(c.outcome.code for c in added) or "Nothing new"
            messages.success(request, f"Chosen for the follow-up: {codes}.")
            return redirect(_url(w) + "#chosen")
    return _page(request, access, w, posted=request.POST, errors=errors)


@partnership_view(Right.EVALUATE)
def unchoose(request: HttpRequest, access: Access, wave: str) -> HttpResponse:
    """Take an outcome off the shortlist (refused once the follow-up questionnaire is frozen)."""
    w = wave_of(access, wave)
    if request.method == "POST":
        outcome = services.library(w).filter(pk=_int(request.POST.get("outcome"))).first()
        if outcome is None:
            messages.error(request, "That outcome is not on the shortlist.")
        else:
            try:
                services.unchoose(w, outcome, actor=request.user)
            except services.ShortlistError as e:
                messages.error(request, str(e))
            else:
                messages.success(request, f"{outcome.code} is taken off the shortlist.")
    return redirect(_url(w) + "#chosen")


def _int(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


@partnership_view(Right.EVALUATE)
def collect(request: HttpRequest, access: Access, wave: str) -> HttpResponse:
    """Turn the wave's free-text answers into proposals (each text once)."""
    w = wave_of(access, wave)
    if request.method == "POST":
        added = services.collect_proposals(w, actor=request.user)
        if added:
            messages.success(request, f"{added} new proposal{'s' if added != 1 else ''} added.")
        else:
            messages.info(request, "No new proposals: every free-text answer is already listed.")
    return redirect(_url(w) + "#proposals")


# --- proposal decisions ------------------------------------------------------------------------


def _helper(*fields, button: str) -> FormHelper:
    helper = FormHelper()
    helper.form_tag = False  # the page's own form carries the proposal id
    helper.layout = Layout(*fields, Button("submit", button))
    return helper


class AdoptForm(forms.Form):
    text = forms.CharField(
        label="The outcome, in the words of the people it is for",
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Write it positively and in the first person, for example “I can get to my "
        "appointments”.",
        error_messages={
            "required": "Write the outcome.",
            "max_length": "Keep the outcome to 300 characters or fewer.",
        },
    )
    code = forms.CharField(
        label="Code",
        max_length=30,
        help_text="O- followed by letters, numbers or hyphens, for example O-TRANSPORT. It must "
        "not be used by another outcome of this partnership or the built-in library.",
        error_messages={"required": "Enter a code, for example O-TRANSPORT."},
    )
    easy_read_text = forms.CharField(
        label="Easy-read wording (optional)",
        required=False,
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Short words and short sentences.",
        error_messages={"max_length": "Keep the easy-read wording to 300 characters or fewer."},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(
            Field.textarea("text"),
            Field.text("code", field_width=10),
            Field.textarea("easy_read_text"),
            button="Adopt as a new outcome",
        )


class OutcomeChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: OutcomeStatement) -> str:
        return f"{obj.text} ({obj.code})"


class MergeForm(forms.Form):
    outcome = OutcomeChoiceField(
        queryset=OutcomeStatement.objects.none(),
        label="Which outcome does it say the same as?",
        empty_label="Choose an outcome",
        error_messages={
            "required": "Choose the outcome it says the same as.",
            "invalid_choice": "Choose an outcome from the list.",
        },
    )

    def __init__(self, *args, wave: Wave, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["outcome"].queryset = services.library(wave)
        self.helper = _helper(Field("outcome"), button="Merge into this outcome")


class RejectForm(forms.Form):
    reason = forms.CharField(
        label="Why is it not taken forward?",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="For example: it is about how staff work, not a change for people.",
        error_messages={
            "required": "Say why this proposal is not taken forward.",
            "max_length": "Keep the reason to 2,000 characters or fewer.",
        },
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(Field.textarea("reason"), button="Do not take it forward")


def _pending_or_redirect(request: HttpRequest, wave: Wave) -> OutcomeProposal | HttpResponse:
    proposal = services.proposal_of(
        wave, request.GET.get("proposal") or request.POST.get("proposal")
    )
    if proposal is None:
        raise Http404("No such proposal.")
    if proposal.status != OutcomeProposal.Status.PENDING:
        messages.info(
            request,
            f"This proposal has already been decided ({proposal.get_status_display().lower()}).",
        )
        return redirect(_url(wave) + "#proposals")
    return proposal


def _decision_page(request, access, wave, proposal, form, heading, lead) -> HttpResponse:
    context = _context(access, wave, proposal=proposal, form=form, heading=heading, lead=lead)
    return render(request, "reports/shortlist/decision.html", context)


@partnership_view(Right.EVALUATE)
def adopt(request: HttpRequest, access: Access, wave: str) -> HttpResponse:
    w = wave_of(access, wave)
    proposal = _pending_or_redirect(request, w)
    if isinstance(proposal, HttpResponse):
        return proposal
    data = request.POST if request.method == "POST" else None
    form = AdoptForm(data, initial={"text": proposal.text[:300], "code": "O-"})
    if data is not None and form.is_valid():
        try:
            statement = services.adopt(proposal, **form.cleaned_data, actor=request.user)
        except services.ShortlistError as e:
            field = "code" if "code" in str(e).lower() else "text"
            form.add_error(field, str(e))
        else:
            messages.success(
                request,
                f"{statement.code} is adopted into the partnership's outcome library. You can "
                "now choose it for the follow-up and for the next staff questionnaire.",
            )
            return redirect(_url(w) + "#proposals")
    return _decision_page(
        request,
        access,
        w,
        proposal,
        form,
        "Adopt as a new outcome",
        "The outcome joins this partnership's library with the code you give it.",
    )


@partnership_view(Right.EVALUATE)
def merge(request: HttpRequest, access: Access, wave: str) -> HttpResponse:
    w = wave_of(access, wave)
    proposal = _pending_or_redirect(request, w)
    if isinstance(proposal, HttpResponse):
        return proposal
    data = request.POST if request.method == "POST" else None
    form = MergeForm(data, wave=w)
    if data is not None and form.is_valid():
        try:
            services.merge(proposal, form.cleaned_data["outcome"], actor=request.user)
        except services.ShortlistError as e:
            form.add_error("outcome", str(e))
        else:
            code = form.cleaned_data["outcome"].code
            messages.success(request, f"The proposal is merged into {code}.")
            return redirect(_url(w) + "#proposals")
    return _decision_page(
        request,
        access,
        w,
        proposal,
        form,
        "Merge into an existing outcome",
        "Choose this when the proposal says the same as an outcome the library already has.",
    )


@partnership_view(Right.EVALUATE)
def reject(request: HttpRequest, access: Access, wave: str) -> HttpResponse:
    w = wave_of(access, wave)
    proposal = _pending_or_redirect(request, w)
    if isinstance(proposal, HttpResponse):
        return proposal
    data = request.POST if request.method == "POST" else None
    form = RejectForm(data)
    if data is not None and form.is_valid():
        try:
            services.reject(proposal, reason=form.cleaned_data["reason"], actor=request.user)
        except services.ShortlistError as e:
            form.add_error("reason", str(e))
        else:
            messages.success(request, "The proposal is not taken forward.")
            return redirect(_url(w) + "#proposals")
    return _decision_page(
        request,
        access,
        w,
        proposal,
        form,
        "Do not take this proposal forward",
        "The reason is kept in the audit log.",
    )
