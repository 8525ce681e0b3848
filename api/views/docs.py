"""The API's documentation page, drawn from its OpenAPI document on the server (no JavaScript)."""

from pathlib import Path

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET

from api.api import api
from api.throttling import TokenRateThrottle, limit

METHODS = ("get", "post", "put", "patch", "delete")
EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
# The examples of docs/api.md, shown as they are (tests run the Python one against the API).
LANGUAGES = [
    ("Python (requests)", "fetch_comparison.py"),
    ("R (httr2)", "fetch_comparison.R"),
    ("curl", "fetch_comparison.sh"),
]


def examples() -> list[dict[str, str]]:
    return [
        {"language": language, "name": name, "code": (EXAMPLES / name).read_text()}
        for language, name in LANGUAGES
    ]


def limit_for_people() -> str:
    """'120 calls a minute' in the page's language (the API's own errors say it in English)."""
    calls, seconds = TokenRateThrottle().parse_rate(limit())
    assert calls and seconds
    per_unit = {
        1: ngettext("%(calls)s call a second", "%(calls)s calls a second", calls),
        60: ngettext("%(calls)s call a minute", "%(calls)s calls a minute", calls),
        3600: ngettext("%(calls)s call an hour", "%(calls)s calls an hour", calls),
        86400: ngettext("%(calls)s call a day", "%(calls)s calls a day", calls),
    }
    if seconds in per_unit:
        return per_unit[seconds] % {"calls": calls}
    words = ngettext(
        "%(calls)s call in %(seconds)s seconds", "%(calls)s calls in %(seconds)s seconds", calls
    )
    return words % {"calls": calls, "seconds": seconds}


@require_GET
def docs(request: HttpRequest) -> HttpResponse:
    schema = api.get_openapi_schema(path_prefix=reverse("api-v1:api-root"))
    operations = []
    for path, item in schema["paths"].items():
        for method in METHODS:
            if method not in item:
                continue
            op = item[method]
            operations.append(
                {
                    "method": method.upper(),
                    "path": path,
                    "summary": op.get("summary", ""),
                    "description": op.get("description", ""),
                    "parameters": op.get("parameters", []),
                    "responses": sorted(op.get("responses", {}).items()),
                }
            )
    context = {
        "info": schema["info"],
        "operations": operations,
        "schema_url": reverse("api-v1:openapi-json"),
        "rate_limit": limit_for_people(),
        "examples": examples(),
    }
    return render(request, "api/docs.html", context)
