"""What every operation of the OpenAPI document says it may answer, however it is declared (the
api-write endpoints' modules too), and the problems those answers carry."""

from __future__ import annotations

import json

from django.test import RequestFactory

from api.api import problem
from api.openapi import PROBLEM, with_common_responses


def document(operation: dict) -> dict:
    return {"openapi": "3.1.0", "paths": {"/x/": {"post": operation}}}


def test_a_secured_operation_with_a_body_names_every_answer_a_call_may_get():
    operation = {
        "parameters": [{"in": "path", "name": "wave", "required": True}],
        "requestBody": {"content": {"application/json": {"schema": {}}}},
        "responses": {
            202: {"description": "Accepted"},
            409: {
                "description": "Conflict",
                "content": {
                    "application/json": {"schema": {"$ref": "#/components/schemas/Problem"}}
                },
            },
        },
        "security": [{"TokenAuth": []}],
    }
    done = with_common_responses(document(operation))["paths"]["/x/"]["post"]["responses"]
    assert list(done) == ["202", "400", "401", "409", "422", "429"]  # one key per status, as JSON
    for status in ("400", "401", "409", "422", "429"):
        assert list(done[status]["content"]) == [PROBLEM], status
    assert "Retry-After" in done["429"]["headers"]


def test_an_open_operation_without_parameters_gets_nothing_more():
    operation = {"responses": {200: {"description": "OK"}}}
    done = with_common_responses(document(operation))["paths"]["/x/"]["post"]["responses"]
    assert list(done) == ["200"]


def test_a_problems_title_is_its_status_in_words():
    request = RequestFactory().post("/api/v1/x/")
    for status, title in ((400, "Bad Request"), (409, "Conflict"), (429, "Too Many Requests")):
        response = problem(request, status, "What to do.")
        assert response["Content-Type"] == PROBLEM
        body = json.loads(response.content)
        assert (body["status"], body["title"], body["detail"]) == (status, title, "What to do.")
