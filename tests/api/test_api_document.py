"""The OpenAPI document describes every endpoint whole: its answer, its problems, and the pages
of every list."""

from __future__ import annotations

import pytest
from openapi_spec_validator import validate

pytestmark = pytest.mark.django_db

PUBLIC = {"/api/v1/schema/"}
WRITES = {"post", "put", "patch", "delete"}


def operations(schema: dict):
    for path, item in schema["paths"].items():
        for method, operation in item.items():
            if path not in PUBLIC:
                yield path, method, operation


def test_every_endpoint_documents_its_problems(client):
    schema = client.get("/api/v1/schema/").json()
    validate(schema)
    problems = {"Problem", "ProblemWithErrors"}
    checked = 0
    for path, method, operation in operations(schema):
        responses = {str(status): r for status, r in operation["responses"].items()}
        expected = {"401", "403", "404"} | ({"409", "422"} if method in WRITES else set())
        assert expected <= set(responses), (method, path, sorted(responses))
        for status in expected:
            content = responses[status]["content"]
            body = content.get("application/problem+json") or content["application/json"]
            assert body["schema"]["$ref"].rsplit("/", 1)[1] in problems, (method, path, status)
        success = [s for s in responses if s.startswith("2")]
        assert success and all(responses[s].get("content") for s in success), (method, path)
        checked += 1
    assert checked >= 19


def test_every_list_is_paged(client):
    schema = client.get("/api/v1/schema/").json()
    components = schema["components"]["schemas"]
    lists = 0
    for path, method, operation in operations(schema):
        ok = operation["responses"].get("200", {}).get("content", {}).get("application/json")
        if not ok or "$ref" not in ok["schema"]:
            continue
        answer = components[ok["schema"]["$ref"].rsplit("/", 1)[1]]
        if answer.get("properties", {}).get("items", {}).get("type") != "array":
            continue
        names = {p["name"] for p in operation.get("parameters", [])}
        assert {"limit", "offset"} <= names, (method, path)
        assert "count" in answer["properties"], (method, path)
        lists += 1
    assert lists >= 6  # partnerships, waves, organisations, two kinds of group, comparison rows
