"""Probes for load balancers and container healthchecks: `/livez` (this process answers; nothing
else is touched) and `/readyz` (ready to serve people: `poet.selectors.health.readiness`).

`HealthProbeMiddleware`, first in MIDDLEWARE, answers these two paths before anything else runs,
so a probe needs no sign-in, is not redirected to HTTPS, and may name the server by its IP address
(a load balancer's Host is rarely in ALLOWED_HOSTS): those checks would answer 301 or 400 and log
a traceback, which says nothing about the service's health. Every other path is untouched.
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed, JsonResponse

from poet.selectors import health

SAFE = ("GET", "HEAD")


def _answer(body: dict, status: int = 200) -> JsonResponse:
    response = JsonResponse(body, status=status)
    response["Cache-Control"] = "no-store"
    return response


def livez(request: HttpRequest) -> HttpResponse:
    """The process answers: no database, broker or template involved."""
    if request.method not in SAFE:
        return HttpResponseNotAllowed(SAFE)
    return _answer({"status": "ok"})


def readyz(request: HttpRequest) -> HttpResponse:
    """200 when every check that applies passes, else 503 naming the failing ones."""
    if request.method not in SAFE:
        return HttpResponseNotAllowed(SAFE)
    checks = health.readiness()
    ready = all(check.ok for check in checks.values())
    return _answer(
        {
            "status": "ok" if ready else "unavailable",
            "checks": {name: check.says for name, check in checks.items()},
        },
        status=200 if ready else 503,
    )


PROBES: dict[str, Callable[[HttpRequest], HttpResponse]] = {
    "/livez": livez,
    "/livez/": livez,
    "/readyz": readyz,
    "/readyz/": readyz,
}


class HealthProbeMiddleware:
    """Answers `/livez` and `/readyz` before host checks, the HTTPS redirect and sign-in."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        probe = PROBES.get(request.path_info)
        if probe is not None:
            return probe(request)
        return self.get_response(request)
