"""The answers every operation of the API may give, written into its OpenAPI document once for all
operations (those of api/api.py and of any module that adds more), so clients and Schemathesis
know every status a call can get and that errors come as `application/problem+json`."""

from __future__ import annotations

from typing import Any

PROBLEM = "application/problem+json"
PROBLEM_REF = "#/components/schemas/Problem"

PROBLEM_SCHEMA: dict[str, Any] = {
    "title": "Problem",
    "description": "An RFC 9457 problem: what went wrong (title) and what to do about it (detail).",
    "type": "object",
    "properties": {
        "type": {"title": "Type", "type": "string"},
        "title": {"title": "Title", "type": "string"},
        "status": {"title": "Status", "type": "integer"},
        "detail": {"title": "Detail", "type": "string"},
    },
    "required": ["type", "title", "status", "detail"],
}

COMMON = {
    "401": "No valid token: missing, wrong, revoked or expired.",
    "429": "More calls than the token's rate limit: wait for Retry-After seconds.",
}
INVALID = {"422": "A parameter or the body is not valid: `detail` names each."}
UNREADABLE = {"400": "The body could not be read as the content type it was sent as."}
RETRY_AFTER = {
    "Retry-After": {
        "description": "Seconds to wait before calling again.",
        "schema": {"type": "integer"},
    }
}


def _problem(description: str) -> dict[str, Any]:
    return {"description": description, "content": {PROBLEM: {"schema": {"$ref": PROBLEM_REF}}}}


def with_common_responses(schema: dict[str, Any]) -> dict[str, Any]:
    """The schema with 401 and 429 on every operation that needs a token, 422 on every one that
    takes parameters or a body, 400 on every one with a body (one that cannot be parsed), and
    every error answer's body as a problem (changed in place)."""
    schema.setdefault("components", {}).setdefault("schemas", {}).setdefault(
        "Problem", PROBLEM_SCHEMA
    )
    for item in schema.get("paths", {}).values():
        for operation in item.values():
            if not isinstance(operation, dict) or "responses" not in operation:
                continue
            # ninja keys by int, JSON by string: one key per status, in order
            responses = {str(k): v for k, v in operation["responses"].items()}
            extra = dict(COMMON) if operation.get("security") else {}
            if operation.get("parameters") or operation.get("requestBody"):
                extra.update(INVALID)
            if operation.get("requestBody"):
                extra.update(UNREADABLE)
            for status, description in extra.items():
                responses.setdefault(status, _problem(description))
            if "429" in responses:
                responses["429"].setdefault("headers", RETRY_AFTER)
            for status, response in responses.items():
                content = response.get("content")
                if str(status)[:1] in "45" and content and PROBLEM not in content:
                    body = content.pop("application/json", None) or {
                        "schema": {"$ref": PROBLEM_REF}
                    }
                    content[PROBLEM] = body
            operation["responses"] = dict(sorted(responses.items()))
    return schema
