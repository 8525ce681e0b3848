"""Administrators' pages: set up a partnership, its organisations, groups, members and waves."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from poet.forms import (
    GroupForm,
    MemberForm,
    NewMemberPasswordForm,
    OrganisationForm,
    PartnershipForm,
    RoleForm,
    WaveForm,
)
from poet.i18n import interface_codes
from poet.models import Membership, Organisation, StaffGroup, UserGroup
from poet.permissions import Access, Right, partnership_view
from poet.selectors.interface_language import saved_interface_language
from poet.services import (
    SetupError,
    add_member,
    add_named,
    change_role,
    create_partnership,
    create_wave,
    remove_member,
    remove_named,
)
from poet.services.setup import NamedModel

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


@login_required
def new_partnership(request: HttpRequest) -> HttpResponse:
    """Site administrators (or people given the add-partnership permission) start partnerships."""
    if not request.user.has_perm("poet.add_partnership"):
        raise PermissionDenied
    form = PartnershipForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        partnership = create_partnership(
            form.cleaned_data["name"],
            description=form.cleaned_data["description"],
            creator=request.user,
        )
        messages.success(
            request,
            _("%(name)s is set up. Add its partner organisations.") % {"name": partnership.name},
        )
        return redirect("organisations", partnership=partnership.slug)
    return render(request, "poet/new_partnership.html", {"form": form})


@dataclass(frozen=True)
class NamedThing:
    model: NamedModel
    form: type
    title: StrOrPromise
    label: StrOrPromise
    hint: StrOrPromise


NAMED_THINGS = {
    "organisations": NamedThing(
        Organisation,
        OrganisationForm,
        gettext_lazy("Partner organisations"),
        gettext_lazy("Organisation name"),
        gettext_lazy("Every organisation whose staff take part in the survey."),
    ),
    "staff_groups": NamedThing(
        StaffGroup,
        GroupForm,
        gettext_lazy("Staff groups"),
        gettext_lazy("Staff group"),
        gettext_lazy("Professions or roles staff choose from; results are shown by staff group."),
    ),
    "user_groups": NamedThing(
        UserGroup,
        GroupForm,
        gettext_lazy("People the partnership serves"),
        gettext_lazy("User group"),
        gettext_lazy("Groups of service users, such as older people or disabled children."),
    ),
}


@partnership_view(Right.MANAGE_PARTNERSHIP)
def named_things(request: HttpRequest, access: Access, kind: str) -> HttpResponse:
    """List, add and remove organisations, staff groups or user groups."""
    thing = NAMED_THINGS[kind]
    p = access.partnership
    kwargs = {} if thing.form is OrganisationForm else {"label": thing.label}
    adding = request.method == "POST" and request.POST.get("action") != "remove"
    form = thing.form(request.POST if adding else None, **kwargs)
    if request.method == "POST" and not adding:
        obj = get_object_or_404(thing.model, partnership=p, pk=_int(request.POST.get("id")))
        try:
            remove_named(obj, actor=request.user)
            messages.success(request, _("Removed %(name)s.") % {"name": obj})
        except SetupError as exc:
            messages.error(request, str(exc))
        return redirect(request.path)
    if adding and form.is_valid():
        fields = dict(form.cleaned_data)
        name = fields.pop("name").strip()
        try:
            add_named(thing.model, p, name=name, actor=request.user, **fields)
        except SetupError as exc:
            form.add_error("name", str(exc))
        else:
            messages.success(request, _("Added %(name)s.") % {"name": name})
            return redirect(request.path)
    context = {
        "access": access,
        "partnership": p,
        "thing": thing,
        "items": thing.model.objects.filter(partnership=p),
        "form": form,
    }
    return render(request, "poet/named_things.html", context)


def _int(value) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return 0


@partnership_view(Right.MANAGE_PARTNERSHIP)
def members(request: HttpRequest, access: Access) -> HttpResponse:
    p = access.partnership
    action = request.POST.get("action", "add")
    form = MemberForm(request.POST if request.method == "POST" and action == "add" else None)
    if request.method == "POST" and action in {"role", "remove"}:
        membership = get_object_or_404(Membership, partnership=p, pk=_int(request.POST.get("id")))
        try:
            if action == "remove":
                remove_member(membership, actor=request.user)
                messages.success(
                    request, _("%(name)s removed.") % {"name": membership.user.get_full_name()}
                )
            else:
                role_form = RoleForm(request.POST)
                if not role_form.is_valid():
                    raise SetupError(_("Choose a role from the list."))
                change_role(membership, role_form.cleaned_data["role"], actor=request.user)
                messages.success(
                    request,
                    _("%(name)s’s role changed.") % {"name": membership.user.get_full_name()},
                )
        except SetupError as exc:
            messages.error(request, str(exc))
        return redirect(request.path)
    if request.method == "POST" and form.is_valid():
        try:
            membership, created = add_member(p, actor=request.user, **form.cleaned_data)
        except SetupError as exc:
            form.add_error("email", str(exc))
        else:
            name = form.cleaned_data["name"]
            if created:
                send_set_password_email(request, membership.user.email)
                messages.success(
                    request,
                    _("%(name)s added. We e-mailed them a link to set a password.")
                    % {"name": name},
                )
            else:
                messages.success(request, _("%(name)s added.") % {"name": name})
            return redirect(request.path)
    context = {
        "access": access,
        "partnership": p,
        "members": p.memberships.select_related("user").order_by("role", "user__first_name"),
        "form": form,
        "role_form": RoleForm(),
    }
    return render(request, "poet/members.html", context)


def send_set_password_email(request: HttpRequest, email: str) -> None:
    """A new member sets their own password through Django's password-reset link: in the
    language they chose, or in both (the sender's first) while nobody knows it."""
    form = NewMemberPasswordForm({"email": email})
    if form.is_valid():
        form.save(
            request=request,
            use_https=request.is_secure(),
            extra_email_context={"email_languages": email_languages(form.get_users(email))},  # type: ignore[dict-item]  # any context, whatever the stubs say
            subject_template_name="registration/set_password_subject.txt",
            email_template_name="registration/set_password_email.txt",
        )


@partnership_view(Right.MANAGE_PARTNERSHIP)
def new_wave(request: HttpRequest, access: Access) -> HttpResponse:
    form = WaveForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        wave = create_wave(access.partnership, actor=request.user, **form.cleaned_data)
        messages.success(request, _("%(name)s created.") % {"name": wave.name})
        return redirect(wave)
    context = {"access": access, "partnership": access.partnership, "form": form}
    return render(request, "poet/new_wave.html", context)


def email_languages(people: Iterable[Any]) -> list[str]:
    """The one language the recipient chose, or every interface language, the current first."""
    codes = interface_codes()
    for person in people:
        saved = saved_interface_language(person)
        if saved in codes:
            return [saved]
    current = translation.get_language()
    return sorted(codes, key=lambda code: code != current)
