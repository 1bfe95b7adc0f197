"""JSON endpoints declared with pydantic schemas.

``@api.route(bp, "/path/<token>", "POST", body=Schema)`` validates the request body
against the schema before the view runs (malformed JSON -> 400 ``bad_json``,
schema violations -> 422 ``validation_error`` with the failing fields) and
records the route, so the same schemas generate the OpenAPI 3 document served at
``/api/openapi.json``. Under test (``api.check_responses``, set by the suite's conftest)
every JSON answer with a declared ``response`` model and an ``ok`` status is validated
against it, so every web and end-to-end test also checks the API's contract.
"""
from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass, field
from typing import Annotated

from flask import Blueprint, current_app, jsonify, request
from pydantic import AfterValidator, BaseModel, ConfigDict, Field, ValidationError
from werkzeug.routing import IntegerConverter

from core.errors import DomainError, Unprocessable

MAX_ID = 2**31 - 1  # the largest id either database stores; larger numbers are refused, not overflowed


# Control (NUL, escapes), format (bidi overrides, zero-width), separator, private-use and
# surrogate characters: they corrupt tickets, make a note display as something it is not,
# or cannot be stored (PostgreSQL refuses NUL). Line breaks stay allowed.
_REFUSED = {"Cc", "Cf", "Zl", "Zp", "Co", "Cs"}


def _printable(text: str) -> str:
    if any(unicodedata.category(c) in _REFUSED and c != "\n" for c in text):
        raise ValueError("must not contain control or invisible formatting characters")
    return text


Id = Annotated[int, Field(ge=1, le=MAX_ID)]
Text = Annotated[str, AfterValidator(_printable)]


class IdConverter(IntegerConverter):
    """``<id:name>`` in routes: a positive integer that fits the database (else 404)."""

    def __init__(self, url_map):
        super().__init__(url_map, min=1, max=MAX_ID)


class Schema(BaseModel):
    """Base of request bodies: strict types, unknown fields refused."""
    model_config = ConfigDict(strict=True, extra="forbid", frozen=True)


class Out(BaseModel):
    """Base of response shapes (documentation; tests check real responses against them)."""
    model_config = ConfigDict(extra="forbid")


@dataclass
class _Route:
    path: str
    method: str
    summary: str
    tag: str
    body: type[BaseModel] | None
    response: type[BaseModel] | None
    auth: str | None
    errors: tuple[int, ...] = field(default=())
    ok: tuple[int, ...] = (200,)


def _validation_details(err: ValidationError) -> list[dict]:
    return [{"field": ".".join(str(p) for p in e["loc"]), "message": e["msg"], "type": e["type"]}
            for e in err.errors(include_url=False)]


class ResponseShapeError(AssertionError):
    """A response that does not match its declared model (raised only under test)."""


