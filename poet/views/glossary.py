"""The glossary page: what the terms in the reports mean. Open to everyone, signed in or not:
it holds no partnership's data, and report tables link to it."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from poet.glossary import translated_terms


@require_GET
def glossary(request: HttpRequest) -> HttpResponse:
    return render(request, "poet/glossary.html", {"terms": translated_terms()})
