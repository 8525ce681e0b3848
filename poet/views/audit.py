"""The audit log page: in words, narrowed by person, kind and dates, paged, and as CSV."""

import csv

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from poet.forms import AuditFilterForm
from poet.permissions import Access, Right, partnership_view
from poet.selectors.audit_log import (
    AuditFilter,
    audit_details,
    audit_events,
    audit_kinds_in,
    audit_label,
    audit_people,
)
from poet.services import record_audit
from poet.spreadsheet import neutralise

PER_PAGE = 50


def _filter(request: HttpRequest, access: Access) -> tuple[AuditFilterForm, AuditFilter]:
    """The form as sent, and what it narrows the log to (nothing while it has errors)."""
    p = access.partnership
    form = AuditFilterForm(request.GET or None, people=audit_people(p), kinds=audit_kinds_in(p))
    if not request.GET or not form.is_valid():
        return form, AuditFilter()
    data = form.cleaned_data
    return form, AuditFilter(
        person=data["person"], kind=data["kind"], since=data["since"], until=data["until"]
    )


def _query(request: HttpRequest) -> str:
    """The filter part of the address, for the page links and the CSV link."""
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


@partnership_view(Right.MANAGE_PARTNERSHIP)
def audit_log(request: HttpRequest, access: Access) -> HttpResponse:
    form, chosen = _filter(request, access)
    page = Paginator(audit_events(access.partnership, chosen), PER_PAGE).get_page(
        request.GET.get("page")
    )
    rows = [(e, audit_label(e.action), audit_details(e)) for e in page.object_list]
    context = {
        "access": access,
        "partnership": access.partnership,
        "page": page,
        "rows": rows,
        "form": form,
        "query": _query(request),
        "filtered": chosen != AuditFilter(),
    }
    return render(request, "poet/audit_log.html", context)


@partnership_view(Right.MANAGE_PARTNERSHIP)
def audit_log_csv(request: HttpRequest, access: Access) -> HttpResponse:
    """The log as narrowed on the page, every page of it; cells cannot run as formulas."""
    _form, chosen = _filter(request, access)
    p = access.partnership
    events = list(audit_events(p, chosen))
    record_audit("audit_log.downloaded", actor=request.user, partnership=p, target=str(p))
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    name = f"audit-log-{p.slug}-{timezone.localdate():%Y-%m-%d}.csv"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    writer = csv.writer(response, lineterminator="\n")
    writer.writerow(["when", "who", "what", "kind", "of", "details", "reason"])
    for e in events:
        who = (e.actor.get_full_name() or e.actor.get_username()) if e.actor else _("System")
        writer.writerow(
            neutralise(cell)
            for cell in [
                timezone.localtime(e.created_at).strftime("%Y-%m-%d %H:%M:%S"),
                who,
                audit_label(e.action),
                e.action,
                e.target,
                audit_details(e),
                e.reason,
            ]
        )
    return response
