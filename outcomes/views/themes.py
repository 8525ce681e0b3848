"""Analysis pages of a wave's coding (issue 16, item 5), for those who may read the codebook
(evaluators): the theme counts by audience and session type, protected as every other table, and
the framework matrix of coded passages with its CSV download (audited)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from outcomes.selectors import themes as selectors
from outcomes.services.themes import export_framework_matrix
from outcomes.views.codebook import follow_up_of, page_context
from poet.analysis import rule_text
from poet.models import Wave
from poet.permissions import Access, Right, wave_view


@wave_view(Right.EVALUATE)
def themes(request: HttpRequest, access: Access, wave: Wave) -> HttpResponse:
    """How many sources and people mention each theme, by audience and session type."""
    schedule = follow_up_of(wave)
    k = access.partnership.minimum_group_size
    table = selectors.theme_table(schedule, k)
    context = page_context(access, wave, schedule, table=table, k=k, rule=rule_text(k))
    return render(request, "outcomes/codebook/themes.html", context)


@wave_view(Right.EVALUATE)
def framework(request: HttpRequest, access: Access, wave: Wave) -> HttpResponse:
    """People or sources x themes, each cell the passages coded, summarised."""
    schedule = follow_up_of(wave)
    context = page_context(access, wave, schedule, matrix=selectors.framework_matrix(schedule))
    return render(request, "outcomes/codebook/framework.html", context)


@wave_view(Right.EVALUATE)
def framework_csv(request: HttpRequest, access: Access, wave: Wave) -> HttpResponse:
    """The framework matrix as a CSV file (audited: it holds passages)."""
    schedule = follow_up_of(wave)
    text = export_framework_matrix(
        schedule, selectors.framework_matrix(schedule), actor=request.user
    )
    response = HttpResponse(text, content_type="text/csv; charset=utf-8")
    name = f"framework-matrix-{access.partnership.slug}-{wave.slug}.csv"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["Cache-Control"] = "no-store"
    return response
