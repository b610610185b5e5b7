"""The Flask application every service starts from: health, readiness, metrics, errors, auth."""

from __future__ import annotations

import logging
import threading
import time
import uuid
from collections.abc import Callable, Iterable
from typing import Any

from apispec import BasePlugin
from flask import Blueprint as FlaskBlueprint
from flask import Flask, Response, current_app, g, jsonify, make_response, request, send_from_directory
from flask.typing import ResponseReturnValue
from flask_smorest import Api, Blueprint, abort
from flask_smorest.pagination import PaginationMetadataSchema
from marshmallow import Schema, fields
from werkzeug.exceptions import HTTPException
from werkzeug.middleware.proxy_fix import ProxyFix

from shared import context
from shared.audit import new_record
from shared.audit_api import AUDIT_CLIENTS_KEY, AUDIT_KEY, AUDIT_RESULT_KEY
from shared.auth import TOKENS_KEY, Principal, RouteRoles, TokenVerifier, authenticate_request, unlisted_routes
from shared.availability import DatabaseCircuit, DatabaseUnavailable
from shared.config import Settings
from shared.db import UNAVAILABLE_DB_ERRORS, is_unavailable, request_budget
from shared.emergency_access import EMERGENCY_GRANT_KEY
from shared.errors import Conflict, Invalid, NotAllowed, NotFound
from shared.metrics import HTTP_ERRORS, HTTP_LATENCY, HTTP_REQUESTS, declare_http_series, render_latest
from shared.rate_limit import ApiLimits, RateLimiter
from shared.request_text import NOT_TEXT_MESSAGE, BodyProblem, check_json_body, has_non_text
from shared.roles import ROLES

log = logging.getLogger(__name__)
audit = logging.getLogger("audit")

ReadinessCheck = Callable[[], None]
CORRELATION_HEADER = "X-Correlation-ID"
READINESS_CACHE_SECONDS = 2.0
# Each dependency's check is given this long (they run side by side), so /readyz answers within it.
READINESS_WAIT_SECONDS = 1.5

# How long the database work of a request that changes something may take in all (shared/db.py
# `request_budget`): a few small statements in one transaction, which the driver would otherwise
# retry for two minutes once its server is gone. The access record of any request has the same
# budget of its own. Reads have none: they give up when the server is not found (shared/db.py
# REQUEST_TIMEOUTS), and a budget would replace that second by the whole budget, which reads sized
# for the largest reports would make long.
WRITE_BUDGET_SECONDS = 2.0

ROUTE_ROLES_KEY = "ROUTE_ROLES"
LIMITS_KEY = "ipt.rate_limits"
CIRCUIT_KEY = "ipt.database_circuit"
READINESS_KEY = "ipt.readiness"
# The answer of every /api operation while the database cannot be reached (documented on each).
UNAVAILABLE_RESPONSE = "SERVICE_UNAVAILABLE_RETRY_AFTER"
DATABASE_UNAVAILABLE: tuple[type[Exception], ...] = (DatabaseUnavailable, *UNAVAILABLE_DB_ERRORS)


