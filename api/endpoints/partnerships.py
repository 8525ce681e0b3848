"""A partnership's organisations, staff groups and user groups: what every member sees on the
partnership's page (`Right.VIEW`), the names staff lists and comparison rows use."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Router, Schema
from ninja.pagination import LimitOffsetPagination, paginate

from api.api import english_display
from api.endpoints.common import READ_ERRORS, Mapped
from api.selectors.partnerships import organisations_of, staff_groups_of, user_groups_of
from poet.models import Organisation
from poet.permissions import Right, partnership_access

router = Router(tags=["partnerships"])


class OrganisationOut(Schema):
    id: int
    name: str
    kind: str  # nhs, local_authority, primary_care, voluntary, independent or other
    kind_label: str


class GroupOut(Schema):
    id: int
    name: str


def _organisation(o: Organisation) -> dict:
    return {
        "id": o.pk,
        "name": o.name,
        "kind": o.kind,
        "kind_label": english_display(o, "kind"),
    }


def _group(g) -> dict:
    return {"id": g.pk, "name": g.name}


@router.get(
    "/partnerships/{partnership}/organisations/",
    response={200: list[OrganisationOut], **READ_ERRORS},
    summary="The partner organisations of a partnership",
)
@paginate(LimitOffsetPagination)
def list_organisations(request: HttpRequest, partnership: str):
    access = partnership_access(request.user, partnership, Right.VIEW)
    return Mapped(organisations_of(access.partnership), _organisation)


@router.get(
    "/partnerships/{partnership}/staff-groups/",
    response={200: list[GroupOut], **READ_ERRORS},
    summary="The staff groups (professions and roles) of a partnership",
)
@paginate(LimitOffsetPagination)
def list_staff_groups(request: HttpRequest, partnership: str):
    access = partnership_access(request.user, partnership, Right.VIEW)
    return Mapped(staff_groups_of(access.partnership), _group)


@router.get(
    "/partnerships/{partnership}/user-groups/",
    response={200: list[GroupOut], **READ_ERRORS},
    summary="The groups of people a partnership serves",
)
@paginate(LimitOffsetPagination)
def list_user_groups(request: HttpRequest, partnership: str):
    access = partnership_access(request.user, partnership, Right.VIEW)
    return Mapped(user_groups_of(access.partnership), _group)
