"""Administrators' pages: set up a partnership, its organisations, groups, members and waves."""

from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render

from poet.forms import (
    GroupForm,
    MemberForm,
    NewMemberPasswordForm,
    OrganisationForm,
    PartnershipForm,
    RoleForm,
    WaveForm,
)
from poet.models import Membership, Organisation, StaffGroup, UserGroup
from poet.permissions import Access, Right, partnership_view
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
        messages.success(request, f"{partnership.name} is set up. Add its partner organisations.")
        return redirect("organisations", partnership=partnership.slug)
    return render(request, "poet/new_partnership.html", {"form": form})


@dataclass(frozen=True)
class NamedThing:
    model: NamedModel
    form: type
    title: str
    label: str
    hint: str


NAMED_THINGS = {
    "organisations": NamedThing(
        Organisation,
        OrganisationForm,
        "Partner organisations",
        "Organisation name",
        "Every organisation whose staff take part in the survey.",
    ),
    "staff_groups": NamedThing(
        StaffGroup,
        GroupForm,
        "Staff groups",
        "Staff group",
        "Professions or roles staff choose from; results are shown by staff group.",
    ),
    "user_groups": NamedThing(
        UserGroup,
        GroupForm,
        "People the partnership serves",
        "User group",
        "Groups of service users, such as older people or disabled children.",
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
            messages.success(request, f"Removed {obj}.")
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
            messages.success(request, f"Added {name}.")
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
                messages.success(request, f"{membership.user.get_full_name()} removed.")
            else:
                role_form = RoleForm(request.POST)
                if not role_form.is_valid():
                    raise SetupError("Choose a role from the list.")
                change_role(membership, role_form.cleaned_data["role"], actor=request.user)
                messages.success(request, f"{membership.user.get_full_name()}’s role changed.")
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
                    request, f"{name} added. We e-mailed them a link to set a password."
                )
            else:
                messages.success(request, f"{name} added.")
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
    """A new member sets their own password through Django's password-reset link."""
    form = NewMemberPasswordForm({"email": email})
    if form.is_valid():
        form.save(
            request=request,
            use_https=request.is_secure(),
            subject_template_name="registration/set_password_subject.txt",
            email_template_name="registration/set_password_email.txt",
        )


@partnership_view(Right.MANAGE_PARTNERSHIP)
def new_wave(request: HttpRequest, access: Access) -> HttpResponse:
    form = WaveForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        wave = create_wave(access.partnership, actor=request.user, **form.cleaned_data)
        messages.success(request, f"{wave.name} created.")
        return redirect(wave)
    context = {"access": access, "partnership": access.partnership, "form": form}
    return render(request, "poet/new_wave.html", context)