def create_base_app(
    settings: Settings,
    *,
    title: str,
    blueprints: Iterable[Blueprint],
    route_roles: RouteRoles,
    readiness: dict[str, ReadinessCheck],
    extra_config: dict[str, Any] | None = None,
) -> Flask:
    app = Flask(settings.service)
    app.config.update(_api_config(settings, title))
    app.config.update(extra_config or {})
    app.config[ROUTE_ROLES_KEY] = route_roles
    app.extensions[TOKENS_KEY] = TokenVerifier.from_settings(settings)
    app.extensions[LIMITS_KEY] = ApiLimits(
        per_user=RateLimiter(settings.api_rate_per_user), per_address=RateLimiter(settings.api_rate_per_address)
    )
    app.extensions[CIRCUIT_KEY] = DatabaseCircuit()
    app.extensions[READINESS_KEY] = Readiness(readiness)
    if settings.trusted_proxy_hops:
        # The caller's address is the one the trusted proxies name, not the last proxy's own.
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=settings.trusted_proxy_hops)  # type: ignore[method-assign]
    api = ServiceApi(
        app,
        spec_kwargs={
            "info": {"description": f"{title} of the IPT platform."},
            "extra_plugins": [UnavailableEverywhere()],
        },
    )
    api.spec.components.security_scheme("bearerAuth", {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"})
    api.spec.components.response(UNAVAILABLE_RESPONSE, UNAVAILABLE_DOC)
    for blueprint in blueprints:
        api.register_blueprint(blueprint)
    # A route nobody listed would be closed to everyone; one listed wrongly open to the wrong
    # people. Either is a bug, so the service refuses to start with it.
    problems = unlisted_routes(route_roles, api_routes(app))
    if problems:
        raise ValueError(f"{settings.service} route roles are incomplete: {'; '.join(problems)}")
    _register_operational_routes(app, settings, readiness)
    _register_request_hooks(app, settings)
    _register_error_handlers(app)
    return app


class ErrorSchema(Schema):
    """Every error body, as the handlers below write it (documentation only)."""

    code = fields.Integer(metadata={"description": "The HTTP status"})
    status = fields.String(metadata={"description": "Its name"})
    message = fields.String(metadata={"description": "What went wrong, in words"})
    errors = fields.Dict(metadata={"description": "Field errors by location and field (422)"})
    correlation_id = fields.String(metadata={"description": "Names an unexpected error (500) in the logs"})


class ServiceApi(Api):  # type: ignore[misc]  # flask-smorest ships no type information
    ERROR_SCHEMA = ErrorSchema

    def _register_pagination_header(self) -> None:
        # The X-Pagination header holds JSON: documented as such (OpenAPI `content`), not as an
        # object header, which would mean "key,value" pairs and fail every check of the answer.
        self.spec.components.header(
            "PAGINATION",
            {
                "description": "Pagination metadata (total, total_pages, page, …) as JSON",
                "content": {"application/json": {"schema": PaginationMetadataSchema}},
            },
            lazy=True,
        )


UNAVAILABLE_DOC = {
    "description": "The service cannot reach its database just now: try again after the seconds Retry-After names",
    "headers": {
        "Retry-After": {
            "description": "Seconds to wait before trying again",
            "required": True,
            "schema": {"type": "integer", "minimum": 1},
        }
    },
    "content": {"application/json": {"schema": "Error"}},
}


class UnavailableEverywhere(BasePlugin):
    """Documents the 503 with Retry-After on every /api operation: any of them may meet the
    database down (or its access record not stored, or an outside issuer's keys out of reach)."""

    def operation_helper(self, path: str | None = None, operations: dict[str, Any] | None = None, **_: Any) -> None:
        if not path or not path.startswith("/api/"):
            return
        for operation in (operations or {}).values():
            operation.setdefault("responses", {}).setdefault("503", UNAVAILABLE_RESPONSE)


def declare_route_metrics(app: Flask, service: str) -> None:
    """Every route's series at zero from the start, so an idle service still shows them."""
    declare_http_series(
        service,
        sorted(
            {
                (method, rule.rule)
                for rule in app.url_map.iter_rules()
                if rule.rule not in UNMEASURED
                for method in (rule.methods or set()) - {"HEAD", "OPTIONS"}
            }
        ),
    )


def _api_config(settings: Settings, title: str) -> dict[str, Any]:
    return {
        "API_TITLE": title,
        "API_VERSION": "v1",
        "OPENAPI_VERSION": "3.0.3",
        "OPENAPI_URL_PREFIX": "/",
        "OPENAPI_JSON_PATH": "openapi.json",
        "OPENAPI_SWAGGER_UI_PATH": "/docs",
        "OPENAPI_SWAGGER_UI_URL": "/docs/assets/",
        "API_SPEC_OPTIONS": {"security": [{"bearerAuth": []}]},
        "JWT_SECRET": settings.jwt_secret,
        "MAX_CONTENT_LENGTH": settings.max_request_bytes,
        "SERVICE_NAME": settings.service,
        "JSON_SORT_KEYS": False,
    }


def _register_operational_routes(app: Flask, settings: Settings, readiness: dict[str, ReadinessCheck]) -> None:
    @app.get("/healthz")
    def healthz() -> Response:
        return jsonify(status="ok", service=settings.service)

    @app.get("/readyz")
    def readyz() -> tuple[Response, int]:
        checks = app.extensions[READINESS_KEY].states()
        failing = {name: state.removeprefix(DOWN) for name, state in checks.items() if state != READY}
        if failing:
            return jsonify(status="unavailable", service=settings.service, checks=checks, failing=failing), 503
        return jsonify(status="ready", service=settings.service, checks=checks), 200

    @app.get("/metrics")
    def metrics() -> Response:
        body, content_type = render_latest()
        return Response(body, content_type=content_type)

    @app.get("/docs/assets/<path:filename>")
    def swagger_assets(filename: str) -> Response:
        import swagger_ui_bundle

        return send_from_directory(swagger_ui_bundle.swagger_ui_path, filename, max_age=3600)


READY = "ok"
DOWN = "down: "


class Readiness:
    """The dependencies' checks, run side by side, each given `wait` seconds; their states are kept
    `keep` seconds, as probes arrive every few seconds from several places.

    A check still running from an earlier probe is waited for, never started twice, so a dependency
    that hangs costs one thread, not one per probe. States say `ok` or `down: <why>`: the error's
    type, or that no answer came in time (never its message, which may name hosts and settings).
    """

    def __init__(
        self,
        checks: dict[str, ReadinessCheck],
        wait: float = READINESS_WAIT_SECONDS,
        keep: float = READINESS_CACHE_SECONDS,
    ) -> None:
        self.checks = checks
        self.wait = wait
        self.keep = keep
        self._lock = threading.Lock()
        self._running: dict[str, _CheckRun] = {}
        self._states: dict[str, str] = {}
        self._at = float("-inf")

    def states(self) -> dict[str, str]:
        with self._lock:
            if time.monotonic() - self._at > self.keep:
                self._states = self._check_all()
                self._at = time.monotonic()
            return dict(self._states)

    def _check_all(self) -> dict[str, str]:
        for name, check in self.checks.items():
            if name not in self._running or self._running[name].finished:
                self._running[name] = _CheckRun(check)
        deadline = time.monotonic() + self.wait
        return {name: self._running[name].state(deadline - time.monotonic(), self.wait) for name in sorted(self.checks)}


class _CheckRun:
    """One run of a check on its own thread (a daemon: it never holds up the process's exit)."""

    def __init__(self, check: ReadinessCheck) -> None:
        self._done = threading.Event()
        self._state = ""
        threading.Thread(target=self._run, args=(check,), name="readiness-check", daemon=True).start()

    def _run(self, check: ReadinessCheck) -> None:
        try:
            check()
            self._state = READY
        except Exception as error:  # noqa: BLE001 - any failure makes the dependency unready
            self._state = f"{DOWN}{error.__class__.__name__}"
        finally:
            self._done.set()

    @property
    def finished(self) -> bool:
        return self._done.is_set()

    def state(self, wait: float, allowed: float) -> str:
        if self._done.wait(max(0.0, wait)):
            return self._state
        return f"{DOWN}no answer within {allowed:g} s"


UNMEASURED = {"/metrics", "/healthz", "/readyz"}


def _register_request_hooks(app: Flask, settings: Settings) -> None:
    @app.before_request
    def start_request() -> Response | None:
        g.started = time.perf_counter()
        _start_write_budget()
        incoming = request.headers.get(CORRELATION_HEADER, "")
        g.correlation_token = context.set_correlation_id(_safe_correlation(incoming))
        # Every /api route needs a valid token and a role it allows, checked before the
        # request body is even parsed; a route that declares no roles is closed to everyone.
        # Too many requests from one address, or from one caller, are refused first (429).
        if request.path.startswith("/api/"):
            limits: ApiLimits = app.extensions[LIMITS_KEY]
            wait = limits.per_address.take(request.remote_addr or "-")
            if wait:
                return _too_many(wait)
            principal = authenticate_request()
            wait = limits.per_user.take(principal.sub)
            if wait:
                return _too_many(wait)
            allowed = _required_roles(app)
            if principal.role not in allowed:
                abort(403, message=f"Role '{principal.role}' may not use this endpoint.")
        _refuse_query_that_is_not_text()
        refused = _refuse_unreadable_body()
        if refused is None and _needs_database():
            # While the database is known to be down, answer at once rather than wait on the driver.
            app.extensions[CIRCUIT_KEY].check()
        return refused

    @app.after_request
    def finish_request(response: Response) -> Response:
        _end_write_budget()  # the access record has a budget of its own
        response.headers[CORRELATION_HEADER] = context.current_correlation_id()
        if request.path.startswith("/api/"):
            # Answers hold health information: no cache keeps a copy.
            response.headers.setdefault("Cache-Control", "no-store")
        _baseline_headers(response)
        response = _audit_record_access(app, response)
        endpoint = request.url_rule.rule if request.url_rule else "unmatched"
        if endpoint not in UNMEASURED:
            elapsed = time.perf_counter() - g.get("started", time.perf_counter())
            HTTP_REQUESTS.labels(settings.service, request.method, endpoint, str(response.status_code)).inc()
            HTTP_LATENCY.labels(settings.service, request.method, endpoint).observe(elapsed)
            if response.status_code >= 500:
                HTTP_ERRORS.labels(settings.service, request.method, endpoint).inc()
        return response

    @app.teardown_request
    def end_request(_error: BaseException | None) -> None:
        _end_write_budget()
        token = g.pop("correlation_token", None)
        if token is not None:
            context.reset_correlation_id(token)


_BUDGET_KEY = "ipt.write_budget"


def _start_write_budget() -> None:
    if request.method not in READS:
        budget = request_budget(WRITE_BUDGET_SECONDS)
        budget.__enter__()
        g.setdefault(_BUDGET_KEY, budget)


def _end_write_budget() -> None:
    budget = g.pop(_BUDGET_KEY, None)
    if budget is not None:
        budget.__exit__(None, None, None)


# Every answer of every service, pages of the staff UI included (which set stricter ones first):
# no browser guesses a type, frames the page on another site or sends the URL elsewhere.
BASELINE_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
    "Cross-Origin-Opener-Policy": "same-origin",
}
# HTML without a policy of its own (the API documentation page): it may not be framed.
HTML_FALLBACK_POLICY = "frame-ancestors 'none'; base-uri 'none'; form-action 'self'; object-src 'none'"


def _baseline_headers(response: Response) -> None:
    for name, value in BASELINE_HEADERS.items():
        response.headers.setdefault(name, value)
    if response.mimetype == "text/html":
        response.headers.setdefault("Content-Security-Policy", HTML_FALLBACK_POLICY)


AUDITED_LISTS_KEY = "AUDITED_ENDPOINTS"
# A view that reaches a client through another record (an episode) names the client here.
AUDIT_CLIENT_KEY = "audit_client_id"
READS = ("GET", "HEAD")
UNAUDITED = frozenset({"ui.static", "ui.keep_alive", "self_report.static"})
SIGN_IN = "ui.login"  # a staff page sign-in, signed in or refused, is recorded too
UNKNOWN_ACTOR = "-"
AUDIT_ENDPOINT = "audit.AuditLog"  # always recorded: reading the trail is itself worth knowing


def _audit_record_access(app: Flask, response: Response) -> Response:
    """Who saw or changed which client's record, when, from where, with what result: every
    signed-in request that names or shows a client, lists clients, changes anything or is
    refused is recorded in the service's audit trail (shared/audit.py) and logged as one line.
    Identifiers only, never record content.

    A read whose record cannot be stored is not answered (503): nobody reads a client unrecorded.
    """
    principal = g.get("principal")
    if principal is None and request.endpoint == SIGN_IN and request.method == "POST":
        principal = Principal(sub=UNKNOWN_ACTOR, role=UNKNOWN_ACTOR)  # a failed sign-in: who is not known
    if principal is None or request.endpoint in UNAUDITED:
        return response
    clients = _clients_of(response)
    status = response.status_code
    listed = request.endpoint in app.config.get(AUDITED_LISTS_KEY, ()) or request.endpoint == AUDIT_ENDPOINT
    if not (clients or listed or request.method not in READS or status in (403, 404, 429)):
        return response
    record = new_record(
        service=app.config["SERVICE_NAME"],
        actor=principal.sub,
        role=principal.role,
        action=f"{request.method} {request.endpoint}",
        address=request.remote_addr,
        status=status,
        clients=clients,
        result=g.get(AUDIT_RESULT_KEY),
        correlation_id=context.current_correlation_id(),
        emergency_grant=g.get(EMERGENCY_GRANT_KEY),
    )
    audit.info(
        "record access",
        extra={
            "actor": record.actor,
            "actor_role": record.role,
            "action": record.action,
            "client_id": record.client_id,
            "clients": len(record.clients),
            "remote_addr": record.address,
            "status": status,
            "result": record.result,
            "emergency_grant": record.emergency_grant,
        },
    )
    circuit: DatabaseCircuit = app.extensions[CIRCUIT_KEY]
    try:
        circuit.check()  # the database is known to be down: do not wait on it again
        with request_budget(WRITE_BUDGET_SECONDS):
            app.extensions[AUDIT_KEY].append(record)
    except Exception as error:  # noqa: BLE001 - any failure to record is handled the same way
        if is_unavailable(error):
            circuit.trip()
        log.error("audit record not stored", extra={"error": error.__class__.__name__, "record_id": record.id})
        if request.method in READS and status < 400 and record.clients:
            return _unrecorded()
    return response


# Answered without the database: health, readiness, metrics, the API documentation, static files.
_NO_DATABASE_ENDPOINTS = frozenset({"swagger_assets"})


def _needs_database() -> bool:
    rule, endpoint = request.url_rule, request.endpoint or ""
    if rule is None:
        return False  # routing answers 404 or 405
    if rule.rule in UNMEASURED or endpoint in _NO_DATABASE_ENDPOINTS:
        return False
    return not (endpoint.startswith("api-docs.") or endpoint.rpartition(".")[2] == "static")


def _refuse_query_that_is_not_text() -> None:
    """Query parameters holding what is not text are refused (422 naming each), as JSON fields and
    form fields are (shared/request_text.py): no view, search or log sees them."""
    bad = {
        "<key>" if has_non_text(name) else name: [NOT_TEXT_MESSAGE]
        for name, values in request.args.lists()
        if has_non_text(name) or any(has_non_text(value) for value in values)
    }
    if bad:
        abort(422, message="The request was well-formed but was unable to be followed.", messages={"query": bad})


def _refuse_unreadable_body() -> Response | None:
    """A JSON body the parser cannot read safely, or text fields holding what is not text, are
    refused here with a JSON 400 or 422 before any view parses them (shared/request_text.py)."""
    if request.method not in ("POST", "PUT", "PATCH", "DELETE"):
        return None
    if request.is_json:
        raw = request.get_data(cache=True)
        try:
            if raw:  # no body at all is the schema's to judge (a missing field, or nothing needed)
                check_json_body(raw)
        except BodyProblem as problem:
            return _body_problem(problem)
    elif request.form and any(has_non_text(value) for value in _form_texts()):
        abort(400, message=NOT_TEXT_MESSAGE)
    return None


def _form_texts() -> Iterable[str]:
    for name, values in request.form.lists():
        yield name
        yield from values


def _body_problem(problem: BodyProblem) -> Response:
    names = {400: "Bad Request", 422: "Unprocessable Entity"}
    body: dict[str, Any] = {"code": problem.status, "status": names[problem.status], "message": problem.message}
    if problem.errors:
        body["errors"] = problem.errors
    response = jsonify(body)
    response.status_code = problem.status
    return response


def _too_many(wait: int) -> Response:
    response = jsonify(
        code=429,
        status="Too Many Requests",
        message=f"Too many requests; try again in {_seconds(wait)}.",
    )
    response.status_code = 429
    response.headers["Retry-After"] = str(wait)
    return response


def _seconds(count: int) -> str:
    return f"{count} second{'s' if count != 1 else ''}"


def _unrecorded() -> Response:
    response = jsonify(
        code=503,
        status="Service Unavailable",
        message="The access could not be recorded, so nothing is shown. Try again shortly.",
        correlation_id=context.current_correlation_id(),
    )
    response.status_code = 503
    response.headers["Retry-After"] = str(current_app.extensions[CIRCUIT_KEY].retry_after())
    return response


def database_unavailable(error: BaseException) -> int:
    """Notes that the database failed this request (opening the circuit) and returns the seconds
    the caller should wait before trying again."""
    circuit: DatabaseCircuit = current_app.extensions[CIRCUIT_KEY]
    if isinstance(error, DatabaseUnavailable):
        return error.retry_after  # refused by the open circuit: nothing new learnt
    # The type only: a driver's message names hosts and settings, and the path may hold a token.
    log.warning("database unavailable", extra={"error": error.__class__.__name__, "endpoint": request.endpoint})
    circuit.trip()
    return circuit.retry_after()


def on_database_unavailable(blueprint: FlaskBlueprint, answer: Callable[[int], ResponseReturnValue]) -> None:
    """For a blueprint whose pages catch every error themselves (staff pages, the self-report page):
    a database outage is still a 503 with Retry-After that opens the circuit, drawn by `answer`
    from the seconds to wait."""

    def unavailable(error: Exception) -> Response:
        wait = database_unavailable(error)
        response = make_response(answer(wait))
        response.status_code = 503
        response.headers["Retry-After"] = str(wait)
        return response

    for kind in DATABASE_UNAVAILABLE:
        blueprint.register_error_handler(kind, unavailable)


def _unavailable_json(wait: int) -> Response:
    response = jsonify(
        code=503,
        status="Service Unavailable",
        message=f"The service cannot reach its database just now; try again in {_seconds(wait)}.",
        correlation_id=context.current_correlation_id(),
    )
    response.status_code = 503
    response.headers["Retry-After"] = str(wait)
    return response


def _clients_of(response: Response) -> list[str]:
    """The clients a request named (URL, query, what the view said) or an API answer showed."""
    named = list(g.get(AUDIT_CLIENTS_KEY, []))
    for found in ((request.view_args or {}).get("client_id"), request.args.get("client_id"), g.get(AUDIT_CLIENT_KEY)):
        if found:
            named.append(str(found))
    # The audit trail's own answer lists other people's accesses, not clients this caller read.
    scan = request.endpoint != AUDIT_ENDPOINT and request.path.startswith("/api/")
    if scan and response.is_json and not response.is_streamed:
        named += _client_ids_in(response.get_json(silent=True))
    return list(dict.fromkeys(named))


def _client_ids_in(body: Any, depth: int = 0) -> list[str]:
    """Every `client_id` in an answer: of one record, of each record of a list, and of the records
    a record holds (a group's members, a series' sessions), a few levels deep."""
    if depth > 3:
        return []
    if isinstance(body, list):
        return [found for item in body for found in _client_ids_in(item, depth + 1)]
    if not isinstance(body, dict):
        return []
    found = [str(body["client_id"])] if isinstance(body.get("client_id"), str) and body["client_id"] else []
    return found + [
        inner
        for value in body.values()
        if isinstance(value, (dict, list))
        for inner in _client_ids_in(value, depth + 1)
    ]


def api_routes(app: Flask) -> list[tuple[str, str]]:
    """(endpoint, method) of every /api route, HEAD and OPTIONS aside."""
    return sorted(
        {
            (rule.endpoint, method)
            for rule in app.url_map.iter_rules()
            if rule.rule.startswith("/api/")
            for method in (rule.methods or set()) - {"HEAD", "OPTIONS"}
        }
    )


def _required_roles(app: Flask) -> tuple[str, ...]:
    rule = request.url_rule
    if rule is None:
        return ROLES  # unmatched path: let routing answer 404/405
    # Flask answers HEAD with the GET method, so HEAD is allowed to whoever may GET.
    method = "GET" if request.method == "HEAD" else request.method
    if method not in (rule.methods or set()):
        return ROLES  # method not allowed: let routing answer 405
    table: RouteRoles = app.config[ROUTE_ROLES_KEY]
    return table.get(rule.endpoint, {}).get(method, ())


IDEMPOTENCY_HEADER = "Idempotency-Key"
_KEY_CHARACTERS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.")


def idempotency_key() -> str | None:
    """The request's Idempotency-Key header: a resend with the same key gets the first result.

    8 to 64 letters, digits, '-', '_' or '.'; anything else is refused (422) rather than ignored,
    so a client never believes it is protected when it is not.
    """
    key = request.headers.get(IDEMPOTENCY_HEADER)
    if key is None:
        return None
    if not 8 <= len(key) <= 64 or not set(key) <= _KEY_CHARACTERS:
        abort(
            422,
            message="The Idempotency-Key header is not valid.",
            messages={"headers": {IDEMPOTENCY_HEADER: ["8 to 64 letters, digits, '-', '_' or '.'."]}},
        )
    return key


def _safe_correlation(value: str) -> str:
    # A caller-supplied id is echoed into logs and events: accept only a plain token shape.
    cleaned = value.strip()
    if 0 < len(cleaned) <= 64 and all(ch.isalnum() or ch in "-_." for ch in cleaned):
        return cleaned
    return str(uuid.uuid4())


PLAIN_DATA = (str, int, float, bool, list, dict)


def _register_error_handlers(app: Flask) -> None:
    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException) -> tuple[Response, int]:
        body: dict[str, Any] = {"code": error.code, "status": error.name, "message": error.description}
        extra = getattr(error, "data", None) or {}
        if "messages" in extra:
            body["errors"] = extra["messages"]
        if extra.get("message"):
            body["message"] = extra["message"]
        # Plain data a view attached (e.g. the ids of possible duplicates) is passed on; the
        # parser's own objects (exception, schema) are not.
        body.update(
            {
                k: v
                for k, v in extra.items()
                if k not in {"messages", "message", "headers"} and isinstance(v, PLAIN_DATA)
            }
        )
        response = jsonify(body)
        for name, value in error.get_response().headers.items() if error.code == 405 else []:
            if name == "Allow":
                response.headers["Allow"] = value
        return response, error.code or 500

    # The domain's refusals, mapped once for every service.
    @app.errorhandler(NotFound)
    def not_found(error: NotFound) -> tuple[Response, int]:
        return jsonify(code=404, status="Not Found", message=f"Not found: {error}."), 404

    @app.errorhandler(NotAllowed)
    def not_allowed(error: NotAllowed) -> tuple[Response, int]:
        return jsonify(code=403, status="Forbidden", message=str(error)), 403

    @app.errorhandler(Conflict)
    def conflict(error: Conflict) -> tuple[Response, int]:
        # The details come first, so none of them can replace (or clash with) the standard fields.
        return jsonify({**error.details, "code": 409, "status": "Conflict", "message": str(error)}), 409

    @app.errorhandler(Invalid)
    def invalid(error: Invalid) -> tuple[Response, int]:
        return jsonify(
            code=422, status="Unprocessable Entity", message=error.summary, errors={"json": error.errors}
        ), 422

    # The database down or too slow: not the caller's fault, and likely over in a moment.
    def unavailable(error: Exception) -> Response:
        return _unavailable_json(database_unavailable(error))

    for kind in DATABASE_UNAVAILABLE:
        app.register_error_handler(kind, unavailable)

    @app.errorhandler(Exception)
    def unexpected(error: Exception) -> tuple[Response, int]:
        log.exception("unhandled error", extra={"path": request.path})
        return jsonify(
            code=500,
            status="Internal Server Error",
            message="Something went wrong; the correlation id identifies it in the logs.",
            correlation_id=context.current_correlation_id(),
        ), 500
