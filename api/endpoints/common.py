"""What the endpoint modules share: problem details for refusals (409, 422 with every row's
error), the problem schemas for the OpenAPI document, and a paged list that maps rows lazily."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from http import HTTPStatus
from typing import Any, Generic, TypeVar, overload

from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse

from api.api import ERRORS, PROBLEM, Problem, api

T = TypeVar("T")

# Ids in the URL are database ids (64-bit): a larger number is refused (422), never sent to the
# database to fail there.
MAX_ID = 2**63 - 1
SLUG = r"^[-a-zA-Z0-9_]+$"


class ProblemWithErrors(Problem):
    """A refusal that names every problem: one line per bad row of an uploaded file."""

    errors: list[str | dict[str, Any]] = []


# Endpoints that read: no token (401), another partnership or nothing there (404), a role
# without the right (403). Endpoints that change things may also refuse the change.
READ_ERRORS: dict[int, type] = dict(ERRORS)
WRITE_ERRORS: dict[int, type] = {**ERRORS, 409: Problem, 422: ProblemWithErrors}


def refusal(
    request: HttpRequest, status: int, detail: str, errors: list[str] | None = None
) -> HttpResponse:
    """An RFC 9457 problem (about:blank: the status phrase is the title) with the page's words;
    `errors` lists every problem when there are several (a file's bad rows)."""
    body: dict[str, Any] = {
        "type": "about:blank",
        "title": HTTPStatus(status).phrase,
        "status": status,
        "detail": detail,
    }
    if errors is not None:
        body["errors"] = errors
    response = api.create_response(request, body, status=status)
    response["Content-Type"] = PROBLEM
    return response


class Refused(Exception):
    """Raised by an endpoint to answer a problem: the status and the pages' words, with every
    problem listed when there are several."""

    def __init__(self, status: int, detail: str, errors: list[str] | None = None) -> None:
        super().__init__(detail)
        self.status, self.detail, self.errors = status, detail, errors


@api.exception_handler(Refused)
def _refused(request: HttpRequest, exc: Exception) -> HttpResponse:
    if not isinstance(exc, Refused):  # only ever called with one
        raise exc
    return refusal(request, exc.status, exc.detail, exc.errors)


class Mapped(Sequence[T], Generic[T]):
    """A query's rows turned into answers only for the page asked for: pagination slices the
    query in the database, and only that slice is read and mapped."""

    def __init__(self, rows: QuerySet, to_answer: Callable[[Any], T]) -> None:
        self.rows = rows
        self.to_answer = to_answer

    def __len__(self) -> int:
        return self.rows.count()

    @overload
    def __getitem__(self, index: int) -> T: ...

    @overload
    def __getitem__(self, index: slice) -> list[T]: ...

    def __getitem__(self, index: int | slice) -> T | list[T]:
        if isinstance(index, slice):  # a page: offset and limit beyond 64 bits read to the end
            start, stop = (
                min(i, MAX_ID) if i is not None else None for i in (index.start, index.stop)
            )
            return [self.to_answer(row) for row in self.rows[start:stop]]
        return self.to_answer(self.rows[index])
