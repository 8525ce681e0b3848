"""The API's endpoints by subject, each module a ninja `Router` added to the one API (`api.api`)
by `api/urls.py` (`ROUTERS`), so `api/api.py` keeps the authentication, the problem details and
the first endpoints only."""

from __future__ import annotations

from ninja import Router


def routers() -> list[Router]:
    """Every endpoint module's router, in the order the OpenAPI document lists them."""
    from api.endpoints import comparisons, imports, jobs, partnerships, reports, waves

    return [
        partnerships.router,
        imports.router,
        waves.router,
        comparisons.router,
        reports.router,
        jobs.router,
    ]
