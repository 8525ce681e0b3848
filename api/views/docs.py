"""The API's documentation page, drawn from its OpenAPI document on the server (no JavaScript)."""

from pathlib import Path

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET

from api.api import api
from api.throttling import limit_in_words

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
        "rate_limit": limit_in_words(),
        "examples": examples(),
    }
    return render(request, "api/docs.html", context)
