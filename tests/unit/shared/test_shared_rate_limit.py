"""API rate limits: a token bucket per caller and per address, 429 with Retry-After."""

from __future__ import annotations

import pytest

from shared.audit import AuditQuery
from shared.audit_api import AUDIT_KEY
from shared.config import Settings
from shared.rate_limit import RateLimiter
from tests.unit.shared.conftest import SECRET, make_app


class Ticks:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_a_minutes_allowance_passes_at_once_then_refills_evenly():
    ticks = Ticks()
    limiter = RateLimiter(60, clock=ticks)  # one a second
    assert [limiter.take("dr-a") for _ in range(60)] == [0] * 60
    assert limiter.take("dr-a") == 1
    ticks.now += 0.5
    assert limiter.take("dr-a") == 1, "half a token is not a request"
    ticks.now += 0.5
    assert limiter.take("dr-a") == 0 and limiter.take("dr-a") == 1
    assert limiter.take("dr-b") == 0, "every caller has a bucket of their own"


def test_the_wait_named_is_the_time_to_the_next_whole_request():
    ticks = Ticks()
    limiter = RateLimiter(6, clock=ticks)  # one every 10 seconds
    for _ in range(6):
        limiter.take("x")
    assert limiter.take("x") == 10
    ticks.now += 4
    assert limiter.take("x") == 6


def test_no_limit_at_zero_and_never_a_negative_one():
    assert all(RateLimiter(0).take("x") == 0 for _ in range(10_000))
    with pytest.raises(ValueError):
        RateLimiter(-1)


def test_the_least_recently_seen_callers_are_forgotten_beyond_the_cap():
    ticks = Ticks()
    limiter = RateLimiter(1, clock=ticks, max_keys=2)
    assert limiter.take("a") == 0 and limiter.take("a") > 0
    limiter.take("b")
    limiter.take("c")  # "a" goes: it starts full again
    assert limiter.take("a") == 0


def test_the_limits_are_settings_checked_at_start_up():
    settings = Settings.from_env("intake", env={"IPT_JWT_SECRET": SECRET, "API_RATE_PER_USER": "30"})
    assert (settings.api_rate_per_user, settings.api_rate_per_address, settings.trusted_proxy_hops) == (30, 1200, 0)
    for bad in ("-1", "lots", "1.5"):
        with pytest.raises(ValueError, match="API_RATE_PER_ADDRESS"):
            Settings.from_env("intake", env={"IPT_JWT_SECRET": SECRET, "API_RATE_PER_ADDRESS": bad})


@pytest.mark.parametrize("service", ["intake", "notifications"])
def test_a_caller_over_their_allowance_gets_429_with_retry_after_and_others_go_on(service, auth):
    app = make_app(service, API_RATE_PER_USER="3", API_RATE_PER_ADDRESS="100")
    web = app.test_client()
    url = "/api/v1/work-queue" if service == "intake" else "/api/v1/alerts"
    assert [web.get(url, headers=auth("supervisor", "sup-1")).status_code for _ in range(3)] == [200] * 3
    refused = web.get(url, headers=auth("supervisor", "sup-1"))
    assert refused.status_code == 429 and int(refused.headers["Retry-After"]) >= 1
    assert refused.get_json()["code"] == 429 and "try again" in refused.get_json()["message"]
    assert web.get(url, headers=auth("supervisor", "sup-2")).status_code == 200
    [recorded] = app.extensions[AUDIT_KEY].find(AuditQuery(actor="sup-1"))[0][:1]
    assert (recorded.status, recorded.result) == (429, "limited")


def test_an_address_over_its_allowance_is_refused_before_any_token_is_read(auth):
    app = make_app("intake", API_RATE_PER_USER="100", API_RATE_PER_ADDRESS="2")
    web = app.test_client()
    web.environ_base["REMOTE_ADDR"] = "10.4.4.4"
    assert web.get("/api/v1/instruments", headers=auth("intake", "a")).status_code == 200
    assert web.get("/api/v1/instruments").status_code == 401  # counted too: guessing tokens costs
    flood = web.get("/api/v1/instruments", headers=auth("intake", "b"))
    assert flood.status_code == 429 and flood.headers["Retry-After"] == "30"
    other = app.test_client()
    other.environ_base["REMOTE_ADDR"] = "10.5.5.5"
    assert other.get("/api/v1/instruments", headers=auth("intake", "b")).status_code == 200
    assert web.get("/healthz").status_code == 200, "health, metrics and the staff pages are not the API"


def test_behind_a_trusted_proxy_the_forwarded_address_is_the_callers(auth):
    app = make_app("intake", API_RATE_PER_ADDRESS="1", TRUSTED_PROXY_HOPS="1")
    web = app.test_client()
    for caller in ("10.0.0.1", "10.0.0.2"):
        forwarded = {"X-Forwarded-For": caller} | auth("intake", caller)
        assert web.get("/api/v1/instruments", headers=forwarded).status_code == 200
    again = {"X-Forwarded-For": "10.0.0.1"} | auth("intake", "10.0.0.1")
    assert web.get("/api/v1/instruments", headers=again).status_code == 429