class ApiRegistry:
    def __init__(self, title: str, version: str):
        self.title, self.version = title, version
        self.routes: list[_Route] = []
        self.check_responses = False  # the test suite turns it on
        self.violations: list[str] = []  # what it found, for the suite to fail on
        self.checked: set[str] = set()  # "METHOD rule" of every route whose answer was checked

    def _checked(self, rv, model: type[BaseModel], ok: tuple[int, ...], rule: str, method: str):
        resp = current_app.make_response(rv)
        if resp.status_code in ok and resp.is_json:
            try:
                model.model_validate_json(resp.get_data())
            except ValidationError as e:
                problem = f"{method} {rule} answered {resp.status_code} not matching {model.__name__}: {e}"
                self.violations.append(problem)
                raise ResponseShapeError(problem) from None
            self.checked.add(f"{method} {rule}")
        return resp

    def route(self, bp: Blueprint, rule: str, method: str = "GET", *, body: type[BaseModel] | None = None,
              response: type[BaseModel] | None = None, summary: str = "", guard=None,
              errors: tuple[int, ...] = (), ok: tuple[int, ...] = (200,)):
        """guard: a callable run before the body is read (e.g. a role check); its
        ``security`` attribute names the OpenAPI security scheme."""
        def decorate(view):
            @functools.wraps(view)
            def wrapper(*args, **kwargs):
                if guard is not None:
                    guard()
                if body is not None:
                    raw = request.get_data(cache=True)
                    try:
                        kwargs["body"] = body.model_validate_json(raw or b"")
                    except ValidationError as e:
                        if any(x["type"] == "json_invalid" for x in e.errors()):
                            raise DomainError("The request body is not valid JSON.", code="bad_json",
                                              status=400) from None
                        raise Unprocessable("The request body does not match the schema.",
                                          code="validation_error",
                                          details=_validation_details(e)) from None
                rv = view(*args, **kwargs)
                if self.check_responses and response is not None:
                    return self._checked(rv, response, ok, rule, method)
                return rv

            bp.add_url_rule(rule, view_func=wrapper, methods=[method])
            prefix = bp.url_prefix or ""
            self.routes.append(_Route(prefix + rule, method, summary or (view.__doc__ or "").strip(),
                                      bp.name, body, response, getattr(guard, "security", None),
                                      tuple(sorted({*errors, *getattr(guard, "errors", ())})), ok))
            return wrapper
        return decorate

    def openapi(self) -> dict:
        components: dict[str, dict] = {}

        def ref(model: type[BaseModel]) -> dict:
            schema = model.model_json_schema(ref_template="#/components/schemas/{model}")
            components.update(schema.pop("$defs", {}))
            components[model.__name__] = schema
            return {"$ref": f"#/components/schemas/{model.__name__}"}

        error_schema = {"type": "object", "required": ["error"], "properties": {"error": {
            "type": "object", "required": ["code", "message"],
            "properties": {"code": {"type": "string"}, "message": {"type": "string"}, "details": {}}}}}
        components["Error"] = error_schema
        paths: dict[str, dict] = {}
        for r in self.routes:
            path = re.sub(r"<(?:[a-z]+:)?([a-zA-Z_]+)>", r"{\1}", r.path)
            params = [{"name": n, "in": "path", "required": True,
                       "schema": {"type": "integer", "minimum": 1, "maximum": MAX_ID} if f"<id:{n}>" in r.path
                       else {"type": "string"}}
                      for n in re.findall(r"\{([a-zA-Z_]+)\}", path)]
            op: dict = {"summary": r.summary, "tags": [r.tag], "parameters": params,
                        "responses": {str(code): {"description": "OK"} for code in r.ok}}
            if r.response:
                schema = ref(r.response)
                for code in r.ok:
                    op["responses"][str(code)]["content"] = {"application/json": {"schema": schema}}
            if r.body:
                op["requestBody"] = {"required": True, "content": {"application/json": {"schema": ref(r.body)}}}
                op["responses"]["400"] = {"description": "Malformed JSON"}
                op["responses"]["422"] = {"description": "Body does not match the schema"}
            for status in r.errors:
                op["responses"][str(status)] = {"description": "Refused"}
            for resp in op["responses"].values():
                if resp.get("description") != "OK":
                    resp["content"] = {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
            if r.auth:
                op["security"] = [{r.auth: []}]
            paths.setdefault(path, {})[r.method.lower()] = op
        return {
            "openapi": "3.1.0",
            "info": {"title": self.title, "version": self.version},
            "paths": paths,
            "components": {"schemas": components, "securitySchemes": {
                "staff": {"type": "apiKey", "in": "cookie", "name": "session",
                          "description": "Staff session from POST /api/staff/login"},
                "visit": {"type": "http", "scheme": "bearer",
                          "description": "The signed visit token is part of the path"}}},
        }


api = ApiRegistry("Restaurant server", "1.0")


def error_response(err: DomainError):
    return jsonify(err.body()), err.status, err.headers
