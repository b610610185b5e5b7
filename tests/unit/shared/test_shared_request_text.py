"""The body check every service runs before a view parses a request (shared/request_text.py)."""

from __future__ import annotations

import json

import pytest
from gunicorn.http.errors import ConfigurationProblem, InvalidRequestLine, LimitRequestHeaders, LimitRequestLine

from shared.auth import issue_token
from shared.gunicorn_worker import json_error_bytes, refusal_for
from shared.request_text import MAX_DEPTH, NOT_TEXT_MESSAGE, BodyProblem, check_json_body, has_non_text
from shared.roles import ROLES
from tests.unit.shared.conftest import SECRET, api_routes, concrete, make_app


@pytest.mark.parametrize("text", ["Ann", "Zoë O'Brien-Núñez", "line\nbreak\tand tab", "محمد", "李小龙", "🙂"])
def test_ordinary_text_in_any_script_is_text(text: str) -> None:
    assert not has_non_text(text)


@pytest.mark.parametrize("char", ["\x00", "\x07", "\x1b", "\x7f", "\x85", "\u202e", "\u2066", "\ud800", "\udfff"])
def test_controls_direction_overrides_and_lone_surrogates_are_not_text(char: str) -> None:
    assert has_non_text(f"Ann{char}e")


def problem(raw: bytes | str) -> BodyProblem:
    with pytest.raises(BodyProblem) as caught:
        check_json_body(raw.encode() if isinstance(raw, str) else raw)
    return caught.value


def test_a_readable_body_is_returned_parsed() -> None:
    assert check_json_body(b'{"a": [1, {"b": "x"}]}') == {"a": [1, {"b": "x"}]}


@pytest.mark.parametrize(
    "raw",
    ["[" * 5000 + "]" * 5000, '{"a":' * 3000 + "1" + "}" * 3000, "[" * (MAX_DEPTH + 2) + "]" * (MAX_DEPTH + 2)],
)
def test_nesting_too_deep_is_a_400_whether_or_not_the_parser_copes(raw: str) -> None:
    refused = problem(raw)
    assert refused.status == 400 and "nested" in refused.message


def test_nesting_to_the_limit_is_accepted() -> None:
    assert check_json_body(("[" * MAX_DEPTH + "]" * MAX_DEPTH).encode())


@pytest.mark.parametrize(
    ("raw", "words"),
    [
        ('{"n": ' + "9" * 5000 + "}", "number too long"),
        (b'{"a": "\xff"}', "UTF-8"),
        ("{nope", "line 1, column 2"),
    ],
)
def test_unreadable_json_is_a_400_saying_why(raw: bytes | str, words: str) -> None:
    refused = problem(raw)
    assert refused.status == 400 and words in refused.message


def test_bad_text_is_a_422_naming_each_field_where_a_schema_would() -> None:
    body = {"given_name": "A\u0000", "contact": {"email": "a\u202e@x.org"}, "answers": [1, "ok", "\ud800"], "fine": "x"}
    refused = problem(json.dumps(body))
    assert refused.status == 422
    assert refused.errors == {
        "json": {
            "given_name": [NOT_TEXT_MESSAGE],
            "contact": {"email": [NOT_TEXT_MESSAGE]},
            "answers": {2: [NOT_TEXT_MESSAGE]},
        }
    }


def test_a_bad_key_is_refused_too() -> None:
    assert problem('{"a\\u0000": 1}').errors == {"json": {"<key>": [NOT_TEXT_MESSAGE]}}


def test_gunicorns_refusals_map_to_json_answers() -> None:
    assert refusal_for(LimitRequestLine(9000, 4094))[0] == 414  # type: ignore[index]
    assert refusal_for(LimitRequestHeaders("too many"))[0] == 431  # type: ignore[index]
    assert refusal_for(InvalidRequestLine("x"))[0] == 400  # type: ignore[index]
    assert refusal_for(ConfigurationProblem("x")) is None
    assert refusal_for(RuntimeError()) is None
    raw = json_error_bytes(414, "URI Too Long", "The request line is too long.")
    head, _, body = raw.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 414 URI Too Long") and b"application/json" in head
    assert json.loads(body) == {"code": 414, "status": "URI Too Long", "message": "The request line is too long."}
    assert f"Content-Length: {len(body)}".encode() in head


def _first_post_route(app) -> str:
    return next(concrete(rule) for rule, method, _view in api_routes(app) if method == "POST")


@pytest.mark.parametrize("service", ["intake", "sessions", "outcomes", "notifications"])
def test_every_service_answers_unreadable_and_non_text_bodies_in_json(service: str) -> None:

    app = make_app(service)
    client, path = app.test_client(), _first_post_route(app)
    for role in ROLES:  # a role the route allows, so the body is looked at
        token = issue_token(SECRET, "someone", role)
        headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
        deep = client.post(path, data="[" * 5000 + "]" * 5000, headers=headers)
        if deep.status_code != 403:
            break
    assert deep.status_code == 400 and deep.is_json and "nested" in deep.json["message"]
    control = client.post(path, data='{"note": "a\\u0000b"}', headers=headers)
    assert control.status_code == 422 and control.json["errors"] == {"json": {"note": [NOT_TEXT_MESSAGE]}}


def test_a_staff_form_with_what_is_not_text_is_refused() -> None:
    answer = make_app("intake").test_client().post("/ui/login", data={"username": "a\x00b", "password": "x" * 12})
    assert answer.status_code == 400
